/**
 * `npm run pretrain -- <name>`: one miniature pretrained with masked-language modelling, written
 * in the Hugging Face layout to models/<name>/ (config.json, model.safetensors, tokenizer files,
 * README.md model card, pretraining.json). The family's tokenizer is trained first if it does not
 * exist. The training run checkpoints under results/runs/ and resumes when started again.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { backendInfo, initBackend } from "../engine/backend";
import { PROJECT_ROOT } from "../data/paths";
import { withLock } from "../experiments/lock";
import { Preset, resolvePreset } from "../experiments/presets";
import { makeConfig } from "../model/config";
import { EncoderModel } from "../model/encoder";
import { saveModel } from "../model/io";
import { writeFileAtomic } from "../model/safetensors";
import { TextTokenizer } from "../tokenize/tokenizer";
import { copyTokenizerFiles, trainTokenizer, TokenizerSummary } from "../tokenize/train";
import { LogEntry, train } from "../train/trainer";
import { CorpusPart, pretrainingCorpus } from "./corpus";
import { modelCard } from "./model-card";
import { FAMILY_TOKENIZER, Family, MiniatureSpec, PretrainSize, miniature, pretrainSize, tokenizerSize } from "./miniatures";
import { MlmDataArgs, mlmScore, mlmTask } from "./mlm";
import { packSequences } from "./packing";

/** Where model folders go by default: the project's models/. */
export const MODELS_ROOT = path.join(PROJECT_ROOT, "models");
/** Where training runs checkpoint by default: the project's results/runs/. */
export const RUNS_ROOT = path.join(PROJECT_ROOT, "results", "runs");

/** `root` (models/) for the `small` preset (the committed checkpoints), `root`/<preset>/ for the others. */
export function modelsDir(preset: Preset, root = MODELS_ROOT): string {
  return preset === "small" ? root : path.join(root, preset);
}

export function modelDir(name: string, preset: Preset, root = MODELS_ROOT): string {
  return path.join(modelsDir(preset, root), name);
}

export function tokenizerDir(family: Family, preset: Preset, root = MODELS_ROOT): string {
  return path.join(modelsDir(preset, root), "tokenizers", FAMILY_TOKENIZER[family].name);
}

/** The family's tokenizer, trained on its pretraining text the first time. */
export async function familyTokenizer(family: Family, preset: Preset, corpus: CorpusPart[] = pretrainingCorpus(family), modelsRoot = MODELS_ROOT): Promise<{ tokenizer: TextTokenizer; trained?: TokenizerSummary }> {
  const dir = tokenizerDir(family, preset, modelsRoot);
  let trained: TokenizerSummary | undefined;
  if (!fs.existsSync(path.join(dir, "tokenizer.json"))) {
    const size = tokenizerSize(preset);
    const texts = corpus.flatMap((part) => (size.tokenizerLines ? part.train.slice(0, size.tokenizerLines) : part.train));
    trained = trainTokenizer({ kind: FAMILY_TOKENIZER[family].kind, texts, outDir: dir, vocabSize: size.vocabSize });
    writeFileAtomic(path.join(dir, "training.json"), JSON.stringify({ ...trained, corpus: corpus.map((p) => p.language), preset }, null, 2) + "\n");
    console.log(`[pretrain] trained the ${family} tokenizer (${trained.kind}, ${trained.vocabSize} tokens) in ${trained.seconds.toFixed(1)} s → ${path.relative(PROJECT_ROOT, dir)}`);
  }
  return { tokenizer: await TextTokenizer.load(dir), trained };
}

export interface PretrainResult {
  name: string;
  preset: Preset;
  seed: number;
  backend: string;
  engine: string;
  spec: MiniatureSpec;
  size: PretrainSize;
  parameters: number;
  tokenizer: { kind: string; vocabSize: number; dir: string };
  data: { trainSequences: number; heldOutSequences: Record<string, number>; languages: string[]; tokensSeen: number };
  /** Training wall time in seconds (summed over resumed runs). */
  wallSeconds: number;
  log: LogEntry[];
  /** Held-out MLM accuracy per language (one entry, "en", for the English family) and over all. */
  heldOut: Record<string, { accuracy: number; loss: number; predictions: number }>;
  createdAt: string;
}

export const RESULT_FILE = "pretraining.json";

/** The saved record of a pretrained miniature, or undefined if it has not been made. */
export function readPretrainResult(name: string, preset: Preset, modelsRoot = MODELS_ROOT): PretrainResult | undefined {
  const file = path.join(modelDir(name, preset, modelsRoot), RESULT_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as PretrainResult) : undefined;
}

export interface PretrainOptions {
  preset?: string;
  seed?: number;
  /** Train again even if models/<name> exists. Default false. */
  force?: boolean;
  progress?: boolean;
  /** Folder the model folders and tokenizers go to (models/<preset>/ inside it for presets other than small). Default: the project's models/. */
  modelsRoot?: string;
  /** Folder the training run checkpoints in (pretrain-<preset>/<name>-seed<seed>/ inside it). Default: the project's results/runs/. */
  runsRoot?: string;
}

/**
 * Pretrains miniature `name` (or returns the saved record if it exists and `force` is off). One
 * process at a time per family and preset: a family's miniatures share its tokenizer and models/
 * folder, which two processes (experiments run per task, test files in parallel on a fresh
 * checkout) would otherwise both write; the second waits and then reads the first one's record.
 */
export async function pretrainMiniature(name: string, options: PretrainOptions = {}): Promise<PretrainResult> {
  const preset = resolvePreset(options.preset);
  const modelsRoot = options.modelsRoot ?? MODELS_ROOT;
  const existing = readPretrainResult(name, preset, modelsRoot);
  if (existing && !options.force) return existing;
  const familyLock = path.join(options.runsRoot ?? RUNS_ROOT, `pretrain-${preset}`, `${miniature(name).family}-family`);
  return withLock(familyLock, async () => {
    const made = readPretrainResult(name, preset, modelsRoot); // by the process we waited for
    return made && !options.force ? made : trainMiniature(name, preset, modelsRoot, options);
  });
}

/** Warmup of every pretraining run, as a fraction of its steps. */
export const PRETRAIN_WARMUP_RATIO = 0.06;

/**
 * The masks of a pretraining run: 10 static variants per training sequence (BERT's dupe_factor),
 * at most 15 % + 1 predictions per sequence; the held-out set masked with one fixed seed, so every
 * model and seed is scored on the same masks.
 */
export function pretrainingMasks(tokenizer: TextTokenizer, size: PretrainSize, seed: number): { train: MlmDataArgs; heldOut: MlmDataArgs } {
  const train: MlmDataArgs = { maskId: tokenizer.maskId, vocabSize: tokenizer.vocabSize, specialIds: tokenizer.specialIds, padId: tokenizer.padId, seed, copies: 10, maxPredictions: Math.round(size.seqLen * 0.15) + 1 };
  return { train, heldOut: { ...train, seed: 12345 } };
}

async function trainMiniature(name: string, preset: Preset, modelsRoot: string, options: PretrainOptions): Promise<PretrainResult> {
  const spec = miniature(name);
  const seed = options.seed ?? 0;
  await initBackend();
  const size = pretrainSize(spec, preset);
  const corpus = pretrainingCorpus(spec.family);
  const { tokenizer } = await familyTokenizer(spec.family, preset, corpus, modelsRoot);

  const pack = (lines: string[], max?: number) => packSequences(lines, tokenizer, { seqLen: size.seqLen, maxSequences: max });
  const train_: number[][] = [];
  const heldOut = new Map<string, number[][]>();
  for (const part of corpus) {
    train_.push(...pack(part.train, size.maxSequences));
    heldOut.set(part.language, pack(part.heldOut, size.evalSequences));
  }
  const mixedHeldOut = [...heldOut.values()].flatMap((seqs) => seqs.slice(0, Math.max(1, Math.ceil(size.evalSequences / heldOut.size))));

  const config = makeConfig({
    model_type: FAMILY_TOKENIZER[spec.family].modelType,
    vocab_size: tokenizer.vocabSize, hidden_size: size.hidden, num_hidden_layers: size.layers, num_attention_heads: size.heads,
    intermediate_size: 4 * size.hidden, max_position_embeddings: spec.family === "en" ? 512 : 514, pad_token_id: tokenizer.padId,
  });
  const model = EncoderModel.create(config, "masked-lm", seed);
  const { train: maskArgs, heldOut: evalArgs } = pretrainingMasks(tokenizer, size, seed);
  const { data, hooks } = mlmTask(model, train_, maskArgs);
  const runDir = path.join(options.runsRoot ?? RUNS_ROOT, `pretrain-${preset}`, `${name}-seed${seed}`);
  const run = await train(model, data, { ...hooks, evaluate: () => ({ mlm_accuracy: mlmScore(model, mixedHeldOut, evalArgs).accuracy }) }, {
    outDir: runDir, batchSize: size.batchSize, maxSteps: size.steps, epochs: 1000, learningRate: size.learningRate, warmupRatio: PRETRAIN_WARMUP_RATIO,
    evalEvery: size.evalEvery, seed, label: `pretrain ${name} (${preset})`, logEvery: 10, progress: options.progress, bucketWindow: 1,
  });

  const scores: PretrainResult["heldOut"] = {};
  for (const [language, seqs] of heldOut) scores[language] = mlmScore(model, seqs, evalArgs);
  if (heldOut.size > 1) {
    const all = Object.values(scores);
    const predictions = all.reduce((n, s) => n + s.predictions, 0);
    scores.all = {
      accuracy: all.reduce((n, s) => n + s.accuracy * s.predictions, 0) / predictions,
      loss: all.reduce((n, s) => n + s.loss * s.predictions, 0) / predictions,
      predictions,
    };
  }
  const dir = modelDir(name, preset, modelsRoot);
  const result: PretrainResult = {
    name, preset, seed, backend: backendInfo().name, engine: backendInfo().engine, spec, size,
    parameters: model.parameterCount(),
    tokenizer: { kind: FAMILY_TOKENIZER[spec.family].kind, vocabSize: tokenizer.vocabSize, dir: path.relative(dir, tokenizer.dir) },
    data: {
      trainSequences: train_.length,
      heldOutSequences: Object.fromEntries([...heldOut].map(([l, s]) => [l, s.length])),
      languages: corpus.map((p) => p.language),
      tokensSeen: run.steps * size.batchSize * size.seqLen,
    },
    wallSeconds: run.wallSeconds, log: run.log, heldOut: scores, createdAt: new Date().toISOString(),
  };
  // Shipped checkpoints are float16 (half the bytes); computation stays float32.
  saveModel(model, dir, { step: String(run.steps) }, { precision: preset === "small" ? "float16" : "float32" });
  model.dispose();
  copyTokenizerFiles(tokenizer.dir, dir);
  writeFileAtomic(path.join(dir, RESULT_FILE), JSON.stringify(result, null, 2) + "\n");
  writeFileAtomic(path.join(dir, "README.md"), modelCard(result));
  return result;
}
