/**
 * Seeded inverted dropout. Every mask is derived from our own Rng, so the same seed gives the same
 * masks on the same backend and a resumed run continues the same stream (the Rng state is
 * checkpointed). On native TensorFlow the mask comes from TensorFlow's StatelessRandomUniform,
 * seeded from the Rng: generating ~17 M numbers a step in JavaScript cost ~10 % of a training step.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "./rng";

/** The slice of tfjs-node's backend this file calls: one TensorFlow op by name. */
interface NativeBackend {
  executeSingleOutput(name: string, attrs: object[], inputs: tf.Tensor[]): tf.Tensor;
}

type TypeAttr = (name: string, dtype: tf.DataType) => object;

function nativeBackend(): { backend: NativeBackend; typeAttr: TypeAttr } | undefined {
  if (tf.getBackend() !== "tensorflow") return undefined;
  // Only reached when tfjs-node (or -gpu) is the active backend, so the package is installed.
  const pkg = ["@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu"].find((p) => {
    try {
      require.resolve(`${p}/dist/nodejs_kernel_backend`);
      return true;
    } catch {
      return false;
    }
  });
  if (!pkg) return undefined;
  const { createTensorsTypeOpAttr } = require(`${pkg}/dist/nodejs_kernel_backend`);
  return { backend: tf.backend() as unknown as NativeBackend, typeAttr: createTensorsTypeOpAttr };
}

export class Dropout {
  private native?: { backend: NativeBackend; typeAttr: TypeAttr } | null;

  constructor(readonly rng: Rng) {}

  /** x with each entry zeroed with probability `rate` and the rest scaled by 1/(1-rate). */
  apply<T extends tf.Tensor>(x: T, rate: number): T {
    if (rate <= 0) return x;
    if (rate >= 1) throw new Error(`dropout rate must be < 1, got ${rate}`);
    if (this.native === undefined) this.native = nativeBackend() ?? null;
    return tf.tidy(() => tf.mul(x, this.native ? this.nativeMask(x.shape, rate) : tf.tensor(this.rng.dropoutMask(x.size, rate), x.shape, "float32"))) as T;
  }

  /** floor(u + 1 − rate) is 1 with probability 1 − rate for u ~ U[0, 1). */
  private nativeMask(shape: number[], rate: number): tf.Tensor {
    const { backend, typeAttr } = this.native!;
    const seed = tf.tensor1d([this.rng.nextUint32() | 0, this.rng.nextUint32() | 0], "int32");
    const u = backend.executeSingleOutput(
      "StatelessRandomUniform",
      [typeAttr("dtype", "float32"), typeAttr("T", "int32"), typeAttr("Tseed", "int32")],
      [tf.tensor1d(shape, "int32"), seed],
    );
    return tf.mul(tf.floor(tf.add(u, 1 - rate)), 1 / (1 - rate));
  }
}
