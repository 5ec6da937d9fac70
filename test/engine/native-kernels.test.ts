/**
 * Native TensorFlow (tfjs-node, backend "tensorflow") against the cpu backend for every op the
 * encoder, heads and losses use: values and gradients on seeded inputs (table in test/helpers).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { compareOpCase, TRAINING_OP_CASES } from "../helpers/compare";

// TensorFlow's C++ start-up lines (oneDNN, CPU features) would clutter the test output.
if (process.env.TF_CPP_MIN_LOG_LEVEL === undefined) process.env.TF_CPP_MIN_LOG_LEVEL = "2";

/** Why the native backend cannot run here (optional dependency without a built addon), if so. */
function nativeUnavailable(): string | false {
  try {
    require("@tensorflow/tfjs-node");
  } catch (err) {
    return `@tensorflow/tfjs-node does not load: ${String(err instanceof Error ? err.message : err).split("\n")[0]}`;
  }
  return tf.findBackend("tensorflow") ? false : "@tensorflow/tfjs-node loaded but registered no \"tensorflow\" backend";
}
const skip = nativeUnavailable();

/** Eigen's exp/tanh/sigmoid and summation order differ from the cpu backend by a few ulp. */
const TOL = { rtol: 1e-5, atol: 1e-6 };

test("the native backend runs on TensorFlow, not on a fallback", { skip }, async () => {
  assert.ok(await tf.setBackend("tensorflow"));
  assert.equal(tf.getBackend(), "tensorflow");
  assert.equal(tf.engine().backend.constructor.name, "NodeJSKernelBackend");
});

for (const c of TRAINING_OP_CASES) {
  test(`tensorflow vs cpu: ${c.name}`, { skip }, () => compareOpCase(c, "tensorflow", "cpu", TOL));
}
