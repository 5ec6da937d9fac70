/**
 * `npm run bench:adamw`: the fused AdamW kernels against AdamW as tfjs ops, on the bench/config.json
 * encoder, alternating the two optimizers step by step in one process so that drift in the machine's
 * speed falls on both alike. Prints one JSON line per batch size: ms per training step with each, and
 * the ratio. Native TensorFlow only (elsewhere both are the ops path).
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../lib/engine/backend";
import { Dropout } from "../lib/engine/dropout";
import { Rng } from "../lib/engine/rng";
import { makeConfig } from "../lib/model/config";
import { EncoderModel } from "../lib/model/encoder";
import { AdamW } from "../lib/train/adamw";
import { crossEntropy } from "../lib/train/losses";
import { mlmBatch, spec } from "./workload";

const ROUNDS = Number(process.env.THIEVES_BENCH_STEPS ?? 8);

async function measure(model: EncoderModel, batchSize: number): Promise<Record<string, number>> {
  const config = model.config;
  const B = batchSize;
  const batch = mlmBatch(config, B);
  const optimizers = { fused: new AdamW(model.params), ops: new AdamW(model.params, { fused: false }) };
  const dropout = new Dropout(new Rng(2));
  const step = (optimizer: AdamW) => {
    const start = process.hrtime.bigint();
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(batch, { dropout }).logits!, batch.labels), model.variables());
    optimizer.apply(new Map([...model.params].map(([n, p]) => [n, grads[p.name]])), spec.learning_rate);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  for (let i = 0; i < spec.warmup_steps; i++) for (const o of Object.values(optimizers)) step(o);
  const ms = { fused: 0, ops: 0 };
  for (let r = 0; r < ROUNDS; r++) for (const k of ["fused", "ops"] as const) ms[k] += step(optimizers[k]) / ROUNDS;
  tf.dispose(Object.values(batch));
  for (const o of Object.values(optimizers)) o.dispose();
  return { batch_size: B, fused_ms_per_step: ms.fused, ops_ms_per_step: ms.ops, ops_over_fused: ms.ops / ms.fused };
}

async function main(): Promise<void> {
  const backend = await initBackend({ quiet: true });
  const model = EncoderModel.create(makeConfig(spec.model), "masked-lm", 0);
  const probe = new AdamW(model.params);
  const fused = probe.isFused(model.params.keys().next().value!);
  probe.dispose();
  if (!fused) console.error(`bench:adamw: backend ${backend.name} has no fused kernels; both rows are the ops path`);
  for (const b of [spec.batch_size, 8]) console.log(JSON.stringify({ backend: backend.name, rounds: ROUNDS, ...(await measure(model, b)) }));
  model.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
