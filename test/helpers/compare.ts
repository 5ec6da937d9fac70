/**
 * Cross-backend comparison helpers: run the same function (and its gradients) on two tfjs
 * backends from the same plain-array inputs, then compare element by element.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";

export interface Tolerance {
  /** Relative tolerance, against |expected|. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-6. */
  atol?: number;
}

/** Seeded generator (mulberry32) so test inputs are identical run to run and backend to backend. */
export class TestRng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  uniform(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.uniform())) * Math.cos(2 * Math.PI * this.uniform());
  }
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
  normals(n: number, scale = 1): number[] {
    return Array.from({ length: n }, () => Math.fround(this.normal() * scale));
  }
  uniforms(n: number, lo: number, hi: number): number[] {
    return Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * this.uniform()));
  }
  ints(n: number, lo: number, hi: number): number[] {
    return Array.from({ length: n }, () => lo + this.int(hi - lo));
  }
}

/** Plain description of an input tensor, turned into a tensor on whichever backend is active. */
export interface InputSpec {
  values: number[] | Float32Array | Int32Array;
  shape: number[];
  dtype?: "float32" | "int32" | "bool";
}

export const input = (values: number[], shape: number[], dtype: InputSpec["dtype"] = "float32"): InputSpec => ({ values, shape, dtype });

export interface Evaluated {
  backend: string;
  shape: number[];
  dtype: string;
  value: number[];
  /** Gradients for the inputs listed in `diff`, in that order (empty when none). */
  grads: { shape: number[]; value: number[] }[];
}

export interface EvaluateOptions {
  /** Indices of the inputs to differentiate with respect to. Default: every float32 input. */
  diff?: number[];
  /** Seed for the cotangent dy (random, so no gradient vanishes by symmetry as with dy = ones). */
  seed?: number;
}

/**
 * Switches to `backend`, builds the inputs, evaluates `fn` and, for the inputs in `diff`, the
 * vector-Jacobian product with a seeded random dy via tf.valueAndGrads. Returns plain arrays and
 * disposes every tensor it made.
 */
export async function evaluateOn(backend: string, inputs: InputSpec[], fn: (...xs: tf.Tensor[]) => tf.Tensor, opts: EvaluateOptions = {}): Promise<Evaluated> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
  const before = tf.memory().numTensors;
  const diff = opts.diff ?? inputs.flatMap((s, i) => ((s.dtype ?? "float32") === "float32" ? [i] : []));
  let result: Evaluated | undefined;
  // tf.tidy only returns tensors, so the plain result leaves through `result`.
  tf.tidy(() => {
    const xs = inputs.map((s) => tf.tensor(Array.from(s.values), s.shape, s.dtype ?? "float32"));
    const y = fn(...xs);
    const out: Evaluated = { backend, shape: y.shape.slice(), dtype: y.dtype, value: Array.from(y.dataSync()), grads: [] };
    if (diff.length > 0) {
      const rng = new TestRng(opts.seed ?? 99);
      const dy = tf.tensor(rng.normals(y.size), y.shape, "float32");
      // Only the differentiated inputs are arguments; the rest (indices, masks) are closed over.
      const f = (...ds: tf.Tensor[]) => fn(...xs.map((x, i) => (diff.includes(i) ? ds[diff.indexOf(i)] : x)));
      const { value, grads } = tf.valueAndGrads(f)(diff.map((i) => xs[i]), dy);
      assertClose(value.dataSync(), out.value, { rtol: 0, atol: 0 }, `${backend}: value inside valueAndGrads`);
      out.grads = grads.map((g) => ({ shape: g.shape.slice(), value: Array.from(g.dataSync()) }));
    }
    result = out;
  });
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`evaluateOn(${backend}) leaked ${leaked} tensors`);
  if (!result) throw new Error("unreachable: tidy did not run");
  return result;
}

/** Row-major coordinates of flat index i in `shape`, for messages. */
function coords(i: number, shape?: number[]): string {
  if (!shape || shape.length === 0) return `${i}`;
  const c: number[] = [];
  let rest = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    c.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return `${i} [${c.join(",")}]`;
}

/**
 * Asserts |actual - expected| <= atol + rtol·|expected| element-wise. NaN must meet NaN and an
 * infinity the same infinity. On failure names the worst element (largest excess over its
 * allowance), its coordinates when `shape` is given, and how many elements failed.
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, label: string, shape?: number[]): void {
  const rtol = tol.rtol ?? 1e-5;
  const atol = tol.atol ?? 1e-6;
  assert.equal(actual.length, expected.length, `${label}: length ${actual.length}, expected ${expected.length}`);
  let bad = 0;
  let worst = -1;
  let worstExcess = -Infinity;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    let excess: number;
    if (Number.isNaN(e) || Number.isNaN(a)) excess = Number.isNaN(e) && Number.isNaN(a) ? -1 : Infinity;
    else if (!Number.isFinite(e) || !Number.isFinite(a)) excess = a === e ? -1 : Infinity;
    else excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (excess > 0) bad++;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (bad > 0) {
    const a = actual[worst];
    const e = expected[worst];
    assert.fail(
      `${label}: ${bad} of ${expected.length} values differ beyond atol=${atol} + rtol=${rtol}·|expected|; ` +
        `worst at index ${coords(worst, shape)}: actual ${a}, expected ${e}, |diff| ${Math.abs(a - e)}, allowed ${atol + rtol * Math.abs(e)}`,
    );
  }
}

/** Compares two evaluations (shape, dtype, values, gradients), naming the case in messages. */
export function assertSameEvaluation(actual: Evaluated, expected: Evaluated, tol: Tolerance, label: string): void {
  const where = `${label} (${actual.backend} vs ${expected.backend})`;
  assert.deepEqual(actual.shape, expected.shape, `${where}: output shape`);
  assert.equal(actual.dtype, expected.dtype, `${where}: output dtype`);
  assertClose(actual.value, expected.value, tol, `${where}: value`, expected.shape);
  assert.equal(actual.grads.length, expected.grads.length, `${where}: number of gradients`);
  expected.grads.forEach((g, k) => {
    assert.deepEqual(actual.grads[k].shape, g.shape, `${where}: shape of gradient ${k}`);
    assertClose(actual.grads[k].value, g.value, tol, `${where}: gradient ${k}`, g.shape);
  });
}

/**
 * One op under test: inputs built from a seeded rng, the function of them, which inputs to
 * differentiate (default: the float32 ones; [] for value-only cases) and an optional tolerance.
 */
export interface OpCase {
  name: string;
  inputs: (rng: TestRng) => InputSpec[];
  fn: (...xs: tf.Tensor[]) => tf.Tensor;
  diff?: number[];
  tol?: Tolerance;
  /** Why a case is value-only, when it is. */
  note?: string;
}

const f32 = (rng: TestRng, shape: number[], scale = 1): InputSpec => input(rng.normals(shape.reduce((a, b) => a * b, 1), scale), shape);
const positive = (rng: TestRng, shape: number[]): InputSpec => input(rng.uniforms(shape.reduce((a, b) => a * b, 1), 0.2, 3), shape);
const ids = (rng: TestRng, shape: number[], lo: number, hi: number): InputSpec => input(rng.ints(shape.reduce((a, b) => a * b, 1), lo, hi), shape, "int32");
/** Matmuls and long reductions sum in a backend-specific order. */
const SUMS: Tolerance = { rtol: 1e-4, atol: 1e-5 };
/**
 * The cpu backend's erf is Abramowitz–Stegun 7.1.26 (absolute error up to 1.5e-7); wasm's and
 * native TensorFlow's are accurate to float32 rounding, so they differ from cpu by that much.
 */
export const ERF_VS_CPU: Tolerance = { rtol: 1e-5, atol: 2.5e-7 };
/** GELU scales erf's error by 0.5·|x|: 0.5 · 8 · 1.7e-7 for inputs with |x| ≤ 8. */
export const GELU_VS_CPU: Tolerance = { rtol: 1e-5, atol: 7e-7 };

/**
 * Every op the encoder, heads and losses use, each with its gradient where tfjs defines one.
 * Shared by the wasm and native suites; tiny shapes so both stay fast.
 */
export const TRAINING_OP_CASES: OpCase[] = [
  { name: "gather axis 0, repeated ids (embeddings)", inputs: (r) => [f32(r, [6, 4]), input([0, 5, 2, 2, 0, 2], [2, 3], "int32")], fn: (x, i) => tf.gather(x, i) },
  { name: "gather axis 1", inputs: (r) => [f32(r, [3, 5, 2]), input([4, 0, 4], [3], "int32")], fn: (x, i) => tf.gather(x, i, 1) },
  { name: "gather batchDims 1", inputs: (r) => [f32(r, [2, 5, 3]), input([1, 1, 4, 0, 3, 0], [2, 3], "int32")], fn: (x, i) => tf.gather(x, i, 1, 1) },
  ...([false, true] as const).flatMap((ta) =>
    ([false, true] as const).map<OpCase>((tb) => ({
      name: `matMul 2D transposeA=${ta} transposeB=${tb}`,
      inputs: (r) => [f32(r, ta ? [5, 3] : [3, 5]), f32(r, tb ? [4, 5] : [5, 4])],
      fn: (a, b) => tf.matMul(a, b, ta, tb),
      tol: SUMS,
    })),
  ),
  ...([false, true] as const).flatMap((ta) =>
    ([false, true] as const).map<OpCase>((tb) => ({
      name: `matMul 3D transposeA=${ta} transposeB=${tb}`,
      inputs: (r) => [f32(r, ta ? [2, 5, 3] : [2, 3, 5]), f32(r, tb ? [2, 4, 5] : [2, 5, 4])],
      fn: (a, b) => tf.matMul(a, b, ta, tb),
      tol: SUMS,
    })),
  ),
  { name: "matMul 4D q·kᵀ (attention scores)", inputs: (r) => [f32(r, [2, 2, 3, 4]), f32(r, [2, 2, 3, 4])], fn: (q, k) => tf.matMul(q, k, false, true), tol: SUMS },
  { name: "matMul 4D probs·v (attention context)", inputs: (r) => [f32(r, [2, 2, 3, 3]), f32(r, [2, 2, 3, 4])], fn: (p, v) => tf.matMul(p, v), tol: SUMS },
  { name: "add (broadcast bias)", inputs: (r) => [f32(r, [3, 4]), f32(r, [4])], fn: (a, b) => tf.add(a, b) },
  { name: "sub (broadcast)", inputs: (r) => [f32(r, [2, 3, 4]), f32(r, [2, 3, 1])], fn: (a, b) => tf.sub(a, b) },
  { name: "mul (broadcast)", inputs: (r) => [f32(r, [2, 3, 4]), f32(r, [3, 4])], fn: (a, b) => tf.mul(a, b) },
  { name: "mul by a scalar", inputs: (r) => [f32(r, [2, 3])], fn: (a) => tf.mul(a, 0.125) },
  { name: "div (broadcast)", inputs: (r) => [f32(r, [3, 4]), positive(r, [3, 1])], fn: (a, b) => tf.div(a, b) },
  { name: "neg", inputs: (r) => [f32(r, [7])], fn: (x) => tf.neg(x) },
  { name: "reshape", inputs: (r) => [f32(r, [2, 3, 4])], fn: (x) => tf.reshape(x, [6, -1]) },
  { name: "transpose [0,2,1,3] (attention heads)", inputs: (r) => [f32(r, [2, 3, 2, 4])], fn: (x) => tf.transpose(x, [0, 2, 1, 3]) },
  { name: "transpose 2D", inputs: (r) => [f32(r, [3, 5])], fn: (x) => tf.transpose(x) },
  { name: "softmax (last axis)", inputs: (r) => [f32(r, [2, 2, 3, 5], 3)], fn: (x) => tf.softmax(x) },
  { name: "softmax with -1e9 mask bias", inputs: (r) => [f32(r, [2, 5]), input([0, 0, 0, -1e9, -1e9, 0, -1e9, 0, 0, 0], [2, 5])], fn: (x, m) => tf.softmax(tf.add(x, m)), diff: [0] },
  { name: "logSoftmax", inputs: (r) => [f32(r, [4, 6], 4)], fn: (x) => tf.logSoftmax(x) },
  { name: "exp", inputs: (r) => [f32(r, [8], 2)], fn: (x) => tf.exp(x) },
  { name: "log", inputs: (r) => [positive(r, [8])], fn: (x) => tf.log(x) },
  { name: "erf (wide range)", inputs: (r) => [input([...r.normals(12, 2), -9, -3.7, -0.8, -1e-4, 0, 3e-6, 0.6, 2.2, 4.1, 30], [22])], fn: (x) => tf.erf(x), tol: ERF_VS_CPU },
  { name: "exact GELU 0.5·x·(1+erf(x/√2))", inputs: (r) => [f32(r, [3, 5], 2)], fn: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))), tol: GELU_VS_CPU },
  { name: "tanh", inputs: (r) => [f32(r, [9], 2)], fn: (x) => tf.tanh(x) },
  { name: "tanh GELU (gelu_new)", inputs: (r) => [f32(r, [9], 2)], fn: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))) },
  { name: "relu", inputs: (r) => [f32(r, [9])], fn: (x) => tf.relu(x) },
  { name: "sqrt", inputs: (r) => [positive(r, [8])], fn: (x) => tf.sqrt(x) },
  { name: "rsqrt", inputs: (r) => [positive(r, [8])], fn: (x) => tf.rsqrt(x) },
  { name: "square", inputs: (r) => [f32(r, [8])], fn: (x) => tf.square(x) },
  { name: "pow (tensor base and exponent)", inputs: (r) => [positive(r, [6]), f32(r, [6])], fn: (a, b) => tf.pow(a, b) },
  { name: "pow (negative base, integer exponent)", inputs: (r) => [f32(r, [6])], fn: (a) => tf.pow(a, tf.scalar(3, "int32")) },
  { name: "mean over last axis, keepDims", inputs: (r) => [f32(r, [2, 3, 8])], fn: (x) => tf.mean(x, -1, true) },
  { name: "mean over all", inputs: (r) => [f32(r, [4, 5])], fn: (x) => tf.mean(x) },
  { name: "sum over axes [0,2]", inputs: (r) => [f32(r, [3, 4, 5])], fn: (x) => tf.sum(x, [0, 2]) },
  { name: "sum of int32", inputs: (r) => [ids(r, [10], -5, 9)], fn: (x) => tf.sum(x) },
  { name: "max over last axis", inputs: (r) => [f32(r, [3, 7])], fn: (x) => tf.max(x, -1) },
  { name: "max over all", inputs: (r) => [f32(r, [3, 4])], fn: (x) => tf.max(x) },
  { name: "argMax", inputs: (r) => [f32(r, [4, 6])], fn: (x) => tf.argMax(x, -1), diff: [] },
  { name: "oneHot (out-of-range ids give zero rows)", inputs: () => [input([0, 2, 4, -1, 5, 1], [6], "int32")], fn: (i) => tf.oneHot(i, 5) },
  { name: "cast float32 → int32", inputs: (r) => [f32(r, [8], 5)], fn: (x) => tf.cast(x, "int32"), diff: [] },
  { name: "cast bool → float32", inputs: () => [input([1, 0, 0, 1], [4], "bool")], fn: (x) => tf.cast(x, "float32") },
  { name: "cast float32 → float32 (gradient passes)", inputs: (r) => [f32(r, [5])], fn: (x) => tf.mul(tf.cast(x, "float32"), x) },
  { name: "concat last axis", inputs: (r) => [f32(r, [2, 3]), f32(r, [2, 2]), f32(r, [2, 1])], fn: (a, b, c) => tf.concat([a, b, c], -1) },
  { name: "concat axis 0", inputs: (r) => [f32(r, [1, 3]), f32(r, [2, 3])], fn: (a, b) => tf.concat([a, b], 0) },
  { name: "slice (CLS token)", inputs: (r) => [f32(r, [2, 4, 3])], fn: (x) => tf.slice(x, [0, 0, 0], [-1, 1, -1]) },
  { name: "slice middle", inputs: (r) => [f32(r, [4, 5])], fn: (x) => tf.slice(x, [1, 2], [2, 3]) },
  {
    name: "stridedSlice",
    inputs: (r) => [f32(r, [4, 6])],
    fn: (x) => tf.stridedSlice(x, [0, 1], [4, 6], [2, 2]),
    diff: [],
    note: "value only: tfjs-core 4.22 defines no gradient for StridedSlice on any backend",
  },
  { name: "expandDims", inputs: (r) => [f32(r, [2, 3])], fn: (x) => tf.expandDims(x, 1) },
  { name: "squeeze", inputs: (r) => [f32(r, [2, 1, 3])], fn: (x) => tf.squeeze(x, [1]) },
  { name: "cumsum last axis", inputs: (r) => [f32(r, [3, 5])], fn: (x) => tf.cumsum(x, 1) },
  // Axis 1, not -1: tfjs 4.22's Cumsum mishandles negative axes on every backend (shape [undefined, …]).
  { name: "cumsum last axis, exclusive and reverse", inputs: (r) => [f32(r, [3, 5])], fn: (x) => tf.cumsum(x, 1, true, true) },
  { name: "cumsum int32 (RoBERTa position ids)", inputs: () => [input([1, 1, 1, 0, 0, 1, 1, 1, 1, 1], [2, 5], "int32")], fn: (x) => tf.cumsum(x, 1) },
  {
    name: "cumsum axis 0",
    inputs: (r) => [f32(r, [4, 3])],
    fn: (x) => tf.cumsum(x, 0),
    diff: [],
    note: "value only: tfjs-core 4.22's Cumsum gradient transposes its result for a non-last axis (wrong shape, or silently wrong values on square inputs) on every backend",
  },
  { name: "notEqual", inputs: () => [input([1, 0, -100, 3, -100], [5], "int32")], fn: (x) => tf.notEqual(x, tf.scalar(-100, "int32")) },
  { name: "equal", inputs: (r) => [ids(r, [10], 0, 3), ids(r, [10], 0, 3)], fn: (a, b) => tf.equal(a, b) },
  { name: "greater", inputs: (r) => [f32(r, [8]), f32(r, [8])], fn: (a, b) => tf.greater(a, b), diff: [] },
  { name: "where (select)", inputs: (r) => [input([1, 0, 0, 1, 1, 0], [2, 3], "bool"), f32(r, [2, 3]), f32(r, [2, 3])], fn: (c, a, b) => tf.where(c, a, b) },
  { name: "where with broadcast condition", inputs: (r) => [input([1, 0, 1], [3], "bool"), f32(r, [2, 3]), f32(r, [2, 3])], fn: (c, a, b) => tf.where(c, a, b) },
  { name: "maximum", inputs: (r) => [f32(r, [8]), f32(r, [8])], fn: (a, b) => tf.maximum(a, b) },
  { name: "maximum with a scalar (denominator ≥ 1)", inputs: (r) => [positive(r, [6])], fn: (a) => tf.maximum(a, 1) },
  { name: "minimum", inputs: (r) => [f32(r, [8]), f32(r, [8])], fn: (a, b) => tf.minimum(a, b) },
  { name: "clipByValue", inputs: (r) => [f32(r, [10])], fn: (x) => tf.clipByValue(x, -0.5, 0.7) },
  { name: "abs", inputs: (r) => [f32(r, [8])], fn: (x) => tf.abs(x) },
  { name: "sigmoid", inputs: (r) => [f32(r, [8], 3)], fn: (x) => tf.sigmoid(x) },
  { name: "scalar", inputs: () => [], fn: () => tf.scalar(2.5) },
  { name: "fill", inputs: () => [], fn: () => tf.fill([2, 3], -1.5) },
  { name: "zerosLike", inputs: (r) => [f32(r, [2, 3])], fn: (x) => tf.add(tf.zerosLike(x), x) },
  { name: "onesLike", inputs: (r) => [f32(r, [2, 3])], fn: (x) => tf.mul(tf.onesLike(x), x) },
  // Also used by lib (layer norm, QA head, position ids, gradient accumulation).
  { name: "moments (layer norm)", inputs: (r) => [f32(r, [2, 3, 8])], fn: (x) => { const { mean, variance } = tf.moments(x, -1, true); return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-12))); }, tol: SUMS },
  { name: "squaredDifference", inputs: (r) => [f32(r, [6]), f32(r, [6])], fn: (a, b) => tf.squaredDifference(a, b) },
  { name: "split", inputs: (r) => [f32(r, [2, 3, 2])], fn: (x) => { const [s, e] = tf.split(x, 2, -1); return tf.sub(tf.mul(s, 2), e); } },
  { name: "tile", inputs: (r) => [f32(r, [1, 3])], fn: (x) => tf.tile(x, [4, 2]) },
  { name: "addN", inputs: (r) => [f32(r, [4]), f32(r, [4]), f32(r, [4])], fn: (a, b, c) => tf.addN([a, b, c]) },
  {
    name: "softmax cross-entropy with ignored labels (lib crossEntropy)",
    inputs: (r) => [f32(r, [5, 4], 2), input([0, 3, -100, 1, 2], [5], "int32")],
    fn: (logits, labels) => {
      const keep = tf.cast(tf.notEqual(labels, tf.scalar(-100, "int32")), "float32");
      const safe = tf.mul(labels, tf.cast(keep, "int32"));
      const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(safe, 4)), -1);
      return tf.div(tf.neg(tf.sum(tf.mul(picked, keep))), tf.maximum(tf.sum(keep), 1));
    },
  },
];

/** Runs `opCase` on both backends and asserts values and gradients agree within its tolerance. */
export async function compareOpCase(opCase: OpCase, actualBackend: string, expectedBackend: string, base: Tolerance, seed = 1234): Promise<void> {
  const specs = opCase.inputs(new TestRng(seed));
  const opts = { diff: opCase.diff };
  const expected = await evaluateOn(expectedBackend, specs, opCase.fn, opts);
  const actual = await evaluateOn(actualBackend, specs, opCase.fn, opts);
  const tol = { rtol: Math.max(base.rtol ?? 1e-5, opCase.tol?.rtol ?? 0), atol: Math.max(base.atol ?? 1e-6, opCase.tol?.atol ?? 0) };
  assertSameEvaluation(actual, expected, tol, opCase.name);
  // Guard against vacuous passes: every float case that can be differentiated was.
  const floats = specs.filter((s) => (s.dtype ?? "float32") === "float32").length;
  if (opCase.diff === undefined && floats > 0) assert.equal(expected.grads.length, floats, `${opCase.name}: gradients computed`);
}
