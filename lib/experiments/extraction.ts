/**
 * Krishna et al. 2020, "Thieves on Sesame Street! Model Extraction of BERT-based APIs": the
 * results table (victim; RANDOM and WIKI queries at 1x and up to 10x the victim's training-set
 * size) for SST-2 and MNLI, extractor accuracy against the number of queries, and the API cost.
 * The victim is one of our pretrained miniatures fine-tuned on the real task; each extractor
 * starts from the same miniature (the paper uses BERT-large for both) and never sees task data.
 */
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
import { ExtractOutcome, extract } from "../extract/extract";
import { LocalVictim } from "../extract/local-victim";
import { GeneratorName, budgetQueries, generateQueries } from "../extract/queries";
import { VictimInput, encodeInput } from "../extract/victim";
import { QuerySource, buildQuerySource } from "../extract/wikitext-source";
import { Preset, resolvePreset } from "./presets";
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
  /** Passes of the extractor over its queries, and a cap on its steps. */
  extractorEpochs: number;
  extractorMaxSteps?: number;
  /** Dev examples scored; undefined: all. */
  devExamples?: number;
}

export const EXTRACTION_SIZES: Record<Preset, ExtractionSize> = {
  tiny: { miniature: "en-L2-H128", victimSteps: 10, maxLength: 32, batchSize: 16, learningRate: 1e-3, scale: 0.001, tableMultiples: [1, 10], curveMultiples: [0.5], seeds: [0, 1], extractorEpochs: 1, extractorMaxSteps: 6, devExamples: 48 },
  small: { miniature: "en-L2-H128", victimSteps: 1500, maxLength: 64, batchSize: 32, learningRate: 1e-4, scale: 0.02, tableMultiples: [1, 10], curveMultiples: [0.1, 0.5, 2, 5], seeds: [0, 1, 2], extractorEpochs: 2, extractorMaxSteps: 1000 },
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

function taskData(task: ExtractTask, devExamples?: number): TaskData {
  return { train: readTask(task, "train"), dev: headOf(readTask(task, "dev"), devExamples) };
}

function runsDir(preset: Preset): string {
  return path.join(PROJECT_ROOT, "results", "runs", `extract-${preset}`);
}

/** The victim of a task: the miniature fine-tuned on the real training set, saved as a servable model folder (made once). */
export async function trainVictim(task: ExtractTask, preset: Preset, size: ExtractionSize = EXTRACTION_SIZES[preset]): Promise<string> {
  const dir = path.join(runsDir(preset), `victim-${task}`, "model");
  if (fs.existsSync(path.join(dir, "victim.json"))) return dir;
  await pretrainMiniature(size.miniature, { preset });
  const from = modelDir(size.miniature, preset);
  const tokenizer = await TextTokenizer.load(from);
  const data = taskData(task, size.devExamples);
  const encode = (inputs: VictimInput[], labels: number[]): EncodedExample[] => inputs.map((x, i) => ({ ...encodeInput(tokenizer, x, size.maxLength), label: labels[i] }));
  const { model } = loadModel(from, { task: "sequence-classification", labels: TASK_LABELS[task], seed: 0 });
  const { accuracy, run } = await fineTuneClassifier(model, encode(data.train.inputs, data.train.labels), encode(data.dev.inputs, data.dev.labels), {
    outDir: path.join(runsDir(preset), `victim-${task}`, "train"), steps: size.victimSteps, batchSize: size.batchSize, learningRate: size.learningRate, seed: 0, label: `victim ${task}`,
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
  victims: Record<ExtractTask, { devAccuracy: number; trainExamples: number; oneX: number; miniature: string }>;
  runs: ExtractionRun[];
  paper: typeof PAPER_EXTRACTION;
  wallSeconds: number;
}

async function extractOnce(task: ExtractTask, generator: GeneratorName, multiple: number, seed: number, victim: LocalVictim, source: QuerySource, data: TaskData, size: ExtractionSize, preset: Preset): Promise<ExtractionRun> {
  const count = budgetQueries(data.train.inputs.length, multiple, size.scale);
  const queries = generateQueries({ generator, shape: task === "sst2" ? "single" : "pair", count, seed, source });
  const outcome = await extract({
    victim, queries, extractorFrom: modelDir(size.miniature, preset), dev: data.dev,
    outDir: path.join(runsDir(preset), `${task}-${generator}-${multiple}x-seed${seed}`),
    maxLength: size.maxLength, epochs: size.extractorEpochs, maxSteps: size.extractorMaxSteps,
    batchSize: size.batchSize, learningRate: size.learningRate, seed,
  });
  const { log: _log, ...rest } = outcome;
  return { task, generator, multiple, seed, ...rest };
}

export async function runExtraction(options: { preset?: string; reuse?: boolean } = {}): Promise<ExtractionResult> {
  const preset = resolvePreset(options.preset);
  const saved = options.reuse ? readExtractionResult(preset) : undefined;
  if (saved) return saved;
  const started = Date.now();
  const size = EXTRACTION_SIZES[preset];
  await initBackend();
  const source = buildQuerySource();
  const result: ExtractionResult = {
    experiment: "extract", preset, backend: backendInfo().name, engine: backendInfo().engine, size,
    victims: {} as ExtractionResult["victims"], runs: [], paper: PAPER_EXTRACTION, wallSeconds: 0,
  };
  for (const task of EXTRACT_TASKS) {
    const data = taskData(task, size.devExamples);
    const dir = await trainVictim(task, preset, size);
    const info = JSON.parse(fs.readFileSync(path.join(dir, "victim.json"), "utf8"));
    result.victims[task] = { devAccuracy: info.devAccuracy, trainExamples: data.train.inputs.length, oneX: budgetQueries(data.train.inputs.length, 1, size.scale), miniature: size.miniature };
    const victim = await LocalVictim.load(dir, { maxLength: size.maxLength });
    for (const generator of ["RANDOM", "WIKI"] as GeneratorName[]) {
      for (const multiple of size.tableMultiples) for (const seed of size.seeds) result.runs.push(await extractOnce(task, generator, multiple, seed, victim, source, data, size, preset));
      for (const multiple of size.curveMultiples) result.runs.push(await extractOnce(task, generator, multiple, size.seeds[0], victim, source, data, size, preset));
    }
    victim.dispose();
  }
  result.wallSeconds = (Date.now() - started) / 1000;
  writeFileAtomic(resultFile(preset), JSON.stringify(result, null, 2) + "\n");
  return result;
}

function resultFile(preset: Preset): string {
  return path.join(PROJECT_ROOT, "results", "extract", `extract-${preset}.json`);
}

export function readExtractionResult(preset: string): ExtractionResult | undefined {
  const file = resultFile(resolvePreset(preset));
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as ExtractionResult) : undefined;
}

function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, std };
}

/** Accuracy (mean ± std over seeds, %) of the table's budgets, beside the paper's numbers. */
export function extractionTable(r: ExtractionResult): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = [];
  const fmt = (xs: number[]) => {
    const { mean, std } = meanStd(xs.map((x) => 100 * x));
    return xs.length > 1 ? `${mean.toFixed(1)} ± ${std.toFixed(1)}` : mean.toFixed(1);
  };
  const victimRow: Record<string, string | number> = { model: "API / victim", queries: "1x (its training set)" };
  for (const task of EXTRACT_TASKS) {
    victimRow[`${task} ours`] = (100 * r.victims[task].devAccuracy).toFixed(1);
    victimRow[`${task} paper`] = PAPER_EXTRACTION.victim[task];
  }
  rows.push(victimRow);
  for (const generator of ["RANDOM", "WIKI"]) {
    for (const multiple of r.size.tableMultiples) {
      const row: Record<string, string | number> = { model: generator, queries: `${multiple}x (× ${r.size.scale} scale)` };
      for (const task of EXTRACT_TASKS) {
        const runs = r.runs.filter((x) => x.task === task && x.generator === generator && x.multiple === multiple && r.size.seeds.includes(x.seed));
        const seeds = [...new Set(runs.map((x) => x.seed))];
        row[`${task} ours`] = fmt(seeds.map((s) => runs.find((x) => x.seed === s)!.accuracy));
        row[`${task} paper`] = PAPER_EXTRACTION[`${generator} ${multiple}x`]?.[task] ?? "";
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

/** The paper's claims, checked on our numbers (means over seeds). */
export function extractionVerdict(r: ExtractionResult): string[] {
  const lines: string[] = [];
  const mean = (task: ExtractTask, generator: string, multiple: number) =>
    meanStd(r.runs.filter((x) => x.task === task && x.generator === generator && x.multiple === multiple && r.size.seeds.includes(x.seed)).map((x) => x.accuracy)).mean;
  const [low, high] = [Math.min(...r.size.tableMultiples), Math.max(...r.size.tableMultiples)];
  for (const task of EXTRACT_TASKS) {
    const victim = r.victims[task].devAccuracy;
    const random = mean(task, "RANDOM", low);
    const wiki = mean(task, "WIKI", low);
    lines.push(`${task}: RANDOM ${low}x reaches ${(100 * random / victim).toFixed(1)} % of the victim's accuracy (paper: ${(100 * PAPER_EXTRACTION["RANDOM 1x"][task] / PAPER_EXTRACTION.victim[task]).toFixed(1)} %)`);
    lines.push(`${task}: WIKI ≥ RANDOM at ${low}x: ${wiki >= random ? "held" : "did not hold"} (${(100 * wiki).toFixed(1)} vs ${(100 * random).toFixed(1)})`);
    for (const generator of ["RANDOM", "WIKI"]) {
      const a = mean(task, generator, low);
      const b = mean(task, generator, high);
      lines.push(`${task}: ${generator} ${high}x ≥ ${low}x: ${b >= a ? "held" : "did not hold"} (${(100 * b).toFixed(1)} vs ${(100 * a).toFixed(1)})`);
    }
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
