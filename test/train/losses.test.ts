/** lib/train/losses.ts: hard and soft cross-entropy against hand computations, ignore_index, gradients. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { crossEntropy, softCrossEntropy } from "../../lib/train/losses";

const logits = [[2, 0, -1], [0.5, 0.5, 3]];
const logSoftmax = (row: number[]) => {
  const m = Math.max(...row);
  const z = Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) + m;
  return row.map((v) => v - z);
};

test("crossEntropy is the mean −log p of the labels and skips ignore_index", async () => {
  await initBackend({ quiet: true });
  const expected = -(logSoftmax(logits[0])[0] + logSoftmax(logits[1])[2]) / 2;
  assert.ok(Math.abs(crossEntropy(tf.tensor2d(logits), tf.tensor1d([0, 2], "int32")).dataSync()[0] - expected) < 1e-6);
  const onlyFirst = -logSoftmax(logits[0])[0];
  assert.ok(Math.abs(crossEntropy(tf.tensor2d(logits), tf.tensor1d([0, -100], "int32")).dataSync()[0] - onlyFirst) < 1e-6);
});

test("softCrossEntropy: one-hot targets give crossEntropy; its gradient is softmax − target", async () => {
  await initBackend({ quiet: true });
  const hard = crossEntropy(tf.tensor2d(logits), tf.tensor1d([1, 2], "int32")).dataSync()[0];
  const soft = softCrossEntropy(tf.tensor2d(logits), tf.tensor2d([[0, 1, 0], [0, 0, 1]])).dataSync()[0];
  assert.ok(Math.abs(hard - soft) < 1e-6, `${hard} vs ${soft}`);
  const targets = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]];
  const expected = -targets.reduce((s, t, i) => s + t.reduce((a, v, c) => a + v * logSoftmax(logits[i])[c], 0), 0) / 2;
  assert.ok(Math.abs(softCrossEntropy(tf.tensor2d(logits), tf.tensor2d(targets)).dataSync()[0] - expected) < 1e-6);
  const grad = tf.grad((z: tf.Tensor) => softCrossEntropy(z, tf.tensor2d(targets)))(tf.tensor2d(logits)).arraySync() as number[][];
  grad.forEach((row, i) => row.forEach((g, c) => assert.ok(Math.abs(g - (Math.exp(logSoftmax(logits[i])[c]) - targets[i][c]) / 2) < 1e-6)));
});
