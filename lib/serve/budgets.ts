/**
 * Per-key query budgets, counted in inputs and kept in a state file that survives restarts:
 *
 *   { "version": 1, "used": { "alice": 1234 } }
 *
 * Inputs are reserved before the model runs, so concurrent requests cannot overspend, and the
 * file counts reservations too: after a crash it may charge for queries that were never
 * answered, never the other way round.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../model/safetensors";
import { fsyncDirectory } from "./fsync-dir";
import { ApiKey } from "./keys";

interface StateFile {
  version: 1;
  /** Inputs charged to each key id (ids no longer in the keys file are kept). */
  used: Record<string, number>;
}

function readState(file: string): StateFile {
  if (!fs.existsSync(file)) return { version: 1, used: {} };
  let raw: any;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    // Written atomically, so a bad file was edited by hand; guessing would reset budgets.
    throw new Error(`${file}: the budget state is not valid JSON (${(err as Error).message}); fix it, or delete it to reset every key's budget`);
  }
  if (raw?.version !== 1 || typeof raw.used !== "object" || raw.used === null) {
    throw new Error(`${file}: not a budget state file (expected {"version": 1, "used": {"<key id>": <inputs>}}); point --state elsewhere or delete it to reset every key's budget`);
  }
  for (const [id, n] of Object.entries(raw.used)) {
    if (!Number.isSafeInteger(n) || (n as number) < 0) throw new Error(`${file}: used["${id}"] is ${JSON.stringify(n)}, not a count of inputs`);
  }
  return raw as StateFile;
}

export class BudgetBook {
  private readonly used: Map<string, number>;

  /** Loads `file` (a missing file means nothing used yet). */
  constructor(readonly file: string) {
    this.used = new Map(Object.entries(readState(file).used));
  }

  /** Inputs charged to `key` so far. */
  usedBy(key: ApiKey): number {
    return this.used.get(key.id) ?? 0;
  }

  /** Inputs `key` may still query (0 once spent, also if its budget was lowered below what it used). */
  left(key: ApiKey): number {
    return Math.max(0, key.budget - this.usedBy(key));
  }

  /** Charges `n` inputs to `key` if they fit in what is left; false (nothing charged) if not. */
  reserve(key: ApiKey, n: number): boolean {
    if (n > this.left(key)) return false;
    this.used.set(key.id, this.usedBy(key) + n);
    return true;
  }

  /** Gives back a reservation whose answers were never delivered. */
  release(key: ApiKey, n: number): void {
    this.used.set(key.id, Math.max(0, this.usedBy(key) - n));
  }

  /** Writes the counts (reservations included) atomically and fsynced, the rename too. */
  save(): void {
    const state: StateFile = { version: 1, used: Object.fromEntries(this.used) };
    writeFileAtomic(this.file, JSON.stringify(state, null, 2) + "\n");
    fsyncDirectory(path.dirname(path.resolve(this.file)));
  }
}
