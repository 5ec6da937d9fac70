/**
 * The quickstart: a small BERT encoder trained from scratch on SST-2 sentences with a word-level
 * vocabulary; the loss curve and dev accuracy. It exercises the whole stack (backend, encoder,
 * trainer, display) in minutes; the paper experiments start from pretrained miniatures instead.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { backendInfo, initBackend } from "../engine/backend";
import { readSst2 } from "../data/sst2";
import { PROJECT_ROOT } from "../data/paths";
import { makeConfig } from "../model/config";
import { EncoderModel } from "../model/encoder";
import { accuracy, classificationTask, EncodedExample } from "../train/classify";
import { LogEntry, train } from "../train/trainer";
import { WordVocab } from "../tokenize/word-vocab";
import { Preset, resolvePreset } from "./presets";
import { writeFileAtomic } from "../model/safetensors";
import { Figure } from "../display/figure";
import { lineFigure } from "../display/line-figure";

export interface QuickstartSize {
  trainExamples: number;
  devExamples: number;
  vocabSize: number;
  layers: number;
  hidden: number;
  heads: number;
  maxLength: number;
  batchSize: number;
  steps: number;
  evalEvery: number;
}

/** One place for the sizes of each preset. */
export const QUICKSTART_SIZES: Record<Preset, QuickstartSize> = {
  tiny: { trainExamples: 2000, devExamples: 200, vocabSize: 2000, layers: 1, hidden: 32, heads: 2, maxLength: 32, batchSize: 32, steps: 40, evalEvery: 20 },
  small: { trainExamples: 67349, devExamples: 872, vocabSize: 8000, layers: 2, hidden: 128, heads: 2, maxLength: 64, batchSize: 32, steps: 600, evalEvery: 100 },
  paper: { trainExamples: 67349, devExamples: 872, vocabSize: 30000, layers: 4, hidden: 256, heads: 4, maxLength: 128, batchSize: 32, steps: 4000, evalEvery: 500 },
};

export interface QuickstartResult {
  experiment: "quickstart";
  preset: Preset;
  seed: number;
  backend: string;
  engine: string;
  /** Training wall time (from the checkpoint when a finished run is loaded again). */
  wallSeconds: number;
  dataset: { train: number; dev: number; vocab: number };
  model: Record<string, unknown>;
  parameters: number;
  log: LogEntry[];
  devAccuracy: number;
  majorityBaseline: number;
}

export async function runQuickstart(options: { preset?: string; seed?: number; outDir?: string } = {}): Promise<QuickstartResult> {
  const preset = resolvePreset(options.preset);
  const seed = options.seed ?? 0;
  const size = QUICKSTART_SIZES[preset];
  await initBackend();
  const outDir = options.outDir ?? path.join(PROJECT_ROOT, "results", "runs", `quickstart-${preset}-seed${seed}`);

  const trainRows = readSst2("train").slice(0, size.trainExamples);
  const devRows = readSst2("dev").slice(0, size.devExamples);
  const vocab = WordVocab.build(trainRows.map((r) => r.sentence), size.vocabSize);
  const encode = (rows: { sentence: string; label: number }[]): EncodedExample[] => rows.map((r) => ({ ids: vocab.encode(r.sentence, size.maxLength), label: r.label }));
  const trainSet = encode(trainRows);
  const dev = encode(devRows);

  const config = makeConfig({
    model_type: "bert", vocab_size: vocab.size, hidden_size: size.hidden, num_hidden_layers: size.layers,
    num_attention_heads: size.heads, intermediate_size: 4 * size.hidden, max_position_embeddings: size.maxLength,
    id2label: { "0": "negative", "1": "positive" }, label2id: { negative: 0, positive: 1 },
  });
  const model = EncoderModel.create(config, "sequence-classification", seed);
  const { data, hooks } = classificationTask(model, trainSet);
  const run = await train(model, data, { ...hooks, evaluate: () => ({ accuracy: accuracy(model, dev) }) }, {
    outDir, batchSize: size.batchSize, maxSteps: size.steps, epochs: 100, learningRate: 1e-3, warmupRatio: 0.1,
    evalEvery: size.evalEvery, seed, label: `quickstart (${preset})`, best: { metric: "accuracy", mode: "max" },
  });
  const positives = dev.filter((e) => e.label === 1).length;
  const result: QuickstartResult = {
    experiment: "quickstart", preset, seed,
    backend: backendInfo().name, engine: backendInfo().engine,
    wallSeconds: run.wallSeconds,
    dataset: { train: trainSet.length, dev: dev.length, vocab: vocab.size },
    model: { ...config }, parameters: model.parameterCount(),
    log: run.log,
    devAccuracy: run.final!.accuracy,
    majorityBaseline: Math.max(positives, dev.length - positives) / dev.length,
  };
  model.dispose();
  const resultFile = path.join(PROJECT_ROOT, "results", `quickstart-${preset}.json`);
  fs.mkdirSync(path.dirname(resultFile), { recursive: true });
  writeFileAtomic(resultFile, JSON.stringify(result, null, 2) + "\n");
  return result;
}

/** Rows for the dev-accuracy table: each evaluation, plus the majority-class baseline. */
export function quickstartAccuracyRows(result: QuickstartResult): { step: number | string; "dev accuracy": number }[] {
  const evals = result.log.filter((e) => e.eval).map((e) => ({ step: e.step as number | string, "dev accuracy": e.eval!.accuracy }));
  return [...evals, { step: "majority class", "dev accuracy": result.majorityBaseline }];
}

/** The training-loss curve. */
export function quickstartLossFigure(result: QuickstartResult): Figure {
  const losses = result.log.filter((e) => e.loss !== undefined);
  return lineFigure({
    title: `Quickstart training loss (${result.preset})`, xTitle: "optimizer step", yTitle: "cross-entropy",
    series: [{ name: "train loss", x: losses.map((e) => e.step), y: losses.map((e) => e.loss!) }],
  });
}
