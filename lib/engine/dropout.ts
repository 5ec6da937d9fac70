/**
 * Seeded inverted dropout. Masks come from our own Rng, so the same seed gives the same masks on
 * every backend and a resumed run continues the same stream (the Rng state is checkpointed).
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "./rng";

export class Dropout {
  constructor(readonly rng: Rng) {}

  /** x with each entry zeroed with probability `rate` and the rest scaled by 1/(1-rate). */
  apply<T extends tf.Tensor>(x: T, rate: number): T {
    if (rate <= 0) return x;
    if (rate >= 1) throw new Error(`dropout rate must be < 1, got ${rate}`);
    const mask = tf.tensor(this.rng.dropoutMask(x.size, rate), x.shape, "float32");
    return tf.mul(x, mask) as T;
  }
}
