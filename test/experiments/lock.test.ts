/** lib/experiments/lock.ts: holders of one run folder's lock take turns, the lock goes with the holder (even on error), a dead holder's lock is taken over. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { withLock } from "../../lib/experiments/lock";

const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "thieves-lock-")), "run");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("two holders of one lock take turns; the lock is gone afterwards, also after an error", async () => {
  const dir = tmp();
  const events: string[] = [];
  const holder = (name: string) => withLock(dir, async () => {
    events.push(`${name} in`);
    await sleep(60);
    events.push(`${name} out`);
    return name;
  }, 10);
  assert.deepEqual(await Promise.all([holder("a"), holder("b")]), ["a", "b"]);
  assert.deepEqual(events, ["a in", "a out", "b in", "b out"]);
  assert.equal(fs.existsSync(`${dir}.lock`), false);
  await assert.rejects(withLock(dir, async () => { throw new Error("boom"); }), /boom/);
  assert.equal(fs.existsSync(`${dir}.lock`), false, "released after the error");
});

test("a lock left by a process that is gone is taken over", async () => {
  const dir = tmp();
  fs.mkdirSync(`${dir}.lock`, { recursive: true });
  fs.writeFileSync(path.join(`${dir}.lock`, "pid"), "2147483646"); // no such process
  assert.equal(await withLock(dir, async () => "taken", 10), "taken");
});
