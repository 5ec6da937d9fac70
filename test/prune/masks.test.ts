import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { makeConfig } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";
import { applyMasks, denseMasks, disposeMasks, matrixRole, prunableParameters } from "../../lib/prune/masks";
import { sparsityReport } from "../../lib/prune/sparsity";
import { toyConfig } from "../fixtures/toy-task";

const PER_LAYER = ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense", "intermediate.dense", "output.dense"];
const twoLayers = (model_type: "bert" | "roberta") =>
  makeConfig({ model_type, vocab_size: 20, hidden_size: 8, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 12, max_position_embeddings: 16 });
const layerWeights = (p: string, layers: number) => Array.from({ length: layers }, (_, l) => PER_LAYER.map((m) => `${p}encoder.layer.${l}.${m}.weight`)).flat();

test("the prunable set is BERT-Tickets': six matrices per layer and the pooler; embeddings, LayerNorms, biases and heads never", async () => {
  await initBackend({ quiet: true });
  const cases: [EncoderModel, string[]][] = [
    [EncoderModel.create(twoLayers("bert"), "sequence-classification", 1), [...layerWeights("bert.", 2), "bert.pooler.dense.weight"]],
    [EncoderModel.create(twoLayers("bert"), "base", 1), [...layerWeights("bert.", 2), "bert.pooler.dense.weight"]],
    // RoBERTa's classification head has a dense layer of its own: it is head, not pooler.
    [EncoderModel.create(twoLayers("roberta"), "sequence-classification", 1), layerWeights("roberta.", 2)],
    [EncoderModel.create(twoLayers("bert"), "masked-lm", 1), layerWeights("bert.", 2)],
    [EncoderModel.create(twoLayers("roberta"), "question-answering", 1), layerWeights("roberta.", 2)],
  ];
  for (const [model, expected] of cases) {
    assert.deepEqual([...prunableParameters(model).keys()].sort(), expected.sort(), `${model.architecture}`);
    model.dispose();
  }
  for (const never of ["bert.embeddings.word_embeddings.weight", "bert.encoder.layer.0.attention.output.LayerNorm.weight", "bert.encoder.layer.0.output.dense.bias", "classifier.weight", "classifier.dense.weight", "cls.predictions.transform.dense.weight"]) {
    assert.equal(matrixRole(never), undefined, never);
  }
  assert.deepEqual(matrixRole("roberta.encoder.layer.11.attention.output.dense.weight"), { layer: 11, type: "attention.output" });
  assert.deepEqual(matrixRole("bert.encoder.layer.3.output.dense.weight"), { layer: 3, type: "output" });
});

test("applying masks zeroes exactly the masked entries and leaves every other value untouched", async () => {
  await initBackend({ quiet: true });
  const model = EncoderModel.create(toyConfig, "sequence-classification", 1);
  const before = new Map([...model.params].map(([n, p]) => [n, p.dataSync().slice()]));
  const name = "bert.encoder.layer.0.intermediate.dense.weight"; // [32, 16]
  const keep = Float32Array.from({ length: 32 * 16 }, (_, i) => (i % 3 === 0 ? 0 : 1));
  const masks = new Map([[name, tf.tensor(keep, [32, 16])]]);
  applyMasks(model.params, masks);
  for (const [n, p] of model.params) {
    const now = p.dataSync();
    const was = before.get(n)!;
    for (let i = 0; i < now.length; i++) {
      const expected = n === name && keep[i] === 0 ? 0 : was[i];
      assert.ok(now[i] === expected, `${n}[${i}] is ${now[i]}, expected ${expected}`);
    }
  }
  assert.ok(before.get(name)!.every((x, i) => keep[i] === 1 || x !== 0), "the masked entries were nonzero before");
  const wrong = new Map([["bert.pooler.dense.weight", tf.ones([16, 8])]]);
  assert.throws(() => applyMasks(model.params, wrong), /bert\.pooler\.dense\.weight has shape \[16,8\], the parameter \[16,16\]/);
  disposeMasks(wrong);
  disposeMasks(masks);
  model.dispose();
});

test("the sparsity report counts zeros per matrix, per layer, per matrix type and overall", async () => {
  await initBackend({ quiet: true });
  const config = makeConfig({ model_type: "bert", vocab_size: 20, hidden_size: 4, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 8, max_position_embeddings: 16 });
  const model = EncoderModel.create(config, "sequence-classification", 1);
  const masks = denseMasks(model);
  // Layer 0's query: 4 of 16 zero; layer 1's intermediate: all 32 zero; the pooler: 8 of 16 zero.
  const zeroFirst = (name: string, n: number) => {
    const m = masks.get(name)!;
    const keep = Float32Array.from({ length: m.size }, (_, i) => (i < n ? 0 : 1));
    m.dispose();
    masks.set(name, tf.tensor(keep, m.shape));
  };
  zeroFirst("bert.encoder.layer.0.attention.self.query.weight", 4);
  zeroFirst("bert.encoder.layer.1.intermediate.dense.weight", 32);
  zeroFirst("bert.pooler.dense.weight", 8);
  const report = sparsityReport(masks);
  // Per layer: 4·16 + 2·32 = 128 weights; the pooler 16; 272 in all.
  assert.deepEqual(report.overall, { total: 272, zeros: 44, sparsity: 44 / 272 });
  assert.deepEqual(report.layers, [
    { layer: 0, total: 128, zeros: 4, sparsity: 4 / 128 },
    { layer: 1, total: 128, zeros: 32, sparsity: 32 / 128 },
    { layer: "pooler", total: 16, zeros: 8, sparsity: 0.5 },
  ]);
  assert.deepEqual(report.types.map((t) => [t.type, t.total, t.zeros]), [
    ["query", 32, 4], ["key", 32, 0], ["value", 32, 0], ["attention.output", 32, 0], ["intermediate", 64, 32], ["output", 64, 0], ["pooler", 16, 8],
  ]);
  const query0 = report.matrices.find((m) => m.name === "bert.encoder.layer.0.attention.self.query.weight")!;
  assert.deepEqual(query0, { name: "bert.encoder.layer.0.attention.self.query.weight", layer: 0, type: "query", total: 16, zeros: 4, sparsity: 0.25 });
  assert.equal(report.matrices.length, 13);
  disposeMasks(masks);
  model.dispose();
});
