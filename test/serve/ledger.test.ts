/**
 * The ledger's ordering, with a log whose appends the test releases by hand: a commit resolves
 * only after its append, the state on disk already counts the reservation when the append
 * starts, and commits that arrive during a flush share the next one.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { BudgetBook } from "../../lib/serve/budgets";
import { Ledger, RecordSink } from "../../lib/serve/ledger";
import { QueryRecord } from "../../lib/serve/query-log";
import { tempDir, testKey } from "./fixtures";

const TMP = tempDir("ledger");
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

class HeldLog implements RecordSink {
  appends: { records: QueryRecord[]; stateOnDisk: unknown; release: () => void }[] = [];
  constructor(private readonly stateFile: string) {}
  append(records: QueryRecord[]): Promise<void> {
    return new Promise((resolve) => this.appends.push({ records, stateOnDisk: JSON.parse(fs.readFileSync(this.stateFile, "utf8")), release: resolve }));
  }
}

const record = (n: number): QueryRecord => ({ request: `r${n}`, key: "k", time: new Date(0).toISOString(), inputs: [`x${n}`], outputs: [] });
const tick = () => new Promise((r) => setImmediate(r));

test("a commit resolves only after its append; the state on disk counts it first; later commits share the next flush", async () => {
  const stateFile = path.join(TMP, "state.json");
  const key = testKey("k", { budget: 100 }).entry;
  const budgets = new BudgetBook(stateFile);
  const log = new HeldLog(stateFile);
  const ledger = new Ledger(budgets, log);
  const done: string[] = [];

  assert.ok(budgets.reserve(key, 3));
  const first = ledger.commit(record(1)).then(() => done.push("r1"));
  await tick();
  assert.equal(log.appends.length, 1);
  assert.deepEqual(log.appends[0].stateOnDisk, { version: 1, used: { k: 3 } }, "state saved before the log append");
  assert.equal(done.length, 0, "not acknowledged before the append is on disk");

  budgets.reserve(key, 1);
  const second = ledger.commit(record(2)).then(() => done.push("r2"));
  budgets.reserve(key, 1);
  const third = ledger.commit(record(3)).then(() => done.push("r3"));
  await tick();
  assert.equal(log.appends.length, 1, "one flush at a time");

  log.appends[0].release();
  await first;
  await tick();
  assert.deepEqual(done, ["r1"]);
  assert.equal(log.appends.length, 2);
  assert.deepEqual(log.appends[1].records.map((r) => r.request), ["r2", "r3"], "commits during a flush share the next one");
  assert.deepEqual(log.appends[1].stateOnDisk, { version: 1, used: { k: 5 } });
  log.appends[1].release();
  await Promise.all([second, third]);
  assert.deepEqual(done, ["r1", "r2", "r3"]);
  await ledger.drain();
});

test("a failed append rejects every commit of its group", async () => {
  const stateFile = path.join(TMP, "state-fail.json");
  const failing: RecordSink = { append: async () => { throw new Error("disk full"); } };
  const ledger = new Ledger(new BudgetBook(stateFile), failing);
  await assert.rejects(ledger.commit(record(1)), /disk full/);
});
