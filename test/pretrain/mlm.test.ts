/**
 * The MLM task on top of the trainer: batches padded right (labels −100 where nothing is
 * predicted), example i is sequence i mod N under mask copy ⌊i / N⌋ and always the same, and
 * held-out scoring that counts exactly the masked tokens and leaks no tensors.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { Rng } from "../../lib/engine/rng";
import { makeConfig } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";
import { MaskedSequence } from "../../lib/pretrain/masking";
import { MlmBatch, MlmDataArgs, collateMasked, maskedExample, mlmScore, mlmTask } from "../../lib/pretrain/mlm";

const V = 40;
const [PAD, CLS, SEP, MASK] = [0, 2, 3, 4];
const ARGS: MlmDataArgs = { maskId: MASK, vocabSize: V, specialIds: new Set([0, 1, 2, 3, 4]), padId: PAD, seed: 11 };
const config = makeConfig({ model_type: "bert", vocab_size: V, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 64 });

/** `n` sequences [CLS] text [SEP] of 8–31 ids. */
function sequences(n: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => [CLS, ...Array.from({ length: 6 + rng.int(24) }, () => 5 + rng.int(V - 5)), SEP]);
}

const arrays = (b: MlmBatch) => ({
  inputIds: b.inputIds.arraySync(),
  attentionMask: b.attentionMask.arraySync(),
  mlmPositions: b.mlmPositions.arraySync(),
  labels: b.labels.arraySync(),
  tokens: b.tokens,
});
const dispose = (b: MlmBatch) => tf.dispose([b.inputIds, b.attentionMask, b.mlmPositions, b.labels]);
/** Reads a batch and disposes its tensors. */
const read = (b: MlmBatch) => {
  const a = arrays(b);
  dispose(b);
  return a;
};

before(() => initBackend({ quiet: true }));

test("collateMasked pads ids with padId, masks attention, and pads predictions with position 0 and label −100", () => {
  const examples: MaskedSequence[] = [
    { input: [CLS, 7, MASK, 9, SEP], positions: [2], labels: [8] },
    { input: [CLS, MASK, 6, 12, MASK, 30, SEP], positions: [1, 3, 4], labels: [5, 11, 13] },
    { input: [CLS, SEP], positions: [], labels: [] },
  ];
  const b = collateMasked(examples, 1);
  assert.deepEqual(b.inputIds.shape, [3, 7]);
  assert.deepEqual(b.mlmPositions.shape, [3, 3]);
  assert.deepEqual([b.inputIds.dtype, b.attentionMask.dtype, b.mlmPositions.dtype, b.labels.dtype], ["int32", "int32", "int32", "int32"]);
  assert.deepEqual(read(b), {
    inputIds: [[CLS, 7, MASK, 9, SEP, 1, 1], [CLS, MASK, 6, 12, MASK, 30, SEP], [CLS, SEP, 1, 1, 1, 1, 1]],
    attentionMask: [[1, 1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1, 1], [1, 1, 0, 0, 0, 0, 0]],
    mlmPositions: [[2, 0, 0], [1, 3, 4], [0, 0, 0]],
    labels: [[8, -100, -100], [5, 11, 13], [-100, -100, -100]],
    tokens: 14,
  });
  // No predictions at all still makes a [B, 1] prediction slot (all −100).
  const empty = read(collateMasked([{ input: [CLS, SEP], positions: [], labels: [] }], PAD));
  assert.deepEqual([empty.mlmPositions, empty.labels], [[[0]], [[-100]]]);
});

test("mlmTask: example i is sequence i mod N under mask copy ⌊i / N⌋, the same whatever the batch", () => {
  const model = EncoderModel.create(config, "masked-lm", 1);
  const seqs = sequences(10, 2);
  const N = seqs.length;
  const { data, hooks } = mlmTask(model, seqs, { ...ARGS, copies: 3 });
  assert.equal(data.size, 30);
  assert.deepEqual(Array.from(data.lengths), [...seqs, ...seqs, ...seqs].map((s) => s.length));
  const one = (i: number) => read(data.collate([i]));
  for (const i of [0, 7, 10, 17, 29]) {
    const got = one(i);
    const want = maskedExample(seqs[i % N], i % N, Math.floor(i / N), ARGS);
    assert.deepEqual(got.inputIds[0], want.input, `example ${i}`);
    assert.deepEqual(got.mlmPositions[0], want.positions, `example ${i}`);
    assert.deepEqual(got.labels[0], want.labels, `example ${i}`);
    // Undoing the corruption gives back sequence i mod N.
    const restored = [...got.inputIds[0]];
    want.positions.forEach((p, k) => (restored[p] = got.labels[0][k]));
    assert.deepEqual(restored, seqs[i % N], `example ${i} restored`);
    assert.deepEqual(one(i), got, `example ${i} is the same when asked again`);
  }
  // The copies of one sequence are masked differently.
  const copies = [3, 13, 23].map((i) => JSON.stringify(one(i).mlmPositions[0]));
  assert.equal(new Set(copies).size, 3, `copies of sequence 3: ${copies.join(" ")}`);
  // A batch is its examples side by side: the rows do not depend on their neighbours.
  const batch = read(data.collate([13, 4, 26]));
  [13, 4, 26].forEach((i, row) => {
    const alone = one(i);
    const n = seqs[i % N].length;
    assert.deepEqual(batch.inputIds[row].slice(0, n), alone.inputIds[0]);
    assert.deepEqual(batch.labels[row].filter((l) => l !== -100), alone.labels[0]);
  });
  // Another seed: other masks.
  const other = mlmTask(model, seqs, { ...ARGS, copies: 3, seed: 12 }).data;
  assert.notDeepEqual(read(other.collate([0, 1, 2, 3])).mlmPositions, read(data.collate([0, 1, 2, 3])).mlmPositions);
  // The loss hook gives a finite scalar near ln V for a fresh model; tokens count the real ids.
  const b = data.collate([0, 1]);
  const loss = tf.tidy(() => hooks.loss(b, undefined as never).dataSync()[0]);
  assert.ok(Math.abs(loss - Math.log(V)) < 1, `initial loss ${loss}, ln V = ${Math.log(V)}`);
  assert.equal(hooks.tokens!(b), seqs[0].length + seqs[1].length);
  dispose(b);
  model.dispose();
  const classifier = EncoderModel.create(makeConfig({ ...config, id2label: { 0: "a", 1: "b" }, label2id: { a: 0, b: 1 } }), "sequence-classification", 1);
  assert.throws(() => mlmTask(classifier, seqs, ARGS), /MLM needs a masked-lm model, got sequence-classification/);
  classifier.dispose();
});

test("mlmScore: accuracy in [0, 1] over exactly the masked tokens, as computed by hand, independent of batch size, no tensor leaked", (t) => {
  const model = EncoderModel.create(config, "masked-lm", 3);
  // Half the text is token 7, and the output bias leans towards it (but not overwhelmingly): a
  // random model then gets some masked tokens right and some wrong.
  const rng = new Rng(4);
  const seqs = sequences(21, 4).map((ids) => ids.map((id) => (id > 4 && rng.uniform() < 0.5 ? 7 : id)));
  tf.tidy(() => model.params.get("cls.predictions.bias")!.assign(tf.oneHot(tf.tensor1d([7], "int32"), V).reshape([V]).mul(4)));
  const masked = seqs.map((ids, i) => maskedExample(ids, i, 0, ARGS));
  const count = masked.reduce((n, m) => n + m.positions.length, 0);

  const before = tf.memory().numTensors;
  const score = mlmScore(model, seqs, ARGS, 8);
  assert.equal(tf.memory().numTensors, before, "tensors leaked by mlmScore");
  t.diagnostic(`accuracy ${score.accuracy.toFixed(4)}, loss ${score.loss.toFixed(3)}, ${score.predictions} predictions`);

  assert.equal(score.predictions, count);
  assert.ok(score.accuracy > 0 && score.accuracy < 1, `accuracy ${score.accuracy}`);

  // By hand: top prediction at every masked position, and the mean cross-entropy there.
  let hits = 0;
  let nll = 0;
  masked.forEach((m) => {
    const logits = tf.tidy(() => {
      const b = collateMasked([m], PAD);
      return model.forward(b).logits!.arraySync() as number[][][]; // [1, P, V]
    });
    m.labels.forEach((label, k) => {
      const row = logits[0][k];
      const max = Math.max(...row);
      if (row.indexOf(max) === label) hits++;
      nll += Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0)) + max - row[label];
    });
  });
  assert.ok(Math.abs(score.accuracy - hits / count) < 1e-9, `accuracy ${score.accuracy}, by hand ${hits / count}`);
  assert.ok(Math.abs(score.loss - nll / count) < 1e-4, `loss ${score.loss}, by hand ${nll / count}`);

  const whole = mlmScore(model, seqs, ARGS, 32);
  assert.equal(whole.predictions, score.predictions);
  assert.equal(whole.accuracy, score.accuracy);
  assert.ok(Math.abs(whole.loss - score.loss) < 1e-5);
  assert.deepEqual(mlmScore(model, seqs, ARGS, 8), score, "scoring again gives the same");
  assert.equal(tf.memory().numTensors, before, "tensors leaked by mlmScore");
  model.dispose();
});
