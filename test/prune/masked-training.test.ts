import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { EncoderModel } from "../../lib/model/encoder";
import { disposeMasks, prunableParameters } from "../../lib/prune/masks";
import { randomPrune } from "../../lib/prune/prune";
import { AdamW } from "../../lib/train/adamw";
import { loadCheckpoint } from "../../lib/train/checkpoint";
import { accuracy, classificationTask } from "../../lib/train/classify";
import { train } from "../../lib/train/trainer";
import { toyConfig, toyExamples } from "../fixtures/toy-task";

const tmp = (label: string) => fs.mkdtempSync(path.join(os.tmpdir(), `thieves-${label}-`));

/** Indices where `values` is not exactly 0 (−0 counts as 0) although `keep` is 0. */
function leaks(values: ArrayLike<number>, keep: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (keep[i] === 0 && values[i] !== 0) out.push(i);
  return out;
}

test("AdamW holds masked weights and both moments at exactly 0 through steps with nonzero gradients and weight decay", async () => {
  await initBackend({ quiet: true });
  const shape = [6, 5];
  const keep = Float32Array.from({ length: 30 }, (_, i) => (i % 4 === 1 ? 0 : 1));
  const start = Array.from({ length: 30 }, (_, i) => 0.5 + i / 10); // nonzero everywhere, masked entries included
  const params = new Map([["w", tf.variable(tf.tensor(start, shape))], ["w.bias", tf.variable(tf.ones([5]))]]);
  const mask = tf.tensor(keep, shape);
  const optimizer = new AdamW(params, { weightDecay: 0.1 }, () => true, new Map([["w", mask]]));
  // Moments that are not 0 where the mask is (as if the mask came after some training): the step must zero them too.
  optimizer.load(3, new Map([["w", new Float32Array(30).fill(0.2)], ["w.bias", new Float32Array(5)]]), new Map([["w", new Float32Array(30).fill(0.3)], ["w.bias", new Float32Array(5)]]));
  const numTensors = tf.memory().numTensors;
  for (let step = 0; step < 5; step++) {
    const grads = new Map([["w", tf.randomNormal(shape, 1, 0.5, "float32", step)], ["w.bias", tf.ones([5])]]);
    optimizer.apply(grads, 1e-2);
    tf.dispose([...grads.values()]);
    const { m, v } = optimizer.state();
    for (const [what, t] of [["weight", params.get("w")!], ["m", m.get("w")!], ["v", v.get("w")!]] as const) {
      assert.deepEqual(leaks(t instanceof Float32Array ? t : t.dataSync(), keep), [], `step ${step + 1}: masked entries of ${what} are not 0`);
    }
    assert.equal(tf.memory().numTensors, numTensors, `step ${step + 1} leaked tensors`);
  }
  const w = params.get("w")!.dataSync();
  const m = optimizer.state().m.get("w")!;
  for (let i = 0; i < 30; i++) {
    if (keep[i]) assert.ok(w[i] !== start[i] && m[i] !== 0, `unmasked entry ${i} must keep training (w ${w[i]}, m ${m[i]})`);
  }
  assert.ok(params.get("w.bias")!.dataSync().every((x) => x !== 1), "an unmasked parameter trains as before");
  optimizer.dispose();
  mask.dispose();
  tf.dispose([...params.values()]);
});

test("the trainer keeps pruned weights and their checkpointed moments at exactly 0, with no tensor leak", async () => {
  await initBackend({ quiet: true });
  const model = EncoderModel.create(toyConfig, "sequence-classification", 5);
  const masks = randomPrune(prunableParameters(model), 0.6, 2);
  const before = new Map([...model.params].map(([n, p]) => [n, p.dataSync().slice()]));
  const { data, hooks } = classificationTask(model, toyExamples(96, 3));
  const dev = toyExamples(32, 4);
  const outDir = tmp("masked-train");
  const counts: number[] = [];
  const evaluate = () => {
    counts.push(tf.memory().numTensors);
    return { accuracy: accuracy(model, dev) };
  };
  const args = { outDir, batchSize: 8, maxSteps: 12, learningRate: 3e-3, adam: { weightDecay: 0.1 }, evalEvery: 4, checkpointEvery: 4, progress: false, masks };
  await train(model, data, { ...hooks, evaluate }, args);
  assert.deepEqual(counts, counts.map(() => counts[0]), `tensor count drifted: ${counts.join(", ")}`);
  const checkpoint = loadCheckpoint(path.join(outDir, "checkpoints"))!;
  assert.equal(checkpoint.state.step, 12);
  for (const [name, mask] of masks) {
    const keep = mask.dataSync();
    assert.deepEqual(leaks(model.params.get(name)!.dataSync(), keep), [], `${name}: a pruned weight moved`);
    assert.deepEqual(leaks(checkpoint.m.get(name)!, keep), [], `${name}: first moment of a pruned weight`);
    assert.deepEqual(leaks(checkpoint.v.get(name)!, keep), [], `${name}: second moment of a pruned weight`);
    const survivors = before.get(name)!.filter((_, i) => keep[i] === 1);
    const now = model.params.get(name)!.dataSync().filter((_, i) => keep[i] === 1);
    assert.ok(survivors.some((x, i) => x !== now[i]), `${name}: the surviving weights must train`);
  }
  // Another mask means other starting weights: its run does not resume this one's checkpoint.
  const other = randomPrune(prunableParameters(model), 0.6, 3);
  const fresh = EncoderModel.create(toyConfig, "sequence-classification", 5);
  const task = classificationTask(fresh, toyExamples(96, 3));
  await assert.rejects(train(fresh, task.data, task.hooks, { ...args, masks: other }), /initialWeights/);
  for (const m of [masks, other]) disposeMasks(m);
  fresh.dispose();
  model.dispose();
});
