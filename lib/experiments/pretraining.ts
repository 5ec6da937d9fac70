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
import { EncodedExample, accuracy } from "../train/classify";
import { fineTuneClassifier } from "../train/finetune";
import { LogEntry, TrainResult } from "../train/trainer";
import { Preset, resolvePreset } from "./presets";
import { ClassificationTask, TASK_LABELS, encodeTaskSplits } from "./tasks";
import { Figure } from "../display/figure";
import { lineFigure } from "../display/line-figure";
import { readKept } from "./kept";

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
  learningRate: number;
  /** Validation accuracy of every learning rate tried. */
  candidates: { learningRate: number; validation: number }[];
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
  wallSeconds: number;
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

/** Runs the comparison; with `reuse`, returns the saved result of this preset and seed instead when there is one. */
export async function runPretraining(options: { preset?: string; seed?: number; reuse?: boolean; models?: string[] } = {}): Promise<PretrainingResult> {
  const saved = options.reuse ? readPretrainingResult(resolvePreset(options.preset)) : undefined;
  if (saved && saved.seed === (options.seed ?? 0)) return saved;
  const started = Date.now();
  const preset = resolvePreset(options.preset);
  const seed = options.seed ?? 0;
  // `models` runs a subset (finished fine-tuning runs are found again in results/runs/, so a later full run skips them).
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
    for (const task of ["sst2", "mnli"] as DownstreamTask[]) {
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
          candidates.push({ learningRate, validation });
          if (!best || validation > best.validation) {
            best?.model.dispose();
            best = { model, learningRate, validation, run };
          } else {
            model.dispose();
          }
        }
        const chosen = best!;
        result.rows.push({ model: name, task, init, accuracy: accuracy(chosen.model, sets.dev), learningRate: chosen.learningRate, candidates, wallSeconds: chosen.run.wallSeconds, log: chosen.run.log });
        chosen.model.dispose();
      }
    }
  }
  // Miniatures of this preset that exist but were not fine-tuned in this run still show their pretraining (MLM curve, per-language accuracy).
  for (const name of PRETRAINING_SIZES[preset].models) {
    const pre = result.pretraining[name] ? undefined : readPretrainResult(name, preset);
    if (pre) result.pretraining[name] = pretrainingRecord(pre);
  }
  result.wallSeconds = (Date.now() - started) / 1000;
  const file = path.join(PROJECT_ROOT, "results", `pretraining-${preset}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(result, null, 2) + "\n");
  return result;
}

/** One row per (model, task): pretrained vs random-init accuracy and the margin, in points. */
export function pretrainingTable(r: PretrainingResult): { model: string; task: string; pretrained: number; random: number; "margin (points)": number; majority: number; "LR (pretrained / random)": string }[] {
  const out = [];
  for (const model of r.size.models) {
    for (const task of ["sst2", "mnli"] as DownstreamTask[]) {
      const row = (init: string) => r.rows.find((x) => x.model === model && x.task === task && x.init === init);
      const get = (init: string) => row(init)?.accuracy ?? NaN;
      out.push({
        model, task: task === "sst2" ? "SST-2 dev" : "MNLI dev-m", pretrained: get("pretrained"), random: get("random"),
        "margin (points)": 100 * (get("pretrained") - get("random")), majority: r.dataset[task].majority,
        "LR (pretrained / random)": `${row("pretrained")?.learningRate} / ${row("random")?.learningRate}`,
      });
    }
  }
  return out;
}

/** The claim, checked on the result: pretrained beats random init on every (model, task). */
export function pretrainingVerdict(r: PretrainingResult): { held: boolean; lines: string[] } {
  const rows = pretrainingTable(r);
  const lines = rows.map((x) => `${x["margin (points)"] > 0 ? "held" : "did not hold"}: ${x.model} on ${x.task}, pretrained ${(100 * x.pretrained).toFixed(1)} % vs random init ${(100 * x.random).toFixed(1)} % (${x["margin (points)"] >= 0 ? "+" : ""}${x["margin (points)"].toFixed(1)} points)`);
  return { held: rows.every((x) => x["margin (points)"] > 0), lines };
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
