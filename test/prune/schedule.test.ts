import { test } from "node:test";
import assert from "node:assert/strict";
import { roundsToReach, targetSparsity } from "../../lib/prune/schedule";

test("each round prunes `rate` of the original weights, up to the final sparsity and exactly onto it", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => targetSparsity(k, 0.1, 0.7)), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.7], "10 %, 20 %, … (not 1 − 0.9^k), with 3 × 0.1 exactly 0.3");
  assert.deepEqual([1, 2, 3].map((k) => targetSparsity(k, 0.2, 0.5)), [0.2, 0.4, 0.5], "the last round stops at the final sparsity");
  assert.equal(roundsToReach(0.7, 0.1), 7);
  assert.equal(roundsToReach(0.9, 0.1), 9);
  assert.equal(roundsToReach(0.5, 0.2), 3);
  assert.equal(roundsToReach(0, 0.1), 0, "a final sparsity of 0 is the dense round alone");
  assert.throws(() => targetSparsity(1, 0, 0.5), /pruning rate 0 is not in \(0, 1\]/);
  assert.throws(() => targetSparsity(1, 0.1, 1.2), /final sparsity 1\.2 is not in \[0, 1\]/);
});
