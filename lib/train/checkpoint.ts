/**
 * Training checkpoints: weights, optimizer moments, RNG state and data position, written so a
 * SIGKILL at any moment leaves either the previous or the new checkpoint, never half of one.
 * Layout: `<dir>/step-<N>/{model.safetensors, optimizer.safetensors, state.json}` and a pointer
 * file `<dir>/latest` (written atomically after the folder is complete); older folders are pruned.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { RngState } from "../engine/rng";
import { NamedArray, readSafetensors, writeFileAtomic, writeSafetensors } from "../model/safetensors";

export interface TrainingState {
  /** Optimizer steps done. */
  step: number;
  /** Data position: the epoch and the next batch index within it. */
  epoch: number;
  batchInEpoch: number;
  /** Dropout RNG state. */
  rng: RngState;
  /** Training wall time summed over every run that contributed (resumed runs included). */
  elapsedSeconds?: number;
  /** Training losses summed since the last logged one, and their count: the next log entry averages them. */
  lossWindow?: { sum: number; steps: number };
  /** Best evaluation value so far and the step it was seen at. */
  best?: { value: number; step: number };
  /** Anything the caller wants back on resume. */
  extra?: Record<string, unknown>;
  /** The settings that fix the run's path (schedule, batches, data size): a checkpoint resumes only a run with the same ones. */
  run?: RunSettings;
}

export interface RunSettings {
  totalSteps: number;
  warmupSteps: number;
  peakLearningRate: number;
  batchSize: number;
  accumulation: number;
  seed: number;
  examples: number;
  /** sha256 of the weights the run started from (another pretrained checkpoint is another run). */
  initialWeights: string;
}

/** sha256 over the parameters in name order: the identity of the weights a run starts from. */
export function weightsDigest(params: Map<string, tf.Tensor>): string {
  const hash = createHash("sha256");
  for (const name of [...params.keys()].sort()) {
    const data = params.get(name)!.dataSync() as Float32Array;
    hash.update(name).update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return hash.digest("hex").slice(0, 16);
}

/** The settings in which `saved` and `current` differ, as "name saved → current" lines (empty: the same run). */
export function runSettingsDiff(saved: RunSettings | undefined, current: RunSettings): string[] {
  if (!saved) return []; // written before runs recorded their settings
  return (Object.keys(current) as (keyof RunSettings)[]).filter((k) => saved[k] !== current[k]).map((k) => `${k} ${saved[k]} → ${current[k]}`);
}

export interface Checkpoint {
  state: TrainingState;
  params: Map<string, Float32Array>;
  adamStep: number;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

function toArrays(tensors: Map<string, tf.Tensor>, prefix = ""): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  for (const [name, t] of tensors) out.set(prefix + name, { dtype: "float32", shape: t.shape, data: t.dataSync() as Float32Array });
  return out;
}

export function saveCheckpoint(
  dir: string,
  state: TrainingState,
  params: Map<string, tf.Tensor>,
  optimizer: { step: number; m: Map<string, Float32Array>; v: Map<string, Float32Array> },
  keep = 1,
): string {
  const folder = path.join(dir, `step-${state.step}`);
  const staging = `${folder}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  writeSafetensors(path.join(staging, "model.safetensors"), toArrays(params));
  const moments = new Map([...momentArrays(optimizer.m, params, "m."), ...momentArrays(optimizer.v, params, "v.")]);
  writeSafetensors(path.join(staging, "optimizer.safetensors"), moments, { adam_step: String(optimizer.step) });
  writeFileAtomic(path.join(staging, "state.json"), JSON.stringify(state, null, 2));
  fs.rmSync(folder, { recursive: true, force: true });
  fs.renameSync(staging, folder);
  writeFileAtomic(path.join(dir, "latest"), path.basename(folder) + "\n");
  pruneCheckpoints(dir, keep);
  return folder;
}

function pruneCheckpoints(dir: string, keep: number): void {
  const steps = fs.readdirSync(dir)
    .filter((f) => /^step-\d+(\.partial-\d+)?$/.test(f))
    .sort((a, b) => Number(b.split("-")[1].split(".")[0]) - Number(a.split("-")[1].split(".")[0]));
  const latest = fs.readFileSync(path.join(dir, "latest"), "utf8").trim();
  let kept = 0;
  for (const f of steps) {
    const complete = !f.includes(".partial-");
    if (f === latest || (complete && kept < keep)) {
      if (complete) kept++;
      continue;
    }
    fs.rmSync(path.join(dir, f), { recursive: true, force: true });
  }
}

/** Moments are plain arrays; they take the shape of their parameter. */
function momentArrays(moments: Map<string, Float32Array>, params: Map<string, tf.Tensor>, prefix: string): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  for (const [name, data] of moments) {
    const p = params.get(name);
    if (!p) throw new Error(`optimizer moment ${name} has no parameter of that name`);
    out.set(prefix + name, { dtype: "float32", shape: p.shape, data });
  }
  return out;
}

/** The newest complete checkpoint in `dir`, or undefined when there is none. */
export function loadCheckpoint(dir: string): Checkpoint | undefined {
  const pointer = path.join(dir, "latest");
  if (!fs.existsSync(pointer)) return undefined;
  const folder = path.join(dir, fs.readFileSync(pointer, "utf8").trim());
  const stateFile = path.join(folder, "state.json");
  if (!fs.existsSync(stateFile)) throw new Error(`${pointer} names ${folder}, which has no state.json; delete ${dir} to start over`);
  const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as TrainingState;
  const params = new Map<string, Float32Array>();
  for (const [name, t] of readSafetensors(path.join(folder, "model.safetensors")).tensors) params.set(name, t.data as Float32Array);
  const opt = readSafetensors(path.join(folder, "optimizer.safetensors"));
  const m = new Map<string, Float32Array>();
  const v = new Map<string, Float32Array>();
  for (const [name, t] of opt.tensors) (name.startsWith("m.") ? m : v).set(name.slice(2), t.data as Float32Array);
  return { state, params, adamStep: Number(opt.metadata.adam_step ?? state.step), m, v };
}
