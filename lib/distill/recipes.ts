/**
 * Distillation recipes on the shared trainer: each builds training data whose batches carry the
 * teacher's outputs, and a loss hook that runs the student and sums a recipe of losses
 * (objective.ts). The teacher runs without dropout and outside the gradient tape (in `collate`,
 * or once up front), so no gradient ever reaches it and its activations are freed with the batch.
 *
 *   Hinton et al. 2015 (soft targets); Sanh et al. 2019, DistilBERT (arXiv:1910.01108);
 *   Jiao et al. 2020, TinyBERT (arXiv:1909.10351); Turc et al. 2019, "Well-Read Students Learn
 *   Better" (arXiv:1908.08962).
 */
import * as tf from "@tensorflow/tfjs";
import { Dropout } from "../engine/dropout";
import { EncoderInput, EncoderModel } from "../model/encoder";
import { MlmBatch, MlmDataArgs, mlmTask } from "../pretrain/mlm";
import { ClassificationBatch, EncodedExample, classificationTask } from "../train/classify";
import { FineTuneArgs, fineTuneTrainerArgs } from "../train/finetune";
import { TrainData, TrainResult, TrainerArgs, train } from "../train/trainer";
import { teacherLogits } from "./cache";
import { LayerPair, layerMap } from "./layer-map";
import { DistillContext, DistillOutputs, DistillRecipe, distillObjective, layersNeeded, validateRecipe } from "./objective";
import { DistillProjections, ProjectionKind, withProjections } from "./projections";

/** Training settings every recipe shares: fineTuneClassifier's (same defaults), plus evaluation, logging and per-term reports. */
export interface RecipeArgs extends Omit<FineTuneArgs, "masks"> {
  /** Dev metrics, called every `evalEvery` steps and at the end. */
  evaluate?: (step: number) => Record<string, number>;
  /** Default 0: evaluate only at the end. */
  evalEvery?: number;
  /** Log the loss every N steps. Default 10. */
  logEvery?: number;
  /** Called with every term's value (unweighted, by termKey) at each micro-batch; costs one read per term. */
  onTerms?: (terms: Record<string, number>) => void;
}

export interface DistillResult {
  run: TrainResult;
}

/** A batch with the teacher's outputs for it (constants, disposed with the batch). */
type WithTeacher<B> = B & { teacher: DistillOutputs };

function trainerArgs(args: RecipeArgs): TrainerArgs {
  return { ...fineTuneTrainerArgs(args), evalEvery: args.evalEvery ?? 0, logEvery: args.logEvery ?? 10 };
}

/** The recipe's weighted sum for one batch; reports the terms when asked. */
function objective(recipe: DistillRecipe, ctx: DistillContext, onTerms?: RecipeArgs["onTerms"]): tf.Scalar {
  const { total, terms } = distillObjective(recipe, ctx);
  if (onTerms) onTerms(Object.fromEntries(Object.entries(terms).map(([key, value]) => [key, value.dataSync()[0]])));
  return total;
}

/** Trains `model` (the student, or its view with projections) on `data` with the recipe's loss. */
function trainWith<B extends { tokens: number }>(model: EncoderModel, data: TrainData<B>, loss: (batch: B, dropout: Dropout) => tf.Scalar, args: RecipeArgs): Promise<TrainResult> {
  const evaluate = args.evaluate;
  return train(model, data, { loss, tokens: (batch) => batch.tokens, ...(evaluate ? { evaluate } : {}) }, trainerArgs(args));
}

/** What a teacher forward keeps: its logits and the hidden states / attentions of these pairs. */
interface Keep {
  logits: boolean;
  pairs: { hidden: LayerPair[]; attention: LayerPair[] };
}

/** One teacher forward, no dropout, keeping only what the recipe reads (the rest is freed at once). */
function teacherOutputs(teacher: EncoderModel, input: EncoderInput, keep: Keep): DistillOutputs {
  const hidden = new Set(keep.pairs.hidden.map((p) => p.teacher));
  const attention = new Set(keep.pairs.attention.map((p) => p.teacher - 1));
  return tf.tidy(() => {
    const out = teacher.forward(input, { outputHiddenStates: hidden.size > 0, outputAttentions: attention.size > 0 });
    return {
      logits: keep.logits ? out.logits : undefined,
      hiddenStates: out.hiddenStates?.map((h, i) => (hidden.has(i) ? h : undefined)),
      attentions: out.attentions?.map((a, i) => (attention.has(i) ? a : undefined)),
    };
  });
}

/** `data` whose batches also carry the teacher's outputs, computed per batch outside the gradient tape. */
function withTeacher<B extends EncoderInput>(data: TrainData<B>, teacher: EncoderModel, keep: Keep): TrainData<WithTeacher<B>> {
  return {
    size: data.size,
    lengths: data.lengths,
    collate: (indices) => {
      const batch = data.collate(indices);
      return { ...batch, teacher: teacherOutputs(teacher, batch, keep) };
    },
  };
}

function requireTask(who: string, model: EncoderModel, task: EncoderModel["task"], role: string): void {
  if (model.task !== task) throw new Error(`${who}: the ${role} must be a ${task} model, got ${model.task}`);
}

export interface DistillTaskArgs extends RecipeArgs {
  /** Softmax temperature of the soft targets. Default 2. */
  temperature?: number;
  /** Weight of the hard-label cross-entropy; the soft targets get 1 − alpha. Default 0.5 when every example has a label, else 0 (and then it must be 0). */
  alpha?: number;
  /** Replaces the soft-ce / hard-ce pair by another logit-level recipe (soft-ce, hard-ce, logit-mse), e.g. [{ loss: "logit-mse", weight: 1 }]. */
  recipe?: DistillRecipe;
  /**
   * The teacher's logits [C] for every example, in the examples' order (teacherLogits in cache.ts),
   * when already computed: several students distilled from one teacher on one transfer set then
   * share one teacher pass instead of one each. Default: computed here.
   */
  teacherLogits?: readonly Float32Array[];
}

/**
 * Task distillation (Hinton): the student learns the teacher's temperature-softened class
 * distribution, mixed with the hard labels by `alpha`. The teacher's logits are computed once for
 * all examples and cached (or passed in: `teacherLogits`). Examples need no label: with unlabelled task-domain text and a
 * pretrained student this is Turc et al.'s pre-trained distillation (alpha is then 0).
 */
export async function distillTask(teacher: EncoderModel, student: EncoderModel, examples: EncodedExample[], args: DistillTaskArgs): Promise<DistillResult> {
  requireTask("distillTask", teacher, "sequence-classification", "teacher");
  requireTask("distillTask", student, "sequence-classification", "student");
  if (teacher.numLabels !== student.numLabels) throw new Error(`distillTask: the teacher has ${teacher.numLabels} classes, the student ${student.numLabels}`);
  if (args.recipe && args.alpha !== undefined) throw new Error("distillTask: give alpha or a recipe, not both (the recipe's weights replace alpha)");
  const unlabelled = examples.filter((e) => e.label === undefined).length;
  const alpha = args.alpha ?? (unlabelled > 0 ? 0 : 0.5);
  if (alpha > 0 && unlabelled > 0) throw new Error(`distillTask: alpha ${alpha} weighs hard labels, but ${unlabelled} of ${examples.length} examples have none; use alpha 0`);
  const recipe: DistillRecipe = args.recipe ?? [{ loss: "soft-ce", weight: 1 - alpha }, { loss: "hard-ce", weight: alpha }];
  validateRecipe(recipe);
  const layered = recipe.find((t) => t.weight > 0 && !["soft-ce", "hard-ce", "logit-mse"].includes(t.loss));
  if (layered) throw new Error(`distillTask caches the teacher's logits only; ${layered.loss} needs its hidden states (use tinybertIntermediate)`);

  const C = teacher.numLabels;
  const given = args.teacherLogits;
  if (given && (given.length !== examples.length || given.some((row) => row.length !== C))) {
    throw new Error(`distillTask: teacherLogits must hold ${C} logits for each of the ${examples.length} examples, got ${given.length} rows`);
  }
  const cache = given ?? teacherLogits(teacher, examples);
  const { data } = classificationTask(student, examples);
  const cached: TrainData<WithTeacher<ClassificationBatch>> = {
    size: data.size,
    lengths: data.lengths,
    collate: (indices) => {
      const logits = new Float32Array(indices.length * C);
      indices.forEach((i, r) => logits.set(cache[i], r * C));
      return { ...data.collate(indices), teacher: { logits: tf.tensor2d(logits, [indices.length, C]) } };
    },
  };
  const temperature = args.temperature ?? 2;
  const loss = (batch: WithTeacher<ClassificationBatch>, dropout: Dropout) =>
    objective(recipe, { student: student.forward(batch, { dropout }), teacher: batch.teacher, attentionMask: batch.attentionMask, labels: batch.labels, temperature }, args.onTerms);
  return { run: await trainWith(student, cached, loss, args) };
}

export interface DistilBertArgs extends RecipeArgs {
  /** Masking of the MLM data (the seed of the masks is its own). */
  masking: MlmDataArgs;
  /** Temperature of the soft MLM targets. Default 2. */
  temperature?: number;
  /** Weight of the soft-target loss at the masked positions. Default 5.0. */
  alphaCe?: number;
  /** Weight of the MLM loss. Default 2.0. */
  alphaMlm?: number;
  /** Weight of the cosine loss between the last hidden states. Default 1.0. */
  alphaCos?: number;
}

/**
 * DistilBERT's pretraining (Sanh et al. §3): MLM on `sequences` with the triple loss
 * alphaCe · T² KL(teacher ‖ student) + alphaMlm · MLM + alphaCos · (1 − cos) of the last hidden
 * states, the teacher run per batch. The soft targets are compared at the masked positions only
 * (DistilBERT's --restrict_ce_to_mask; its default uses every token): the MLM head here predicts
 * just the masked positions, and all T × V logits of two models per step would cost more than the
 * rest of the step. Both models are masked-lm models of one vocabulary; the cosine loss needs
 * equal widths (start the student with initStudent).
 */
export async function distilbertPretrain(teacher: EncoderModel, student: EncoderModel, sequences: number[][], args: DistilBertArgs): Promise<DistillResult> {
  requireTask("distilbertPretrain", teacher, "masked-lm", "teacher");
  if (teacher.config.vocab_size !== student.config.vocab_size) throw new Error(`distilbertPretrain: vocabularies differ (teacher ${teacher.config.vocab_size}, student ${student.config.vocab_size})`);
  const alphaCos = args.alphaCos ?? 1;
  if (alphaCos > 0 && teacher.config.hidden_size !== student.config.hidden_size) {
    throw new Error(`distilbertPretrain: the cosine loss needs equal widths (teacher ${teacher.config.hidden_size}, student ${student.config.hidden_size}); set alphaCos 0 or use a student from initStudent`);
  }
  const recipe: DistillRecipe = [{ loss: "soft-ce", weight: args.alphaCe ?? 5 }, { loss: "mlm", weight: args.alphaMlm ?? 2 }, { loss: "hidden-cos", weight: alphaCos }];
  validateRecipe(recipe);
  const pairs = [{ student: student.config.num_hidden_layers, teacher: teacher.config.num_hidden_layers }]; // last ↔ last
  const { data } = mlmTask(student, sequences, args.masking); // checks the student is a masked-lm model
  const keep: Keep = { logits: true, pairs: layersNeeded(recipe, pairs) };
  const temperature = args.temperature ?? 2;
  const loss = (batch: WithTeacher<MlmBatch>, dropout: Dropout) =>
    objective(recipe, {
      student: student.forward(batch, { dropout, outputHiddenStates: true }),
      teacher: batch.teacher, attentionMask: batch.attentionMask, labels: batch.labels,
      logitMask: tf.notEqual(batch.labels, tf.scalar(-100, "int32")), // [B, P] padded prediction slots do not count
      temperature, layerMap: pairs,
    }, args.onTerms);
  return { run: await trainWith(student, withTeacher(data, teacher, keep), loss, args) };
}

export interface TinyBertArgs extends RecipeArgs {
  /** The layer-wise terms. Default attention-mse, hidden-mse and embedding-mse, weight 1 each (TinyBERT). */
  recipe?: DistillRecipe;
  /** Student ↔ teacher pairs. Default layerMap(Ls, Lt), TinyBERT's uniform map. */
  layerMap?: LayerPair[];
}

/** Padded text for TinyBERT's stage 1, with one dummy MLM position when a model is masked-lm. */
type TextBatch = ClassificationBatch & { mlmPositions?: tf.Tensor2D };

export interface TinyBertIntermediateResult extends DistillResult {
  /** The trained projections (absent when the widths are equal); dispose them when done. */
  projections?: DistillProjections;
}

/**
 * TinyBERT stage 1, intermediate-layer distillation: attention maps, hidden states and embeddings
 * of mapped layers, a narrower student's states projected to the teacher's width by projections
 * trained with it. Works on any text: general distillation on a corpus or task-specific on
 * (augmented) task data; labels and heads are not used. Follow it with tinybertPrediction.
 */
export async function tinybertIntermediate(teacher: EncoderModel, student: EncoderModel, examples: EncodedExample[], args: TinyBertArgs): Promise<TinyBertIntermediateResult> {
  const recipe: DistillRecipe = args.recipe ?? [{ loss: "attention-mse", weight: 1 }, { loss: "hidden-mse", weight: 1 }, { loss: "embedding-mse", weight: 1 }];
  validateRecipe(recipe);
  const pairs = args.layerMap ?? layerMap(student.config.num_hidden_layers, teacher.config.num_hidden_layers);
  const needed = layersNeeded(recipe, pairs);
  const [Hs, Ht] = [student.config.hidden_size, teacher.config.hidden_size];
  const kinds = (["hidden", "embedding"] as ProjectionKind[]).filter((k) => recipe.some((t) => t.loss === `${k}-mse` && t.weight > 0));
  const projections = Hs !== Ht && kinds.length > 0 ? DistillProjections.create(Hs, Ht, kinds, args.seed ?? 0, student.config.initializer_range) : undefined;

  const { data: text } = classificationTask(student, examples);
  // Neither model's head is read; a masked-lm head predicts one position instead of all T × V.
  const mlm = teacher.task === "masked-lm" || student.task === "masked-lm";
  const data: TrainData<TextBatch> = {
    ...text,
    collate: (indices) => {
      const batch = text.collate(indices);
      return mlm ? { ...batch, mlmPositions: tf.zeros([indices.length, 1], "int32") as tf.Tensor2D } : batch;
    },
  };
  const loss = (batch: WithTeacher<TextBatch>, dropout: Dropout) =>
    objective(recipe, {
      student: student.forward(batch, { dropout, outputHiddenStates: needed.hidden.length > 0, outputAttentions: needed.attention.length > 0 }),
      teacher: batch.teacher, attentionMask: batch.attentionMask, layerMap: pairs, projections,
    }, args.onTerms);
  try {
    return { run: await trainWith(withProjections(student, projections), withTeacher(data, teacher, { logits: false, pairs: needed }), loss, args), projections };
  } catch (err) {
    projections?.dispose();
    throw err;
  }
}

/**
 * TinyBERT stage 2, prediction-layer distillation: soft cross-entropy between the classifiers'
 * logits (as KL, same gradient) at temperature 1 unless given, no hard labels.
 */
export function tinybertPrediction(teacher: EncoderModel, student: EncoderModel, examples: EncodedExample[], args: Omit<DistillTaskArgs, "alpha" | "recipe">): Promise<DistillResult> {
  return distillTask(teacher, student, examples, { ...args, temperature: args.temperature ?? 1, recipe: [{ loss: "soft-ce", weight: 1 }] });
}
