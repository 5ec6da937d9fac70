/** The benchmark's model and batch (bench/config.json), shared by bench/measure.ts and bench/adamw.ts. */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../lib/engine/rng";
import { EncoderConfig } from "../lib/model/config";

export const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "config.json"), "utf8"));

/** A seeded MLM batch: random token ids, full attention, `mlm_positions` predicted positions per row. */
export function mlmBatch(config: EncoderConfig, batchSize: number) {
  const B = batchSize, T = spec.seq_len, P = spec.mlm_positions;
  const rng = new Rng(1);
  return tf.tidy(() => ({
    inputIds: tf.tensor2d(Int32Array.from({ length: B * T }, () => 5 + rng.int(config.vocab_size - 5)), [B, T], "int32"),
    attentionMask: tf.ones([B, T], "int32") as tf.Tensor2D,
    mlmPositions: tf.tensor2d(Int32Array.from({ length: B * P }, () => rng.int(T)), [B, P], "int32"),
    labels: tf.tensor2d(Int32Array.from({ length: B * P }, () => rng.int(config.vocab_size)), [B, P], "int32"),
  }));
}
