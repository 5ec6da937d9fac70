/**
 * A TensorFlow resource variable: a buffer owned by TensorFlow that ops such as ResourceApplyAdam
 * update in place. tfjs variables are immutable tensors swapped on assign, so every element-wise
 * op of an optimizer step allocates and writes a whole new buffer; the fused in-place kernels
 * read and write each buffer once. Native TensorFlow only (see native-ops.ts).
 */
import * as tf from "@tensorflow/tfjs";
import type { NativeOps } from "./native-ops";

// Resource names must be unique in the process: TensorFlow keys variables by container and name.
let created = 0;
const PREFIX = `thieves-${process.pid}-${Date.now().toString(36)}`;

export class ResourceVariable {
  /** The DT_RESOURCE handle tensor that ops take as their variable input. */
  readonly handle: tf.Tensor;
  readonly shape: number[];
  private disposed = false;

  constructor(readonly ops: NativeOps, initial: tf.Tensor) {
    this.shape = initial.shape;
    // Kept: a variable made inside tf.tidy must outlive the scope, as tfjs variables do.
    this.handle = tf.keep(ops.run("VarHandleOp", [
      ops.stringAttr("container", ""),
      ops.stringAttr("shared_name", `${PREFIX}-${created++}`),
      ops.dtypeAttr("dtype", "float32"),
      ops.shapeAttr("shape", initial.shape),
    ], []));
    this.assign(initial);
  }

  /** Copies `value` into the variable. */
  assign(value: tf.Tensor): void {
    this.ops.runForEffect("AssignVariableOp", [this.ops.dtypeAttr("dtype", "float32"), this.ops.boolAttr("validate_shape", true)], [this.handle, value]);
  }

  /** The current value as a tfjs tensor (TensorFlow shares the buffer until the variable is next written). */
  read(): tf.Tensor {
    return this.ops.run("ReadVariableOp", [this.ops.dtypeAttr("dtype", "float32")], [this.handle]);
  }

  /** The current value as a plain array. */
  values(): Float32Array {
    const t = this.read();
    try {
      return t.dataSync() as Float32Array;
    } finally {
      t.dispose();
    }
  }

  /** Frees TensorFlow's buffer (disposing the handle alone would keep the variable alive). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ops.runForEffect("DestroyResourceOp", [this.ops.boolAttr("ignore_lookup_error", true)], [this.handle]);
    this.handle.dispose();
  }
}

/** Scalars of one Adam step as ResourceApplyAdam takes them (see applyAdam). */
export interface AdamScalars {
  beta1Power: tf.Scalar;
  beta2Power: tf.Scalar;
  lr: tf.Scalar;
  beta1: tf.Scalar;
  beta2: tf.Scalar;
  epsilon: tf.Scalar;
}

/**
 * In place, TensorFlow's Adam: m ← m + (g − m)(1 − β1); v ← v + (g² − v)(1 − β2);
 * w ← w − lr·√(1 − β2^t)/(1 − β1^t) · m / (√v + ε).
 */
export function applyAdam(w: ResourceVariable, m: ResourceVariable, v: ResourceVariable, s: AdamScalars, grad: tf.Tensor): void {
  const ops = w.ops;
  ops.runForEffect("ResourceApplyAdam", [ops.dtypeAttr("T", "float32"), ops.boolAttr("use_locking", false), ops.boolAttr("use_nesterov", false)],
    [w.handle, m.handle, v.handle, s.beta1Power, s.beta2Power, s.lr, s.beta1, s.beta2, s.epsilon, grad]);
}

/** In place: w ← w − alpha·delta. */
export function applyGradientDescent(w: ResourceVariable, alpha: tf.Scalar, delta: tf.Tensor): void {
  const ops = w.ops;
  ops.runForEffect("ResourceApplyGradientDescent", [ops.dtypeAttr("T", "float32"), ops.boolAttr("use_locking", false)], [w.handle, alpha, delta]);
}
