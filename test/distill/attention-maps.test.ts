/**
 * lib/distill/attention-maps.ts: one example's attention maps are distributions per query, the
 * head mean is the mean, and the attention gap is TinyBERT's attention loss on held-out examples:
 * 0 against itself, the same whatever the batching, computed from the mapped layers, no tensors left.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { attentionGap, attentionOf, headMean } from "../../lib/distill/attention-maps";
import { attentionMse } from "../../lib/distill/losses";
import { layerMap } from "../../lib/distill/layer-map";
import { EncoderModel } from "../../lib/model/encoder";
import { collate } from "../../lib/train/classify";
import { studentConfig, teacherConfig, trainSet } from "./fixtures";

let teacher: EncoderModel;
let student: EncoderModel;

before(async () => {
  await initBackend({ quiet: true });
  teacher = EncoderModel.create(teacherConfig, "sequence-classification", 1);
  student = EncoderModel.create({ ...studentConfig, num_attention_heads: 1 }, "sequence-classification", 2);
});

test("attentionOf: [heads][T][T], every query row a distribution; headMean averages the heads; layer 0 is refused", () => {
  const example = trainSet[0];
  const T = example.ids.length;
  const before = tf.memory().numTensors;
  const maps = attentionOf(teacher, example, 2);
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  assert.equal(maps.length, teacherConfig.num_attention_heads);
  for (const head of maps) {
    assert.equal(head.length, T);
    for (const row of head) {
      assert.equal(row.length, T);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-3, `a query row sums to ${row.reduce((a, b) => a + b, 0)}`);
    }
  }
  const mean = headMean(maps);
  assert.ok(Math.abs(mean[1][2] - (maps[0][1][2] + maps[1][1][2]) / 2) < 1e-12);
  assert.throws(() => attentionOf(teacher, example, 0), /layer 0: the model has layers 1\.\.2 \(0 is the embeddings/);
});

test("attentionGap: 0 against itself, the same for any batching, and attentionMse of the mapped layers", () => {
  const examples = trainSet.slice(0, 24);
  const self = layerMap(2, 2);
  assert.ok(attentionGap(teacher, teacher, examples, self) < 1e-12);
  const pairs = layerMap(1, 2); // student layer 1 ↔ teacher layer 2
  const before = tf.memory().numTensors;
  const gap = attentionGap(student, teacher, examples, pairs, 5);
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  assert.ok(gap > 0);
  assert.ok(Math.abs(attentionGap(student, teacher, examples, pairs, 24) - gap) < 1e-7 * gap + 1e-12, "one batch or five: the same value");
  // With one batch it is exactly the loss the recipe trains on, for that pair.
  const expected = tf.tidy(() => {
    const batch = collate(examples, 0);
    const s = student.forward(batch, { outputAttentions: true }).attentions!;
    const t = teacher.forward(batch, { outputAttentions: true }).attentions!;
    return attentionMse(s[0], t[1], batch.attentionMask).dataSync()[0];
  });
  assert.ok(Math.abs(attentionGap(student, teacher, examples, pairs, 64) - expected) < 1e-6 * expected);
  assert.throws(() => attentionGap(student, teacher, examples, [{ student: 0, teacher: 0 }]), /pairs no student layer above 0/);
});
