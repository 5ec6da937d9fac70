/**
 * Kernels that training a BERT-style encoder needs and @tensorflow/tfjs-backend-wasm 4.22 lacks,
 * written in plain TypeScript: read inputs with `readSync`, allocate the output on the wasm heap
 * with `makeOutput`, fill it through `typedArrayFromHeap`.
 *
 * Found missing by running the forward pass and the gradient of every op the encoder, heads and
 * losses use on wasm (see test/engine/wasm-kernels.test.ts):
 *   - UnsortedSegmentSum: the gradient of `tf.gather` (embedding lookups, MLM position picking).
 * Registered only where the backend has none of its own:
 *   - Erf (exact GELU): wasm 4.22 ships a native Erf, more accurate than the cpu backend's
 *     (within half a float32 ulp; the cpu's Abramowitz–Stegun 7.1.26 is off by up to 1.7e-7), so
 *     it is kept; ours is the fallback for wasm builds without one.
 * Fixed where wasm's own kernel is wrong:
 *   - GatherV2 with batchDims > 0: wasm 4.22 reads each batch's indices from the wrong offset
 *     (batch 1 of indices [[1,1,4],[0,3,0]] gathers rows 4, 0, 3), silently. Calls with
 *     batchDims 0 (all the encoder makes) still go to wasm's native kernel.
 * Every other kernel those ops and their gradients dispatch to exists on wasm 4.22 and agrees
 * with the cpu backend.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

const WASM = "wasm";

type KernelArgs = Parameters<tf.KernelFunc>[0];

function wasmBackend(args: KernelArgs): BackendWasm {
  return args.backend as unknown as BackendWasm;
}

/** Copies a tensor's values off the wasm heap (a copy: the heap may move when outputs are allocated). */
function readNumbers(backend: BackendWasm, t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array {
  return backend.readSync(t.dataId) as Float32Array | Int32Array | Uint8Array;
}

/**
 * TensorFlow's UnsortedSegmentSum: out[s, ...] = sum of x[i..., ...] over the positions i of
 * `segmentIds` whose id is s. Output shape [numSegments, ...x.shape[segmentIds.rank:]].
 * Ids outside [0, numSegments) are dropped, as TF does (and as the cpu backend does, whose
 * equality mask never matches them). Sums are accumulated in float64 in index order, like the
 * cpu backend's Sum, so results agree with it to the last bit for float32 inputs.
 */
function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackend(args);
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = Number((args.attrs as { numSegments: number }).numSegments);
  const idRank = segmentIds.shape.length;
  if (idRank > x.shape.length || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(`unsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`);
  }
  if (x.dtype !== "float32" && x.dtype !== "int32") {
    throw new Error(`unsortedSegmentSum on wasm supports float32 and int32 x, got ${x.dtype}`);
  }
  const innerShape = x.shape.slice(idRank);
  const inner = tf.util.sizeFromShape(innerShape);
  const ids = readNumbers(backend, segmentIds);
  const xs = readNumbers(backend, x);
  const acc = new Float64Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue; // dropped, as in TF
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) acc[dst + j] += xs[src + j];
  }
  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);
  // Int32Array.set wraps out-of-range sums modulo 2^32, like int32 overflow in TF.
  backend.typedArrayFromHeap(out).set(acc);
  return out;
}

/**
 * erf in float64, rounded once to float32: the Maclaurin series
 * erf(x) = 2/√π · Σ (-1)^n x^(2n+1) / (n! (2n+1)) for |x| < 4 (the alternating terms peak near
 * 1e5 at |x| = 4, so float64 keeps ~1e-11 absolute accuracy, far below float32's ulp), and ±1
 * beyond, where erfc(4) = 1.5e-8 is under half an ulp of 1 in float32. As accurate as wasm's own
 * Erf and better than the cpu backend's 7.1.26 approximation (1.5e-7 absolute).
 */
export function erfScalar(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 4) return Math.sign(x);
  const x2 = x * x;
  let term = x; // (-1)^n x^(2n+1) / n!
  let sum = 0;
  for (let n = 0; n < 120; n++) {
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) <= 1e-17 * Math.abs(sum)) break;
    term *= -x2 / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

function erf(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackend(args);
  const { x } = args.inputs as { x: tf.TensorInfo };
  const xs = readNumbers(backend, x);
  // tf.erf casts int inputs to float32 before dispatching; float32 out either way.
  const out = backend.makeOutput(x.shape.slice(), "float32");
  const values = backend.typedArrayFromHeap(out);
  for (let i = 0; i < xs.length; i++) values[i] = erfScalar(xs[i]);
  return out;
}

/**
 * GatherV2 with batchDims > 0: x viewed as [batch, outer, dim, slice], indices as [batch, n],
 * out[b, o, i, s] = x[b, o, indices[b, i], s]. Out-of-range indices throw, as wasm's and the
 * cpu backend's gathers do.
 */
function batchedGather(backend: BackendWasm, x: tf.TensorInfo, indices: tf.TensorInfo, axis: number, batchDims: number): tf.TensorInfo {
  const parsedAxis = tf.util.parseAxisParam(axis, x.shape)[0];
  const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(x, indices, parsedAxis, batchDims);
  const { batchSize, outerSize, dimSize, sliceSize } = info;
  const idx = readNumbers(backend, indices);
  const xs = readNumbers(backend, x);
  const perBatch = idx.length / batchSize;
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= dimSize) throw new Error(`GatherV2: the index value ${idx[i]} is not in [0, ${dimSize - 1}]`);
  }
  const out = backend.makeOutput(info.outputShape, x.dtype);
  const values = backend.typedArrayFromHeap(out);
  let k = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let o = 0; o < outerSize; o++) {
      for (let i = 0; i < perBatch; i++) {
        const src = ((b * outerSize + o) * dimSize + idx[b * perBatch + i]) * sliceSize;
        for (let s = 0; s < sliceSize; s++) values[k++] = xs[src + s];
      }
    }
  }
  return out;
}

/** The kernelFuncs this module registered, so a second registration call can recognise them. */
const ours = new WeakSet<tf.KernelFunc>();

/** wasm's own GatherV2 for batchDims 0, ours otherwise; keeps wasm's setup (its C++ binding). */
function fixedGatherV2(native: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = ((args: KernelArgs) => {
    const { batchDims, axis } = args.attrs as { batchDims?: number; axis: number };
    if (!batchDims) return native.kernelFunc(args);
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    return batchedGather(wasmBackend(args), x, indices, axis, batchDims);
  }) as tf.KernelFunc;
  ours.add(kernelFunc);
  return { ...native, kernelFunc };
}

export const unsortedSegmentSumConfig: tf.KernelConfig = { kernelName: "UnsortedSegmentSum", backendName: WASM, kernelFunc: unsortedSegmentSum as tf.KernelFunc };
export const erfConfig: tf.KernelConfig = { kernelName: "Erf", backendName: WASM, kernelFunc: erf as tf.KernelFunc };

/** Our kernels, each registered only where wasm has no kernel of that name. */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [unsortedSegmentSumConfig, erfConfig];

/**
 * Registers on the wasm backend each kernel of WASM_TRAINING_KERNELS that it lacks, and wraps
 * wasm's GatherV2 so batched gathers are right. Idempotent: a kernel already registered (by
 * wasm itself or by an earlier call) is left alone and the wrapper is applied once, so no
 * "already registered" warning. Call after requiring @tensorflow/tfjs-backend-wasm, before or
 * after setBackend("wasm") (the wrapper carries wasm's setupFunc, which runs at backend start).
 */
export function registerWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    if (!tf.getKernel(config.kernelName, WASM)) tf.registerKernel(config);
  }
  const gather = tf.getKernel("GatherV2", WASM);
  if (gather && !ours.has(gather.kernelFunc)) {
    tf.unregisterKernel("GatherV2", WASM); // re-registering in place would warn
    tf.registerKernel(fixedGatherV2(gather));
  }
}
