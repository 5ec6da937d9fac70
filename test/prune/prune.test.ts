import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { Rng } from "../../lib/engine/rng";
import { Masks, disposeMasks } from "../../lib/prune/masks";
import { magnitudePrune, randomPrune, randomPruneLike } from "../../lib/prune/prune";
import { countZeros } from "../../lib/prune/sparsity";

const tensors = (entries: [string, number[], number[]][]): Map<string, tf.Tensor> => new Map(entries.map(([n, shape, v]) => [n, tf.tensor(v, shape)]));
const values = (masks: Masks): Record<string, number[]> => Object.fromEntries([...masks].map(([n, m]) => [n, Array.from(m.dataSync())]));
const zerosOf = (masks: Masks): Record<string, number> => Object.fromEntries([...masks].map(([n, m]) => [n, countZeros(m.dataSync())]));

test("per-matrix and global thresholds give the masks written out by hand, and they differ", async () => {
  await initBackend({ quiet: true });
  // |A| = .1 .9 .3 / .5 .2 .8; |B| = 2 1 / .7 3. Half of everything pruned:
  const weights = tensors([["A", [2, 3], [0.1, -0.9, 0.3, 0.5, -0.2, 0.8]], ["B", [2, 2], [2.0, -1.0, 0.7, 3.0]]]);
  const perMatrix = magnitudePrune(weights, { sparsity: 0.5, scope: "matrix" });
  // each matrix loses its own smallest half: A .1 .2 .3; B .7 1
  assert.deepEqual(values(perMatrix), { A: [0, 1, 0, 1, 0, 1], B: [1, 0, 0, 1] });
  const global = magnitudePrune(weights, { sparsity: 0.5, scope: "global" });
  // the five smallest of all ten: .1 .2 .3 .5 .7 — four of them in A
  assert.deepEqual(values(global), { A: [0, 1, 0, 0, 0, 1], B: [1, 1, 0, 1] });
  for (const m of [perMatrix, global]) disposeMasks(m);
  disposeMasks(weights);
});

test("equal magnitudes are pruned in position order, so the count is exact (ties within and across matrices)", async () => {
  await initBackend({ quiet: true });
  const weights = tensors([["C", [1, 4], [0.5, -0.5, 0.5, 0.1]], ["D", [1], [0.5]], ["E", [1], [-0.5]]]);
  const perMatrix = magnitudePrune(new Map([["C", weights.get("C")!]]), { sparsity: 0.5, scope: "matrix" });
  assert.deepEqual(values(perMatrix), { C: [0, 1, 1, 0] }, "|-0.5| ties with 0.5: the earlier one goes");
  const global = magnitudePrune(weights, { sparsity: 0.5, scope: "global" }); // 3 of 6
  assert.deepEqual(values(global), { C: [0, 0, 1, 0], D: [1], E: [1] });
  for (const m of [perMatrix, global]) disposeMasks(m);
  disposeMasks(weights);
});

test("pruning with masks in force removes only survivors and counts sparsity against the original size", async () => {
  await initBackend({ quiet: true });
  const weights = tensors([["A", [2, 3], [0.1, -0.9, 0.3, 0.5, -0.2, 0.8]]]);
  // .9 and .8 — the largest — are already pruned; a target of 50 % (3 of 6) prunes one more, the smallest survivor .1.
  const prior = tensors([["A", [2, 3], [1, 0, 1, 1, 1, 0]]]);
  const next = magnitudePrune(weights, { sparsity: 0.5, scope: "matrix", masks: prior });
  assert.deepEqual(values(next), { A: [0, 0, 1, 1, 1, 0] });
  assert.throws(() => magnitudePrune(weights, { sparsity: 0.2, scope: "matrix", masks: prior }), /A already 2 of 6 pruned, more than the target 1/);
  assert.throws(() => magnitudePrune(weights, { sparsity: 0.5, scope: "global", masks: new Map() }), /the masks in force have none for A/);
  assert.throws(() => magnitudePrune(weights, { sparsity: 1.5, scope: "global" }), /sparsity 1\.5 is not in \[0, 1\]/);
  for (const m of [weights, prior, next]) disposeMasks(m);
});

test("IMP-style rounds reach exactly round(k × 10 % × count) zeros each round, pruned weights staying pruned", async () => {
  await initBackend({ quiet: true });
  const shapes: [string, number[]][] = [["a", [7, 13]], ["b", [16, 16]], ["c", [5, 3]]]; // 91 + 256 + 15 = 362
  const rng = new Rng(11);
  for (const scope of ["matrix", "global"] as const) {
    let masks: Masks = new Map(shapes.map(([n, s]) => [n, tf.ones(s)]));
    for (let k = 1; k <= 7; k++) {
      const target = Math.round(k * 0.1 * 1e12) / 1e12;
      // "Fine-tuned" weights: fresh values rounded to one decimal (many ties), zero where pruned.
      const weights = new Map(shapes.map(([n, s]) => {
        const w = tf.tensor(Array.from({ length: s[0] * s[1] }, () => Math.round(rng.normal() * 10) / 10), s);
        const masked = tf.mul(w, masks.get(n)!);
        w.dispose();
        return [n, masked];
      }));
      const next = magnitudePrune(weights, { sparsity: target, scope, masks });
      const zeros = zerosOf(next);
      if (scope === "matrix") {
        for (const [n, s] of shapes) assert.equal(zeros[n], Math.round(target * s[0] * s[1]), `${scope} round ${k}: ${n}`);
      } else {
        assert.equal(zeros.a + zeros.b + zeros.c, Math.round(target * 362), `${scope} round ${k}`);
      }
      for (const [n, m] of masks) {
        const before = m.dataSync();
        const after = next.get(n)!.dataSync();
        assert.ok(before.every((x, i) => x === 1 || after[i] === 0), `${scope} round ${k}: a pruned weight of ${n} came back`);
      }
      disposeMasks(weights);
      disposeMasks(masks);
      masks = next;
    }
    disposeMasks(masks);
  }
});

test("random masks have exactly the requested per-matrix sparsities, are seed-deterministic, and match a given mask's counts", async () => {
  await initBackend({ quiet: true });
  const shapes = tensors([["a", [7, 13], new Array(91).fill(1)], ["b", [16, 16], new Array(256).fill(1)], ["c", [5, 3], new Array(15).fill(1)]]);
  const sparsity = new Map([["a", 0.3], ["b", 0.75], ["c", 0]]);
  const first = randomPrune(shapes, sparsity, 4);
  assert.deepEqual(zerosOf(first), { a: 27, b: 192, c: 0 });
  const again = randomPrune(shapes, sparsity, 4);
  assert.deepEqual(values(again), values(first), "the same seed gives the same masks");
  const other = randomPrune(shapes, sparsity, 5);
  assert.notDeepEqual(values(other).b, values(first).b, "another seed gives other masks");
  const alone = randomPrune(new Map([["b", shapes.get("b")!]]), 0.75, 4);
  assert.deepEqual(values(alone).b, values(first).b, "a matrix's random mask does not depend on the others");
  assert.throws(() => randomPrune(shapes, new Map([["a", 0.3]]), 4), /no sparsity given for b/);

  // A magnitude mask (global, so matrices are unequally sparse) and its random twin.
  const weights = new Map([...shapes].map(([n, s]) => [n, tf.randomNormal(s.shape, 0, 1, "float32", 9)]));
  const ticket = magnitudePrune(weights, { sparsity: 0.6, scope: "global" });
  const twin = randomPruneLike(ticket, 4);
  assert.deepEqual(zerosOf(twin), zerosOf(ticket));
  assert.notDeepEqual(values(twin).b, values(ticket).b, "the positions are random, not the ticket's");
  const twinAgain = randomPruneLike(ticket, 4);
  assert.deepEqual(values(twinAgain), values(twin));
  for (const m of [shapes, first, again, other, alone, weights, ticket, twin, twinAgain]) disposeMasks(m);
});
