/**
 * Krishna et al. 2020, "Thieves on Sesame Street! Model Extraction of BERT-based APIs": the
 * results table (victim; RANDOM and WIKI queries at 1x and up to 10x the victim's training-set
 * size) for SST-2 and MNLI, extractor accuracy against the number of queries, and the API cost.
 * The victim is one of our pretrained miniatures fine-tuned on the real task; each extractor
 * starts from the same miniature (the paper uses BERT-large for both) and never sees task data.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { backendInfo, initBackend } from "../engine/backend";
import { PROJECT_ROOT } from "../data/paths";
import { loadModel, saveModel } from "../model/io";
import { writeFileAtomic } from "../model/safetensors";
import { modelDir, pretrainMiniature } from "../pretrain/pretrain";
import { TextTokenizer } from "../tokenize/tokenizer";
import { copyTokenizerFiles } from "../tokenize/train";
import { EncodedExample } from "../train/classify";
import { fineTuneClassifier } from "../train/finetune";
import { PRICES, apiCost } from "../extract/cost";
import { ExtractOutcome, extract, queryAll } from "../extract/extract";
import { LocalVictim } from "../extract/local-victim";
import { GeneratorName, budgetQueries, generateQueries } from "../extract/queries";
import { VictimInput, encodeInput } from "../extract/victim";
import { QuerySource, buildQuerySource } from "../extract/wikitext-source";
import { kept, readKept } from "./kept";
import { findShippedVictim } from "./shipped-victims";
import { Preset, resolvePreset } from "./presets";
import { meanStd, percentMeanStd } from "./stats";
import { CLASSIFICATION_TASKS, ClassificationTask, TASK_LABELS, TaskSplit, headOf, readTask } from "./tasks";
import { Figure } from "../display/figure";
import { lineFigure } from "../display/line-figure";

export type ExtractTask = ClassificationTask;
export const EXTRACT_TASKS = CLASSIFICATION_TASKS;

export interface ExtractionSize {
  /** The pretrained miniature both the victim and every extractor start from. */
  miniature: string;
  /** Victim fine-tuning steps (batch `batchSize`) on the task's training set. */
  victimSteps: number;
  maxLength: number;
  batchSize: number;
  learningRate: number;
  /** Budget scale: 1x is `scale` × the victim's training-set size. Printed next to every number. */
  scale: number;
  /** Budgets of the results table, as multiples of 1x (the paper: 1x and up to 10x). */
  tableMultiples: number[];
  /** Extra budgets for the accuracy-vs-queries curve (seed 0 only). */
  curveMultiples: number[];
  seeds: number[];
  /** Passes of the extractor over its queries, a cap on its steps, and a floor (small budgets get more passes). */
  extractorEpochs: number;
  extractorMaxSteps?: number;
  extractorMinSteps?: number;
  /** Dev examples scored; undefined: all. */
  devExamples?: number;
}

export const EXTRACTION_SIZES: Record<Preset, ExtractionSize> = {
  tiny: { miniature: "en-L2-H128", victimSteps: 10, maxLength: 32, batchSize: 16, learningRate: 1e-3, scale: 0.001, tableMultiples: [1, 10], curveMultiples: [0.5], seeds: [0, 1], extractorEpochs: 1, extractorMaxSteps: 6, devExamples: 48 },
  // learningRate: the one the pretraining experiment's held-out validation chose for en-L2-H128 on both tasks.
  small: { miniature: "en-L2-H128", victimSteps: 3000, maxLength: 64, batchSize: 32, learningRate: 3e-4, scale: 0.02, tableMultiples: [1, 10], curveMultiples: [0.1, 0.5, 2, 5], seeds: [0, 1, 2], extractorEpochs: 2, extractorMaxSteps: 1000, extractorMinSteps: 300 },
  paper: { miniature: "en-L6-H256", victimSteps: 6000, maxLength: 128, batchSize: 32, learningRate: 5e-5, scale: 1, tableMultiples: [1, 10], curveMultiples: [0.1, 0.5, 2, 5], seeds: [0, 1, 2], extractorEpochs: 3 },
};

/** The paper's table (BERT-large victims and extractors; accuracy %, SST-2 and MNLI columns). */
export const PAPER_EXTRACTION: Record<string, Record<ExtractTask, number>> = {
  victim: { sst2: 93.1, mnli: 85.8 },
  "RANDOM 1x": { sst2: 90.1, mnli: 76.3 },
  "RANDOM 10x": { sst2: 90.5, mnli: 78.5 },
  "WIKI 1x": { sst2: 91.4, mnli: 77.8 },
  "WIKI 10x": { sst2: 91.7, mnli: 79.3 },
};

interface TaskData {
  train: TaskSplit;
  dev: TaskSplit;
}

export function taskData(task: ExtractTask, devExamples?: number): TaskData {
  return { train: readTask(task, "train"), dev: headOf(readTask(task, "dev"), devExamples) };
}

/**
 * Where a preset's victims and extractors checkpoint: one folder per (settings, miniature) pair,
 * so changed sizes or a retrained miniature start fresh runs instead of resuming stale ones, and
 * earlier runs are kept.
 */
async function runsDir(preset: Preset, size: ExtractionSize): Promise<string> {
  const pretrained = await pretrainMiniature(size.miniature, { preset });
  const key = createHash("sha256").update(JSON.stringify({ size, miniature: pretrained.createdAt })).digest("hex").slice(0, 10);
  return path.join(PROJECT_ROOT, "results", "runs", `extract-${preset}`, key);
}

/** The victim of a task: the miniature fine-tuned on the real training set, saved as a servable model folder (made once; a shipped copy in models/victims/ when its settings match). */
export async function trainVictim(task: ExtractTask, preset: Preset, size: ExtractionSize = EXTRACTION_SIZES[preset]): Promise<string> {
  const root = await runsDir(preset, size);
  const dir = path.join(root, `victim-${task}`, "model");
  if (fs.existsSync(path.join(dir, "victim.json"))) return dir;
  const shipped = findShippedVictim(preset, task, path.basename(root));
  if (shipped) return shipped;
  const from = modelDir(size.miniature, preset);
  const tokenizer = await TextTokenizer.load(from);
  const data = taskData(task, size.devExamples);
  const encode = (inputs: VictimInput[], labels: number[]): EncodedExample[] => inputs.map((x, i) => ({ ...encodeInput(tokenizer, x, size.maxLength), label: labels[i] }));
  const { model } = loadModel(from, { task: "sequence-classification", labels: TASK_LABELS[task], seed: 0 });
  const { accuracy, run } = await fineTuneClassifier(model, encode(data.train.inputs, data.train.labels), encode(data.dev.inputs, data.dev.labels), {
    outDir: path.join(root, `victim-${task}`, "train"), steps: size.victimSteps, batchSize: size.batchSize, learningRate: size.learningRate, seed: 0, label: `victim ${task}`,
  });
  saveModel(model, dir);
  model.dispose();
  copyTokenizerFiles(from, dir);
  writeFileAtomic(path.join(dir, "victim.json"), JSON.stringify({ task, miniature: size.miniature, devAccuracy: accuracy, steps: run.steps, trainExamples: data.train.inputs.length, wallSeconds: run.wallSeconds }, null, 2) + "\n");
  return dir;
}

export interface ExtractionRun extends Omit<ExtractOutcome, "log"> {
  task: ExtractTask;
  generator: GeneratorName;
  multiple: number;
  seed: number;
}

export interface ExtractionResult {
  experiment: "extract";
  preset: Preset;
  backend: string;
  engine: string;
  size: ExtractionSize;
  /** Per task: the victim's dev accuracy, its training-set size, 1x in queries, and the dev set's majority-class share (the floor any extractor reaches by answering one label). */
  victims: Record<ExtractTask, { devAccuracy: number; trainExamples: number; oneX: number; miniature: string; wallSeconds: number; majority: number }>;
  runs: ExtractionRun[];
  paper: typeof PAPER_EXTRACTION;
  /** This call's wall time (short when it collects kept runs). */
  wallSeconds: number;
  /** Training time of the victims and every extractor, each measured when it ran. */
  computeSeconds: number;
}

/** One extraction; its outcome is kept beside its checkpoints, so a rerun (or another process) reads it instead of training again. */
async function extractOnce(task: ExtractTask, generator: GeneratorName, multiple: number, seed: number, victim: LocalVictim, source: QuerySource, data: TaskData, size: ExtractionSize, preset: Preset): Promise<ExtractionRun> {
  const outDir = path.join(await runsDir(preset, size), `${task}-${generator}-${multiple}x-seed${seed}`);
  return kept(path.join(outDir, "outcome.json"), async () => {
    const count = budgetQueries(data.train.inputs.length, multiple, size.scale);
    const queries = generateQueries({ generator, shape: task === "sst2" ? "single" : "pair", count, seed, source });
    const outcome = await extract({
      victim, queries, extractorFrom: modelDir(size.miniature, preset), dev: data.dev, outDir,
      maxLength: size.maxLength, epochs: size.extractorEpochs, maxSteps: size.extractorMaxSteps, minSteps: size.extractorMinSteps,
      batchSize: size.batchSize, learningRate: size.learningRate, seed,
    });
    const { log: _log, ...rest } = outcome;
    return { task, generator, multiple, seed, ...rest };
  });
}

/**
 * The whole experiment at a preset, written to results/extract/extract-<preset>.json. `tasks`
 * limits it to some tasks (their runs are kept, no result file is written): two processes, one
 * per task, share the two cores, and a last full call collects their kept runs.
 */
export async function runExtraction(options: { preset?: string; reuse?: boolean; tasks?: ExtractTask[] } = {}): Promise<ExtractionResult> {
  const preset = resolvePreset(options.preset);
  const saved = options.reuse ? readExtractionResult(preset) : undefined;
  if (saved) return saved;
  const tasks = options.tasks ?? EXTRACT_TASKS;
  for (const t of tasks) if (!EXTRACT_TASKS.includes(t)) throw new Error(`unknown extraction task "${t}"; the tasks are ${EXTRACT_TASKS.join(", ")}`);
  const started = Date.now();
  const size = EXTRACTION_SIZES[preset];
  await initBackend();
  const source = buildQuerySource();
  const result: ExtractionResult = {
    experiment: "extract", preset, backend: backendInfo().name, engine: backendInfo().engine, size,
    victims: {} as ExtractionResult["victims"], runs: [], paper: PAPER_EXTRACTION, wallSeconds: 0, computeSeconds: 0,
  };
  for (const task of tasks) {
    const data = taskData(task, size.devExamples);
    const dir = await trainVictim(task, preset, size);
    const info = JSON.parse(fs.readFileSync(path.join(dir, "victim.json"), "utf8"));
    result.victims[task] = { devAccuracy: info.devAccuracy, trainExamples: data.train.inputs.length, oneX: budgetQueries(data.train.inputs.length, 1, size.scale), miniature: size.miniature, wallSeconds: info.wallSeconds, majority: majorityShare(data.dev.labels) };
    const victim = await LocalVictim.load(dir, { maxLength: size.maxLength });
    for (const generator of ["RANDOM", "WIKI"] as GeneratorName[]) {
      for (const multiple of size.tableMultiples) for (const seed of size.seeds) result.runs.push(await extractOnce(task, generator, multiple, seed, victim, source, data, size, preset));
      for (const multiple of size.curveMultiples) result.runs.push(await extractOnce(task, generator, multiple, size.seeds[0], victim, source, data, size, preset));
    }
    victim.dispose();
  }
  result.wallSeconds = (Date.now() - started) / 1000;
  result.computeSeconds = Object.values(result.victims).reduce((n, v) => n + v.wallSeconds, 0) + result.runs.reduce((n, r) => n + r.wallSeconds, 0);
  if (tasks.length === EXTRACT_TASKS.length) writeFileAtomic(resultFile(preset), JSON.stringify(result, null, 2) + "\n");
  return result;
}

function majorityShare(labels: number[]): number {
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return Math.max(...counts.values()) / labels.length;
}

function resultFile(preset: Preset): string {
  return path.join(PROJECT_ROOT, "results", "extract", `extract-${preset}.json`);
}

export function readExtractionResult(preset: string): ExtractionResult | undefined {
  const file = resultFile(resolvePreset(preset));
  return readKept<ExtractionResult>(file);
}

/** Accuracy (mean ± std over seeds, %) of the table's budgets, beside the paper's numbers. */
export function extractionTable(r: ExtractionResult): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = [];
  const victimRow: Record<string, string | number> = { model: "API / victim", queries: "1x (its training set)" };
  for (const task of EXTRACT_TASKS) {
    victimRow[`${task} ours`] = (100 * r.victims[task].devAccuracy).toFixed(1);
    victimRow[`${task} paper`] = PAPER_EXTRACTION.victim[task].toFixed(1);
  }
  rows.push(victimRow);
  for (const generator of ["RANDOM", "WIKI"]) {
    for (const multiple of r.size.tableMultiples) {
      const row: Record<string, string | number> = { model: generator, queries: `${multiple}x (× ${r.size.scale} scale)` };
      for (const task of EXTRACT_TASKS) {
        const runs = r.runs.filter((x) => x.task === task && x.generator === generator && x.multiple === multiple && r.size.seeds.includes(x.seed));
        const seeds = [...new Set(runs.map((x) => x.seed))];
        row[`${task} ours`] = percentMeanStd(seeds.map((s) => runs.find((x) => x.seed === s)!.accuracy));
        row[`${task} paper`] = PAPER_EXTRACTION[`${generator} ${multiple}x`]?.[task]?.toFixed(1) ?? "";
      }
      rows.push(row);
    }
  }
  return rows;
}

/** Accuracy against the number of queries, one series per (task, generator), seed 0. */
export function extractionCurves(r: ExtractionResult, task: ExtractTask): { name: string; x: number[]; y: number[] }[] {
  return (["RANDOM", "WIKI"] as GeneratorName[]).map((generator) => {
    const points = r.runs.filter((x) => x.task === task && x.generator === generator && x.seed === r.size.seeds[0]).sort((a, b) => a.queries - b.queries);
    return { name: generator, x: points.map((p) => p.queries), y: points.map((p) => p.accuracy) };
  });
}

/** What our attacks would cost at the Natural Language API's price, per (task, generator, budget). */
export function attackCostRows(r: ExtractionResult): { task: string; generator: string; budget: string; queries: number; "cost ($)": number }[] {
  const seen = new Set<string>();
  const rows = [];
  for (const x of r.runs) {
    const key = `${x.task}-${x.generator}-${x.multiple}`;
    if (seen.has(key) || !r.size.tableMultiples.includes(x.multiple)) continue;
    seen.add(key);
    rows.push({ task: x.task, generator: x.generator, budget: `${x.multiple}x (× ${r.size.scale})`, queries: x.queries, "cost ($)": apiCost(x.queries, PRICES["natural-language"]) });
  }
  return rows;
}

/**
 * The paper's claims, checked on our numbers (means over seeds). A comparison "held" when the
 * mean is at least the other; it says "within noise" when the gap is smaller than the larger of
 * the two seed standard deviations.
 */
export function extractionVerdict(r: ExtractionResult): string[] {
  const lines: string[] = [];
  const stats = (task: ExtractTask, generator: string, multiple: number) =>
    meanStd(r.runs.filter((x) => x.task === task && x.generator === generator && x.multiple === multiple && r.size.seeds.includes(x.seed)).map((x) => x.accuracy));
  const compare = (claim: string, a: { mean: number; std: number }, b: { mean: number; std: number }) => {
    const gap = a.mean - b.mean;
    const noise = Math.max(a.std, b.std);
    const verdict = gap >= 0 ? "held" : "did not hold";
    const margin = `${(100 * a.mean).toFixed(1)} vs ${(100 * b.mean).toFixed(1)}, gap ${(100 * gap).toFixed(1)} points`;
    return `${claim}: ${verdict} (${margin}${Math.abs(gap) < noise ? `, within noise: seeds' std ${(100 * noise).toFixed(1)}` : ""})`;
  };
  const [low, high] = [Math.min(...r.size.tableMultiples), Math.max(...r.size.tableMultiples)];
  for (const task of EXTRACT_TASKS) {
    const victim = r.victims[task].devAccuracy;
    const random = stats(task, "RANDOM", low);
    const floor = r.victims[task].majority;
    const way = victim - floor > 0.005 ? `, so RANDOM covers ${(100 * (random.mean - floor) / (victim - floor)).toFixed(0)} % of the way from it to the victim` : ", and the victim is not above it";
    const above = floor !== undefined ? `; the majority class alone scores ${(100 * floor).toFixed(1)} %${way}` : "";
    lines.push(`${task}: RANDOM ${low}x reaches ${(100 * random.mean / victim).toFixed(1)} % of the victim's accuracy (paper: ${(100 * PAPER_EXTRACTION["RANDOM 1x"][task] / PAPER_EXTRACTION.victim[task]).toFixed(1)} %)${above}`);
    lines.push(compare(`${task}: WIKI ≥ RANDOM at ${low}x`, stats(task, "WIKI", low), random));
    for (const generator of ["RANDOM", "WIKI"]) lines.push(compare(`${task}: ${generator} ${high}x ≥ ${low}x`, stats(task, generator, high), stats(task, generator, low)));
  }
  return lines;
}

/** Extractor accuracy against queries (log scale) for RANDOM and WIKI, the victim dashed. */
export function extractionCurveFigure(r: ExtractionResult, task: ExtractTask): Figure {
  const curves = extractionCurves(r, task);
  const xs = curves.flatMap((c) => c.x);
  const victim = r.victims[task].devAccuracy;
  return lineFigure({
    title: `${task === "sst2" ? "SST-2" : "MNLI"}: extractor accuracy vs queries (${r.preset}, budget scale ${r.size.scale})`,
    xTitle: "queries", yTitle: "dev accuracy", xType: "log",
    series: [...curves, { name: "victim", x: [Math.min(...xs), Math.max(...xs)], y: [victim, victim], dash: "dash" }],
  });
}

/**
 * What each victim answers to `count` queries of each generator: the share of every label. A
 * victim that gives one label to nearly all gibberish teaches an extractor little about the
 * boundary, whatever the budget.
 */
export async function victimAnswerShares(preset: string, count = 1000, seed = 0): Promise<Record<string, string | number>[]> {
  const p = resolvePreset(preset);
  const size = EXTRACTION_SIZES[p];
  const source = buildQuerySource();
  const rows: Record<string, string | number>[] = [];
  for (const task of EXTRACT_TASKS) {
    const victim = await LocalVictim.load(await trainVictim(task, p, size), { maxLength: size.maxLength });
    for (const generator of ["RANDOM", "WIKI"] as GeneratorName[]) {
      const queries = generateQueries({ generator, shape: task === "sst2" ? "single" : "pair", count, seed, source });
      const answers = await queryAll(victim, queries);
      const row: Record<string, string | number> = { task, generator, queries: count };
      victim.labels.forEach((label, i) => (row[label] = answers.filter((a) => a.label === i).length / count));
      rows.push(row);
    }
    victim.dispose();
  }
  return rows;
}
