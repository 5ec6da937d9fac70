/**
 * TensorFlow ops by name, for what tfjs does not expose: on native TensorFlow (tfjs-node or
 * tfjs-node-gpu) the backend can run any op of the C library. Callers fall back to plain tfjs ops
 * where this returns undefined (wasm, cpu).
 */
import * as tf from "@tensorflow/tfjs";

/** One op attribute as tfjs-node's binding takes it. */
export interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

/** The slice of tfjs-node's backend used here. */
interface NodeBackend {
  binding: Record<string, number>;
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.Tensor[]): tf.Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: tf.Tensor[], numOutputs: number): tf.Tensor[];
}

export interface NativeOps {
  /** Runs an op with one output. */
  run(name: string, attrs: OpAttr[], inputs: tf.Tensor[]): tf.Tensor;
  /** Runs an op for its effect (no outputs: assignments, in-place updates). */
  runForEffect(name: string, attrs: OpAttr[], inputs: tf.Tensor[]): void;
  dtypeAttr(name: string, dtype: tf.DataType): OpAttr;
  boolAttr(name: string, value: boolean): OpAttr;
  stringAttr(name: string, value: string): OpAttr;
  shapeAttr(name: string, shape: number[]): OpAttr;
}

let cached: { backend: tf.KernelBackend; ops: NativeOps } | undefined;

/** The native ops of the active backend, or undefined when it is not native TensorFlow. */
export function nativeOps(): NativeOps | undefined {
  if (tf.getBackend() !== "tensorflow") return undefined;
  const backend = tf.backend();
  if (cached?.backend === backend) return cached.ops;
  const node = backend as unknown as NodeBackend;
  const b = node.binding;
  if (!b || typeof node.executeMultipleOutputs !== "function") return undefined;
  const dtypes: Partial<Record<tf.DataType, number>> = { float32: b.TF_FLOAT, int32: b.TF_INT32, bool: b.TF_BOOL, string: b.TF_STRING };
  const ops: NativeOps = {
    run: (name, attrs, inputs) => node.executeSingleOutput(name, attrs, inputs),
    runForEffect: (name, attrs, inputs) => void node.executeMultipleOutputs(name, attrs, inputs, 0),
    dtypeAttr: (name, dtype) => {
      const value = dtypes[dtype];
      if (value === undefined) throw new Error(`no TensorFlow dtype for ${dtype}`);
      return { name, type: b.TF_ATTR_TYPE, value };
    },
    boolAttr: (name, value) => ({ name, type: b.TF_ATTR_BOOL, value }),
    stringAttr: (name, value) => ({ name, type: b.TF_ATTR_STRING, value }),
    shapeAttr: (name, shape) => ({ name, type: b.TF_ATTR_SHAPE, value: shape }),
  };
  cached = { backend, ops };
  return ops;
}
