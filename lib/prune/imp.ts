/**
 * Iterative magnitude pruning with rewinding to the pre-trained weights (Frankle & Carbin 2019,
 * arXiv:1803.03635; for BERT, Chen et al. 2020, arXiv:2007.12223):
 *
 *   round 0: fine-tune θ0 (dense) → prune `rate` of the original prunable weights by the
 *   fine-tuned magnitudes → round 1: rewind the survivors to θ0 (task head re-initialised with its
 *   fixed seed), fine-tune with the mask held → prune to 2 × rate … until the final sparsity's
 *   round is fine-tuned. Round k's mask is the ticket at sparsity min(final, k × rate).
 *
 * Layout: `<outDir>/imp.json` (the settings), `<outDir>/round-<k>/{masks.safetensors,
 * metrics.json, train/}`. A round is finished when its metrics.json exists, which is written only
 * after the next round's masks; a killed run skips finished rounds and resumes the unfinished
 * one's fine-tuning from its trainer checkpoint.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../model/safetensors";
import { MASKS_FILE, loadMasks, saveMasks } from "./mask-file";
import { RunRecord, PruningHooks, maskedFineTune, readRecord, writeRecord } from "./masked-run";
import { Masks, applyMasks, denseMasks, disposeMasks, prunableParameters } from "./masks";
import { PruneScope, magnitudePrune } from "./prune";
import { roundsToReach, targetSparsity } from "./schedule";

export interface ImpArgs {
  /** imp.json and the round-<k>/ folders go here. */
  outDir: string;
  /** Sparsity of the prunable weights the last round reaches, in [0, 1]. */
  finalSparsity: number;
  /** Share of the ORIGINAL prunable weights pruned per round. Default 0.1 (BERT-Tickets). */
  rate?: number;
  /**
   * Magnitude threshold per matrix or over all prunable matrices. No default: the slide prunes
   * "in each layer", lottery-ticket code commonly prunes globally; the experiment says which.
   */
  scope: PruneScope;
}

export interface ImpRound extends RunRecord {
  round: number;
  /** min(final, round × rate): the sparsity the round's mask was pruned to. */
  target: number;
  /** The round's masks (the ticket at `target`); not stored in metrics.json, so a moved folder still reads right. */
  masksFile: string;
}

export interface ImpResult {
  /** Rounds 0 (dense) … roundsToReach(final, rate), in order. */
  rounds: ImpRound[];
  /** The first round this call fine-tuned after finding earlier ones finished on disk; absent for a fresh or an already finished run. */
  resumedAt?: number;
}

const SETTINGS_FILE = "imp.json";

export function roundDir(outDir: string, round: number): string {
  return path.join(outDir, `round-${round}`);
}

/** Writes the run's settings, or refuses a folder that holds a run with other ones (its masks would not be this run's). */
function claimOutDir(outDir: string, settings: { finalSparsity: number; rate: number; scope: PruneScope }): void {
  const file = path.join(outDir, SETTINGS_FILE);
  if (fs.existsSync(file)) {
    const saved = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    const changed = Object.entries(settings).filter(([k, v]) => saved[k] !== v).map(([k, v]) => `${k} ${saved[k]} → ${v}`);
    if (changed.length) throw new Error(`${outDir} holds an IMP run with other settings (${changed.join(", ")}); delete it to start over, or go back to the old settings to resume it`);
    return;
  }
  writeFileAtomic(file, JSON.stringify(settings, null, 2) + "\n");
}

/** Runs (or resumes, or reads back) IMP in `args.outDir`; builds θ0 with `hooks.initial()` once per round and disposes it. */
export async function iterativeMagnitudePruning(hooks: PruningHooks, args: ImpArgs): Promise<ImpResult> {
  const rate = args.rate ?? 0.1;
  const last = roundsToReach(args.finalSparsity, rate);
  claimOutDir(args.outDir, { finalSparsity: args.finalSparsity, rate, scope: args.scope });
  const rounds: ImpRound[] = [];
  let resumedAt: number | undefined;
  let ranAny = false;
  for (let k = 0; k <= last; k++) {
    const dir = roundDir(args.outDir, k);
    const masksFile = path.join(dir, MASKS_FILE);
    const done = readRecord<Omit<ImpRound, "masksFile">>(dir);
    if (done) {
      rounds.push({ ...done, masksFile });
      continue;
    }
    if (k > 0 && !ranAny) resumedAt = k;
    ranAny = true;
    const model = await hooks.initial();
    let masks: Masks | undefined;
    try {
      masks = k === 0 ? denseMasks(model) : loadMasks(masksFile, model);
      if (k === 0) saveMasks(masksFile, masks);
      applyMasks(model.params, masks); // the rewind: survivors at θ0, pruned weights at 0
      const record = await maskedFineTune(hooks, model, masks, dir);
      const started = Date.now();
      if (k < last) {
        const next = magnitudePrune(prunableParameters(model), { sparsity: targetSparsity(k + 1, rate, args.finalSparsity), scope: args.scope, masks });
        saveMasks(path.join(roundDir(args.outDir, k + 1), MASKS_FILE), next);
        disposeMasks(next);
      }
      const round = { round: k, target: targetSparsity(k, rate, args.finalSparsity), ...record, wallSeconds: record.wallSeconds + (Date.now() - started) / 1000 };
      writeRecord(dir, round);
      rounds.push({ ...round, masksFile });
    } finally {
      if (masks) disposeMasks(masks);
      model.dispose();
    }
  }
  return { rounds, ...(resumedAt !== undefined ? { resumedAt } : {}) };
}
