/**
 * AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", arXiv:1711.05101),
 * step for step as torch.optim.AdamW: decay shrinks the weight directly (p ← p·(1 − lr·λ)) instead
 * of being added to the gradient, then the bias-corrected Adam step. tfjs ships Adam only.
 *
 * On native TensorFlow each parameter's step is two fused in-place kernels (ResourceApplyGradientDescent
 * for the decay, ResourceApplyAdam) on TensorFlow resource variables; elsewhere, and for pruned
 * parameters, it is a dozen tfjs element-wise ops, each writing a new buffer (4–5x slower on native).
 */
import * as tf from "@tensorflow/tfjs";
import { nativeOps, type NativeOps } from "../engine/native-ops";
import { applyAdam, applyGradientDescent, ResourceVariable, type AdamScalars } from "../engine/resource-variable";

export interface AdamWArgs {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Added to √v̂. Default 1e-8 (BERT's original code used 1e-6). */
  epsilon?: number;
  /** Decoupled weight decay λ. Default 0.01. */
  weightDecay?: number;
  /** Use the fused kernels where the backend has them (default true); false: tfjs ops everywhere. */
  fused?: boolean;
}

export interface AdamWState {
  step: number;
  /** First and second moments per parameter name, as plain arrays (the parameter's shape). */
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

/** What one step needs besides the parameter and its gradient. */
interface StepConstants {
  /** 1 − lr·λ for decayed parameters (1: none). */
  decayFactor: number;
  /** lr / (1 − β1^t). */
  stepSize: number;
  /** √(1 − β2^t). */
  sqrtBiasCorrection2: number;
  /** The same step as ResourceApplyAdam's scalars, plus lr·λ; only on the fused path. */
  native?: AdamScalars & { decayAlpha: tf.Scalar };
}

/** One parameter's moments and its update rule. */
interface MomentSlot {
  update(p: tf.Variable, g: tf.Tensor, k: StepConstants): void;
  moments(): { m: Float32Array; v: Float32Array };
  load(m: Float32Array, v: Float32Array): void;
  dispose(): void;
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  step = 0;
  private readonly slots = new Map<string, MomentSlot>();
  private readonly ops: NativeOps | undefined;
  /** Whether any parameter takes the fused path (then each step makes ResourceApplyAdam's scalars). */
  private readonly anyFused: boolean;

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
    this.ops = args.fused === false ? undefined : nativeOps();
    for (const [name, p] of params) {
      const mask = masks.get(name);
      this.slots.set(name, this.ops && !mask ? new FusedSlot(this.ops, p) : new OpsSlot(p, this.beta1, this.beta2, this.epsilon, mask));
    }
    this.anyFused = [...this.slots.values()].some((s) => s instanceof FusedSlot);
  }

  /** Whether parameter `name` is updated by the fused kernels. */
  isFused(name: string): boolean {
    return this.slots.get(name) instanceof FusedSlot;
  }

  /** One update with learning rate `lr`; `grads` by parameter name (missing = no update). */
  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    this.step += 1;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const sqrtBiasCorrection2 = Math.sqrt(1 - b2 ** this.step);
    const stepSize = lr / (1 - b1 ** this.step);
    const native = this.anyFused
      ? {
        beta1Power: tf.scalar(b1 ** this.step), beta2Power: tf.scalar(b2 ** this.step), lr: tf.scalar(lr),
        beta1: tf.scalar(b1), beta2: tf.scalar(b2),
        // TensorFlow adds ε to √v, torch to √v̂ = √v / √(1 − β2^t): scaling ε by √(1 − β2^t) makes them the same.
        epsilon: tf.scalar(this.epsilon * sqrtBiasCorrection2), decayAlpha: tf.scalar(lr * this.weightDecay),
      }
      : undefined;
    try {
      for (const [name, p] of this.params) {
        const g = grads.get(name);
        if (!g) continue;
        const decayFactor = this.decays(name) && this.weightDecay > 0 ? 1 - lr * this.weightDecay : 1;
        this.slots.get(name)!.update(p, g, { decayFactor, stepSize, sqrtBiasCorrection2, native });
      }
    } finally {
      if (native) tf.dispose(Object.values(native));
    }
  }

  /** Moments and step, for checkpoints. */
  state(): AdamWState {
    const m = new Map<string, Float32Array>();
    const v = new Map<string, Float32Array>();
    for (const [name, slot] of this.slots) {
      const moments = slot.moments();
      m.set(name, moments.m);
      v.set(name, moments.v);
    }
    return { step: this.step, m, v };
  }

  /** Restores moments saved by `state()` (from a checkpoint, as plain arrays). */
  load(step: number, m: Map<string, Float32Array>, v: Map<string, Float32Array>): void {
    for (const [name, slot] of this.slots) {
      const size = this.params.get(name)!.size;
      for (const [which, source] of [["m", m], ["v", v]] as const) {
        const values = source.get(name);
        if (!values) throw new Error(`optimizer state has no ${which} for parameter ${name}; the checkpoint belongs to another model`);
        if (values.length !== size) throw new Error(`optimizer ${which} for ${name} has ${values.length} values, expected ${size}`);
      }
      slot.load(m.get(name)!, v.get(name)!);
    }
    this.step = step;
  }

  dispose(): void {
    for (const slot of this.slots.values()) slot.dispose();
    this.slots.clear();
  }
}

/** Moments in tfjs variables, the step in tfjs ops: every backend, and masks. */
class OpsSlot implements MomentSlot {
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;

  constructor(p: tf.Variable, readonly beta1: number, readonly beta2: number, readonly epsilon: number, readonly mask?: tf.Tensor) {
    // A variable keeps its own reference to its initial value, so the zeros tensors are released here.
    [this.m, this.v] = [0, 1].map(() => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  update(p: tf.Variable, g: tf.Tensor, k: StepConstants): void {
    const { beta1: b1, beta2: b2, mask } = this;
    tf.tidy(() => {
      // Masking the results (not only the gradient) holds pruned entries at 0 even where a moment or weight was not 0 before.
      const held = (t: tf.Tensor) => (mask ? tf.mul(t, mask) : t);
      const mNew = held(tf.add(tf.mul(this.m, b1), tf.mul(g, 1 - b1)));
      const vNew = held(tf.add(tf.mul(this.v, b2), tf.mul(tf.square(g), 1 - b2)));
      const denom = tf.add(tf.div(tf.sqrt(vNew), k.sqrtBiasCorrection2), this.epsilon);
      const decayed = k.decayFactor !== 1 ? tf.mul(p, k.decayFactor) : p;
      p.assign(held(tf.sub(decayed, tf.mul(tf.div(mNew, denom), k.stepSize))));
      this.m.assign(mNew);
      this.v.assign(vNew);
    });
  }

  moments(): { m: Float32Array; v: Float32Array } {
    return { m: this.m.dataSync() as Float32Array, v: this.v.dataSync() as Float32Array };
  }

  load(m: Float32Array, v: Float32Array): void {
    tf.tidy(() => {
      this.m.assign(tf.tensor(m, this.m.shape));
      this.v.assign(tf.tensor(v, this.v.shape));
    });
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}

/**
 * Weight and moments in TensorFlow resource variables, updated in place. The weight's resource is
 * refreshed from the tfjs variable at every step (one copy), so whatever else assigned the
 * variable in between (a checkpoint, a rewind) is what the step starts from.
 */
class FusedSlot implements MomentSlot {
  private readonly w: ResourceVariable;
  private readonly m: ResourceVariable;
  private readonly v: ResourceVariable;

  constructor(ops: NativeOps, p: tf.Variable) {
    this.w = new ResourceVariable(ops, p);
    const zeros = tf.zerosLike(p);
    [this.m, this.v] = [new ResourceVariable(ops, zeros), new ResourceVariable(ops, zeros)];
    zeros.dispose();
  }

  update(p: tf.Variable, g: tf.Tensor, k: StepConstants): void {
    const s = k.native!;
    this.w.assign(p);
    // Decay reads p, the value before this step: w ← w − lr·λ·p = p·(1 − lr·λ).
    if (k.decayFactor !== 1) applyGradientDescent(this.w, s.decayAlpha, p);
    applyAdam(this.w, this.m, this.v, s, g);
    const updated = this.w.read();
    p.assign(updated);
    updated.dispose();
  }

  moments(): { m: Float32Array; v: Float32Array } {
    return { m: this.m.values(), v: this.v.values() };
  }

  load(m: Float32Array, v: Float32Array): void {
    const shape = this.w.shape;
    tf.tidy(() => {
      this.m.assign(tf.tensor(m, shape));
      this.v.assign(tf.tensor(v, shape));
    });
  }

  dispose(): void {
    for (const r of [this.w, this.m, this.v]) r.dispose();
  }
}

/** BERT's rule: no weight decay on biases and LayerNorm parameters. */
export function defaultDecays(name: string): boolean {
  return !(name.endsWith(".bias") || /layer_?norm/i.test(name) || name.endsWith("predictions.bias") || name === "lm_head.bias");
}
