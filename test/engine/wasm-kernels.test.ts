/**
 * The kernels lib/engine/wasm-kernels.ts adds to the wasm backend, and every op training needs,
 * checked against the cpu backend (the reference): values and gradients on seeded inputs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { erfConfig, erfScalar, registerWasmTrainingKernels, unsortedSegmentSumConfig, WASM_TRAINING_KERNELS } from "../../lib/engine/wasm-kernels";
import { makeConfig } from "../../lib/model/config";
import { EncoderModel, Task } from "../../lib/model/encoder";
import { crossEntropy, spanLoss } from "../../lib/train/losses";
import { assertClose, assertSameEvaluation, compareOpCase, ERF_VS_CPU, evaluateOn, GELU_VS_CPU, input, InputSpec, TestRng, TRAINING_OP_CASES } from "../helpers/compare";

require("@tensorflow/tfjs-backend-wasm");
/** Which of our kernels wasm 4.22 lacks before we register anything. */
const missingBefore = WASM_TRAINING_KERNELS.filter((k) => !tf.getKernel(k.kernelName, "wasm")).map((k) => k.kernelName);
registerWasmTrainingKernels();

const TOL = { rtol: 1e-5, atol: 1e-6 };

/** Float64 erf to ~1e-15 (from standard tables / mpmath). */
const ERF_REFERENCE: [number, number][] = [
  [1e-4, 1.1283791633342487e-4],
  [0.1, 0.1124629160182849],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [1.5, 0.9661051464753108],
  [2, 0.9953222650189527],
  [2.5, 0.999593047982555],
  [3, 0.9999779095030014],
  [3.5, 0.9999992569016276],
];

async function erfOn(backend: string, xs: number[]): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => tf.erf(tf.tensor1d(xs)).dataSync() as Float32Array);
}

/** Runs `body` with our TypeScript Erf standing in for wasm's own, then puts wasm's back. */
async function withOurErf(body: () => Promise<void>): Promise<void> {
  const current = tf.getKernel("Erf", "wasm");
  if (current?.kernelFunc === erfConfig.kernelFunc) return body();
  tf.unregisterKernel("Erf", "wasm");
  tf.registerKernel(erfConfig);
  try {
    await body();
  } finally {
    tf.unregisterKernel("Erf", "wasm");
    if (current) tf.registerKernel(current);
  }
}

test("wasm 4.22 lacks UnsortedSegmentSum; registration fills it, keeps native kernels, and is idempotent", () => {
  assert.ok(missingBefore.includes("UnsortedSegmentSum"), `missing before registration: ${missingBefore}`);
  assert.equal(tf.getKernel("UnsortedSegmentSum", "wasm")?.kernelFunc, unsortedSegmentSumConfig.kernelFunc);
  // A kernel wasm has of its own (Erf in 4.22) is kept, never replaced.
  if (!missingBefore.includes("Erf")) assert.notEqual(tf.getKernel("Erf", "wasm")?.kernelFunc, erfConfig.kernelFunc);
  const gatherAfterFirst = tf.getKernel("GatherV2", "wasm")?.kernelFunc;
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args);
  try {
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings, [], "re-registering warned");
  assert.equal(tf.getKernel("GatherV2", "wasm")?.kernelFunc, gatherAfterFirst, "GatherV2 wrapped once");
  for (const k of WASM_TRAINING_KERNELS) assert.ok(tf.getKernel(k.kernelName, "wasm"), `${k.kernelName} registered`);
});

test("every kernel the training ops and their gradients dispatch to is registered on wasm", async () => {
  await tf.setBackend("cpu");
  const used = new Set<string>();
  for (const c of TRAINING_OP_CASES) {
    const specs = c.inputs(new TestRng(1));
    const info = await tf.profile(() => evaluateOn("cpu", specs, c.fn, { diff: c.diff }).then(() => []));
    for (const k of info.kernels) used.add(k.name);
  }
  assert.ok(used.has("UnsortedSegmentSum") && used.has("BatchMatMul") && used.has("Erf"), `profile saw ${[...used]}`);
  // The profile also lists composite ops (e.g. "logSoftmax__op", a customGrad): keep real kernels.
  const missing = [...used].filter((name) => tf.getKernel(name, "cpu") && !tf.getKernel(name, "wasm"));
  assert.deepEqual(missing, [], `kernels used by training ops but not registered on wasm: ${missing}`);
});

// ---- UnsortedSegmentSum -------------------------------------------------------------------

const segmentSum = (numSegments: number) => (x: tf.Tensor, ids: tf.Tensor) => tf.unsortedSegmentSum(x, ids as tf.Tensor1D, numSegments);

async function compareSegmentSum(specs: InputSpec[], numSegments: number, label: string, diff?: number[]): Promise<void> {
  const expected = await evaluateOn("cpu", specs, segmentSum(numSegments), { diff });
  const actual = await evaluateOn("wasm", specs, segmentSum(numSegments), { diff });
  if (specs[0].dtype === "int32") {
    // TF keeps x's dtype; the cpu backend returns float32 for int32 x. Same values either way.
    assert.equal(actual.dtype, "int32", `${label}: dtype`);
    expected.dtype = actual.dtype;
  }
  assertSameEvaluation(actual, expected, TOL, label);
}

test("UnsortedSegmentSum: repeated ids, values and gradient match cpu", async () => {
  const r = new TestRng(7);
  await compareSegmentSum([input(r.normals(9 * 4), [9, 4]), input([3, 0, 3, 3, 1, 0, 4, 4, 3], [9], "int32")], 5, "repeated ids");
});

test("UnsortedSegmentSum: negative ids are dropped, values and gradient match cpu", async () => {
  const r = new TestRng(8);
  await compareSegmentSum([input(r.normals(6 * 3), [6, 3]), input([-1, 2, 0, -5, 2, 1], [6], "int32")], 3, "negative ids");
});

test("UnsortedSegmentSum: ids ≥ numSegments are dropped as in TF (value; core's gradient cannot gather them)", async () => {
  const x = [1, 2, 10, 20, 100, 200, 1000, 2000];
  const specs = [input(x, [4, 2]), input([1, 3, 1, 7], [4], "int32")];
  await compareSegmentSum(specs, 3, "ids ≥ numSegments", []);
  const wasm = await evaluateOn("wasm", specs, segmentSum(3), { diff: [] });
  assert.deepEqual(wasm.shape, [3, 2]);
  assert.deepEqual(wasm.value, [0, 0, 101, 202, 0, 0]);
});

test("UnsortedSegmentSum: int32 x, 1-D x, and rank-3 x match cpu", async () => {
  const r = new TestRng(9);
  await compareSegmentSum([input(r.ints(12, -50, 50), [6, 2], "int32"), input([0, 1, 0, 2, 2, -1], [6], "int32")], 3, "int32 x");
  await compareSegmentSum([input(r.normals(7), [7]), input([4, 0, 4, 1, 1, 4, 2], [7], "int32")], 6, "1-D x");
  await compareSegmentSum([input(r.normals(5 * 2 * 3), [5, 2, 3]), input([1, 1, 0, 1, 0], [5], "int32")], 2, "rank-3 x");
});

test("UnsortedSegmentSum: empty segments are exactly zero even on a dirty heap", async () => {
  await tf.setBackend("wasm");
  // Leave non-zero bytes in freed heap memory the output may reuse.
  tf.tidy(() => tf.fill([64], 12345.5).dataSync());
  const out = tf.tidy(() => tf.unsortedSegmentSum(tf.ones([4, 8]), tf.tensor1d([0, 1, 1, 0], "int32"), 8).dataSync());
  assert.deepEqual(Array.from(out.slice(16)), new Array(6 * 8).fill(0));
  assert.deepEqual(Array.from(out.slice(0, 16)), new Array(16).fill(2));
});

test("UnsortedSegmentSum: 2-D segment ids follow TF (output [numSegments, ...x.shape[2:]])", async () => {
  // The cpu backend reduces only axis 0 here, so this case is checked against TF's definition.
  await tf.setBackend("wasm");
  const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]);
  const ids = tf.tensor2d([0, 2, 0, 2, -1, 1], [2, 3], "int32");
  const y = tf.unsortedSegmentSum(x, ids as unknown as tf.Tensor1D, 3);
  assert.deepEqual(y.shape, [3, 2]);
  assert.deepEqual(Array.from(y.dataSync()), [1 + 5, 2 + 6, 11, 12, 3 + 7, 4 + 8]);
  tf.dispose([x, ids, y]);
});

test("gather gradient (embedding lookup with repeated ids) matches cpu", async () => {
  const r = new TestRng(10);
  const specs = [input(r.normals(10 * 4), [10, 4]), input([1, 7, 7, 0, 1, 7, 9, 1], [2, 4], "int32")];
  const fn = (table: tf.Tensor, ids: tf.Tensor) => tf.gather(table, ids);
  const expected = await evaluateOn("cpu", specs, fn);
  const actual = await evaluateOn("wasm", specs, fn);
  assertSameEvaluation(actual, expected, TOL, "embedding gather");
  // Rows never looked up get an exactly-zero gradient.
  for (const row of [2, 3, 4, 5, 6, 8]) assert.deepEqual(actual.grads[0].value.slice(row * 4, row * 4 + 4), [0, 0, 0, 0]);
});

test("GatherV2 with batchDims: wasm's wrong batch rows are fixed; batchDims 0 still uses wasm's kernel", async () => {
  await tf.setBackend("wasm");
  const x = tf.tensor3d(Array.from({ length: 30 }, (_, i) => i), [2, 5, 3]);
  const idx = tf.tensor2d([1, 1, 4, 0, 3, 0], [2, 3], "int32");
  const y = tf.gather(x, idx, 1, 1);
  assert.deepEqual(y.shape, [2, 3, 3]);
  // Batch 0 reads rows 1, 1, 4 of x[0]; batch 1 reads rows 0, 3, 0 of x[1] (rows of 3 from 15).
  assert.deepEqual(Array.from(y.dataSync()), [3, 4, 5, 3, 4, 5, 12, 13, 14, 15, 16, 17, 24, 25, 26, 15, 16, 17]);
  assert.throws(() => tf.gather(x, tf.tensor2d([0, 5], [2, 1], "int32"), 1, 1), /index value 5 is not in \[0, 4\]/);
  tf.dispose([x, idx, y]);
  // Ids in [0, 2) fit every axis of x [4, 3, 2, 5].
  const specs = [input(new TestRng(13).normals(4 * 3 * 2 * 5), [4, 3, 2, 5]), input([1, 0, 1, 1, 0, 0, 1, 0], [4, 2], "int32")];
  for (const [axis, batchDims] of [[1, 1], [2, 1], [3, 1], [2, 2]]) {
    const ids = batchDims === 2 ? input([1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1], [4, 3, 1], "int32") : specs[1];
    const fn = (t: tf.Tensor, i: tf.Tensor) => tf.gather(t, i, axis, batchDims);
    const label = `gather axis ${axis} batchDims ${batchDims}`;
    // tfjs-core's GatherV2 gradient handles batchDims ≤ 1 only (any backend): values alone for 2.
    const diff = batchDims === 2 ? [] : undefined;
    assertSameEvaluation(await evaluateOn("wasm", [specs[0], ids], fn, { diff }), await evaluateOn("cpu", [specs[0], ids], fn, { diff }), TOL, label);
  }
});

// ---- Erf ----------------------------------------------------------------------------------

const ERF_EDGES = [0, -0, 1e-30, -1e-7, 1e-4, 0.3, -0.9, 1.7, -2.4, 3.2, 3.9, -3.99, 4, 5.5, -6, 9, -27, 1e6, -3e38, Infinity, -Infinity, NaN];
const erfGrid = (): number[] => [...ERF_EDGES, ...new TestRng(11).normals(400, 2.5), ...Array.from({ length: 161 }, (_, i) => -8 + i * 0.1)].map(Math.fround);

test("Erf on wasm (wasm's own kernel in 4.22): values and gradient match cpu on wide and edge inputs", async () => {
  const xs = erfGrid();
  const finite = xs.filter(Number.isFinite);
  assertClose(await erfOn("wasm", xs), await erfOn("cpu", xs), ERF_VS_CPU, "erf wasm vs cpu");
  const fn = (x: tf.Tensor) => tf.erf(x);
  assertSameEvaluation(await evaluateOn("wasm", [input(finite, [finite.length])], fn), await evaluateOn("cpu", [input(finite, [finite.length])], fn), ERF_VS_CPU, "erf gradient");
});

test("Erf on wasm is at least as accurate as cpu's (against float64 references)", async () => {
  const xs = ERF_REFERENCE.flatMap(([x]) => [x, -x]);
  const want = ERF_REFERENCE.flatMap(([, y]) => [y, -y]);
  const err = (got: Float32Array) => Math.max(...want.map((y, i) => Math.abs(got[i] - y)));
  const cpu = err(await erfOn("cpu", xs));
  const wasm = err(await erfOn("wasm", xs));
  assert.ok(wasm <= Math.max(cpu, 6e-8), `wasm max error ${wasm}, cpu ${cpu}`);
  assert.ok(wasm <= 1.2e-7, `wasm max error ${wasm}`);
});

test("our TypeScript Erf (fallback for wasm builds without one): matches cpu and float64 references", async () => {
  for (const [x, y] of ERF_REFERENCE) {
    assertClose([erfScalar(x), erfScalar(-x)], [y, -y], { rtol: 0, atol: 1e-12 }, `erfScalar(${x})`);
  }
  assert.ok(Number.isNaN(erfScalar(NaN)));
  assert.deepEqual([erfScalar(Infinity), erfScalar(-Infinity), erfScalar(0)], [1, -1, 0]);
  await withOurErf(async () => {
    assert.equal(tf.getKernel("Erf", "wasm")?.kernelFunc, erfConfig.kernelFunc);
    const xs = erfGrid();
    const ours = await erfOn("wasm", xs);
    assertClose(ours, await erfOn("cpu", xs), ERF_VS_CPU, "our erf vs cpu");
    assertClose(ours, xs.map((x) => Math.fround(erfScalar(x))), { rtol: 0, atol: 0 }, "our erf is erfScalar rounded to float32");
    const ref = await erfOn("wasm", ERF_REFERENCE.map(([x]) => x));
    assertClose(ref, ERF_REFERENCE.map(([, y]) => y), { rtol: 0, atol: 6e-8 }, "our erf within half an ulp of float64 references");
    const moderate = xs.filter((x) => Math.abs(x) <= 8);
    const fn = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
    assertSameEvaluation(await evaluateOn("wasm", [input(moderate, [moderate.length])], fn), await evaluateOn("cpu", [input(moderate, [moderate.length])], fn), GELU_VS_CPU, "GELU with our erf");
  });
});

// ---- every training op, wasm vs cpu --------------------------------------------------------

for (const c of TRAINING_OP_CASES) {
  test(`wasm vs cpu: ${c.name}`, () => compareOpCase(c, "wasm", "cpu", TOL));
}

// ---- end to end ---------------------------------------------------------------------------

test("end to end: embedding → dense → erf-GELU → dense → softmax cross-entropy, loss and all gradients match cpu", async () => {
  const r = new TestRng(12);
  const [V, H, I, C, B, T] = [9, 4, 6, 3, 2, 5];
  const specs = [
    input(r.normals(V * H, 0.5), [V, H]), // embeddings
    input(r.normals(H * I, 0.5), [H, I]), // W1
    input(r.normals(I, 0.1), [I]), // b1
    input(r.normals(I * C, 0.5), [I, C]), // W2
    input(r.normals(C, 0.1), [C]), // b2
    input([1, 4, 4, 8, 0, 4, 2, 1, 1, 7], [B, T], "int32"), // token ids, repeated
    input(r.ints(B * T, 0, C), [B * T], "int32"), // labels
  ];
  const loss = (emb: tf.Tensor, W1: tf.Tensor, b1: tf.Tensor, W2: tf.Tensor, b2: tf.Tensor, ids: tf.Tensor, labels: tf.Tensor) => {
    const x = tf.reshape(tf.gather(emb, ids), [B * T, H]);
    const h = tf.add(tf.matMul(x, W1), b1);
    const g = tf.mul(tf.mul(h, 0.5), tf.add(1, tf.erf(tf.mul(h, Math.SQRT1_2))));
    const logits = tf.add(tf.matMul(g, W2), b2);
    return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, C), logits);
  };
  const expected = await evaluateOn("cpu", specs, loss, { diff: [0, 1, 2, 3, 4] });
  const actual = await evaluateOn("wasm", specs, loss, { diff: [0, 1, 2, 3, 4] });
  assert.ok(expected.value[0] > 0.1 && expected.grads.every((g) => g.value.some((v) => v !== 0)), "non-trivial loss and gradients");
  assertSameEvaluation(actual, expected, { rtol: 1e-5, atol: 1e-6 }, "tiny model");
});

test("end to end: the encoder's four heads train on wasm with the loss and gradients of cpu", async () => {
  const ids = [[2, 5, 6, 7, 3], [2, 8, 3, 1, 1]];
  const mask = [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]];
  const run = async (backend: string, modelType: "bert" | "roberta", task: Task) => {
    await tf.setBackend(backend);
    const config = makeConfig({
      model_type: modelType, vocab_size: 12, hidden_size: 8, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 16,
      max_position_embeddings: 16, id2label: { "0": "a", "1": "b" }, label2id: { a: 0, b: 1 }, pad_token_id: modelType === "bert" ? 0 : 1,
    });
    const model = EncoderModel.create(config, task, 3);
    const { value, grads } = tf.variableGrads(() => {
      const input = { inputIds: tf.tensor2d(ids, undefined, "int32"), attentionMask: tf.tensor2d(mask, undefined, "int32"), mlmPositions: tf.tensor2d([[1, 2], [1, 0]], undefined, "int32") };
      const out = model.forward(input, { outputAttentions: true });
      if (task === "question-answering") return spanLoss(out.startLogits!, out.endLogits!, tf.tensor1d([1, 2], "int32"), tf.tensor1d([3, 2], "int32"));
      if (task === "masked-lm") return crossEntropy(out.logits!, tf.tensor2d([[5, -100], [8, 2]], undefined, "int32"));
      if (task === "sequence-classification") return crossEntropy(out.logits!, tf.tensor1d([0, 1], "int32"));
      return tf.add(tf.mean(tf.square(out.lastHidden)), tf.mean(tf.squaredDifference(out.attentions![0], out.attentions![1]))) as tf.Scalar;
    }, model.variables());
    const result = { loss: value.dataSync()[0], grads: [...model.params].filter(([, v]) => grads[v.name]).map(([n, v]) => [n, Array.from(grads[v.name].dataSync())] as const) };
    tf.dispose([value, ...Object.values(grads), ...model.variables()]);
    return result;
  };
  for (const modelType of ["bert", "roberta"] as const) {
    for (const task of ["base", "sequence-classification", "question-answering", "masked-lm"] as Task[]) {
      const cpu = await run("cpu", modelType, task);
      const wasm = await run("wasm", modelType, task);
      const label = `${modelType} ${task}`;
      assertClose([wasm.loss], [cpu.loss], { rtol: 1e-5, atol: 1e-6 }, `${label}: loss`);
      assert.deepEqual(wasm.grads.map(([n]) => n), cpu.grads.map(([n]) => n), `${label}: parameters with gradients`);
      // Attention and layer norm sum in different orders per backend: matmul-level tolerance.
      cpu.grads.forEach(([n, g], k) => assertClose(wasm.grads[k][1], g, { rtol: 1e-4, atol: 1e-6 }, `${label}: gradient of ${n}`));
    }
  }
});
