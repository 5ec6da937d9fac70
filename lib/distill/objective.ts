/**
 * Distillation objectives as data (TextBrewer style): a recipe is a list of terms, each a loss
 * named from the registry below with a weight and, for the layer-wise losses, the student layers
 * it compares. One function turns a recipe plus student and teacher outputs into the weighted sum
 * the trainer minimises and the value of every term, for logging.
 *
 *   DistilBERT: [{ loss: "soft-ce", weight: 5 }, { loss: "mlm", weight: 2 }, { loss: "hidden-cos", weight: 1 }]
 *   TinyBERT stage 1: [{ loss: "attention-mse", weight: 1 }, { loss: "hidden-mse", weight: 1 }, { loss: "embedding-mse", weight: 1 }]
 */
import * as tf from "@tensorflow/tfjs";
import { crossEntropy } from "../train/losses";
import { LayerPair } from "./layer-map";
import { attentionMse, hiddenCosineLoss, hiddenMse, logitMse, softTargetLoss } from "./losses";
import { DistillProjections } from "./projections";

export const LOSS_NAMES = ["soft-ce", "hard-ce", "logit-mse", "hidden-cos", "hidden-mse", "attention-mse", "embedding-mse", "mlm"] as const;
export type LossName = (typeof LOSS_NAMES)[number];

export interface DistillTerm {
  loss: LossName;
  /** Multiplies the loss in the sum; a term of weight 0 is skipped (not computed, not logged). */
  weight: number;
  /**
   * Layer-wise losses only: the student hidden-state indices to compare (0 = embeddings, i = layer
   * i), each with its teacher partner from the context's layer map; the term is the sum over them,
   * as in TinyBERT. Default: hidden-cos the last layer (DistilBERT), hidden-mse and attention-mse
   * every layer 1..Ls, embedding-mse layer 0.
   */
  layers?: number[];
}

export type DistillRecipe = readonly DistillTerm[];

/** What a loss reads from a forward pass; hidden states and attentions may be sparse (only the indices a recipe uses). */
export interface DistillOutputs {
  /** [B, C] or [B, P, V]. */
  logits?: tf.Tensor;
  /** By hidden-state index, [B, T, H]. */
  hiddenStates?: readonly (tf.Tensor3D | undefined)[];
  /** By layer index − 1, [B, A, T, T]. */
  attentions?: readonly (tf.Tensor4D | undefined)[];
}

export interface DistillContext {
  student: DistillOutputs;
  /** Teacher outputs: constants (computed outside the gradient tape). */
  teacher: DistillOutputs;
  /** [B, T], 1 for real tokens. */
  attentionMask: tf.Tensor2D;
  /** Hard labels for hard-ce and mlm (−100 = none). */
  labels?: tf.Tensor;
  /** Rows of the logits that count for soft-ce and logit-mse (logits' shape without the class axis); all when absent. */
  logitMask?: tf.Tensor;
  /** Softmax temperature of soft-ce. Default 1. */
  temperature?: number;
  /** Student ↔ teacher hidden-state pairs for the layer-wise losses (see layerMap). */
  layerMap?: readonly LayerPair[];
  /** Projections for hidden-mse ("hidden") and embedding-mse ("embedding") when the widths differ. */
  projections?: DistillProjections;
}

/** The weighted sum and each term's (unweighted) value, keyed by termKey. */
export type DistillLoss = { total: tf.Scalar; terms: Record<string, tf.Scalar> };

const LAYERED: ReadonlySet<LossName> = new Set<LossName>(["hidden-cos", "hidden-mse", "attention-mse", "embedding-mse"]);

/** "hidden-mse", or "hidden-mse@1,2" when the term names its layers. */
export function termKey(term: DistillTerm): string {
  return term.layers ? `${term.loss}@${term.layers.join(",")}` : term.loss;
}

/** Errors naming the term for unknown losses, bad weights, layers on a logit loss and repeated terms. */
export function validateRecipe(recipe: DistillRecipe): void {
  const keys = new Set<string>();
  for (const term of recipe) {
    if (!(LOSS_NAMES as readonly string[]).includes(term.loss)) throw new Error(`unknown distillation loss "${term.loss}"; use one of ${LOSS_NAMES.join(", ")}`);
    if (!(Number.isFinite(term.weight) && term.weight >= 0)) throw new Error(`${term.loss}: weight must be a finite number ≥ 0, got ${term.weight}`);
    if (term.layers && !LAYERED.has(term.loss)) throw new Error(`${term.loss} compares logits; it takes no layers`);
    const key = termKey(term);
    if (keys.has(key)) throw new Error(`the recipe has ${key} twice`);
    keys.add(key);
  }
  if (!recipe.some((t) => t.weight > 0)) throw new Error("the recipe has no term with a weight above 0");
}

/** The layer pairs a layer-wise term compares, from the layer map. */
export function termPairs(term: DistillTerm, pairs: readonly LayerPair[]): LayerPair[] {
  const { loss } = term;
  if (loss === "embedding-mse" && term.layers && term.layers.join() !== "0") throw new Error(`embedding-mse compares the embeddings (layer 0) only, got layers ${term.layers}`);
  if ((loss === "attention-mse" || loss === "hidden-mse") && term.layers?.includes(0)) {
    throw new Error(`${loss}: layer 0 is the embeddings (${loss === "attention-mse" ? "no attention" : "use embedding-mse"})`);
  }
  const last = Math.max(...pairs.map((p) => p.student));
  const layers = term.layers ?? (loss === "embedding-mse" ? [0] : loss === "hidden-cos" ? [last] : pairs.map((p) => p.student).filter((s) => s > 0));
  if (layers.length === 0) throw new Error(`${loss}: the layer map has no student layer above 0 to compare`);
  return layers.map((s) => {
    const pair = pairs.find((p) => p.student === s);
    if (!pair) throw new Error(`${loss}: student layer ${s} has no teacher partner in the layer map`);
    return pair;
  });
}

/** The pairs whose hidden states and attentions a recipe reads, so a forward pass keeps only those. */
export function layersNeeded(recipe: DistillRecipe, pairs: readonly LayerPair[]): { hidden: LayerPair[]; attention: LayerPair[] } {
  const hidden: LayerPair[] = [];
  const attention: LayerPair[] = [];
  for (const term of recipe) {
    if (term.weight === 0 || !LAYERED.has(term.loss)) continue;
    (term.loss === "attention-mse" ? attention : hidden).push(...termPairs(term, pairs));
  }
  return { hidden, attention };
}

/** list[index], or an error naming what is missing (`shown`: the index as the user counts it). */
function pick<T>(what: string, list: readonly (T | undefined)[] | undefined, index: number, shown = index): T {
  const value = list?.[index];
  if (!value) throw new Error(`${what} ${shown} was not computed; run the forward pass with it requested`);
  return value;
}

function logits(side: "student" | "teacher", out: DistillOutputs): tf.Tensor {
  if (!out.logits) throw new Error(`the ${side} outputs have no logits`);
  return out.logits;
}

function labels(ctx: DistillContext, loss: LossName): tf.Tensor {
  if (!ctx.labels) throw new Error(`${loss} needs hard labels; give the context labels or set its weight to 0`);
  return ctx.labels;
}

/** Sum over the term's layer pairs of `f(student, teacher)`. */
function overLayers(term: DistillTerm, ctx: DistillContext, f: (pair: LayerPair) => tf.Scalar): tf.Scalar {
  if (!ctx.layerMap) throw new Error(`${term.loss} compares layers; the context needs a layerMap`);
  return tf.addN(termPairs(term, ctx.layerMap).map(f)) as tf.Scalar;
}

function hiddenPair(ctx: DistillContext, pair: LayerPair): [tf.Tensor3D, tf.Tensor3D] {
  return [pick("student hidden state", ctx.student.hiddenStates, pair.student), pick("teacher hidden state", ctx.teacher.hiddenStates, pair.teacher)];
}

function projection(ctx: DistillContext, kind: "hidden" | "embedding"): tf.Tensor2D | undefined {
  return ctx.projections?.has(kind) ? ctx.projections.get(kind) : undefined;
}

/** The registry: every loss name and how it reads the context. */
const REGISTRY: Record<LossName, (term: DistillTerm, ctx: DistillContext) => tf.Scalar> = {
  "soft-ce": (_, ctx) => softTargetLoss(logits("student", ctx.student), logits("teacher", ctx.teacher), ctx.temperature ?? 1, ctx.logitMask),
  "hard-ce": (term, ctx) => crossEntropy(logits("student", ctx.student), labels(ctx, term.loss)),
  // MLM is hard-label cross-entropy over the predicted positions (labels −100 elsewhere); its own name keeps recipes readable.
  mlm: (term, ctx) => crossEntropy(logits("student", ctx.student), labels(ctx, term.loss)),
  "logit-mse": (_, ctx) => logitMse(logits("student", ctx.student), logits("teacher", ctx.teacher), ctx.logitMask),
  "hidden-cos": (term, ctx) => overLayers(term, ctx, (pair) => hiddenCosineLoss(...hiddenPair(ctx, pair), ctx.attentionMask)),
  "hidden-mse": (term, ctx) => overLayers(term, ctx, (pair) => hiddenMse(...hiddenPair(ctx, pair), ctx.attentionMask, projection(ctx, "hidden"))),
  "embedding-mse": (term, ctx) => overLayers(term, ctx, (pair) => hiddenMse(...hiddenPair(ctx, pair), ctx.attentionMask, projection(ctx, "embedding"))),
  "attention-mse": (term, ctx) =>
    overLayers(term, ctx, (pair) =>
      attentionMse(
        pick("student attention of layer", ctx.student.attentions, pair.student - 1, pair.student),
        pick("teacher attention of layer", ctx.teacher.attentions, pair.teacher - 1, pair.teacher),
        ctx.attentionMask,
      ),
    ),
};

/** Σ weight · loss over the recipe's terms of weight > 0, and each term's value. Call inside the loss hook. */
export function distillObjective(recipe: DistillRecipe, ctx: DistillContext): DistillLoss {
  validateRecipe(recipe);
  return tf.tidy(() => {
    const terms: Record<string, tf.Scalar> = {};
    const weighted: tf.Scalar[] = [];
    for (const term of recipe) {
      if (term.weight === 0) continue;
      const value = REGISTRY[term.loss](term, ctx);
      terms[termKey(term)] = value;
      weighted.push(tf.mul(value, term.weight));
    }
    return { total: tf.addN(weighted) as tf.Scalar, terms };
  });
}
