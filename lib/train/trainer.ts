/**
 * The training loop every recipe uses: AdamW with linear warmup + decay, gradient clipping and
 * accumulation, length-bucketed batches, periodic evaluation with best-model keeping, a JSONL
 * metrics log, progress with ETA, and atomic checkpoints that a killed run resumes from exactly
 * (weights, optimizer moments, dropout RNG state and data position are all restored).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { Dropout } from "../engine/dropout";
import { Rng } from "../engine/rng";
import { EncoderModel } from "../model/encoder";
import { saveModel } from "../model/io";
import { writeFileAtomic } from "../model/safetensors";
import { applyMasks } from "../prune/masks";
import { AdamW, AdamWArgs, defaultDecays } from "./adamw";
import { BatchingArgs, batchesPerEpoch, epochBatches } from "./batching";
import { RunSettings, TrainingState, loadCheckpoint, runSettingsDiff, saveCheckpoint, weightsDigest } from "./checkpoint";
import { progress } from "./progress";
import { linearWarmupDecay } from "./schedule";

export interface TrainData<B> {
  /** Number of training examples. */
  size: number;
  /** Token count of each example, used to bucket batches by length. */
  lengths: ArrayLike<number>;
  /** Builds the batch for these example indices (its tensors are disposed after the step). */
  collate(indices: number[]): B;
}

export interface TrainHooks<B> {
  /** Mean loss of a batch; `dropout` is the run's seeded dropout. */
  loss(batch: B, dropout: Dropout): tf.Scalar;
  /** Dev metrics; called every `evalEvery` steps and at the end. */
  evaluate?(step: number): Promise<Record<string, number>> | Record<string, number>;
  /** Real (non-pad) tokens in a batch, for the tokens/s column. */
  tokens?(batch: B): number;
}

export interface TrainerArgs extends BatchingArgs {
  /** Checkpoints, best model and metrics.jsonl go here. */
  outDir: string;
  /** Passes over the data. Default 1. */
  epochs?: number;
  /** Stop after this many optimizer steps (overrides epochs when smaller). */
  maxSteps?: number;
  /** Peak learning rate. Default 5e-5. */
  learningRate?: number;
  /** Warmup as a fraction of all steps. Default 0.1; `warmupSteps` wins if set. */
  warmupRatio?: number;
  warmupSteps?: number;
  /** Micro-batches whose gradients are averaged before one optimizer step. Default 1. */
  gradientAccumulation?: number;
  /** Clip the global gradient norm to this. Default 1.0; 0 disables. */
  maxGradNorm?: number;
  /** AdamW settings; weight decay default 0.01 (none on biases and LayerNorm). */
  adam?: AdamWArgs;
  /** Seed for data order and dropout. Default 0. */
  seed?: number;
  /** Evaluate every N optimizer steps (0 = only at the end). Default 0. */
  evalEvery?: number;
  /** Checkpoint every N optimizer steps (0 = only at the end). Default: evalEvery, else 0. */
  checkpointEvery?: number;
  /** Complete checkpoints kept on disk. Default 1. */
  keepCheckpoints?: number;
  /** Keep the best model by this metric in `<outDir>/best` (Hugging Face layout). */
  best?: { metric: string; mode: "max" | "min" };
  /** Log the training loss every N steps. Default 10. */
  logEvery?: number;
  /** Resume from `<outDir>/checkpoints` if there is one. Default true. */
  resume?: boolean;
  /** Show progress. Default true. */
  progress?: boolean;
  /** Label for the progress line. */
  label?: string;
  /**
   * Pruning masks: 0/1 tensors by parameter name (lib/prune). Applied to the weights before the
   * run (so they are part of its starting weights: a checkpoint of another mask does not resume
   * it); masked entries stay exactly 0 through every step, in the gradient (before clipping, so
   * pruned weights do not count in the norm), the weight and both AdamW moments. The caller owns
   * the tensors. Default: none.
   */
  masks?: Map<string, tf.Tensor>;
}

export interface LogEntry {
  step: number;
  epoch: number;
  loss?: number;
  lr?: number;
  grad_norm?: number;
  tokens_per_s?: number;
  eval?: Record<string, number>;
}

export interface TrainResult {
  steps: number;
  /** Everything in metrics.jsonl, including what a resumed run logged before it was killed. */
  log: LogEntry[];
  /** The last evaluation. */
  final?: Record<string, number>;
  best?: { value: number; step: number };
  /** The step this run resumed from, if it did. */
  resumedFrom?: number;
  /** Wall time of the whole training, summed over the runs that produced it (a resumed run included). */
  wallSeconds: number;
}

function readLog(file: string): LogEntry[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as LogEntry);
}

/** Global-norm clipping as torch.nn.utils.clip_grad_norm_; returns the norm before clipping. */
function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm: number): number {
  const norm = tf.tidy(() => tf.sqrt(tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
  if (maxNorm > 0 && norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-6);
    for (const [name, g] of grads) {
      grads.set(name, tf.mul(g, scale));
      g.dispose();
    }
  }
  return norm;
}

export async function train<B>(model: EncoderModel, data: TrainData<B>, hooks: TrainHooks<B>, args: TrainerArgs): Promise<TrainResult> {
  const started = Date.now();
  const seed = args.seed ?? 0;
  const accumulation = args.gradientAccumulation ?? 1;
  const perEpoch = Math.floor(batchesPerEpoch(data.size, args) / accumulation);
  if (perEpoch === 0) throw new Error(`${data.size} examples make no full optimizer step at batch size ${args.batchSize} × accumulation ${accumulation}`);
  const totalSteps = Math.min(perEpoch * (args.epochs ?? 1), args.maxSteps ?? Infinity);
  const warmupSteps = args.warmupSteps ?? Math.round((args.warmupRatio ?? 0.1) * totalSteps);
  const schedule = { peak: args.learningRate ?? 5e-5, warmupSteps, totalSteps };
  const evalEvery = args.evalEvery ?? 0;
  const checkpointEvery = args.checkpointEvery ?? evalEvery;
  const logEvery = args.logEvery ?? 10;
  const ckptDir = path.join(args.outDir, "checkpoints");
  const logFile = path.join(args.outDir, "metrics.jsonl");
  fs.mkdirSync(args.outDir, { recursive: true });

  const masks = args.masks ?? new Map<string, tf.Tensor>();
  applyMasks(model.params, masks);
  const optimizer = new AdamW(model.params, args.adam, defaultDecays, masks);
  const dropoutRng = Rng.derive(seed, "dropout");
  const runSettings: RunSettings = { totalSteps, warmupSteps, peakLearningRate: schedule.peak, batchSize: args.batchSize, accumulation, seed, examples: data.size, initialWeights: weightsDigest(model.params) };
  let state: TrainingState = { step: 0, epoch: 0, batchInEpoch: 0, rng: dropoutRng.state(), run: runSettings };
  let resumedFrom: number | undefined;
  const checkpoint = args.resume === false ? undefined : loadCheckpoint(ckptDir);
  if (checkpoint) {
    const changed = runSettingsDiff(checkpoint.state.run, runSettings);
    if (changed.length) throw new Error(`the checkpoint in ${ckptDir} belongs to a run with other settings (${changed.join(", ")}); delete ${args.outDir} to start this run over, or go back to the old settings to resume it`);
    for (const [name, p] of model.params) {
      const values = checkpoint.params.get(name);
      if (!values || values.length !== p.size) throw new Error(`checkpoint in ${ckptDir} does not match this model (parameter ${name}); delete it to start over`);
      tf.tidy(() => p.assign(tf.tensor(values, p.shape)));
    }
    optimizer.load(checkpoint.adamStep, checkpoint.m, checkpoint.v);
    state = { ...checkpoint.state, run: runSettings };
    dropoutRng.setState(state.rng);
    resumedFrom = state.step;
    // Entries logged after the checkpoint belong to the lost part of the run: they will be redone.
    writeFileAtomic(logFile, readLog(logFile).filter((e) => e.step <= state.step).map((e) => JSON.stringify(e) + "\n").join(""));
  } else if (fs.existsSync(logFile)) {
    fs.rmSync(logFile);
  }
  const dropout = new Dropout(dropoutRng);
  const log = (entry: LogEntry) => fs.appendFileSync(logFile, JSON.stringify(entry) + "\n");
  const nameOf = new Map([...model.params].map(([name, p]) => [p.name, name])); // tf variable name → parameter name

  const evaluate = async (): Promise<Record<string, number> | undefined> => {
    if (!hooks.evaluate) return undefined;
    const metrics = await hooks.evaluate(state.step);
    log({ step: state.step, epoch: state.epoch, eval: metrics });
    if (args.best) {
      const value = metrics[args.best.metric];
      if (value === undefined) throw new Error(`evaluate() returned no "${args.best.metric}" (best.metric); it returned ${Object.keys(metrics).join(", ")}`);
      const better = !state.best || (args.best.mode === "max" ? value > state.best.value : value < state.best.value);
      if (better) {
        state.best = { value, step: state.step };
        saveModel(model, path.join(args.outDir, "best"), { step: String(state.step), [args.best.metric]: String(value) });
      }
    }
    return metrics;
  };
  const priorSeconds = state.elapsedSeconds ?? 0;
  const elapsed = () => priorSeconds + (Date.now() - started) / 1000;
  const save = () => {
    state.rng = dropoutRng.state();
    state.elapsedSeconds = elapsed();
    state.lossWindow = { sum: windowLoss, steps: windowSteps };
    saveCheckpoint(ckptDir, state, model.params, optimizer.state(), args.keepCheckpoints ?? 1);
  };

  const bar = progress(args.label ?? "train", totalSteps, args.progress ?? true);
  let batches = epochBatches(data.lengths, args, seed, state.epoch);
  // A resumed run continues the loss average its checkpoint was taken in the middle of.
  let windowLoss = state.lossWindow?.sum ?? 0, windowSteps = state.lossWindow?.steps ?? 0, windowTokens = 0, windowStart = Date.now();
  while (state.step < totalSteps) {
    const grads = new Map<string, tf.Tensor>();
    let lossSum = 0;
    for (let micro = 0; micro < accumulation; micro++) {
      if (state.batchInEpoch >= batches.length) {
        state.epoch += 1;
        state.batchInEpoch = 0;
        batches = epochBatches(data.lengths, args, seed, state.epoch);
      }
      const batch = data.collate(batches[state.batchInEpoch++]);
      windowTokens += hooks.tokens?.(batch) ?? 0;
      const { value, grads: g } = tf.variableGrads(() => hooks.loss(batch, dropout), model.variables());
      lossSum += value.dataSync()[0];
      value.dispose();
      tf.dispose(batch as unknown as tf.TensorContainer);
      for (const [varName, grad] of Object.entries(g)) {
        const name = nameOf.get(varName)!;
        const prev = grads.get(name);
        grads.set(name, prev ? tf.add(prev, grad) : grad);
        if (prev) {
          prev.dispose();
          grad.dispose();
        }
      }
    }
    if (accumulation > 1) {
      for (const [name, g] of grads) {
        grads.set(name, tf.div(g, accumulation));
        g.dispose();
      }
    }
    for (const [name, mask] of masks) {
      const g = grads.get(name);
      if (!g) continue;
      grads.set(name, tf.mul(g, mask));
      g.dispose();
    }
    const lr = linearWarmupDecay(schedule, state.step);
    const gradNorm = clipByGlobalNorm(grads, args.maxGradNorm ?? 1.0);
    optimizer.apply(grads, lr);
    tf.dispose([...grads.values()]);
    state.step += 1;
    const loss = lossSum / accumulation;
    if (!Number.isFinite(loss)) throw new Error(`loss became ${loss} at step ${state.step}; lower the learning rate (now ${schedule.peak}) or check the data`);
    windowLoss += loss;
    windowSteps += 1;
    if (state.step % logEvery === 0 || state.step === totalSteps) {
      const seconds = (Date.now() - windowStart) / 1000;
      log({ step: state.step, epoch: state.epoch, loss: windowLoss / windowSteps, lr, grad_norm: gradNorm, tokens_per_s: windowTokens / Math.max(seconds, 1e-9) });
      bar.update(state.step, { loss: (windowLoss / windowSteps).toFixed(4) });
      windowLoss = windowSteps = windowTokens = 0;
      windowStart = Date.now();
    }
    if (evalEvery > 0 && state.step % evalEvery === 0 && state.step < totalSteps) await evaluate();
    if (checkpointEvery > 0 && state.step % checkpointEvery === 0 && state.step < totalSteps) save();
  }
  bar.stop();
  let final: Record<string, number> | undefined;
  if (resumedFrom === totalSteps) {
    // A finished run started again: report its last evaluation instead of logging a second one.
    final = readLog(logFile).filter((e) => e.eval).pop()?.eval;
  } else {
    final = await evaluate();
    save();
  }
  optimizer.dispose();
  return { steps: state.step, log: readLog(logFile), final, best: state.best, resumedFrom, wallSeconds: resumedFrom === totalSteps ? priorSeconds : elapsed() };
}
