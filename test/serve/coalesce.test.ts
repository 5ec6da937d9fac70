/**
 * CoalescingVictim: concurrent queries share one call of the wrapped victim (up to maxInputs),
 * each gets its own answers in order, and one failing query does not fail its neighbours.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { VictimInput } from "../../lib/extract/victim";
import { CoalescingVictim } from "../../lib/serve/coalesce";
import { FakeVictim } from "./fixtures";

class CountingVictim extends FakeVictim {
  sizes: number[] = [];
  override async query(inputs: VictimInput[]) {
    this.sizes.push(inputs.length);
    if (inputs.some((x) => x === "poison")) throw new Error("poisoned batch");
    return super.query(inputs);
  }
}

test("concurrent queries go to the wrapped victim together and get their own answers, in order", async () => {
  const inner = new CountingVictim();
  const v = new CoalescingVictim(inner, 10);
  assert.deepEqual(v.labels, inner.labels);
  const queries = [["a", "bb"], ["ccc"], ["dddd", "e", "ff"], ["g", "hh", "iii", "jjjj"], ["k", "l"]];
  const answers = await Promise.all(queries.map((q) => v.query(q)));
  const reference = new FakeVictim();
  for (let i = 0; i < queries.length; i++) assert.deepEqual(answers[i], await reference.query(queries[i]));
  assert.deepEqual(inner.sizes, [10, 2], "10 inputs fit the first call, the rest go in the next");
  // A query arriving later, alone, is answered too (the loop restarts).
  assert.deepEqual(await v.query(["zz"]), await reference.query(["zz"]));
  assert.deepEqual(inner.sizes, [10, 2, 1]);
});

test("a query larger than maxInputs still goes whole", async () => {
  const inner = new CountingVictim();
  const v = new CoalescingVictim(inner, 2);
  const answers = await Promise.all([v.query(["a", "b", "c"]), v.query(["d"])]);
  assert.deepEqual(answers.map((a) => a.length), [3, 1]);
  assert.deepEqual(inner.sizes, [3, 1]);
});

test("a query that makes the victim fail fails alone; its neighbours are answered", async () => {
  const inner = new CountingVictim();
  const v = new CoalescingVictim(inner);
  const [ok1, bad, ok2] = await Promise.allSettled([v.query(["fine"]), v.query(["poison"]), v.query(["also fine"])]);
  assert.equal(ok1.status, "fulfilled");
  assert.equal(ok2.status, "fulfilled");
  assert.equal(bad.status, "rejected");
  assert.match(String((bad as PromiseRejectedResult).reason), /poisoned batch/);
  assert.deepEqual(inner.sizes, [3, 1, 1, 1], "one shared try, then each on its own");
});
