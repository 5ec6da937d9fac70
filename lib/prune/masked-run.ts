/**
 * What IMP rounds and the baselines share: the hooks that build θ0 and fine-tune a masked model,
 * and the record of one masked fine-tuning (`metrics.json`), written atomically last so its presence
 * means the run is finished.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { EncoderModel } from "../model/encoder";
import { writeFileAtomic } from "../model/safetensors";
import { Masks } from "./masks";
import { sparsityReport } from "./sparsity";

export const RECORD_FILE = "metrics.json";

export interface FineTuneOutcome {
  /** Dev metrics of the fine-tuned model. */
  metrics: Record<string, number>;
  /** The fine-tuning's wall time summed over resumed runs (TrainResult.wallSeconds); measured here when absent. */
  wallSeconds?: number;
}

export interface PruningHooks {
  /**
   * The model at θ0: the pretrained weights, the task head initialised from a fixed seed — the
   * same weights on every call, since rewinding and resuming rely on it. The caller of the hook
   * disposes the model.
   */
  initial(): EncoderModel | Promise<EncoderModel>;
  /**
   * Fine-tunes `model` (already θ ⊙ masks) holding `masks` (pass them on: TrainerArgs.masks or
   * FineTuneArgs.masks) with its checkpoints in `dir`, and returns the dev metrics. Must leave
   * `model` at its fine-tuned weights and be deterministic and resumable (a trainer run in `dir` is).
   */
  fineTune(model: EncoderModel, masks: Masks, dir: string): Promise<FineTuneOutcome>;
}

export interface RunRecord {
  /** Share of prunable weights that are zero in the masks (measured, not the target). */
  sparsity: number;
  /** Pruned and total prunable weights. */
  zeros: number;
  prunable: number;
  metrics: Record<string, number>;
  /** Seconds: the fine-tuning (summed over resumed runs when the hook reports it), in IMP plus pruning the next mask. */
  wallSeconds: number;
}

/** Fine-tunes `model` with `masks` in `dir`/train; returns the record (not yet written) with the seconds spent. */
export async function maskedFineTune(hooks: PruningHooks, model: EncoderModel, masks: Masks, dir: string): Promise<RunRecord> {
  const started = Date.now();
  const outcome = await hooks.fineTune(model, masks, path.join(dir, "train"));
  const measured = (Date.now() - started) / 1000;
  const { zeros, total, sparsity } = sparsityReport(masks).overall;
  return { sparsity, zeros, prunable: total, metrics: outcome.metrics, wallSeconds: outcome.wallSeconds ?? measured };
}

export function readRecord<R>(dir: string): R | undefined {
  const file = path.join(dir, RECORD_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as R) : undefined;
}

export function writeRecord(dir: string, record: object): void {
  writeFileAtomic(path.join(dir, RECORD_FILE), JSON.stringify(record, null, 2) + "\n");
}
