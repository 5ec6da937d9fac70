/**
 * Krishna et al. 2020, §6.2 (the slides' "Watermarking works well!"): an API answers a small
 * share of its queries wrongly and stores them; an extractor trained on its answers memorises
 * those watermarks, so the owner can recognise a stolen copy by asking it the stored queries —
 * while an honest model, or one extracted from an unwatermarked API, gives the true answers.
 *
 * Per task (MNLI; SQuAD) and seed: the extraction experiment's victim, WIKI queries, and three
 * extractors (lib/experiments/watermark-trio.ts) — WIKI from the clean API, watermarked WIKI, and
 * watermarked WIKI trained for `longEpochs` passes — each verified on the API's record and scored
 * on the real dev set (MNLI accuracy, SQuAD F1). Kept under results/runs/watermark-<preset>/<settings
 * hash>/, so a killed run resumes; the result is results/defend/watermark-<preset>.json.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { PROJECT_ROOT } from "../data/paths";
import { queryKey } from "../defend/query-rng";
import { WatermarkEntry, WatermarkedQaVictim, WatermarkedVictim, sameLabel, sameSpan } from "../defend/watermark";
import { backendInfo, initBackend } from "../engine/backend";
import { extract } from "../extract/extract";
import { extractQa, queryAllQa } from "../extract/extract-qa";
import { LocalQaVictim } from "../extract/local-qa-victim";
import { LocalVictim } from "../extract/local-victim";
import { MemoVictim } from "../extract/memo-victim";
import { budgetQueries, generateQueries } from "../extract/queries";
import { buildParagraphSource, generateSquadQueries } from "../extract/squad-queries";
import { QaAnswer, QaInput, VictimAnswer, VictimInput } from "../extract/victim";
import { buildQuerySource } from "../extract/wikitext-source";
import { writeFileAtomic } from "../model/safetensors";
import { modelDir, pretrainMiniature } from "../pretrain/pretrain";
import { squadScores } from "../train/squad-metric";
import { EXTRACTION_SIZES, trainVictim } from "./extraction";
import { SQUAD_EXTRACTION_SIZES, squadExtractionSplits, trainSquadVictim } from "./squad-extraction";
import { Preset, resolvePreset } from "./presets";
import { headOf, readTask } from "./tasks";
import { WatermarkRun, watermarkTrio } from "./watermark-trio";
import { readKept } from "./kept";

export type WatermarkTask = "mnli" | "squad";
export const WATERMARK_TASKS: readonly WatermarkTask[] = ["mnli", "squad"];

export interface WatermarkTaskSize {
  /** Attack budget as a multiple of the extraction experiment's 1x (its `scale` × the victim's training set). */
  multiple: number;
  /** Dev examples scored (the first N); undefined: all. */
  devExamples?: number;
}

export interface WatermarkSize {
  /**
   * Share of the attack's queries the API watermarks. The slide's 0.1 % is of the paper's budgets
   * (1x of MNLI's 393k training pairs: ≈ 390 stored watermarks); 0.1 % of our small budgets would
   * store one or two, too few to measure a match rate, so the share is raised until each seed
   * stores tens of them (at the cost of more wrong labels in the thief's training data).
   */
  fraction: number;
  /** Passes over the queries of "WIKI" and "watermarked WIKI" (no step floor: the passes are the variable). */
  epochs: number;
  /** Passes of the long-trained watermarked extractor (the slide's 10 epochs). */
  longEpochs: number;
  seeds: number[];
  mnli: WatermarkTaskSize;
  squad: WatermarkTaskSize;
}

export const WATERMARK_SIZES: Record<Preset, WatermarkSize> = {
  // Plumbing only: a quarter of ~70 queries per task watermarked, so every seed stores some.
  tiny: { fraction: 0.25, epochs: 1, longEpochs: 5, seeds: [0], mnli: { multiple: 2, devExamples: 48 }, squad: { multiple: 4 } },
  // 10 % of 2x: MNLI 1,569 queries → ~157 stored watermarks a seed, SQuAD 868 → ~87 (match rates
  // to about ±4 and ±5 points). Estimated for one core from measured speeds (en-L2-H128): MNLI 49
  // steps a pass at batch 32 × ≤ 64 tokens, (3 + 3 + 10) passes = 784 steps × ~0.2 s ≈ 160 s a seed,
  // plus three scorings of the 9,815 dev pairs (~20 s each); SQuAD ~28 steps a pass at 32 × 128,
  // 448 steps × ~0.36 s ≈ 160 s a seed, plus three scorings of 1,883 questions (~6 s each). 3 seeds:
  // MNLI ≈ 11 min, SQuAD ≈ 9 min, ≈ 20 min in all (+ ≈ 5 min for the SQuAD victim if the SQuAD
  // extraction experiment has not trained it yet).
  small: { fraction: 0.1, epochs: 3, longEpochs: 10, seeds: [0, 1, 2], mnli: { multiple: 2 }, squad: { multiple: 2 } },
  // The paper's share, at the extraction experiments' 1x (the 39k MNLI sample: ~39 stored; SQuAD's ~8.7k training questions: ~9).
  paper: { fraction: 0.001, epochs: 3, longEpochs: 10, seeds: [0, 1, 2], mnli: { multiple: 1 }, squad: { multiple: 1 } },
};

/** The API provider's secret watermark seed for an attack seed: another stream than the attacker's queries. */
export const watermarkSecret = (seed: number): number => 7919 + seed;

export interface WatermarkTaskResult {
  /** The victim's own dev score (MNLI accuracy; SQuAD F1). */
  victimDev: number;
  /** Attack queries per extractor, and the stored watermarks per seed. */
  queries: number;
  watermarks: number[];
  /** A few stored records of seed `seeds[0]`, for showing. */
  examples: WatermarkEntry<unknown, unknown>[];
  miniature: string;
}

export interface WatermarkResult {
  experiment: "watermark";
  preset: Preset;
  backend: string;
  engine: string;
  size: WatermarkSize;
  tasks: Partial<Record<WatermarkTask, WatermarkTaskResult>>;
  runs: WatermarkRun[];
  wallSeconds: number;
  /** Training time of every extractor, each measured when it ran. */
  computeSeconds: number;
}

/** One folder per (settings, victim settings, miniature), so changed sizes start fresh runs. */
async function runsDir(root: string, preset: Preset, size: WatermarkSize, victimSettings: unknown, miniature: string): Promise<string> {
  const pretrained = await pretrainMiniature(miniature, { preset });
  const key = createHash("sha256").update(JSON.stringify({ size, victimSettings, miniature: pretrained.createdAt })).digest("hex").slice(0, 10);
  return path.join(root, "runs", `watermark-${preset}`, key);
}

/** MNLI: the extraction experiment's victim, WIKI premise / hypothesis pairs, label watermarks. */
async function runMnli(resultsRoot: string, preset: Preset, size: WatermarkSize, result: WatermarkResult): Promise<void> {
  const ext = EXTRACTION_SIZES[preset];
  const root = await runsDir(resultsRoot, preset, size, { mnli: ext }, ext.miniature);
  const victimDir = await trainVictim("mnli", preset, ext);
  const train = readTask("mnli", "train");
  const dev = headOf(readTask("mnli", "dev"), size.mnli.devExamples ?? ext.devExamples);
  const count = budgetQueries(train.inputs.length, size.mnli.multiple, ext.scale);
  const source = buildQuerySource();
  const victim = await LocalVictim.load(victimDir, { maxLength: ext.maxLength });
  // Dev answers of the victim are asked once per task, not once per extractor.
  const api = new MemoVictim(victim);
  try {
    const victimAnswers = await api.query(dev.inputs);
    const victimDev = victimAnswers.filter((a, i) => a.label === dev.labels[i]).length / dev.inputs.length;
    const watermarks: number[] = [];
    let examples: WatermarkEntry<unknown, unknown>[] = [];
    for (const seed of size.seeds) {
      const queries = generateQueries({ generator: "WIKI", shape: "pair", count, seed, source });
      const trio = await watermarkTrio<VictimInput, VictimAnswer>({
        task: "mnli", seed, queries, api, same: sameLabel, epochs: size.epochs, longEpochs: size.longEpochs, outDir: path.join(root, `mnli-seed${seed}`),
        watermark: (inner, record) => new WatermarkedVictim({ labels: victim.labels, exposesProbabilities: victim.exposesProbabilities, query: (x) => inner.query(x) }, record, { seed: watermarkSecret(seed), fraction: size.fraction }),
        train: async (answers, epochs, outDir, verify) => {
          // The extractor learns `answers` for the queries; dev queries still reach the true victim.
          const taught = new MemoVictim(api);
          taught.remember(queries, answers);
          const outcome = await extract({
            victim: taught, queries, extractorFrom: modelDir(ext.miniature, preset), dev, outDir, maxLength: ext.maxLength,
            epochs, batchSize: ext.batchSize, learningRate: ext.learningRate, seed,
            onTrained: (model, tokenizer) => verify(new LocalVictim(model, tokenizer, { maxLength: ext.maxLength })),
          });
          return { dev: outcome.accuracy, agreement: outcome.agreement, steps: outcome.steps, wallSeconds: outcome.wallSeconds };
        },
      });
      result.runs.push(...trio.runs);
      watermarks.push(trio.entries.length);
      if (seed === size.seeds[0]) examples = trio.entries.slice(0, 3);
    }
    result.tasks.mnli = { victimDev, queries: count, watermarks, examples, miniature: ext.miniature };
  } finally {
    victim.dispose();
  }
}

/** SQuAD: the SQuAD extraction experiment's victim, WIKI paragraph + question queries, span watermarks. */
async function runSquad(resultsRoot: string, preset: Preset, size: WatermarkSize, result: WatermarkResult): Promise<void> {
  const ext = SQUAD_EXTRACTION_SIZES[preset];
  const root = await runsDir(resultsRoot, preset, size, { squad: ext }, ext.miniature);
  const splits = squadExtractionSplits(preset, ext);
  const dev = splits.eval.slice(0, size.squad.devExamples ?? ext.devExamples);
  const count = budgetQueries(splits.train.length, size.squad.multiple, ext.scale);
  const source = buildParagraphSource();
  const victim = await LocalQaVictim.load(await trainSquadVictim(preset, ext), { maxLength: ext.maxLength });
  try {
    // The victim's dev answers, asked once: every extractor's agreement is measured against them.
    const victimDevAnswers = await queryAllQa(victim, dev.map((x) => ({ context: x.context, question: x.question })));
    const victimDev = squadScores(victimDevAnswers.map((a) => a.text), dev.map((x) => x.answers.map((a) => a.text))).f1;
    const watermarks: number[] = [];
    let examples: WatermarkEntry<unknown, unknown>[] = [];
    for (const seed of size.seeds) {
      const queries = generateSquadQueries({ generator: "WIKI", count, seed, source });
      const trio = await watermarkTrio<QaInput, QaAnswer>({
        task: "squad", seed, queries, api: victim, same: sameSpan, epochs: size.epochs, longEpochs: size.longEpochs, outDir: path.join(root, `squad-seed${seed}`),
        watermark: (inner, record) => new WatermarkedQaVictim(inner, record, { seed: watermarkSecret(seed), fraction: size.fraction }),
        train: async (answers, epochs, outDir, verify) => {
          const taught = new Map(queries.map((q, i) => [queryKey(q), answers[i]]));
          const outcome = await extractQa({
            victim: { query: async (inputs: QaInput[]) => inputs.map((x) => taught.get(queryKey(x))!) }, queries, victimDev: victimDevAnswers,
            extractorFrom: modelDir(ext.miniature, preset), dev, outDir, maxLength: ext.maxLength, epochs, batchSize: ext.batchSize, learningRate: ext.learningRate, seed,
            onTrained: (model, tokenizer) => verify(new LocalQaVictim(model, tokenizer, { maxLength: ext.maxLength })),
          });
          return { dev: outcome.f1, devExact: outcome.exactMatch, agreement: outcome.agreementF1, steps: outcome.steps, wallSeconds: outcome.wallSeconds };
        },
      });
      result.runs.push(...trio.runs);
      watermarks.push(trio.entries.length);
      if (seed === size.seeds[0]) examples = trio.entries.slice(0, 3);
    }
    result.tasks.squad = { victimDev, queries: count, watermarks, examples, miniature: ext.miniature };
  } finally {
    victim.dispose();
  }
}

const RESULTS = path.join(PROJECT_ROOT, "results");

/**
 * The whole experiment at a preset, written to results/defend/watermark-<preset>.json (only when
 * every task ran). `tasks` limits it to some tasks, e.g. one process per core. `root` replaces
 * results/ (for the extractors' runs and the result file; the victims stay the extraction
 * experiment's), so a test can run it twice from scratch.
 */
export async function runWatermark(options: { preset?: string; reuse?: boolean; tasks?: WatermarkTask[]; root?: string } = {}): Promise<WatermarkResult> {
  const preset = resolvePreset(options.preset);
  const root = options.root ?? RESULTS;
  const saved = options.reuse ? readWatermarkResult(preset, root) : undefined;
  if (saved) return saved;
  const tasks = options.tasks ?? WATERMARK_TASKS;
  for (const t of tasks) if (!WATERMARK_TASKS.includes(t)) throw new Error(`unknown watermark task "${t}"; the tasks are ${WATERMARK_TASKS.join(", ")}`);
  const started = Date.now();
  const size = WATERMARK_SIZES[preset];
  await initBackend();
  const result: WatermarkResult = { experiment: "watermark", preset, backend: backendInfo().name, engine: backendInfo().engine, size, tasks: {}, runs: [], wallSeconds: 0, computeSeconds: 0 };
  if (tasks.includes("mnli")) await runMnli(root, preset, size, result);
  if (tasks.includes("squad")) await runSquad(root, preset, size, result);
  result.wallSeconds = (Date.now() - started) / 1000;
  result.computeSeconds = result.runs.reduce((n, r) => n + r.wallSeconds, 0);
  if (tasks.length === WATERMARK_TASKS.length) writeFileAtomic(resultFile(preset, root), JSON.stringify(result, null, 2) + "\n");
  return result;
}

function resultFile(preset: Preset, root = RESULTS): string {
  return path.join(root, "defend", `watermark-${preset}.json`);
}

export function readWatermarkResult(preset: string, root = RESULTS): WatermarkResult | undefined {
  const file = resultFile(resolvePreset(preset), root);
  return readKept<WatermarkResult>(file);
}
