/**
 * API keys of the victim server. The keys file is a JSON array of entries
 *
 *   [{ "id": "alice", "key_sha256": "<64 hex>", "budget": 10000, "rate_per_minute": 600, "probabilities": true }]
 *
 * holding only the SHA-256 of each bearer token, so a leaked keys file leaks no token. Tokens are
 * made by `newKeyEntry` (or `npm run serve -- add-key`), shown once, and never stored. An entry
 * may name a `defense` for that key's answers (watermark, perturb, membership-gate; see
 * ./defense-config.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { writeFileAtomic } from "../model/safetensors";
import { DefenseConfig, validateDefense } from "./defense-config";

export interface ApiKey {
  /** Names the key in the state file, the query log and messages. */
  id: string;
  /** SHA-256 (hex) of the bearer token. */
  key_sha256: string;
  /** Total inputs (texts or pairs) the key may ever query. */
  budget: number;
  /** Requests per minute (each of up to --max-batch inputs). */
  rate_per_minute: number;
  /** Whether answers carry class probabilities; labels only otherwise. Default false. */
  probabilities?: boolean;
  /** What the server does to this key's answers (./defense-config.ts). Default none. */
  defense?: DefenseConfig;
}

const TOKEN_PREFIX = "tl_";

/** SHA-256 (hex) of a bearer token, as stored in the keys file. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A fresh random bearer token (256 bits). */
export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "string" ? JSON.stringify(value) : `${typeof value} ${JSON.stringify(value)}`;
}

/** Checks one parsed entry; `where` names it in errors. */
export function validateKey(entry: unknown, where: string): ApiKey {
  const fix = `each entry is {"id": "alice", "key_sha256": "<64 hex>", "budget": 10000, "rate_per_minute": 600, "probabilities": true}, optionally with a "defense" (watermark, perturb or membership-gate)`;
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new Error(`${where} is ${describe(entry)}; ${fix}`);
  const e = entry as Record<string, unknown>;
  const known = ["id", "key_sha256", "budget", "rate_per_minute", "probabilities", "defense"];
  for (const field of Object.keys(e)) if (!known.includes(field)) throw new Error(`${where} has an unknown field "${field}"; the fields are ${known.join(", ")}`);
  if (typeof e.id !== "string" || !/^[A-Za-z0-9._-]{1,64}$/.test(e.id)) throw new Error(`${where}: "id" must be 1–64 letters, digits, ".", "_" or "-"; got ${describe(e.id)}`);
  if (typeof e.key_sha256 !== "string" || !/^[0-9a-f]{64}$/.test(e.key_sha256)) throw new Error(`${where} (${e.id}): "key_sha256" must be 64 lower-case hex digits (sha256 of the token); got ${describe(e.key_sha256)}`);
  for (const field of ["budget", "rate_per_minute"] as const) {
    if (!Number.isSafeInteger(e[field]) || (e[field] as number) < (field === "budget" ? 0 : 1)) {
      throw new Error(`${where} (${e.id}): "${field}" must be an integer ≥ ${field === "budget" ? 0 : 1}; got ${describe(e[field])}`);
    }
  }
  if (e.probabilities !== undefined && typeof e.probabilities !== "boolean") throw new Error(`${where} (${e.id}): "probabilities" must be true or false; got ${describe(e.probabilities)}`);
  const key: ApiKey = { id: e.id, key_sha256: e.key_sha256, budget: e.budget as number, rate_per_minute: e.rate_per_minute as number, probabilities: e.probabilities ?? false };
  if (e.defense !== undefined) key.defense = validateDefense(e.defense, `${where} (${e.id})`);
  return key;
}

/** Checks a whole key list: valid entries, no id or hash twice. */
export function validateKeys(entries: unknown, source: string): ApiKey[] {
  if (!Array.isArray(entries)) throw new Error(`${source}: must hold a JSON array of key entries; got ${describe(entries)}`);
  const keys = entries.map((e, i) => validateKey(e, `${source}[${i}]`));
  const ids = new Set<string>();
  const hashes = new Set<string>();
  for (const k of keys) {
    if (ids.has(k.id)) throw new Error(`${source}: the id "${k.id}" appears twice; ids must be unique`);
    if (hashes.has(k.key_sha256)) throw new Error(`${source}: "${k.id}" has the same key_sha256 as an earlier entry; make a new token for it`);
    ids.add(k.id);
    hashes.add(k.key_sha256);
  }
  return keys;
}

/** Reads and checks a keys file. */
export function readKeys(file: string): ApiKey[] {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such keys file; make one with \`npm run serve -- add-key --keys ${file} --id NAME\``);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return validateKeys(raw, file);
}

export interface NewKeyArgs {
  id: string;
  /** Default 10,000 inputs. */
  budget?: number;
  /** Default 600 requests per minute. */
  rate_per_minute?: number;
  /** Default false. */
  probabilities?: boolean;
  /** Default none. */
  defense?: DefenseConfig;
}

/** A new key entry and its token; the token is not kept anywhere, so show it to its owner now. */
export function newKeyEntry(args: NewKeyArgs): { token: string; entry: ApiKey } {
  const token = newToken();
  const entry = validateKey(
    {
      id: args.id, key_sha256: hashToken(token), budget: args.budget ?? 10_000, rate_per_minute: args.rate_per_minute ?? 600, probabilities: args.probabilities ?? false,
      ...(args.defense ? { defense: args.defense } : {}),
    },
    `key "${args.id}"`,
  );
  return { token, entry };
}

/** Adds a new key to `file` (created if absent, rewritten atomically) and returns its token. */
export function addKey(file: string, args: NewKeyArgs): { token: string; entry: ApiKey } {
  const keys = fs.existsSync(file) ? readKeys(file) : [];
  if (keys.some((k) => k.id === args.id)) throw new Error(`${file}: a key with id "${args.id}" exists already; pick another id or delete that entry first`);
  const made = newKeyEntry(args);
  writeFileAtomic(file, JSON.stringify([...keys, made.entry], null, 2) + "\n");
  return made;
}

/** Looks keys up by bearer token. */
export class KeyRing {
  private readonly byHash = new Map<string, ApiKey>();
  private readonly byId = new Map<string, ApiKey>();

  constructor(readonly keys: readonly ApiKey[]) {
    for (const k of validateKeys(keys, "keys")) {
      this.byHash.set(k.key_sha256, k);
      this.byId.set(k.id, k);
    }
  }

  /** The key whose token this is, if any (comparing hashes, so timing reveals nothing of a token). */
  find(token: string): ApiKey | undefined {
    return this.byHash.get(hashToken(token));
  }

  get(id: string): ApiKey | undefined {
    return this.byId.get(id);
  }
}
