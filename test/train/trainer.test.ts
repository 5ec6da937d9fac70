import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { EncoderModel } from "../../lib/model/encoder";
import { accuracy, classificationTask } from "../../lib/train/classify";
import { AdamW } from "../../lib/train/adamw";
import { train } from "../../lib/train/trainer";
import { toyConfig, toyExamples } from "../fixtures/toy-task";
import { killAtCheckpoint } from "../helpers/kill";

const script = path.join(__dirname, "..", "fixtures", "train-toy.ts");
const tmp = (label: string) => fs.mkdtempSync(path.join(os.tmpdir(), `thieves-${label}-`));
const result = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "result.json"), "utf8"));

function runToy(dir: string): void {
  const r = spawnSync(process.execPath, ["--import", "tsx", script, dir], { encoding: "utf8" });
  assert.equal(r.status, 0, `toy training failed:\n${r.stderr}`);
}

test("a run killed with SIGKILL and resumed ends exactly like an uninterrupted run", async () => {
  const straight = tmp("straight");
  runToy(straight);
  const killed = tmp("killed");
  const child = spawn(process.execPath, ["--import", "tsx", script, killed], { stdio: "ignore" });
  // Kill once a mid-run checkpoint exists (step 20 of 96), without letting the run finish.
  await killAtCheckpoint(child, path.join(killed, "checkpoints"), 20);
  assert.ok(!fs.existsSync(path.join(killed, "result.json")), "the killed run must not have finished");
  runToy(killed);
  const a = result(straight);
  const b = result(killed);
  assert.ok(b.resumedFrom >= 20 && b.resumedFrom < 96, `resumed from step ${b.resumedFrom}`);
  assert.equal(b.steps, a.steps);
  assert.deepEqual(b.final, a.final);
  // Throughput is wall-clock and differs between runs; everything else must be identical.
  const withoutSpeed = (log: Record<string, unknown>[]) => log.map(({ tokens_per_s, ...rest }) => rest);
  assert.deepEqual(withoutSpeed(b.log), withoutSpeed(a.log), "the metrics log of the resumed run equals the uninterrupted one");
  for (const name of Object.keys(a.params)) assert.deepEqual(b.params[name], a.params[name], `parameter ${name} differs`);
});

test("tf.memory().numTensors stays flat across training steps and evaluations", async () => {
  await initBackend({ quiet: true });
  const model = EncoderModel.create(toyConfig, "sequence-classification", 1);
  const { data, hooks } = classificationTask(model, toyExamples(128, 4));
  const dev = toyExamples(32, 5);
  const counts: number[] = [];
  await train(model, data, {
    ...hooks,
    evaluate: () => {
      counts.push(tf.memory().numTensors);
      return { accuracy: accuracy(model, dev) };
    },
  }, { outDir: tmp("leak"), batchSize: 8, epochs: 2, evalEvery: 4, gradientAccumulation: 2, progress: false, learningRate: 1e-3 });
  assert.ok(counts.length >= 3, `expected several evaluations, got ${counts.length}`);
  assert.deepEqual(counts, counts.map(() => counts[0]), `tensor count drifted: ${counts.join(", ")}`);
  model.dispose();
});

test("training learns the toy task (loss falls, accuracy beats the majority class)", async () => {
  await initBackend({ quiet: true });
  const model = EncoderModel.create(toyConfig, "sequence-classification", 2);
  const trainSet = toyExamples(512, 6);
  const dev = toyExamples(200, 7);
  const majority = Math.max(...[0, 1].map((c) => dev.filter((e) => e.label === c).length)) / dev.length;
  const { data, hooks } = classificationTask(model, trainSet);
  const r = await train(model, data, { ...hooks, evaluate: () => ({ accuracy: accuracy(model, dev) }) },
    { outDir: tmp("learn"), batchSize: 16, epochs: 6, learningRate: 3e-3, progress: false, logEvery: 8 });
  const losses = r.log.filter((e) => e.loss !== undefined).map((e) => e.loss!);
  assert.ok(losses[losses.length - 1] < losses[0] * 0.8, `loss ${losses[0]} → ${losses[losses.length - 1]}`);
  assert.ok(r.final!.accuracy > majority + 0.1, `accuracy ${r.final!.accuracy} vs majority ${majority}`);
  model.dispose();
});

test("a checkpoint does not resume a run with other settings: the error names what changed and the fix", async () => {
  await initBackend({ quiet: true });
  const dir = tmp("settings");
  const run = (learningRate: number, epochs: number, init = 3) => {
    const model = EncoderModel.create(toyConfig, "sequence-classification", init);
    const { data, hooks } = classificationTask(model, toyExamples(64, 8));
    return train(model, data, hooks, { outDir: dir, batchSize: 8, epochs, learningRate, checkpointEvery: 4, progress: false }).finally(() => model.dispose());
  };
  await run(1e-3, 1);
  await assert.rejects(run(1e-3, 2), (err: Error) => /totalSteps 8 → 16/.test(err.message) && err.message.includes(`delete ${dir}`));
  await assert.rejects(run(3e-3, 1), /peakLearningRate 0\.001 → 0\.003/);
  await assert.rejects(run(1e-3, 1, 4), /initialWeights [0-9a-f]{16} → [0-9a-f]{16}/, "other starting weights (e.g. a retrained checkpoint) are another run");
  const again = await run(1e-3, 1);
  assert.equal(again.resumedFrom, 8, "the same settings resume the finished run");
});

test("AdamW holds its moments (two per parameter, plus the weight's resource on the fused path) and frees them on dispose", async () => {
  await initBackend({ quiet: true });
  const model = EncoderModel.create(toyConfig, "sequence-classification", 1);
  for (const fused of [false, true]) {
    const before = tf.memory().numTensors;
    const optimizer = new AdamW(model.params, { fused });
    const perParameter = optimizer.isFused(model.params.keys().next().value!) ? 3 : 2;
    assert.equal(tf.memory().numTensors - before, perParameter * model.params.size);
    optimizer.dispose();
    assert.equal(tf.memory().numTensors, before);
  }
  model.dispose();
});
