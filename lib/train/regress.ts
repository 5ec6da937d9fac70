/**
 * Sentence(-pair) regression (STS-B): the sequence-classification head with ONE output (a model
 * loaded with one label, as transformers' num_labels = 1 / problem_type "regression"), trained
 * with the mean squared error against a real-valued target, scored by Pearson correlation.
 * Examples are EncodedExample with `label` holding the target value (not a class index).
 */
import * as tf from "@tensorflow/tfjs";
import { EncoderModel } from "../model/encoder";
import { ClassificationBatch, EncodedExample, collate } from "./classify";
import { mseLoss } from "./losses";
import { pearsonCorrelation } from "./metrics";
import { TrainData, TrainHooks, TrainResult, train } from "./trainer";
import { FineTuneArgs, fineTuneTrainerArgs } from "./finetune";

function checkRegressor(model: EncoderModel): void {
  if (model.task !== "sequence-classification" || model.numLabels !== 1) {
    throw new Error(`regression needs a sequence-classification model with one label (load it with labels: ["score"]); this one is ${model.task} with ${model.numLabels} labels`);
  }
}

/** Pads like `collate`, with the targets as float32 (collate's labels are class indices, int32). */
export function collateRegression(examples: EncodedExample[], padId: number): ClassificationBatch {
  const batch = collate(examples.map(({ soft: _soft, ...e }) => ({ ...e, label: 0 })), padId);
  batch.labels.dispose();
  return { ...batch, labels: tf.tensor1d(examples.map((e) => e.label ?? NaN), "float32") };
}

/** Training data and hooks (MSE) for regression on `examples`. */
export function regressionTask(model: EncoderModel, examples: EncodedExample[]): { data: TrainData<ClassificationBatch>; hooks: TrainHooks<ClassificationBatch> } {
  checkRegressor(model);
  const pad = model.config.pad_token_id;
  return {
    data: { size: examples.length, lengths: examples.map((e) => e.ids.length), collate: (indices) => collateRegression(indices.map((i) => examples[i]), pad) },
    hooks: {
      loss: (batch, dropout) => mseLoss(model.forward(batch, { dropout }).logits!, batch.labels),
      tokens: (batch) => batch.tokens,
    },
  };
}

/** The predicted value of every example, in length-sorted batches. */
export function predictValues(model: EncoderModel, examples: EncodedExample[], batchSize = 64): number[] {
  checkRegressor(model);
  const order = examples.map((_, i) => i).sort((a, b) => examples[a].ids.length - examples[b].ids.length);
  const out = new Array<number>(examples.length);
  for (let start = 0; start < order.length; start += batchSize) {
    const idx = order.slice(start, start + batchSize);
    const values = tf.tidy(() => model.forward(collate(idx.map((i) => examples[i]), model.config.pad_token_id)).logits!.dataSync()); // [B·1]
    idx.forEach((i, r) => (out[i] = values[r]));
  }
  return out;
}

export interface FineTuneRegressorResult {
  /** Pearson correlation of predictions and targets on the evaluation set. */
  pearson: number;
  /** Mean squared error on the evaluation set. */
  mse: number;
  predictions: number[];
  run: TrainResult;
}

function scores(predictions: number[], evalSet: EncodedExample[]): { pearson: number; mse: number } {
  const targets = evalSet.map((e) => e.label!);
  return { pearson: pearsonCorrelation(predictions, targets), mse: predictions.reduce((s, p, i) => s + (p - targets[i]) ** 2, 0) / targets.length };
}

/** fineTuneClassifier's recipe (AdamW, warmup + decay, fixed steps, masks) for a one-output regressor; the evaluation set is scored once, at the end. */
export async function fineTuneRegressor(model: EncoderModel, trainSet: EncodedExample[], evalSet: EncodedExample[], args: FineTuneArgs): Promise<FineTuneRegressorResult> {
  const { data, hooks } = regressionTask(model, trainSet);
  let predictions: number[] | undefined;
  const evaluate = () => scores((predictions = predictValues(model, evalSet)), evalSet);
  const run = await train(model, data, { ...hooks, evaluate }, fineTuneTrainerArgs(args));
  predictions ??= predictValues(model, evalSet);
  return { ...scores(predictions, evalSet), predictions, run };
}
