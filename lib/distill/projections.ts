/**
 * TinyBERT's learned projections (Jiao et al. 2020, eq. 8–9): a narrower student's hidden states
 * are compared with the teacher's through H_s · W, W [Hs, Ht], one W for the embeddings (W_e) and
 * one shared by all layers (W_h), no bias, as in the paper. They are trained with the student and
 * thrown away afterwards.
 *
 * The trainer optimises `model.params` (AdamW moments, clipping and checkpoints all key by those
 * names), so `withProjections` returns a view of the student whose params map also holds the
 * projections: the same tf.Variables, so training the view trains the student, and a checkpoint
 * of the view restores the projections too.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../engine/rng";
import { EncoderModel } from "../model/encoder";

export type ProjectionKind = "embedding" | "hidden";

/** Parameter name of a projection, outside every Hugging Face namespace. */
export function projectionName(kind: ProjectionKind): string {
  return `distill.${kind}_projection.weight`;
}

export class DistillProjections {
  private constructor(
    /** Projection weights [Hs, Ht] by parameter name. */
    readonly params: Map<string, tf.Variable>,
  ) {}

  /** Fresh projections drawn from N(0, std²) (BERT's initialiser); the same seed gives the same weights. */
  static create(studentWidth: number, teacherWidth: number, kinds: readonly ProjectionKind[], seed: number, std = 0.02): DistillProjections {
    const rng = Rng.derive(seed, "distill-projections");
    const params = new Map<string, tf.Variable>();
    for (const kind of kinds) {
      params.set(projectionName(kind), tf.tidy(() => tf.variable(tf.tensor2d(rng.normalArray(studentWidth * teacherWidth, std), [studentWidth, teacherWidth]), true)));
    }
    return new DistillProjections(params);
  }

  /** W [Hs, Ht] for `kind`; an error naming it when it was not created. */
  get(kind: ProjectionKind): tf.Variable<tf.Rank.R2> {
    const w = this.params.get(projectionName(kind));
    if (!w) throw new Error(`no ${kind} projection: create DistillProjections with "${kind}" among its kinds`);
    return w as tf.Variable<tf.Rank.R2>;
  }

  has(kind: ProjectionKind): boolean {
    return this.params.has(projectionName(kind));
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}

/**
 * The student as the trainer should see it: the same config, task and variables, plus the
 * projections. Do not dispose the view; dispose the student and the projections.
 */
export function withProjections(student: EncoderModel, projections?: DistillProjections): EncoderModel {
  if (!projections) return student;
  for (const name of projections.params.keys()) {
    if (student.params.has(name)) throw new Error(`student already has a parameter ${name}`);
  }
  return new EncoderModel(student.config, student.task, new Map([...student.params, ...projections.params]));
}
