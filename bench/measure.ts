/**
 * One measurement on one backend: training steps (forward + backward + AdamW) and inference
 * forwards of the MLM encoder in bench/config.json, printed as one JSON line. Run by bench/run.ts.
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

async function main(timedSteps: number, batchSize: number, adamw: string): Promise<void> {
  const backend = await initBackend({ quiet: true });
  const config = makeConfig(spec.model);
  const model = EncoderModel.create(config, "masked-lm", 0);
  const B = batchSize, T = spec.seq_len;
  const batch = mlmBatch(config, B);
  // "ops": AdamW as tfjs element-wise ops even on native TensorFlow (the path before the fused kernels), for the same-run ratio.
  const optimizer = new AdamW(model.params, { fused: adamw !== "ops" });
  const dropout = new Dropout(new Rng(2));
  const trainStep = () => {
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(batch, { dropout }).logits!, batch.labels), model.variables());
    const byName = new Map([...model.params].map(([n, p]) => [n, grads[p.name]]));
    optimizer.apply(byName, spec.learning_rate);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  // Nothing is returned from tidy: it would walk a returned typed array entry by entry.
  const inferStep = () => tf.tidy(() => {
    model.forward(batch).logits!.dataSync();
  });
  const time = (fn: () => void, steps: number) => {
    for (let i = 0; i < Math.min(spec.warmup_steps, steps); i++) fn();
    const start = process.hrtime.bigint();
    for (let i = 0; i < steps; i++) fn();
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  const trainSeconds = time(trainStep, timedSteps);
  const inferSeconds = time(inferStep, timedSteps * 3);
  const tokens = B * T;
  console.log(JSON.stringify({
    backend: backend.name,
    batch_size: B,
    adamw: optimizer.isFused(model.params.keys().next().value!) ? "fused" : "tfjs ops",
    engine: backend.engine,
    train_tokens_per_s: (tokens * timedSteps) / trainSeconds,
    infer_tokens_per_s: (tokens * timedSteps * 3) / inferSeconds,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    ld_preload: process.env.LD_PRELOAD ?? "",
  }));
}

// Arguments: timed steps, batch size, AdamW path ("fused" or "ops"); empty or missing: the defaults.
main(Number(process.argv[2]) || spec.timed_steps, Number(process.argv[3]) || spec.batch_size, process.argv[4] || "fused").catch((err) => {
  console.error(err);
  process.exit(1);
});
