import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { Dropout } from "../../lib/engine/dropout";
import { Rng } from "../../lib/engine/rng";

for (const backend of ["tensorflow", "cpu"]) {
  test(`dropout on ${backend}: rate, scaling, seeded masks, gradient, no leaks`, async () => {
    await initBackend({ quiet: true });
    await tf.setBackend(backend);
    const x = tf.ones([400, 500]);
    const before = tf.memory().numTensors;
    const y = new Dropout(new Rng(5)).apply(x, 0.2);
    const values = y.dataSync();
    const dropped = values.filter((v) => v === 0).length / values.length;
    assert.ok(Math.abs(dropped - 0.2) < 0.01, `dropped fraction ${dropped}`);
    assert.ok(values.every((v) => v === 0 || Math.abs(v - 1.25) < 1e-6), "kept entries are scaled by 1/(1-rate)");
    const read = (t: tf.Tensor) => {
      const v = t.dataSync();
      t.dispose();
      return v;
    };
    const sample = (seed: number) => read(new Dropout(new Rng(seed)).apply(x, 0.2));
    const again = sample(5);
    assert.deepEqual(again, values, "same seed, same mask");
    const other = sample(6);
    assert.notDeepEqual(other, values, "another seed, another mask");
    const d = new Dropout(new Rng(7));
    const grad = read(tf.grad((t: tf.Tensor) => tf.sum(d.apply(t, 0.5)))(x));
    assert.ok(grad.every((g) => g === 0 || g === 2), "the gradient is the mask");
    y.dispose();
    assert.equal(tf.memory().numTensors - before, 0, "dropout leaves no tensors behind");
    assert.equal(new Dropout(new Rng(1)).apply(x, 0), x, "rate 0 is the identity");
    assert.throws(() => new Dropout(new Rng(1)).apply(x, 1), /rate must be < 1/);
    x.dispose();
    await tf.setBackend("tensorflow");
  });
}
