/**
 * AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", arXiv:1711.05101),
 * step for step as torch.optim.AdamW: decay shrinks the weight directly (p ← p·(1 − lr·λ)) instead
 * of being added to the gradient, then the bias-corrected Adam step. tfjs ships Adam only.
 */
import * as tf from "@tensorflow/tfjs";

export interface AdamWArgs {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Added to √v̂. Default 1e-8 (BERT's original code used 1e-6). */
  epsilon?: number;
  /** Decoupled weight decay λ. Default 0.01. */
  weightDecay?: number;
}

export interface AdamWState {
  step: number;
  /** First and second moments per parameter name. */
  m: Map<string, tf.Tensor>;
  v: Map<string, tf.Tensor>;
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  /**
   * @param params the parameters to update, by name
   * @param decays whether a parameter gets weight decay (BERT: not biases nor LayerNorm)
   * @param masks 0/1 tensors by parameter name (pruning, lib/prune): after every step the masked
   *   entries of the weight and of both moments are exactly 0, whatever the gradient and decay
   */
  constructor(
    readonly params: Map<string, tf.Variable>,
    args: AdamWArgs = {},
    readonly decays: (name: string) => boolean = defaultDecays,
    readonly masks: Map<string, tf.Tensor> = new Map(),
  ) {
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.999;
    this.epsilon = args.epsilon ?? 1e-8;
    this.weightDecay = args.weightDecay ?? 0.01;
    for (const [name, p] of params) {
      // A variable keeps its own reference to its initial value, so the zeros tensors are released here.
      for (const moments of [this.m, this.v]) {
        const zeros = tf.zerosLike(p);
        moments.set(name, tf.variable(zeros, false));
        zeros.dispose();
      }
    }
  }

  /** One update with learning rate `lr`; `grads` by parameter name (missing = no update). */
  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    this.step += 1;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const stepSize = lr / (1 - b1 ** this.step);
    const sqrtBiasCorrection2 = Math.sqrt(1 - b2 ** this.step);
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g = grads.get(name);
        if (!g) continue;
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        const mask = this.masks.get(name);
        // Masking the results (not only the gradient) holds pruned entries at 0 even where a moment or weight was not 0 before.
        const held = (t: tf.Tensor) => (mask ? tf.mul(t, mask) : t);
        const mNew = held(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
        const vNew = held(tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
        const denom = tf.add(tf.div(tf.sqrt(vNew), sqrtBiasCorrection2), this.epsilon);
        const decayed = this.decays(name) && this.weightDecay > 0 ? tf.mul(p, 1 - lr * this.weightDecay) : p;
        p.assign(held(tf.sub(decayed, tf.mul(tf.div(mNew, denom), stepSize))));
        m.assign(mNew);
        v.assign(vNew);
      }
    });
  }

  /** Moments and step, for checkpoints (tensors are the live variables: copy before disposing). */
  state(): AdamWState {
    return { step: this.step, m: new Map(this.m), v: new Map(this.v) };
  }

  /** Restores moments saved by `state()` (from a checkpoint, as plain arrays). */
  load(step: number, m: Map<string, Float32Array>, v: Map<string, Float32Array>): void {
    for (const [which, source, store] of [["m", m, this.m], ["v", v, this.v]] as const) {
      for (const [name, variable] of store) {
        const values = source.get(name);
        if (!values) throw new Error(`optimizer state has no ${which} for parameter ${name}; the checkpoint belongs to another model`);
        if (values.length !== variable.size) throw new Error(`optimizer ${which} for ${name} has ${values.length} values, expected ${variable.size}`);
        tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
      }
    }
    this.step = step;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}

/** BERT's rule: no weight decay on biases and LayerNorm parameters. */
export function defaultDecays(name: string): boolean {
  return !(name.endsWith(".bias") || /layer_?norm/i.test(name) || name.endsWith("predictions.bias") || name === "lm_head.bias");
}
