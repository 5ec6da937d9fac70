/** lib/analysis/nearest-distance.ts on hand-made numbers: max-pooling over real tokens, minimum inner-product distance, AUC, histogram bins. */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { histogramBins, maxPooledEmbeddings, minInnerProductDistances, separationAuc } from "../../lib/analysis/nearest-distance";
import { makeConfig } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";

before(async () => {
  await initBackend({ quiet: true });
});

const f = (...xs: number[]) => Float32Array.from(xs);

test("D(x, R) = −max ⟨x, r⟩, worked by hand; chunking does not change it", () => {
  const reference = [f(1, 0), f(0, 2), f(-1, -1)];
  // x = (3, 1): ⟨x, r⟩ = 3, 2, −4 → D = −3.  x = (0, −1): 0, −2, 1 → D = −1.  x = (1, 1): 1, 2, −2 → D = −2.
  assert.deepEqual(minInnerProductDistances([f(3, 1), f(0, -1), f(1, 1)], reference), [-3, -1, -2]);
  assert.deepEqual(minInnerProductDistances([f(3, 1), f(0, -1), f(1, 1)], reference, 1), [-3, -1, -2]);
  assert.deepEqual(minInnerProductDistances([], reference), []);
  assert.throws(() => minInnerProductDistances([f(1, 0)], []), /non-empty reference/);
  assert.throws(() => minInnerProductDistances([f(1, 0, 0)], reference), /different widths/);
});

test("AUC: 1 when the positives all score higher, 0.5 when the groups are the same, ties count one half", () => {
  assert.equal(separationAuc([1, 2, 3], [4, 5, 6]), 1);
  assert.equal(separationAuc([4, 5, 6], [1, 2, 3]), 0);
  assert.equal(separationAuc([1, 2, 3], [1, 2, 3]), 0.5);
  assert.equal(separationAuc([1, 3], [2, 4]), 0.75); // pairs (pos > neg): 2>1, 4>1, 4>3; 2<3 → 3/4
  assert.equal(separationAuc([1, 1], [1, 2]), 0.75); // 1 vs 1 ties (½ each, 2 pairs) + 2 > both → (1 + 2) / 4
  assert.throws(() => separationAuc([], [1]), /at least one value/);
});

test("histogram bins: equal widths over all values, the maximum in the last bin, one count row per group", () => {
  const { edges, counts } = histogramBins([[0, 1, 2], [2, 4]], 4);
  assert.deepEqual(edges, [0, 1, 2, 3, 4]);
  assert.deepEqual(counts, [[1, 1, 1, 0], [0, 0, 1, 1]]);
  assert.deepEqual(histogramBins([[5, 5]], 2).counts, [[0, 2]]);
  assert.throws(() => histogramBins([[1]], 0), /positive integer/);
});

test("max-pooling takes the element-wise maximum over each example's real tokens, never padding", () => {
  const config = makeConfig({ model_type: "bert", vocab_size: 20, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 32, pad_token_id: 0 });
  const model = EncoderModel.create(config, "base", 3);
  const short = { ids: [2, 5, 6, 3] };
  const long = { ids: [2, 7, 8, 9, 10, 11, 3] };
  const [alone] = maxPooledEmbeddings(model, [short]);
  const [withLong] = maxPooledEmbeddings(model, [long, short], 2).slice(1); // padded to 7 tokens beside `long`
  for (let j = 0; j < 8; j++) assert.ok(Math.abs(alone[j] - withLong[j]) < 1e-4, `dim ${j}: ${alone[j]} vs ${withLong[j]}`);
  const hidden = tf.tidy(() => model.forward({ inputIds: tf.tensor2d([short.ids], [1, 4], "int32"), attentionMask: tf.ones([1, 4], "int32") as tf.Tensor2D }).lastHidden.max(1).dataSync());
  for (let j = 0; j < 8; j++) assert.ok(Math.abs(hidden[j] - alone[j]) < 1e-5);
  model.dispose();
});
