/**
 * Teacher logits computed once for a fixed training set: task distillation shows the student the
 * same examples every epoch, so one teacher pass (no dropout, length-sorted batches) replaces a
 * teacher forward per training step. Raw logits rather than probabilities: any temperature can be
 * applied later, and logit-mse compares the logits themselves.
 */
import * as tf from "@tensorflow/tfjs";
import { EncoderModel } from "../model/encoder";
import { EncodedExample, collate } from "../train/classify";

/** The teacher's logits [C] for every example, in the examples' order. */
export function teacherLogits(teacher: EncoderModel, examples: EncodedExample[], batchSize = 64): Float32Array[] {
  const order = examples.map((_, i) => i).sort((a, b) => examples[a].ids.length - examples[b].ids.length);
  const out: Float32Array[] = new Array(examples.length);
  for (let start = 0; start < order.length; start += batchSize) {
    const idx = order.slice(start, start + batchSize);
    const logits = tf.tidy(() => teacher.forward(collate(idx.map((i) => examples[i]), teacher.config.pad_token_id)).logits!); // [b, C]
    const values = logits.dataSync() as Float32Array;
    const C = logits.shape[1]!;
    logits.dispose();
    idx.forEach((i, r) => (out[i] = values.slice(r * C, (r + 1) * C)));
  }
  return out;
}
