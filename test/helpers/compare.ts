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
  const result = tf.tidy(() => {
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
    return out;
  });
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`evaluateOn(${backend}) leaked ${leaked} tensors`);
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
