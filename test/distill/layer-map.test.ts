/** lib/distill/layer-map.ts: TinyBERT's uniform student ↔ teacher layer map and its refusals. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { layerMap } from "../../lib/distill/layer-map";

const pairs = (ls: number, lt: number) => layerMap(ls, lt).map((p) => [p.student, p.teacher]);

test("layerMap pairs student layer i with teacher layer i · Lt / Ls, embeddings with embeddings", () => {
  assert.deepEqual(pairs(2, 4), [[0, 0], [1, 2], [2, 4]]);
  assert.deepEqual(pairs(2, 6), [[0, 0], [1, 3], [2, 6]]);
  assert.deepEqual(pairs(3, 6), [[0, 0], [1, 2], [2, 4], [3, 6]]);
  assert.deepEqual(pairs(4, 4), [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]]);
});

test("layerMap refuses a deeper student, a teacher depth that is not a multiple, and non-positive depths", () => {
  assert.throws(() => layerMap(4, 6), /teacher layers \(6\) are not a multiple of student layers \(4\); pass explicit layer pairs/);
  assert.throws(() => layerMap(3, 2), /the student has more layers \(3\) than the teacher \(2\)/);
  assert.throws(() => layerMap(0, 4), /student layers must be a positive integer, got 0/);
  assert.throws(() => layerMap(2, 2.5), /teacher layers must be a positive integer, got 2.5/);
});
