/**
 * Looking at what TinyBERT's attention loss compares, outside training: one layer's attention
 * probabilities for one example (for heat maps), and the loss itself measured on held-out
 * examples (how far a student's attention is from its teacher's, before and after distillation).
 * Layer indices are layerMap's: layer i's attention is `attentions[i − 1]`.
 */
import * as tf from "@tensorflow/tfjs";
import { EncoderModel } from "../model/encoder";
import { EncodedExample, collate } from "../train/classify";
import { LayerPair } from "./layer-map";
import { attentionMse } from "./losses";

function checkLayer(model: EncoderModel, layer: number): void {
  const L = model.config.num_hidden_layers;
  if (!Number.isInteger(layer) || layer < 1 || layer > L) throw new Error(`attention of layer ${layer}: the model has layers 1..${L} (0 is the embeddings, which have no attention)`);
}

/** Attention probabilities of `layer` for one example, no dropout: [A][T][T] (query rows, key columns), rounded to `digits`. */
export function attentionOf(model: EncoderModel, example: EncodedExample, layer: number, digits = 4): number[][][] {
  checkLayer(model, layer);
  const probs = tf.tidy(() => model.forward(collate([example], model.config.pad_token_id), { outputAttentions: true }).attentions![layer - 1]); // [1, A, T, T]
  const [, A, T] = probs.shape;
  const values = probs.dataSync();
  probs.dispose();
  const scale = 10 ** digits;
  return Array.from({ length: A }, (_, a) =>
    Array.from({ length: T }, (_, q) => Array.from({ length: T }, (_, k) => Math.round(values[(a * T + q) * T + k] * scale) / scale)),
  );
}

/** The mean over heads [T][T]: what attentionMse compares when student and teacher have different head counts. */
export function headMean(maps: number[][][]): number[][] {
  if (maps.length === 0) throw new Error("headMean needs at least one head");
  return maps[0].map((row, q) => row.map((_, k) => maps.reduce((s, head) => s + head[q][k], 0) / maps.length));
}

/**
 * TinyBERT's attention loss between student and teacher on `examples` (no dropout, batches of
 * `batchSize`): attentionMse of each layer pair, averaged over the pairs, each batch weighted by
 * its real query–key pairs, so the value does not depend on the batching.
 */
export function attentionGap(student: EncoderModel, teacher: EncoderModel, examples: EncodedExample[], pairs: readonly LayerPair[], batchSize = 32): number {
  const layered = pairs.filter((p) => p.student > 0);
  if (layered.length === 0) throw new Error("attentionGap: the layer map pairs no student layer above 0");
  for (const p of layered) {
    checkLayer(student, p.student);
    checkLayer(teacher, p.teacher);
  }
  if (examples.length === 0) throw new Error("attentionGap needs at least one example");
  let sum = 0;
  let weight = 0;
  for (let start = 0; start < examples.length; start += batchSize) {
    const chunk = examples.slice(start, start + batchSize);
    const w = chunk.reduce((n, e) => n + e.ids.length ** 2, 0);
    const value = tf.tidy(() => {
      const batch = collate(chunk, student.config.pad_token_id);
      const s = student.forward(batch, { outputAttentions: true }).attentions!;
      const t = teacher.forward(batch, { outputAttentions: true }).attentions!;
      const losses = layered.map((p) => attentionMse(s[p.student - 1], t[p.teacher - 1], batch.attentionMask));
      return tf.div(tf.addN(losses), losses.length);
    });
    sum += value.dataSync()[0] * w;
    weight += w;
    value.dispose();
  }
  return sum / weight;
}
