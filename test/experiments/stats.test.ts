/** The exact McNemar test against values from Python's exact binomial sums (math.comb), and its edge cases. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mcnemarExact } from "../../lib/experiments/stats";

test("exact McNemar p-values match the binomial sums", () => {
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12 * Math.max(1, b), `${a} vs ${b}`);
  close(mcnemarExact(10, 2), 0.03857421875);
  close(mcnemarExact(2, 10), 0.03857421875);
  close(mcnemarExact(40, 60), 0.05688793364098079);
  close(mcnemarExact(300, 240), 0.011050481081930009);
  assert.equal(mcnemarExact(5, 5), 1, "an even split is no evidence");
  assert.equal(mcnemarExact(0, 0), 1, "no disagreement, no evidence");
  assert.equal(mcnemarExact(1, 0), 1);
});

test("thousands of disagreements stay finite (summed in log space)", () => {
  const p = mcnemarExact(3000, 3200);
  assert.ok(p > 0 && p < 0.05, `p = ${p}`);
  assert.ok(mcnemarExact(3000, 3010) > 0.5);
});
