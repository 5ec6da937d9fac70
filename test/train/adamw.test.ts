import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { AdamW, type AdamWArgs } from "../../lib/train/adamw";

/** torch.optim.AdamW's update in float64, the reference both paths must follow. */
function referenceAdamW(p0: number[], grads: number[][], lrs: number[], { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0.01 }: AdamWArgs, decays: boolean) {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, i) => {
    const t = i + 1;
    const lr = lrs[i];
    for (let j = 0; j < p.length; j++) {
      if (decays) p[j] *= 1 - lr * weightDecay;
      m[j] = beta1 * m[j] + (1 - beta1) * g[j];
      v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
      const denom = Math.sqrt(v[j]) / Math.sqrt(1 - beta2 ** t) + epsilon;
      p[j] -= (lr / (1 - beta1 ** t)) * (m[j] / denom);
    }
  });
  return { p, m, v };
}

const shape = [4, 3];
const start = Array.from({ length: 12 }, (_, i) => Math.sin(i + 1));
// Gradients of mixed sign and scale, some tiny (where ε matters).
const gradients = Array.from({ length: 6 }, (_, t) => Array.from({ length: 12 }, (_, j) => Math.cos(3 * j + t) * 10 ** ((j % 4) - 3)));
const lrs = [1e-2, 2e-2, 3e-2, 3e-2, 2e-2, 0];
const args: AdamWArgs = { weightDecay: 0.1, epsilon: 1e-6 };

function closeTo(actual: ArrayLike<number>, expected: number[], what: string): void {
  for (let j = 0; j < expected.length; j++) {
    const tol = 1e-6 + 1e-5 * Math.abs(expected[j]);
    assert.ok(Math.abs(actual[j] - expected[j]) <= tol, `${what}[${j}]: ${actual[j]} vs reference ${expected[j]}`);
  }
}

function runSteps(fused: boolean) {
  const params = new Map([["w", tf.variable(tf.tensor(start, shape))], ["w.bias", tf.variable(tf.tensor(start, shape))]]);
  const optimizer = new AdamW(params, { ...args, fused });
  gradients.forEach((g, i) => {
    const grads = new Map([["w", tf.tensor(g, shape)], ["w.bias", tf.tensor(g, shape)]]);
    optimizer.apply(grads, lrs[i]);
    tf.dispose([...grads.values()]);
  });
  return { params, optimizer };
}

test("AdamW follows torch's update on the tfjs-ops path and on the fused path, with and without decay", async () => {
  const info = await initBackend({ quiet: true });
  const decayed = referenceAdamW(start, gradients, lrs, args, true);
  const plain = referenceAdamW(start, gradients, lrs, args, false);
  for (const fused of [false, true]) {
    const { params, optimizer } = runSteps(fused);
    const path = optimizer.isFused("w") ? "fused" : "tfjs ops";
    if (fused) assert.equal(optimizer.isFused("w"), info.tfjsBackend === "tensorflow", "the fused path is used exactly on native TensorFlow");
    const state = optimizer.state();
    assert.equal(state.step, gradients.length);
    closeTo(params.get("w")!.dataSync(), decayed.p, `${path} w`);
    closeTo(state.m.get("w")!, decayed.m, `${path} m`);
    closeTo(state.v.get("w")!, decayed.v, `${path} v`);
    closeTo(params.get("w.bias")!.dataSync(), plain.p, `${path} w.bias (no decay)`);
    optimizer.dispose();
    tf.dispose([...params.values()]);
  }
});

test("AdamW's step starts from the parameter's current value, leaves other holders of the old value untouched, and leaks nothing", async () => {
  await initBackend({ quiet: true });
  const params = new Map([["w", tf.variable(tf.tensor(start, shape))]]);
  const optimizer = new AdamW(params, args);
  const grads = new Map([["w", tf.tensor(gradients[0], shape)]]);
  optimizer.apply(grads, 1e-2);
  const numTensors = tf.memory().numTensors;
  // Someone else (a rewind, a checkpoint restore) sets the weight between steps.
  tf.tidy(() => params.get("w")!.assign(tf.fill(shape, 2)));
  const snapshot = tf.clone(params.get("w")!);
  optimizer.apply(grads, 1e-2);
  assert.ok(Array.from(snapshot.dataSync()).every((x) => x === 2), "a tensor that shared the old weight changed: the update was not copy-on-write");
  const w = params.get("w")!.dataSync();
  // From 2, one decayed step of at most ~lr moves each entry by about lr·(λ·2 + 1).
  for (const x of w) assert.ok(Math.abs(x - 2) < 0.05 && x !== 2, `the step did not start from the assigned value 2 (got ${x})`);
  snapshot.dispose();
  assert.equal(tf.memory().numTensors, numTensors, "a step leaked tensors");
  grads.get("w")!.dispose();
  optimizer.dispose();
  params.get("w")!.dispose();
});

test("AdamW's state round-trips between the two paths (a checkpoint from one resumes on the other)", async () => {
  await initBackend({ quiet: true });
  for (const [from, to] of [[true, false], [false, true]]) {
    const a = runSteps(from);
    const saved = a.optimizer.state();
    const params = new Map([["w", tf.variable(tf.tensor(start, shape))], ["w.bias", tf.variable(tf.tensor(start, shape))]]);
    const b = new AdamW(params, { ...args, fused: to });
    b.load(saved.step, saved.m, saved.v);
    const back = b.state();
    assert.equal(back.step, saved.step);
    for (const name of ["w", "w.bias"]) {
      assert.deepEqual(Array.from(back.m.get(name)!), Array.from(saved.m.get(name)!));
      assert.deepEqual(Array.from(back.v.get(name)!), Array.from(saved.v.get(name)!));
    }
    assert.throws(() => b.load(1, new Map([["w", new Float32Array(3)]]), saved.v), /optimizer m for w has 3 values, expected 12/);
    for (const o of [a.optimizer, b]) o.dispose();
    tf.dispose([...a.params.values(), ...params.values()]);
  }
});
