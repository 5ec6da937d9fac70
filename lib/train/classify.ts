/**
 * Sequence classification on top of the trainer: padding encoded examples into batches, the
 * loss, batched prediction and accuracy. Experiments pass already-tokenised examples.
 */
import * as tf from "@tensorflow/tfjs";
import { Dropout } from "../engine/dropout";
import { EncoderModel } from "../model/encoder";
import { crossEntropy, softCrossEntropy } from "./losses";
import { TrainData, TrainHooks } from "./trainer";

export interface EncodedExample {
  /** Token ids including special tokens. */
  ids: number[];
  /** Segment ids (BERT pairs); zeros when absent. */
  typeIds?: number[];
  /** Class index (absent for unlabelled queries). */
  label?: number;
  /** Target distribution over the classes (soft labels: a victim's or teacher's probabilities); when every example of a batch has one, the loss is the cross-entropy against it. */
  soft?: number[];
}

export interface ClassificationBatch {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  tokenTypeIds: tf.Tensor2D;
  labels: tf.Tensor1D;
  /** [B, C] target distributions, when every example has `soft`. */
  softLabels?: tf.Tensor2D;
  /** Real tokens in the batch. */
  tokens: number;
}

/** Pads to the longest example of the batch. */
export function collate(examples: EncodedExample[], padId: number): ClassificationBatch {
  const T = Math.max(...examples.map((e) => e.ids.length));
  const B = examples.length;
  const ids = new Int32Array(B * T).fill(padId);
  const mask = new Int32Array(B * T);
  const types = new Int32Array(B * T);
  let tokens = 0;
  examples.forEach((e, b) => {
    ids.set(e.ids, b * T);
    mask.fill(1, b * T, b * T + e.ids.length);
    if (e.typeIds) types.set(e.typeIds, b * T);
    tokens += e.ids.length;
  });
  const soft = examples.every((e) => e.soft) ? tf.tensor2d(examples.map((e) => e.soft!)) : undefined;
  return {
    inputIds: tf.tensor2d(ids, [B, T], "int32"),
    attentionMask: tf.tensor2d(mask, [B, T], "int32"),
    tokenTypeIds: tf.tensor2d(types, [B, T], "int32"),
    labels: tf.tensor1d(examples.map((e) => e.label ?? -100), "int32"),
    ...(soft ? { softLabels: soft as tf.Tensor2D } : {}),
    tokens,
  };
}

/** Training data and hooks for fine-tuning `model` on labelled examples. */
export function classificationTask(model: EncoderModel, examples: EncodedExample[]): { data: TrainData<ClassificationBatch>; hooks: TrainHooks<ClassificationBatch> } {
  const pad = model.config.pad_token_id;
  return {
    data: {
      size: examples.length,
      lengths: examples.map((e) => e.ids.length),
      collate: (indices) => collate(indices.map((i) => examples[i]), pad),
    },
    hooks: {
      loss: (batch: ClassificationBatch, dropout: Dropout) => {
        const logits = model.forward(batch, { dropout }).logits!;
        return batch.softLabels ? softCrossEntropy(logits, batch.softLabels) : crossEntropy(logits, batch.labels);
      },
      tokens: (batch) => batch.tokens,
    },
  };
}

/** Class probabilities [N, C] for every example, computed in length-sorted batches. */
export function predictProbabilities(model: EncoderModel, examples: EncodedExample[], batchSize = 64): Float32Array[] {
  const order = examples.map((_, i) => i).sort((a, b) => examples[a].ids.length - examples[b].ids.length);
  const out: Float32Array[] = new Array(examples.length);
  for (let start = 0; start < order.length; start += batchSize) {
    const idx = order.slice(start, start + batchSize);
    const probs = tf.tidy(() => {
      const batch = collate(idx.map((i) => examples[i]), model.config.pad_token_id);
      return tf.softmax(model.forward(batch).logits!);
    });
    const values = probs.dataSync() as Float32Array;
    const C = probs.shape[1]!;
    probs.dispose();
    idx.forEach((i, r) => (out[i] = values.slice(r * C, (r + 1) * C)));
  }
  return out;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** The predicted class of every example. */
export function predictLabels(model: EncoderModel, examples: EncodedExample[], batchSize = 64): number[] {
  return predictProbabilities(model, examples, batchSize).map((p) => argmax(p));
}

/** Share of `examples` whose label equals `predicted`. */
export function accuracyOf(predicted: readonly number[], examples: EncodedExample[]): number {
  return examples.filter((e, i) => predicted[i] === e.label).length / examples.length;
}

/** Accuracy of `model` on labelled examples. */
export function accuracy(model: EncoderModel, examples: EncodedExample[], batchSize = 64): number {
  return accuracyOf(predictLabels(model, examples, batchSize), examples);
}
