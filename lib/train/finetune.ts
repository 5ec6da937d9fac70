/**
 * Fine-tuning a sequence classifier with one call: the recipe every experiment shares (AdamW,
 * linear warmup and decay, a fixed number of steps) and the final accuracy on an evaluation set.
 * The evaluation set is scored once, at the end: it never picks a checkpoint or a setting.
 */
import * as tf from "@tensorflow/tfjs";
import { EncoderModel } from "../model/encoder";
import { accuracyOf, classificationTask, EncodedExample, predictLabels } from "./classify";
import { train, TrainerArgs, TrainResult } from "./trainer";

export interface FineTuneArgs {
  /** Checkpoints and metrics.jsonl go here; a finished run found here is not trained again. */
  outDir: string;
  /** Optimizer steps. */
  steps: number;
  /** Default 32. */
  batchSize?: number;
  /** Peak learning rate. Default 1e-4. */
  learningRate?: number;
  /** Warmup fraction. Default 0.1. */
  warmupRatio?: number;
  /** Seed of the data order and dropout (and of a distillation recipe's masks and projections). Default 0. */
  seed?: number;
  /** Checkpoint every N steps, so a killed run resumes near where it stopped. Default 200. */
  checkpointEvery?: number;
  label?: string;
  progress?: boolean;
  /** Pruning masks held through training (TrainerArgs.masks). Default: none. */
  masks?: Map<string, tf.Tensor>;
}

export interface FineTuneResult {
  accuracy: number;
  /** The predicted class of every evaluation example, from the same pass as `accuracy`. */
  predictions: number[];
  run: TrainResult;
}

/** The trainer settings of the shared fine-tuning recipe, defaults filled (also used by the regression and span fine-tunes). */
export function fineTuneTrainerArgs(args: FineTuneArgs): TrainerArgs {
  return {
    outDir: args.outDir, batchSize: args.batchSize ?? 32, maxSteps: args.steps, epochs: 1000,
    learningRate: args.learningRate ?? 1e-4, warmupRatio: args.warmupRatio ?? 0.1, seed: args.seed ?? 0,
    label: args.label, progress: args.progress, logEvery: 10, checkpointEvery: args.checkpointEvery ?? 200, masks: args.masks,
  };
}

/** Trains `model` on `trainSet` for `args.steps` steps, then scores it on `evalSet`. */
export async function fineTuneClassifier(model: EncoderModel, trainSet: EncodedExample[], evalSet: EncodedExample[], args: FineTuneArgs): Promise<FineTuneResult> {
  const { data, hooks } = classificationTask(model, trainSet);
  let predictions: number[] | undefined;
  const evaluate = () => {
    predictions = predictLabels(model, evalSet);
    return { accuracy: accuracyOf(predictions, evalSet) };
  };
  const run = await train(model, data, { ...hooks, evaluate }, fineTuneTrainerArgs(args));
  // A run found finished on disk is not evaluated again by the trainer; its predictions are made here.
  return { accuracy: run.final!.accuracy, predictions: predictions ?? predictLabels(model, evalSet), run };
}
