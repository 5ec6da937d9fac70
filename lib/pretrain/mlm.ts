/**
 * Masked-language modelling on top of the trainer: batches of packed sequences corrupted by
 * `maskSequence`, the loss over the predicted positions, and held-out MLM accuracy.
 *
 * Masks are static per (sequence, copy), as in BERT's `dupe_factor`: example i of the training
 * data is sequence i mod N with the mask variant ⌊i / N⌋, drawn from a seed of its own. So a
 * batch is a pure function of its indices, and a resumed run sees exactly the masks it would
 * have seen.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../engine/rng";
import { EncoderModel } from "../model/encoder";
import { crossEntropy } from "../train/losses";
import { TrainData, TrainHooks } from "../train/trainer";
import { MaskingArgs, MaskedSequence, maskSequence } from "./masking";

export interface MlmBatch {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  /** [B, P] positions to predict (0 where padded). */
  mlmPositions: tf.Tensor2D;
  /** [B, P] original ids, -100 where padded. */
  labels: tf.Tensor2D;
  tokens: number;
}

export interface MlmDataArgs extends MaskingArgs {
  /** Pad id of the model. */
  padId: number;
  /** Mask variants per sequence (BERT's dupe_factor). Default 1. */
  copies?: number;
  /** Seed of the masks. */
  seed: number;
}

/** The masked version `copy` of sequence `index`: the same every time it is asked for. */
export function maskedExample(ids: readonly number[], index: number, copy: number, args: MlmDataArgs): MaskedSequence {
  return maskSequence(ids, Rng.derive(args.seed, `mask-${copy}-${index}`), args);
}

/** Pads masked sequences into one batch; P is the largest prediction count in it. */
export function collateMasked(examples: MaskedSequence[], padId: number): MlmBatch {
  const B = examples.length;
  const T = Math.max(...examples.map((e) => e.input.length));
  const P = Math.max(1, ...examples.map((e) => e.positions.length));
  const ids = new Int32Array(B * T).fill(padId);
  const mask = new Int32Array(B * T);
  const positions = new Int32Array(B * P);
  const labels = new Int32Array(B * P).fill(-100);
  let tokens = 0;
  examples.forEach((e, b) => {
    ids.set(e.input, b * T);
    mask.fill(1, b * T, b * T + e.input.length);
    positions.set(e.positions, b * P);
    labels.set(e.labels, b * P);
    tokens += e.input.length;
  });
  return {
    inputIds: tf.tensor2d(ids, [B, T], "int32"),
    attentionMask: tf.tensor2d(mask, [B, T], "int32"),
    mlmPositions: tf.tensor2d(positions, [B, P], "int32"),
    labels: tf.tensor2d(labels, [B, P], "int32"),
    tokens,
  };
}

/** Training data and hooks for MLM on `sequences` (token ids with special tokens). */
export function mlmTask(model: EncoderModel, sequences: number[][], args: MlmDataArgs): { data: TrainData<MlmBatch>; hooks: TrainHooks<MlmBatch> } {
  if (model.task !== "masked-lm") throw new Error(`MLM needs a masked-lm model, got ${model.task}`);
  const N = sequences.length;
  const copies = args.copies ?? 1;
  const lengths = new Array(N * copies);
  for (let i = 0; i < N * copies; i++) lengths[i] = sequences[i % N].length;
  return {
    data: {
      size: N * copies,
      lengths,
      collate: (indices) => collateMasked(indices.map((i) => maskedExample(sequences[i % N], i % N, Math.floor(i / N), args)), args.padId),
    },
    hooks: {
      loss: (batch, dropout) => crossEntropy(model.forward(batch, { dropout }).logits!, batch.labels),
      tokens: (batch) => batch.tokens,
    },
  };
}

export interface MlmScore {
  /** Fraction of masked positions whose original token is the top prediction. */
  accuracy: number;
  /** Mean cross-entropy over masked positions (nats). */
  loss: number;
  predictions: number;
}

/**
 * Held-out MLM accuracy: every sequence masked once with a fixed seed (the same masks for every
 * model compared), evaluated without dropout.
 */
export function mlmScore(model: EncoderModel, sequences: number[][], args: MlmDataArgs, batchSize = 32): MlmScore {
  let correct = 0;
  let predictions = 0;
  let lossSum = 0;
  for (let start = 0; start < sequences.length; start += batchSize) {
    const examples = sequences.slice(start, start + batchSize).map((ids, j) => maskedExample(ids, start + j, 0, args));
    const [hits, count, loss] = tf.tidy(() => {
      const batch = collateMasked(examples, args.padId);
      const logits = model.forward(batch).logits!; // [B, P, V]
      const keep = tf.notEqual(batch.labels, tf.scalar(-100, "int32")); // [B, P]
      const right = tf.logicalAnd(keep, tf.equal(tf.argMax(logits, -1), batch.labels));
      const n = tf.sum(tf.cast(keep, "float32"));
      const ce = tf.mul(crossEntropy(logits, batch.labels), n);
      return [tf.sum(tf.cast(right, "float32")).dataSync()[0], n.dataSync()[0], ce.dataSync()[0]];
    });
    correct += hits;
    predictions += count;
    lossSum += loss;
  }
  return { accuracy: correct / Math.max(predictions, 1), loss: lossSum / Math.max(predictions, 1), predictions };
}
