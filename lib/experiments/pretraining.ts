/**
 * Does our pretraining help? Each miniature is fine-tuned on SST-2 and on MNLI (the 39k-pair
 * train sample) twice with the same recipe and seed: once from its MLM-pretrained weights, once
 * from random initialisation of the same architecture. Dev accuracy (SST-2 dev; MNLI dev
 * matched) is measured once, at the end. The claim under test is BERT's (Devlin et al. 2019):
 * pretraining on unlabelled text makes the same network better at downstream tasks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { backendInfo, initBackend } from "../engine/backend";
import { PROJECT_ROOT } from "../data/paths";
import { readConfig, withLabels } from "../model/config";
import { EncoderModel } from "../model/encoder";
import { CONFIG_FILE, loadModel } from "../model/io";
import { writeFileAtomic } from "../model/safetensors";
import { modelDir, pretrainMiniature, PretrainResult, readPretrainResult } from "../pretrain/pretrain";
import { TextTokenizer } from "../tokenize/tokenizer";
import { EncodedExample, accuracyOf, predictLabels } from "../train/classify";
import { fineTuneClassifier } from "../train/finetune";
import { LogEntry, TrainResult } from "../train/trainer";
import { Preset, resolvePreset } from "./presets";
import { CLASSIFICATION_TASKS, ClassificationTask, TASK_LABELS, encodeTaskSplits } from "./tasks";
import { Figure } from "../display/figure";
import { lineFigure } from "../display/line-figure";
import { readKept } from "./kept";
import { withLock } from "./lock";
import { mcnemarExact } from "./stats";

export type DownstreamTask = ClassificationTask;

export interface PretrainingSize {
  models: string[];
  trainExamples: number;
  /** Dev examples scored; undefined: the whole dev set. */
  devExamples?: number;
  maxLength: number;
  steps: number;
  batchSize: number;
  /** Peak learning rates tried for every (model, task, init); the one with the best validation accuracy is kept. */
  learningRates: number[];
  /** Training examples held out (from the end of the training file) to choose the learning rate; the dev set never chooses anything. */
  validationExamples: number;
}

export const PRETRAINING_SIZES: Record<Preset, PretrainingSize> = {
  tiny: { models: ["en-L2-H128", "xx-L4-H256"], trainExamples: 256, devExamples: 64, maxLength: 32, steps: 8, batchSize: 16, learningRates: [1e-3], validationExamples: 32 },
  // Learning rates from the BERT-miniatures recommendations (Turc et al. 2019: 3e-4, 1e-4, 5e-5, 3e-5),
  // and 1e-3: with only [1e-4, 3e-4], every run chose the top of the grid.
  small: { models: ["en-L2-H128", "en-L4-H256", "xx-L4-H256"], trainExamples: 20000, maxLength: 64, steps: 800, batchSize: 32, learningRates: [1e-4, 3e-4, 1e-3], validationExamples: 1000 },
  paper: { models: ["en-L2-H128", "en-L4-H256", "en-L6-H256", "xx-L4-H256"], trainExamples: 37226, maxLength: 128, steps: 3000, batchSize: 32, learningRates: [3e-5, 5e-5, 1e-4, 3e-4], validationExamples: 2000 },
};

export interface FineTuneRow {
  model: string;
  task: DownstreamTask;
  init: "pretrained" | "random";
  /** Dev accuracy of the run whose learning rate won on validation. */
  accuracy: number;
  /** That run's dev answers, "1" right / "0" wrong per dev example in file order (for the paired test; older results lack it). */
  devCorrect?: string;
  learningRate: number;
  /** Validation accuracy of every learning rate tried, and the wall time of its fine-tune. */
  candidates: { learningRate: number; validation: number; wallSeconds?: number }[];
  wallSeconds: number;
  log: LogEntry[];
}

export interface PretrainingResult {
  experiment: "pretraining";
  preset: Preset;
  seed: number;
  backend: string;
  engine: string;
  size: PretrainingSize;
  dataset: Record<DownstreamTask, { train: number; dev: number; majority: number }>;
  /** Each miniature's pretraining record (MLM curve, held-out accuracy, wall time). */
  pretraining: Record<string, Pick<PretrainResult, "log" | "heldOut" | "wallSeconds" | "parameters" | "size" | "data">>;
  rows: FineTuneRow[];
  /** This run's wall time (a run that finds its fine-tunes kept in results/runs/ only scores them). */
  wallSeconds: number;
  /** Every fine-tune's own wall time, summed over the rows (what the table cost; older results lack it). */
  computeSeconds?: number;
}

/** The part of a miniature's pretraining record the result keeps. */
function pretrainingRecord(pre: PretrainResult): PretrainingResult["pretraining"][string] {
  return { log: pre.log, heldOut: pre.heldOut, wallSeconds: pre.wallSeconds, parameters: pre.parameters, size: pre.size, data: pre.data };
}

function majority(examples: EncodedExample[]): number {
  const counts = new Map<number, number>();
  for (const e of examples) counts.set(e.label!, (counts.get(e.label!) ?? 0) + 1);
  return Math.max(...counts.values()) / examples.length;
}

/**
 * Runs the comparison; with `reuse`, returns the saved result of this preset and seed instead when there is one.
 * `models` runs some of the preset's miniatures: the saved rows of the others are kept when they were made with
 * the same settings from the same checkpoints, so the table can grow one miniature at a time (a miniature's
 * twelve fine-tunes at `small` take 1–2 hours). `tasks` runs some tasks and only keeps their runs in
 * results/runs/ (one process per core); a run with every task collects them and writes the result.
 */
export async function runPretraining(options: { preset?: string; seed?: number; reuse?: boolean; models?: string[]; tasks?: DownstreamTask[] } = {}): Promise<PretrainingResult> {
  const preset = resolvePreset(options.preset);
  const seed = options.seed ?? 0;
  const reused = options.reuse ? readPretrainingResult(preset) : undefined;
  if (reused && reused.seed === seed) return reused;
  const started = Date.now();
  for (const name of options.models ?? []) {
    if (!PRETRAINING_SIZES[preset].models.includes(name)) throw new Error(`"${name}" is not a miniature of the ${preset} preset; use one of ${PRETRAINING_SIZES[preset].models.join(", ")}`);
  }
  const tasks = options.tasks ?? CLASSIFICATION_TASKS;
  for (const task of tasks) if (!CLASSIFICATION_TASKS.includes(task)) throw new Error(`unknown pretraining task "${task}"; the tasks are ${CLASSIFICATION_TASKS.join(", ")}`);
  const size = { ...PRETRAINING_SIZES[preset], ...(options.models ? { models: options.models } : {}) };
  await initBackend();
  const result: PretrainingResult = {
    experiment: "pretraining", preset, seed, backend: backendInfo().name, engine: backendInfo().engine, size,
    dataset: {} as PretrainingResult["dataset"], pretraining: {}, rows: [], wallSeconds: 0,
  };
  for (const name of size.models) {
    const pre = await pretrainMiniature(name, { preset, seed }); // loads the saved record when the miniature exists
    result.pretraining[name] = pretrainingRecord(pre);
    const dir = modelDir(name, preset);
    const tokenizer = await TextTokenizer.load(dir);
    for (const task of tasks) {
      const sets = encodeTaskSplits(tokenizer, task, size);
      result.dataset[task] = { train: sets.train.length, dev: sets.dev.length, majority: majority(sets.dev) };
      for (const init of ["pretrained", "random"] as const) {
        // Each learning rate is scored on the validation slice; only the winner is scored on dev.
        let best: { model: EncoderModel; learningRate: number; validation: number; run: TrainResult } | undefined;
        const candidates: FineTuneRow["candidates"] = [];
        for (const learningRate of size.learningRates) {
          const model = init === "pretrained"
            ? loadModel(dir, { task: "sequence-classification", labels: TASK_LABELS[task], seed }).model
            : EncoderModel.create(withLabels(readConfig(path.join(dir, CONFIG_FILE)), TASK_LABELS[task]), "sequence-classification", seed);
          // A retrained checkpoint gets new folders (its createdAt is in the name) instead of resuming the old model's runs.
          const initName = init === "pretrained" ? `pretrained-${pre.createdAt.replace(/[^0-9]/g, "").slice(0, 14)}` : init;
          const outDir = path.join(PROJECT_ROOT, "results", "runs", `pretraining-${preset}`, `${name}-${task}-${initName}-lr${learningRate}-steps${size.steps}-seed${seed}`);
          const { accuracy: validation, run } = await fineTuneClassifier(model, sets.train, sets.validation, {
            outDir, steps: size.steps, batchSize: size.batchSize, learningRate, seed, label: `${name} ${task} ${init} lr ${learningRate}`,
          });
          candidates.push({ learningRate, validation, wallSeconds: run.wallSeconds });
          if (!best || validation > best.validation) {
            best?.model.dispose();
            best = { model, learningRate, validation, run };
          } else {
            model.dispose();
          }
        }
        const chosen = best!;
        const predicted = predictLabels(chosen.model, sets.dev);
        result.rows.push({
          model: name, task, init, accuracy: accuracyOf(predicted, sets.dev), devCorrect: predicted.map((label, i) => (label === sets.dev[i].label ? "1" : "0")).join(""),
          learningRate: chosen.learningRate, candidates, wallSeconds: chosen.run.wallSeconds, log: chosen.run.log,
        });
        chosen.model.dispose();
      }
    }
  }
  if (tasks.length < CLASSIFICATION_TASKS.length) return result; // its runs are kept; the full run collects them
  // The saved result is read when this run ends, under a lock, not when it starts: two `--models` runs
  // side by side (1-2 h each) would otherwise each write over the other's rows.
  return withLock(path.join(PROJECT_ROOT, "results", "runs", `pretraining-${preset}`, "result"), async () => {
    const saved = readPretrainingResult(preset);
    const kept = saved ? keptRows(saved, result) : [];
    if (kept.length) {
      const models = new Set(kept.map((row) => row.model));
      result.size = { ...result.size, models: PRETRAINING_SIZES[preset].models.filter((m) => models.has(m) || result.size.models.includes(m)) };
      result.rows = result.size.models.flatMap((m) => (models.has(m) ? kept : result.rows).filter((row) => row.model === m));
      for (const m of models) result.pretraining[m] = saved!.pretraining[m];
    }
    // Miniatures of this preset that exist but were not fine-tuned still show their pretraining (MLM curve, per-language accuracy).
    for (const name of PRETRAINING_SIZES[preset].models) {
      const pre = result.pretraining[name] ? undefined : readPretrainResult(name, preset);
      if (pre) result.pretraining[name] = pretrainingRecord(pre);
    }
    result.wallSeconds = (Date.now() - started) / 1000;
    const costs = result.rows.flatMap((row) => row.candidates.map((c) => c.wallSeconds));
    if (costs.every((c) => c !== undefined)) result.computeSeconds = costs.reduce((a, b) => a! + b!, 0);
    const file = path.join(PROJECT_ROOT, "results", `pretraining-${preset}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, JSON.stringify(result, null, 2) + "\n");
    return result;
  });
}

/** The fine-tuning settings a row depends on: everything in the size but which miniatures ran. */
function recipeKey(r: PretrainingResult): string {
  const { models: _models, ...recipe } = r.size;
  return JSON.stringify({ preset: r.preset, seed: r.seed, recipe });
}

/**
 * The saved result's rows that a new run keeps: those of miniatures it did not fine-tune, made with the same
 * recipe from the checkpoint that is in models/ now. A checkpoint is identified by its pretraining record
 * (wall time and held-out scores), which changes whenever the miniature is retrained.
 */
export function keptRows(saved: PretrainingResult, current: PretrainingResult): FineTuneRow[] {
  if (recipeKey(saved) !== recipeKey(current)) return [];
  const sameCheckpoint = (name: string): boolean => {
    const now = current.pretraining[name] ?? readPretrainResult(name, current.preset);
    const then = saved.pretraining[name];
    return !!now && !!then && now.wallSeconds === then.wallSeconds && JSON.stringify(now.heldOut) === JSON.stringify(then.heldOut);
  };
  return saved.rows.filter((row) => !current.size.models.includes(row.model) && saved.size.models.includes(row.model) && sameCheckpoint(row.model));
}

/** Significance level of the paired test behind the verdict. */
export const VERDICT_ALPHA = 0.05;

/**
 * The paired test of two runs scored on the same dev examples: how many only the pretrained run got right,
 * how many only the random-init one, and the exact McNemar p-value. Undefined when a row lacks its answers.
 */
export function pairedTest(pretrained?: FineTuneRow, random?: FineTuneRow): { onlyPretrained: number; onlyRandom: number; p: number } | undefined {
  const a = pretrained?.devCorrect;
  const b = random?.devCorrect;
  if (!a || !b || a.length !== b.length) return undefined;
  let onlyPretrained = 0;
  let onlyRandom = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === "1" && b[i] === "0") onlyPretrained++;
    else if (a[i] === "0" && b[i] === "1") onlyRandom++;
  }
  return { onlyPretrained, onlyRandom, p: mcnemarExact(onlyPretrained, onlyRandom) };
}

export interface PretrainingTableRow {
  model: string;
  task: string;
  pretrained: number;
  random: number;
  "margin (points)": number;
  /** Exact McNemar p-value of the two runs' dev answers (NaN for an older result without them). */
  "p (McNemar)": number;
  majority: number;
  "LR (pretrained / random)": string;
}

/** One row per (model, task): pretrained vs random-init accuracy, the margin in points and its paired test. */
export function pretrainingTable(r: PretrainingResult): PretrainingTableRow[] {
  const out = [];
  for (const model of r.size.models) {
    for (const task of CLASSIFICATION_TASKS) {
      const row = (init: string) => r.rows.find((x) => x.model === model && x.task === task && x.init === init);
      const get = (init: string) => row(init)?.accuracy ?? NaN;
      out.push({
        model, task: task === "sst2" ? "SST-2 dev" : "MNLI dev-m", pretrained: get("pretrained"), random: get("random"),
        "margin (points)": 100 * (get("pretrained") - get("random")), "p (McNemar)": pairedTest(row("pretrained"), row("random"))?.p ?? NaN,
        majority: r.dataset[task].majority, "LR (pretrained / random)": `${row("pretrained")?.learningRate} / ${row("random")?.learningRate}`,
      });
    }
  }
  return out;
}

/** The preset's miniatures this result has not fine-tuned yet, and the command that adds them (kept rows stay). */
export function notFineTuned(r: PretrainingResult): { models: string[]; command?: string } {
  const models = PRETRAINING_SIZES[r.preset].models.filter((m) => !r.size.models.includes(m));
  return models.length ? { models, command: `npm run reproduce -- pretraining --preset ${r.preset} --models ${models.join(",")}` } : { models };
}

/** What one (model, task) says about the claim: a margin counts only where the paired test tells it from noise. */
export function rowVerdict(x: PretrainingTableRow): "held" | "did not hold" | "within noise" {
  const margin = x["margin (points)"];
  if (Number.isNaN(x["p (McNemar)"])) return margin > 0 ? "held" : "did not hold"; // an older result: the margin alone
  if (x["p (McNemar)"] >= VERDICT_ALPHA || margin === 0) return "within noise";
  return margin > 0 ? "held" : "did not hold";
}

/** The claim, checked on the result: pretrained beats random init on every (model, task), beyond noise. */
export function pretrainingVerdict(r: PretrainingResult): { held: boolean; lines: string[] } {
  const rows = pretrainingTable(r);
  const lines = rows.map((x) => {
    const p = x["p (McNemar)"];
    const test = Number.isNaN(p) ? "" : `, McNemar p = ${p < 0.001 ? p.toExponential(1) : p.toFixed(3)}`;
    return `${rowVerdict(x)}: ${x.model} on ${x.task}, pretrained ${(100 * x.pretrained).toFixed(1)} % vs random init ${(100 * x.random).toFixed(1)} % (${x["margin (points)"] >= 0 ? "+" : ""}${x["margin (points)"].toFixed(1)} points${test})`;
  });
  return { held: rows.every((x) => rowVerdict(x) === "held"), lines };
}

/** Held-out MLM accuracy during pretraining, one series per miniature (for lineFigure). */
export function mlmCurves(r: PretrainingResult): { name: string; x: number[]; y: number[] }[] {
  return Object.entries(r.pretraining).map(([name, p]) => {
    const evals = p.log.filter((e) => e.eval?.mlm_accuracy !== undefined);
    return { name, x: evals.map((e) => e.step), y: evals.map((e) => e.eval!.mlm_accuracy) };
  });
}

/** Per-language held-out MLM accuracy of the multilingual miniatures. */
export function heldOutRows(r: PretrainingResult): Record<string, string | number>[] {
  return Object.entries(r.pretraining).flatMap(([model, p]) =>
    Object.entries(p.heldOut).map(([language, s]) => ({ model, language, "MLM accuracy": s.accuracy, "masked tokens": s.predictions })),
  );
}

/** The saved result of a preset, if `npm run reproduce -- pretraining` (or this notebook) made one. */
export function readPretrainingResult(preset: string): PretrainingResult | undefined {
  const file = path.join(PROJECT_ROOT, "results", `pretraining-${resolvePreset(preset)}.json`);
  return readKept<PretrainingResult>(file);
}

/** How each family's tokenizer cuts the same kind of sentence in several scripts (for teaching). */
export async function tokenizerShowcase(preset: string, sentences: Record<string, string>): Promise<{ tokenizer: string; language: string; tokens: number; pieces: string }[]> {
  const rows = [];
  for (const name of ["en-L2-H128", "xx-L4-H256"]) {
    const tokenizer = await TextTokenizer.load(modelDir(name, resolvePreset(preset)));
    for (const [language, text] of Object.entries(sentences)) {
      const pieces = tokenizer.encodePlain(text).map((id) => tokenizer.decode([id], false));
      rows.push({ tokenizer: name.startsWith("en") ? "en WordPiece" : "xx byte-level BPE", language, tokens: pieces.length, pieces: pieces.join(" · ") });
    }
  }
  return rows;
}

/** Held-out MLM accuracy during pretraining, one line per miniature. */
export function mlmCurveFigure(r: PretrainingResult): Figure {
  return lineFigure({ title: `Held-out MLM accuracy during pretraining (${r.preset})`, xTitle: "optimizer step", yTitle: "masked-token accuracy", series: mlmCurves(r) });
}
