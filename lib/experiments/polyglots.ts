/**
 * Keskar et al. 2020, "The Thieves on Sesame Street are Polyglots — Extracting Multilingual Models
 * from Monolingual APIs" (../shared/papers/003_eebc7433d2573e4a.txt): an English-only NLI victim,
 * queried with English gibberish, labels the training data of a *multilingual* extractor, which
 * then works in the 14 other XNLI languages it never saw a labelled sentence in.
 *
 *   Victim     an English miniature (the size of the multilingual one) fine-tuned on the MNLI train
 *              sample; it answers with hard labels only.
 *   Queries    gibberishNliPairs: hypothesis = WikiText words drawn uniformly, WikiText sentence
 *              lengths; premise = the hypothesis with exactly 3 words swapped; as many as the
 *              victim's training set × `scale`. Ablation: the CORD-19 abstracts' vocabulary.
 *   Table 1    MNLI dev matched: the victim; extractors from an English miniature of the victim's
 *              size, a smaller English one, and the multilingual one(s).
 *   Table 2    XNLI test, 15 languages: the multilingual miniature and a random-init copy trained on
 *              100 % real data; the multilingual extractor with 0 % real data, with 1 / 5 / 10 % of
 *              the victim's training set mixed in *during* extraction, or used *after* it as a
 *              further fine-tuning stage; the English victim's own XNLI accuracy.
 *   Figure 2   minimum inner-product distance (lib/analysis/nearest-distance.ts) of MNLI dev and of
 *              gibberish to the MNLI training sample, in the pretrained English miniature's
 *              max-pooled last layer; overlaid histograms and the AUC of a threshold on it.
 *
 * Every run keeps its outcome under results/runs/polyglots-<preset>/<settings hash>/, so a killed
 * run resumes and changed settings start fresh; the result is results/polyglots/polyglots-<preset>.json.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../data/paths";
import { XNLI_LANGUAGES, XnliLanguage } from "../data/xnli";
import { Figure } from "../display/figure";
import { backendInfo, initBackend } from "../engine/backend";
import { histogramBins, maxPooledEmbeddings, minInnerProductDistances, separationAuc } from "../analysis/nearest-distance";
import { buildCord19Source, distinctiveWords, vocabularyOverlap } from "../extract/cord19-source";
import { extract } from "../extract/extract";
import { LocalVictim } from "../extract/local-victim";
import { MemoVictim } from "../extract/memo-victim";
import { gibberishNliPairs } from "../extract/queries";
import { VictimInput, encodeInput } from "../extract/victim";
import { QuerySource, buildQuerySource } from "../extract/wikitext-source";
import { readConfig, withLabels } from "../model/config";
import { EncoderModel } from "../model/encoder";
import { loadModel, saveModel } from "../model/io";
import { writeFileAtomic } from "../model/safetensors";
import { MINIATURES } from "../pretrain/miniatures";
import { modelDir, pretrainMiniature } from "../pretrain/pretrain";
import { TextTokenizer } from "../tokenize/tokenizer";
import { copyTokenizerFiles } from "../tokenize/train";
import { EncodedExample, predictLabels } from "../train/classify";
import { fineTuneClassifier } from "../train/finetune";
import { XnliSubsets, realDataCount, realDataSubset, xnliSubsets } from "./polyglots-data";
import { withLock } from "./lock";
import { kept, readKept } from "./kept";
import { Preset, resolvePreset } from "./presets";
import { meanStd, percentMeanStd } from "./stats";
import { TASK_LABELS, TaskSplit, headOf, readTask } from "./tasks";

export interface PolyglotsSize {
  /** The victim: this English miniature fine-tuned on the victim's training set. */
  victim: string;
  /** Table 1's smaller English extractor. */
  smallerEnglish: string;
  /** The multilingual miniatures (Table 1); the first is Table 2's extractor. Only xx-L4-H256 exists. */
  multilingual: string[];
  /** The victim's training set: the first N pairs of the MNLI train sample; undefined: all 39,226. Real-data percentages are of this set. */
  trainExamples?: number;
  /** MNLI dev matched pairs scored (the first N); undefined: all 9,815. */
  devExamples?: number;
  /** XNLI test rows scored per language: a label-stratified subset, the same ids in every language; undefined: all 5,010. */
  xnliExamples?: number;
  /** Longest input in tokens (premise + hypothesis + special tokens). */
  maxLength: number;
  batchSize: number;
  /** Peak learning rate of every fine-tune. */
  learningRate: number;
  /** Victim fine-tuning steps on its training set. */
  victimSteps: number;
  /** Steps of the 100 %-real baselines (pretrained and random init): the victim's recipe. */
  baselineSteps: number;
  /** Gibberish queries per extraction = scale × the victim's training set (the paper: 1). Printed with every table. */
  scale: number;
  /** Steps of every extraction (0 % real, real data mixed in during, CORD-19): the same for all, so only the data differs. */
  extractorSteps: number;
  /** The after stage: passes over the real subset, and a floor on its steps. */
  afterEpochs: number;
  afterMinSteps: number;
  /** Real-data percentages (of the victim's training set), during and after. */
  realPercents: number[];
  /** Seeds of Table 1's extractors, the 0 % row and the KEY_PERCENT during / after rows. */
  seeds: number[];
  /** Seeds of the other rows (the other percentages, the 100 %-real baselines, the CORD-19 ablation); a subset of `seeds`. */
  sideSeeds: number[];
  /** Figure 2: MNLI dev examples and gibberish examples embedded (each). */
  figureExamples: number;
  /** Figure 2: training pairs in the reference set (the first N of the victim's training set); undefined: all of it. */
  figureReference?: number;
  figureBins: number;
}

/** The real-data percentage whose rows run on every seed (the paper's headline: 5 % after ≈ the 100 % baseline). */
export const KEY_PERCENT = 5;

/*
 * Cost of `small` on 2 CPU cores (native backend), measured 2026-12-02 with `--shard 1/2` and
 * `--shard 2/2` in two processes: 110 min of compute, 62 min of wall time (victim 1,200 steps 7 min;
 * each L4-H256 extraction of 400 steps ~4.5 min; the 100 %-real baselines ~10 min each; the after
 * rows 1–3 min). The ≥ 3 seeds the issue asks for on the L4-H256 rows are most of it.
 */
export const POLYGLOTS_SIZES: Record<Preset, PolyglotsSize> = {
  tiny: {
    victim: "en-L4-H256", smallerEnglish: "en-L2-H128", multilingual: ["xx-L4-H256"], trainExamples: 240, devExamples: 48, xnliExamples: 30,
    maxLength: 32, batchSize: 16, learningRate: 1e-3, victimSteps: 8, baselineSteps: 8, scale: 0.25, extractorSteps: 6, afterEpochs: 1, afterMinSteps: 2,
    realPercents: [1, 5, 10], seeds: [0, 1], sideSeeds: [0], figureExamples: 40, figureReference: 200, figureBins: 20,
  },
  // learningRate: the pretraining experiment's held-out validation chose 3e-4 for the English miniatures' fine-tuning (the multilingual one: not validated).
  small: {
    victim: "en-L4-H256", smallerEnglish: "en-L2-H128", multilingual: ["xx-L4-H256"], devExamples: 2000, xnliExamples: 1000,
    maxLength: 64, batchSize: 32, learningRate: 3e-4, victimSteps: 1200, baselineSteps: 1200, scale: 0.25, extractorSteps: 400, afterEpochs: 3, afterMinSteps: 50,
    realPercents: [1, 5, 10], seeds: [0, 1, 2], sideSeeds: [0], figureExamples: 1000, figureBins: 40,
  },
  paper: {
    victim: "en-L4-H256", smallerEnglish: "en-L2-H128", multilingual: ["xx-L4-H256"],
    maxLength: 128, batchSize: 32, learningRate: 1e-4, victimSteps: 6000, baselineSteps: 6000, scale: 1, extractorSteps: 6000, afterEpochs: 3, afterMinSteps: 100,
    realPercents: [1, 5, 10], seeds: [0, 1, 2], sideSeeds: [0, 1, 2], figureExamples: 1000, figureBins: 50,
  },
};

/** Size of full MNLI train, for stating what our percentages are of. */
export const MNLI_TRAIN_PAIRS = 392702;

/** The paper's column order for XNLI (English first). */
export const PAPER_LANGUAGES: readonly XnliLanguage[] = ["en", "ar", "bg", "de", "el", "es", "fr", "hi", "ru", "sw", "th", "tr", "ur", "vi", "zh"];

/** The paper's Table 1: MNLI dev accuracy (%), RoBERTa / XLM-R / BERT models (BERT-Large row from Krishna et al. 2020). */
export const PAPER_POLYGLOTS_TABLE1: { victim: string; extractor: string; accuracy: number; note?: string }[] = [
  { victim: "RoBERTa-Large", extractor: "—", accuracy: 90.6 },
  { victim: "BERT-Large", extractor: "BERT-Large", accuracy: 76.3, note: "Krishna et al. 2020" },
  { victim: "RoBERTa-Large", extractor: "RoBERTa-Base", accuracy: 74.8 },
  { victim: "RoBERTa-Large", extractor: "XLMR-Base", accuracy: 69.0 },
  { victim: "RoBERTa-Large", extractor: "RoBERTa-Large", accuracy: 84.3 },
  { victim: "RoBERTa-Large", extractor: "XLMR-Large", accuracy: 78.6 },
];

/** The paper's Table 2: XNLI test accuracy (%), languages in PAPER_LANGUAGES order. */
export const PAPER_POLYGLOTS_TABLE2: { model: string; realPercent: number; stage: "baseline" | "extraction" | "during" | "after"; scores: number[]; note?: string }[] = [
  { model: "BiLSTM", realPercent: 100, stage: "baseline", note: "Conneau et al. 2018; not pretrained", scores: [73.7, 64.8, 67.9, 67.7, 68.9, 68.7, 67.7, 64.1, 65.4, 55.7, 64.1, 64.2, 58.4, 66.4, 65.8] },
  { model: "XLMR-Base", realPercent: 100, stage: "baseline", note: "Conneau et al. 2019", scores: [85.8, 73.8, 79.6, 78.7, 77.5, 80.7, 79.7, 72.4, 78.1, 66.5, 74.6, 74.2, 68.3, 76.5, 76.7] },
  { model: "XLMR-Large", realPercent: 100, stage: "baseline", note: "Conneau et al. 2019", scores: [89.1, 79.8, 84.0, 83.9, 82.9, 85.1, 84.1, 76.9, 81.2, 73.9, 78.1, 79.6, 73.8, 80.8, 80.2] },
  { model: "XLMR-Large", realPercent: 0, stage: "extraction", scores: [77.0, 67.5, 71.4, 70.7, 68.4, 71.8, 71.5, 64.2, 68.3, 60.9, 65.8, 67.4, 60.3, 67.3, 67.6] },
  { model: "XLMR-Large", realPercent: 1, stage: "during", scores: [82.1, 70.0, 74.6, 75.4, 72.7, 77.1, 75.4, 68.5, 72.4, 64.7, 68.8, 71.4, 64.3, 72.1, 72.6] },
  { model: "XLMR-Large", realPercent: 5, stage: "during", scores: [84.9, 74.0, 77.7, 79.0, 76.1, 79.8, 78.3, 71.1, 75.7, 66.7, 73.5, 74.4, 67.5, 75.9, 75.1] },
  { model: "XLMR-Large", realPercent: 10, stage: "during", scores: [85.9, 74.9, 78.9, 80.0, 77.0, 81.1, 79.2, 72.6, 76.5, 68.2, 73.6, 76.0, 69.1, 75.7, 75.8] },
  { model: "XLMR-Large", realPercent: 1, stage: "after", scores: [82.9, 73.2, 76.8, 77.7, 75.8, 78.8, 77.9, 70.6, 75.0, 66.7, 71.8, 74.2, 67.4, 73.5, 74.1] },
  { model: "XLMR-Large", realPercent: 5, stage: "after", scores: [86.2, 75.2, 80.1, 80.5, 78.6, 81.3, 80.2, 72.5, 77.9, 68.7, 74.6, 76.1, 68.3, 76.3, 76.3] },
  { model: "XLMR-Large", realPercent: 10, stage: "after", scores: [87.4, 76.1, 80.9, 80.8, 79.1, 82.5, 81.5, 73.6, 78.8, 69.7, 76.0, 76.9, 69.7, 77.6, 77.1] },
];

/** The paper's vocabulary ablation (§4): MNLI dev accuracy of the XLMR-Large extractor; CORD-19 "drops to random chance". */
export const PAPER_VOCABULARY_ABLATION = { wikitext: 78.6, cord19: "random chance" } as const;

export type Vocabulary = "wikitext" | "cord19";

/** One row of the experiment (run once per seed in `seeds`). */
export interface PolyglotSetting {
  /** Unique; names the run folders. */
  id: string;
  /** The miniature the model starts from (and whose tokenizer it uses). */
  from: string;
  /** "extract": trained on the victim's labels for gibberish (+ real data during); "after": the same seed's 0 % extractor fine-tuned further on real data; "real": the real training set only. */
  kind: "extract" | "after" | "real";
  init: "pretrained" | "random";
  vocabulary?: Vocabulary;
  /** Percentage of the victim's training set used (0 … 100). */
  realPercent: number;
  seeds: number[];
  /** Scored on XNLI (Table 2) besides MNLI dev. */
  xnli: boolean;
}

/** Every row of Tables 1 and 2 and the ablation, in the order they run (each 0 % multilingual extractor before the after rows that start from it). */
export function polyglotSettings(size: PolyglotsSize): PolyglotSetting[] {
  for (const s of size.sideSeeds) if (!size.seeds.includes(s)) throw new Error(`sideSeeds must be a subset of seeds (the after rows start from the 0 % extractor of the same seed); ${s} is not in ${size.seeds.join(", ")}`);
  const xx = size.multilingual[0];
  const seedsOf = (percent: number) => (percent === KEY_PERCENT ? size.seeds : size.sideSeeds);
  const settings: PolyglotSetting[] = [
    { id: `extract-${size.victim}`, from: size.victim, kind: "extract", init: "pretrained", vocabulary: "wikitext", realPercent: 0, seeds: size.seeds, xnli: false },
    { id: `extract-${size.smallerEnglish}`, from: size.smallerEnglish, kind: "extract", init: "pretrained", vocabulary: "wikitext", realPercent: 0, seeds: size.seeds, xnli: false },
    ...size.multilingual.map((m): PolyglotSetting => ({ id: `extract-${m}`, from: m, kind: "extract", init: "pretrained", vocabulary: "wikitext", realPercent: 0, seeds: size.seeds, xnli: true })),
    { id: `real-${xx}`, from: xx, kind: "real", init: "pretrained", realPercent: 100, seeds: size.sideSeeds, xnli: true },
    { id: `random-${xx}`, from: xx, kind: "real", init: "random", realPercent: 100, seeds: size.sideSeeds, xnli: true },
  ];
  for (const p of size.realPercents) settings.push({ id: `during-${p}-${xx}`, from: xx, kind: "extract", init: "pretrained", vocabulary: "wikitext", realPercent: p, seeds: seedsOf(p), xnli: true });
  for (const p of size.realPercents) settings.push({ id: `after-${p}-${xx}`, from: xx, kind: "after", init: "pretrained", vocabulary: "wikitext", realPercent: p, seeds: seedsOf(p), xnli: true });
  settings.push({ id: `cord19-${xx}`, from: xx, kind: "extract", init: "pretrained", vocabulary: "cord19", realPercent: 0, seeds: size.sideSeeds, xnli: false });
  return settings;
}

export interface PolyglotRun {
  setting: string;
  seed: number;
  /** Gibberish queries it was trained on (0 for the real-data rows; the after rows: those of the extractor they start from). */
  queries: number;
  /** Real (gold-labelled) training pairs it saw. */
  realExamples: number;
  /** MNLI dev matched accuracy and agreement with the victim's labels there. */
  mnliDev: number;
  agreement: number;
  /** XNLI accuracy per language (the subset), when the setting is scored on XNLI. */
  xnli?: Record<XnliLanguage, number>;
  /** Optimizer steps and training wall time of this stage (the after rows: the after stage only). */
  steps: number;
  trainSeconds: number;
  /** Wall time of the whole run: queries, training, scoring. */
  runSeconds: number;
}

export interface PolyglotsResult {
  experiment: "polyglots";
  preset: Preset;
  backend: string;
  engine: string;
  size: PolyglotsSize;
  settings: PolyglotSetting[];
  /** Miniature records used (name → createdAt, parameters). */
  miniatures: Record<string, { createdAt: string; parameters: number; layers: number; hidden: number }>;
  data: {
    /** The victim's training set (the MNLI train sample's first pairs). */
    trainExamples: number;
    devExamples: number;
    /** Share of the most frequent gold label on the dev subset (chance for a constant answer). */
    devMajority: number;
    xnliExamples: number;
    /** The XNLI test ids scored, the same in every language. */
    xnliIds: number[];
    queries: number;
    /** Real pairs per percentage (of trainExamples). */
    realExamples: Record<string, number>;
  };
  victim: { miniature: string; mnliDev: number; xnli: Record<XnliLanguage, number>; steps: number; trainSeconds: number; runSeconds: number };
  runs: PolyglotRun[];
  vocabularies: { wikitext: { size: number; top: string[] }; cord19: { size: number; top: string[]; distinctive: string[]; overlapWithWikitext: number } };
  /**
   * How the victim labelled each kept set of gibberish queries: answer counts in TASK_LABELS.mnli's
   * order. A victim that gives nearly one answer to gibberish leaves the extractor little to learn.
   * (Absent from results written before it was recorded.)
   */
  victimAnswers?: { vocabulary: Vocabulary; seed: number; counts: number[] }[];
  figure: {
    miniature: string;
    referenceExamples: number;
    /** D(x, MNLI train) of each MNLI dev example, of each WikiText-vocabulary gibberish pair and of each CORD-19-vocabulary one. */
    dev: number[];
    gibberish: number[];
    cord19: number[];
    /** AUC of a threshold on D separating gibberish (positive, expected farther) from MNLI dev. */
    auc: number;
    aucCord19: number;
    runSeconds: number;
  };
  paper: { table1: typeof PAPER_POLYGLOTS_TABLE1; table2: typeof PAPER_POLYGLOTS_TABLE2; vocabulary: typeof PAPER_VOCABULARY_ABLATION };
  /** This call's wall time (short when it collects kept runs). */
  wallSeconds: number;
  /** The victim's, every run's and the figure's wall time, each measured when it ran: what a run from scratch costs. */
  computeSeconds: number;
}

function resultFile(preset: Preset): string {
  return path.join(PROJECT_ROOT, "results", "polyglots", `polyglots-${preset}.json`);
}

export function readPolyglotsResult(preset: string): PolyglotsResult | undefined {
  const file = resultFile(resolvePreset(preset));
  return readKept<PolyglotsResult>(file);
}

/** Accuracy per XNLI language of a model and its tokenizer on the subsets (encodings cached per tokenizer). */
export function xnliAccuracies(model: EncoderModel, tokenizer: TextTokenizer, subsets: XnliSubsets, maxLength: number, cache?: Map<string, EncodedExample[]>): Record<XnliLanguage, number> {
  const out = {} as Record<XnliLanguage, number>;
  for (const lang of Object.keys(subsets.byLanguage) as XnliLanguage[]) {
    const key = `${tokenizer.dir}\u0000${maxLength}\u0000xnli-${lang}`;
    const split = subsets.byLanguage[lang];
    const examples = cache?.get(key) ?? split.inputs.map((x, i) => ({ ...encodeInput(tokenizer, x, maxLength), label: split.labels[i] }));
    cache?.set(key, examples);
    const predicted = predictLabels(model, examples);
    out[lang] = predicted.filter((p, i) => p === split.labels[i]).length / split.labels.length;
  }
  return out;
}

/** Mean accuracy over languages (all 15, or `languages`). */
export function xnliMean(scores: Record<XnliLanguage, number>, languages: readonly XnliLanguage[] = XNLI_LANGUAGES): number {
  return languages.reduce((s, l) => s + scores[l], 0) / languages.length;
}

const NON_ENGLISH = XNLI_LANGUAGES.filter((l) => l !== "en");

/** One of `count` processes sharing the experiment's runs: `index` is 1-based. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses "k/n" (1 ≤ k ≤ n) as a shard. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const shard = m ? { index: Number(m[1]), count: Number(m[2]) } : undefined;
  if (!shard || shard.count < 1 || shard.index < 1 || shard.index > shard.count) throw new Error(`--shard "${text}" is not k/n with 1 ≤ k ≤ n; e.g. --shard 1/2 in one process and --shard 2/2 in another`);
  return shard;
}

/** The items a shard takes: every count-th, starting at its index (the shards of a count partition the items). */
export function shardOf<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}

/**
 * The whole experiment at a preset, written to results/polyglots/polyglots-<preset>.json (saved
 * result reused with `reuse`). With `shard`, this process trains only every count-th run (and
 * what those need: the shared victim, the query logs, an after-stage's own 0 % extractor), keeps
 * them and writes no result: `count` processes side by side, then a run without `shard` collects.
 */
export async function runPolyglots(options: { preset?: string; reuse?: boolean } = {}): Promise<PolyglotsResult> {
  return (await polyglots(options)) as PolyglotsResult;
}

/** This process's share of the runs (see runPolyglots), kept under results/runs/. */
export async function runPolyglotsShard(shard: Shard, options: { preset?: string } = {}): Promise<PolyglotRun[]> {
  return (await polyglots({ ...options, shard })) as PolyglotRun[];
}

async function polyglots(options: { preset?: string; reuse?: boolean; shard?: Shard }): Promise<PolyglotsResult | PolyglotRun[]> {
  const preset = resolvePreset(options.preset);
  const saved = options.reuse ? readPolyglotsResult(preset) : undefined;
  if (saved) return saved;
  const started = Date.now();
  const size = POLYGLOTS_SIZES[preset];
  await initBackend();
  const settings = polyglotSettings(size);
  const names = [...new Set([size.victim, size.smallerEnglish, ...size.multilingual])];
  const miniatures: PolyglotsResult["miniatures"] = {};
  for (const name of names) {
    const p = await pretrainMiniature(name, { preset });
    miniatures[name] = { createdAt: p.createdAt, parameters: p.parameters, layers: p.size.layers, hidden: p.size.hidden };
  }
  const key = createHash("sha256").update(JSON.stringify({ size, miniatures: Object.fromEntries(names.map((n) => [n, miniatures[n].createdAt])) })).digest("hex").slice(0, 10);
  const root = path.join(PROJECT_ROOT, "results", "runs", `polyglots-${preset}`, key);
  const labels = TASK_LABELS.mnli;

  // Data: the victim's training set, the dev subset, the XNLI subsets; query sources.
  const train = headOf(readTask("mnli", "train"), size.trainExamples);
  const dev = headOf(readTask("mnli", "dev"), size.devExamples);
  const xnli = xnliSubsets("test", size.xnliExamples);
  const wikitext = buildQuerySource();
  const cord19 = buildCord19Source({ wikitextLengths: wikitext.sentenceLengths });
  const sources: Record<Vocabulary, QuerySource> = { wikitext, cord19 };
  const queryCount = Math.max(1, Math.round(train.inputs.length * size.scale));
  const cache = new Map<string, EncodedExample[]>();
  const encodeSplit = (tokenizer: TextTokenizer, split: TaskSplit, name: string): EncodedExample[] => {
    const k = `${tokenizer.dir}\u0000${size.maxLength}\u0000${name}`;
    if (!cache.has(k)) cache.set(k, split.inputs.map((x, i) => ({ ...encodeInput(tokenizer, x, size.maxLength), label: split.labels[i] })));
    return cache.get(k)!;
  };

  // The victim: fine-tuned once, then asked through a memo (hard labels only).
  const victimDir = path.join(root, "victim", "model");
  const victimInfo = await withLock(path.join(root, "victim"), () => kept(path.join(root, "victim", "victim.json"), async () => {
    const t0 = Date.now();
    const from = modelDir(size.victim, preset);
    const tokenizer = await TextTokenizer.load(from);
    const { model } = loadModel(from, { task: "sequence-classification", labels, seed: 0 });
    const { accuracy, run } = await fineTuneClassifier(model, encodeSplit(tokenizer, train, "train"), encodeSplit(tokenizer, dev, "dev"), {
      outDir: path.join(root, "victim", "train"), steps: size.victimSteps, batchSize: size.batchSize, learningRate: size.learningRate, seed: 0, label: `victim ${size.victim} (MNLI)`,
    });
    saveModel(model, victimDir);
    copyTokenizerFiles(from, victimDir);
    const scores = xnliAccuracies(model, tokenizer, xnli, size.maxLength, cache);
    model.dispose();
    return { miniature: size.victim, mnliDev: accuracy, xnli: scores, steps: run.steps, trainSeconds: run.wallSeconds, runSeconds: (Date.now() - t0) / 1000 };
  }));
  const local = await LocalVictim.load(victimDir, { maxLength: size.maxLength, exposesProbabilities: false });
  const victim = new MemoVictim(local);
  const victimDev = (await victim.query(dev.inputs)).map((a) => a.label);
  const agreementOf = (predicted: number[]) => predicted.filter((p, i) => p === victimDev[i]).length / predicted.length;

  // The gibberish of each (vocabulary, seed), labelled by the victim once and kept.
  const queriesFile = (vocabulary: Vocabulary, seed: number) => path.join(root, "queries", `${vocabulary}-seed${seed}.json`);
  const queriesFor = async (vocabulary: Vocabulary, seed: number): Promise<VictimInput[]> => {
    const file = queriesFile(vocabulary, seed);
    const log = await withLock(file, () => kept(file, async () => {
      const queries = gibberishNliPairs(queryCount, seed, sources[vocabulary]);
      return { vocabulary, seed, queries, labels: (await victim.query(queries)).map((a) => a.label) };
    }));
    victim.remember(log.queries, log.labels.map((label) => ({ label })));
    return log.queries;
  };

  const runDir = (s: PolyglotSetting, seed: number) => path.join(root, `${s.id}-seed${seed}`);
  // One run, trained once whichever process gets to it first (the others wait for it and read its outcome).
  const runOne = (setting: PolyglotSetting, seed: number): Promise<PolyglotRun> =>
    withLock(runDir(setting, seed), () => kept(path.join(runDir(setting, seed), "outcome.json"), async () => {
        const t0 = Date.now();
        const from = modelDir(setting.from, preset);
        const real = setting.realPercent > 0 && setting.realPercent < 100 ? realDataSubset(train, setting.realPercent, seed) : undefined;
        const finish = (r: Omit<PolyglotRun, "setting" | "seed" | "runSeconds">): PolyglotRun => ({ setting: setting.id, seed, ...r, runSeconds: (Date.now() - t0) / 1000 });

        if (setting.kind === "extract") {
          const queries = await queriesFor(setting.vocabulary!, seed);
          const keepModel = settings.some((s) => s.kind === "after" && s.from === setting.from && s.seeds.includes(seed)) && setting.realPercent === 0 && setting.vocabulary === "wikitext";
          let scores: Record<XnliLanguage, number> | undefined;
          const outcome = await extract({
            victim, queries, extractorFrom: from, targets: "hard", dev, outDir: path.join(runDir(setting, seed), "train"), realData: real,
            maxLength: size.maxLength, epochs: 1, maxSteps: size.extractorSteps, minSteps: size.extractorSteps, batchSize: size.batchSize, learningRate: size.learningRate, seed,
            onTrained: (model, tokenizer) => {
              if (setting.xnli) scores = xnliAccuracies(model, tokenizer, xnli, size.maxLength, cache);
              if (keepModel) {
                const dir = path.join(runDir(setting, seed), "model");
                saveModel(model, dir);
                copyTokenizerFiles(from, dir);
              }
            },
          });
          return finish({ queries: outcome.queries, realExamples: real?.inputs.length ?? 0, mnliDev: outcome.accuracy, agreement: outcome.agreement, ...(scores ? { xnli: scores } : {}), steps: outcome.steps, trainSeconds: outcome.wallSeconds });
        }

        let model: EncoderModel;
        let tokenizer: TextTokenizer;
        let trainSet: TaskSplit;
        let steps: number;
        let queries = 0;
        if (setting.kind === "after") {
          const base = settings.find((s) => s.kind === "extract" && s.from === setting.from && s.realPercent === 0 && s.vocabulary === "wikitext")!;
          await runOne(base, seed); // another shard's run: wait for it (or train it) before starting from its model
          const baseDir = path.join(runDir(base, seed), "model");
          if (!fs.existsSync(path.join(baseDir, "model.safetensors"))) throw new Error(`${baseDir}: the 0 % extractor this after-stage starts from is missing; delete ${path.join(runDir(base, seed), "outcome.json")} so it is trained again`);
          model = loadModel(baseDir, { task: "sequence-classification" }).model;
          tokenizer = await TextTokenizer.load(from); // the same files as baseDir's copy; one encoding cache per miniature
          trainSet = real!;
          steps = Math.max(size.afterMinSteps, Math.ceil(trainSet.inputs.length / size.batchSize) * size.afterEpochs);
          queries = queryCount;
        } else {
          tokenizer = await TextTokenizer.load(from);
          model = setting.init === "random"
            ? EncoderModel.create(withLabels(readConfig(path.join(from, "config.json")), labels), "sequence-classification", seed) // same architecture and tokenizer, nothing pretrained
            : loadModel(from, { task: "sequence-classification", labels, seed }).model;
          trainSet = train;
          steps = size.baselineSteps;
        }
        try {
          const encodedTrain = setting.kind === "real" ? encodeSplit(tokenizer, train, "train") : trainSet.inputs.map((x, i) => ({ ...encodeInput(tokenizer, x, size.maxLength), label: trainSet.labels[i] }));
          const { accuracy, predictions, run } = await fineTuneClassifier(model, encodedTrain, encodeSplit(tokenizer, dev, "dev"), {
            outDir: path.join(runDir(setting, seed), "train"), steps, batchSize: size.batchSize, learningRate: size.learningRate, seed, label: `${setting.id} seed ${seed}`,
          });
          const scores = setting.xnli ? xnliAccuracies(model, tokenizer, xnli, size.maxLength, cache) : undefined;
          return finish({ queries, realExamples: trainSet.inputs.length, mnliDev: accuracy, agreement: agreementOf(predictions), ...(scores ? { xnli: scores } : {}), steps: run.steps, trainSeconds: run.wallSeconds });
        } finally {
          model.dispose();
        }
      }));
  const jobs = settings.flatMap((setting) => setting.seeds.map((seed) => ({ setting, seed })));
  const runs: PolyglotRun[] = [];
  for (const { setting, seed } of options.shard ? shardOf(jobs, options.shard) : jobs) runs.push(await runOne(setting, seed));
  if (options.shard) {
    local.dispose();
    console.log(`[polyglots] shard ${options.shard.index}/${options.shard.count}: ${runs.length} of ${jobs.length} runs kept; run without --shard to collect them all`);
    return runs;
  }
  local.dispose();

  // Figure 2: distances to the MNLI training sample in the pretrained (not fine-tuned) English miniature.
  const figure = await kept(path.join(root, "figure.json"), async () => {
    const t0 = Date.now();
    const from = modelDir(size.victim, preset);
    const tokenizer = await TextTokenizer.load(from);
    const { model } = loadModel(from, { task: "base" });
    const embed = (inputs: VictimInput[]) => maxPooledEmbeddings(model, inputs.map((x) => encodeInput(tokenizer, x, size.maxLength)));
    const reference = embed(headOf(train, size.figureReference).inputs);
    const distances = (inputs: VictimInput[]) => minInnerProductDistances(embed(inputs), reference);
    const devD = distances(headOf(dev, size.figureExamples).inputs);
    const gibberish = distances(gibberishNliPairs(size.figureExamples, 12345, wikitext));
    const cordD = distances(gibberishNliPairs(size.figureExamples, 12345, cord19));
    model.dispose();
    return {
      miniature: size.victim, referenceExamples: reference.length, dev: devD, gibberish, cord19: cordD,
      auc: separationAuc(devD, gibberish), aucCord19: separationAuc(devD, cordD), runSeconds: (Date.now() - t0) / 1000,
    };
  });

  const counts = new Map<number, number>();
  for (const l of dev.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  // Each kept query set once (settings share them), keyed by its file.
  const querySets = new Map(settings.flatMap((s) => (s.vocabulary ? s.seeds.map((seed) => [queriesFile(s.vocabulary!, seed), { vocabulary: s.vocabulary!, seed }] as const) : [])));
  const victimAnswers = [...querySets].flatMap(([file, { vocabulary, seed }]) => {
    const answers = readKept<{ labels: number[] }>(file)?.labels;
    return answers ? [{ vocabulary, seed, counts: labels.map((_, k) => answers.filter((a) => a === k).length) }] : [];
  });
  const result: PolyglotsResult = {
    experiment: "polyglots", preset, backend: backendInfo().name, engine: backendInfo().engine, size, settings, miniatures,
    data: {
      trainExamples: train.inputs.length, devExamples: dev.inputs.length, devMajority: Math.max(...counts.values()) / dev.labels.length,
      xnliExamples: xnli.ids.length, xnliIds: xnli.ids, queries: queryCount,
      realExamples: Object.fromEntries(size.realPercents.map((p) => [String(p), realDataCount(train.inputs.length, p)])),
    },
    victim: victimInfo, runs, victimAnswers,
    vocabularies: {
      wikitext: { size: wikitext.vocabulary.length, top: wikitext.vocabulary.slice(0, 10) },
      cord19: { size: cord19.vocabulary.length, top: cord19.vocabulary.slice(0, 10), distinctive: distinctiveWords(cord19, wikitext, 12), overlapWithWikitext: vocabularyOverlap(cord19, wikitext) },
    },
    figure,
    paper: { table1: PAPER_POLYGLOTS_TABLE1, table2: PAPER_POLYGLOTS_TABLE2, vocabulary: PAPER_VOCABULARY_ABLATION },
    wallSeconds: 0, computeSeconds: 0,
  };
  result.wallSeconds = (Date.now() - started) / 1000;
  result.computeSeconds = victimInfo.runSeconds + runs.reduce((n, r) => n + r.runSeconds, 0) + figure.runSeconds;
  writeFileAtomic(resultFile(preset), JSON.stringify(result, null, 2) + "\n");
  return result;
}

// ---- Tables, figures and the verdict (pure functions of a result) ----

const pct = (x: number, digits = 1) => (100 * x).toFixed(digits);

function runsOf(r: PolyglotsResult, id: string): PolyglotRun[] {
  const setting = r.settings.find((s) => s.id === id);
  return r.runs.filter((x) => x.setting === id && (!setting || setting.seeds.includes(x.seed)));
}

/** Mean ± std over seeds of a per-run number; undefined when the setting has no runs. */
function statsOf(r: PolyglotsResult, id: string, value: (run: PolyglotRun) => number): { mean: number; std: number; n: number } | undefined {
  const runs = runsOf(r, id);
  return runs.length ? { ...meanStd(runs.map(value)), n: runs.length } : undefined;
}

const describe = (r: PolyglotsResult, name: string) => {
  const m = r.miniatures[name];
  return m ? `${name} (L${m.layers}-H${m.hidden})` : name;
};

/** Table 1: MNLI dev matched accuracy (%) of the victim and each extractor (mean ± std over seeds), the paper's row beside each. */
export function table1Rows(r: PolyglotsResult): Record<string, string | number>[] {
  const s = r.size;
  const victimSize = MINIATURES[s.victim];
  const paper = (extractor: string) => r.paper.table1.find((p) => p.victim === "RoBERTa-Large" && p.extractor === extractor)!;
  const row = (extractor: string, id: string | undefined, paperRow: { victim: string; extractor: string; accuracy: number }, note = "") => {
    const runs = id ? runsOf(r, id) : [];
    return {
      victim: `${describe(r, s.victim)}, MNLI-tuned`, extractor,
      "MNLI dev (%)": id ? (runs.length ? percentMeanStd(runs.map((x) => x.mnliDev)) : "not run") : "n/a",
      "agreement with victim (%)": runs.length ? percentMeanStd(runs.map((x) => x.agreement)) : "",
      seeds: runs.length || "",
      "paper: victim → extractor": `${paperRow.victim} → ${paperRow.extractor}`, "paper (%)": paperRow.accuracy.toFixed(1), note,
    };
  };
  const rows: Record<string, string | number>[] = [{
    victim: `${describe(r, s.victim)}, MNLI-tuned`, extractor: "— (the victim itself)", "MNLI dev (%)": pct(r.victim.mnliDev), "agreement with victim (%)": "100.0", seeds: 1,
    "paper: victim → extractor": "RoBERTa-Large (victim)", "paper (%)": r.paper.table1[0].accuracy.toFixed(1), note: `${r.victim.steps} steps on ${r.data.trainExamples.toLocaleString("en-US")} pairs`,
  }];
  rows.push(row(`${describe(r, s.victim)}: English, the victim's size`, `extract-${s.victim}`, paper("RoBERTa-Large")));
  rows.push(row(`${describe(r, s.smallerEnglish)}: English, smaller`, `extract-${s.smallerEnglish}`, paper("RoBERTa-Base")));
  const smaller = s.multilingual.filter((m) => MINIATURES[m] && victimSize && MINIATURES[m].layers * MINIATURES[m].hidden < victimSize.layers * victimSize.hidden);
  const large = s.multilingual.filter((m) => !smaller.includes(m));
  for (const m of large) rows.push(row(`${describe(r, m)}: multilingual, the victim's size`, `extract-${m}`, paper("XLMR-Large")));
  for (const m of smaller) rows.push(row(`${describe(r, m)}: multilingual, smaller`, `extract-${m}`, paper("XLMR-Base")));
  if (smaller.length === 0) rows.push(row("multilingual, smaller: none — no xx miniature smaller than the victim's size exists (lib/pretrain/miniatures.ts has only xx-L4-H256)", undefined, paper("XLMR-Base")));
  const krishna = r.paper.table1.find((p) => p.victim === "BERT-Large")!;
  rows.push({ victim: "(paper only)", extractor: "", "MNLI dev (%)": "", "agreement with victim (%)": "", seeds: "", "paper: victim → extractor": `${krishna.victim} → ${krishna.extractor}`, "paper (%)": krishna.accuracy.toFixed(1), note: krishna.note ?? "" });
  return rows;
}

/** Our Table 2 rows: setting id (undefined for the victim), label, % real, stage. */
export function table2Settings(r: PolyglotsResult): { id?: string; model: string; realPercent: number; stage: string; short: string }[] {
  const xx = r.size.multilingual[0];
  return [
    { model: `English victim ${describe(r, r.size.victim)}`, realPercent: 100, stage: "the victim (for contrast)", short: "English victim" },
    { id: `real-${xx}`, model: `${describe(r, xx)}`, realPercent: 100, stage: "baseline: fine-tuned on real data", short: "pretrained, 100 % real" },
    { id: `random-${xx}`, model: `${describe(r, xx)}, random init (not pretrained)`, realPercent: 100, stage: "baseline: fine-tuned on real data", short: "random init, 100 % real" },
    { id: `extract-${xx}`, model: `${describe(r, xx)} extractor`, realPercent: 0, stage: "extraction (gibberish only)", short: "extractor, 0 % real" },
    ...r.size.realPercents.map((p) => ({ id: `during-${p}-${xx}`, model: `${describe(r, xx)} extractor`, realPercent: p, stage: "real data during extraction", short: `${p} % during` })),
    ...r.size.realPercents.map((p) => ({ id: `after-${p}-${xx}`, model: `${describe(r, xx)} extractor`, realPercent: p, stage: "real data after extraction", short: `${p} % after` })),
  ];
}

/** Mean XNLI accuracy per language of a Table 2 row (victim when id is undefined), and the seeds' mean ± std of the 15-language average. */
function table2Scores(r: PolyglotsResult, id: string | undefined): { perLanguage: Record<XnliLanguage, number>; average: { mean: number; std: number }; seeds: number } | undefined {
  if (id === undefined) return { perLanguage: r.victim.xnli, average: { mean: xnliMean(r.victim.xnli), std: 0 }, seeds: 1 };
  const runs = runsOf(r, id).filter((x) => x.xnli);
  if (runs.length === 0) return undefined;
  const perLanguage = Object.fromEntries(XNLI_LANGUAGES.map((l) => [l, meanStd(runs.map((x) => x.xnli![l])).mean])) as Record<XnliLanguage, number>;
  return { perLanguage, average: meanStd(runs.map((x) => xnliMean(x.xnli!))), seeds: runs.length };
}

/** Table 2 (ours): XNLI test accuracy (%) per language (mean over seeds), the 15-language average as mean ± std over seeds. */
export function table2Rows(r: PolyglotsResult): Record<string, string | number>[] {
  return table2Settings(r).flatMap((row) => {
    const scores = table2Scores(r, row.id);
    if (!scores) return [];
    const cells = Object.fromEntries(PAPER_LANGUAGES.map((l) => [l, pct(scores.perLanguage[l])]));
    const avg = scores.seeds > 1 ? `${pct(scores.average.mean)} ± ${pct(scores.average.std)}` : pct(scores.average.mean);
    return [{ model: row.model, "% real": row.realPercent, stage: row.stage, ...cells, average: avg, seeds: scores.seeds }];
  });
}

/** The paper's Table 2 with each row's 15-language average (computed here from its numbers). */
export function table2PaperRows(r: PolyglotsResult): Record<string, string | number>[] {
  const stageName = { baseline: "baseline: 100 % real", extraction: "extraction (gibberish only)", during: "real data during extraction", after: "real data after extraction" };
  return r.paper.table2.map((p) => ({
    model: `paper: ${p.model}${p.note ? ` (${p.note})` : ""}`, "% real": p.realPercent, stage: stageName[p.stage],
    ...Object.fromEntries(PAPER_LANGUAGES.map((l, i) => [l, p.scores[i].toFixed(1)])),
    average: (p.scores.reduce((a, b) => a + b, 0) / p.scores.length).toFixed(1),
  }));
}

/** What the percentages are of, and the XNLI subset: the note printed under Table 2. */
export function table2Note(r: PolyglotsResult): string {
  const n = r.data.trainExamples;
  const parts = r.size.realPercents.map((p) => `${p} % = ${r.data.realExamples[String(p)].toLocaleString("en-US")} pairs`);
  return [
    `Percentages are of the victim's training set: the ${n.toLocaleString("en-US")} MNLI training pairs it was fine-tuned on (${parts.join(", ")}; that set is ${((100 * n) / MNLI_TRAIN_PAIRS).toPrecision(3)} % of full MNLI's ${MNLI_TRAIN_PAIRS.toLocaleString("en-US")} pairs, so our ${KEY_PERCENT} % is ${((KEY_PERCENT * n) / MNLI_TRAIN_PAIRS).toPrecision(2)} % of MNLI). Real subsets are drawn per seed, nested, from the training file only. During extraction they are mixed into ${r.data.queries.toLocaleString("en-US")} gibberish queries, so real pairs make up ${r.size.realPercents.map((p) => `${pct(r.data.realExamples[String(p)] / (r.data.realExamples[String(p)] + r.data.queries), 0)} %`).join(" / ")} of that mix (the paper, with as many queries as MNLI: about ${r.size.realPercents.map((p) => `${((100 * p) / (p + 100)).toFixed(0)} %`).join(" / ")}).`,
    `Each language is scored on ${r.data.xnliExamples === 5010 ? "all 5,010 XNLI test pairs" : `a fixed label-stratified subset of ${r.data.xnliExamples.toLocaleString("en-US")} of XNLI test's 5,010 pairs, the same ids in every language`}.`,
    `Extractions: ${r.data.queries.toLocaleString("en-US")} gibberish queries (scale ${r.size.scale} × the training set), ${r.size.extractorSteps} steps; after-stage: ${r.size.afterEpochs} passes over the real subset (≥ ${r.size.afterMinSteps} steps); baselines: ${r.size.baselineSteps} steps. Rows with one seed: the side rows (seeds ${r.size.sideSeeds.join(", ")}); the 0 % and ${KEY_PERCENT} % rows: seeds ${r.size.seeds.join(", ")}.`,
  ].join(" ");
}

/** The vocabulary ablation: the 0 %-real multilingual extractor with WikiText's vs CORD-19's vocabulary, MNLI dev. */
export function ablationRows(r: PolyglotsResult): Record<string, string | number>[] {
  const xx = r.size.multilingual[0];
  const answersColumn = `victim's answers on the queries (${TASK_LABELS.mnli.join(" / ")}, %)`;
  const row = (vocabulary: string, id: string, paper: string, queries: Vocabulary) => {
    const runs = runsOf(r, id);
    const shares = victimAnswerShares(r, queries);
    return {
      vocabulary, "MNLI dev (%)": runs.length ? percentMeanStd(runs.map((x) => x.mnliDev)) : "not run", "agreement with victim (%)": runs.length ? percentMeanStd(runs.map((x) => x.agreement)) : "",
      seeds: runs.length, "chance: majority class (%)": pct(r.data.devMajority), [answersColumn]: shares ? shares.map((x) => pct(x, 0)).join(" / ") : "not recorded", "paper (%)": paper,
    };
  };
  return [
    row(`WikiText-2 top ${r.vocabularies.wikitext.size.toLocaleString("en-US")} words`, `extract-${xx}`, String(r.paper.vocabulary.wikitext), "wikitext"),
    row(`CORD-19 abstracts top ${r.vocabularies.cord19.size.toLocaleString("en-US")} words (${pct(r.vocabularies.cord19.overlapWithWikitext, 0)} % shared with WikiText's)`, `cord19-${xx}`, r.paper.vocabulary.cord19, "cord19"),
  ];
}

/** Share of each answer (TASK_LABELS.mnli's order) the victim gave to one vocabulary's gibberish, pooled over its seeds; undefined if not recorded. */
export function victimAnswerShares(r: PolyglotsResult, vocabulary: Vocabulary): number[] | undefined {
  const sets = (r.victimAnswers ?? []).filter((a) => a.vocabulary === vocabulary);
  if (!sets.length) return undefined;
  const totals = sets[0].counts.map((_, k) => sets.reduce((n, a) => n + a.counts[k], 0));
  const all = totals.reduce((a, b) => a + b, 0);
  return totals.map((t) => t / all);
}

/** Language × setting heat map of Table 2 (mean XNLI accuracy %, the average as a last column); plotly heatmap. */
export function xnliHeatmapFigure(r: PolyglotsResult): Figure {
  const rows = table2Settings(r).map((s) => ({ s, scores: table2Scores(r, s.id) })).filter((x) => x.scores);
  const columns = [...PAPER_LANGUAGES, "avg"];
  const z = rows.map(({ scores }) => [...PAPER_LANGUAGES.map((l) => 100 * scores!.perLanguage[l]), 100 * scores!.average.mean]);
  return {
    data: [{
      type: "heatmap", name: "XNLI accuracy (%)", x: columns, y: rows.map(({ s }) => s.short), z,
      colorscale: "Viridis", colorbar: { title: { text: "accuracy %" } }, text: z.map((row) => row.map((v) => v.toFixed(1))), texttemplate: "%{text}",
    }],
    layout: {
      title: { text: `XNLI test accuracy by language and setting (${r.preset}; ${r.size.multilingual[0]} unless named)` },
      xaxis: { title: { text: "language" }, type: "category" }, yaxis: { type: "category", autorange: "reversed" }, height: 220 + 36 * rows.length, margin: { l: 180 },
    },
  };
}

/** Figure 2: overlaid histograms of D(x, MNLI train) for MNLI dev, WikiText gibberish and CORD-19 gibberish (bars, so the static SVG draws them too). */
export function distanceHistogramFigure(r: PolyglotsResult): Figure {
  const f = r.figure;
  const groups = [f.dev, f.gibberish, f.cord19];
  const { edges, counts } = histogramBins(groups, r.size.figureBins);
  const centers = edges.slice(0, -1).map((e, i) => (e + edges[i + 1]) / 2);
  const names = [`MNLI dev (${f.dev.length})`, `gibberish, WikiText vocabulary (${f.gibberish.length})`, `gibberish, CORD-19 vocabulary (${f.cord19.length})`];
  return {
    data: counts.map((c, i) => ({ type: "bar", name: names[i], x: centers, y: c, opacity: 0.55, width: edges[1] - edges[0] })),
    layout: {
      title: { text: `Nearest distance to the MNLI training data (${r.preset}); AUC vs dev: WikiText ${f.auc.toFixed(2)}, CORD-19 ${f.aucCord19.toFixed(2)}` },
      xaxis: { title: { text: `D(x, train) = −max ⟨e(x), e(y)⟩ over ${f.referenceExamples.toLocaleString("en-US")} training pairs; e: max-pooled last layer of pretrained ${f.miniature}` } }, yaxis: { title: { text: "examples" } }, barmode: "overlay",
      legend: { orientation: "h", y: -0.25 }, height: 520,
    },
  };
}

/** A one-line summary of Figure 2's distributions. */
export function figureSummary(r: PolyglotsResult): Record<string, string | number>[] {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const f = r.figure;
  return [
    { examples: "MNLI dev", n: f.dev.length, "median D": median(f.dev).toFixed(2), "AUC vs MNLI dev": "" },
    { examples: "gibberish, WikiText vocabulary", n: f.gibberish.length, "median D": median(f.gibberish).toFixed(2), "AUC vs MNLI dev": f.auc.toFixed(3) },
    { examples: "gibberish, CORD-19 vocabulary", n: f.cord19.length, "median D": median(f.cord19).toFixed(2), "AUC vs MNLI dev": f.aucCord19.toFixed(3) },
  ];
}

/** "Close" for the 5 %-after claim: at least this share of the 100 %-real baseline's mean XNLI accuracy (the paper's 5 % after reaches 95.0 % of XLMR-Large's, above XLMR-Base's 100 %-real score). */
export const CLOSE_SHARE = 0.95;
/** "Near chance" for the vocabulary claim: within this many points of the dev set's majority-class rate. */
export const NEAR_CHANCE_POINTS = 5;

/**
 * The paper's claims, checked on our means over seeds: the multilingual extractor beats the English
 * victim on non-English XNLI; 5 % real data after extraction comes close to the 100 %-real
 * baseline; after beats during; CORD-19 vocabulary drops to near chance. A gap smaller than the
 * larger seed standard deviation is flagged "within noise".
 */
export function polyglotsVerdict(r: PolyglotsResult): string[] {
  const lines: string[] = [];
  const xx = r.size.multilingual[0];
  const noise = (gap: number, ...stds: number[]) => (Math.abs(gap) < Math.max(...stds) ? `, within noise: seeds' std ${pct(Math.max(...stds))}` : "");
  const nonEnglish = (id: string) => statsOf(r, id, (x) => xnliMean(x.xnli!, NON_ENGLISH));

  // 1. Extractor vs victim, non-English.
  const ext = nonEnglish(`extract-${xx}`);
  if (ext) {
    const victim = xnliMean(r.victim.xnli, NON_ENGLISH);
    const gap = ext.mean - victim;
    const mean = (l: XnliLanguage) => meanStd(runsOf(r, `extract-${xx}`).map((x) => x.xnli![l])).mean;
    const wins = NON_ENGLISH.filter((l) => mean(l) > r.victim.xnli[l]).length;
    lines.push(`The multilingual extractor (0 % real) beats the English victim on non-English XNLI: ${gap > 0 ? "held" : "did not hold"} (mean over the 14 other languages ${pct(ext.mean)} vs ${pct(victim)}, gap ${pct(gap)} points${noise(gap, ext.std)}; better in ${wins} of 14 languages)`);
  }
  // 2. 5 % after vs the 100 % baseline.
  const all = (id: string) => statsOf(r, id, (x) => xnliMean(x.xnli!));
  const after5 = all(`after-${KEY_PERCENT}-${xx}`);
  const base = all(`real-${xx}`);
  const paperAvg = (stage: string, p: number) => {
    const row = r.paper.table2.find((x) => x.stage === stage && x.realPercent === p && x.model === "XLMR-Large")!;
    return row.scores.reduce((a, b) => a + b, 0) / row.scores.length;
  };
  if (after5 && base) {
    const share = after5.mean / base.mean;
    const paperShare = paperAvg("after", KEY_PERCENT) / paperAvg("baseline", 100);
    const claim = `${KEY_PERCENT} % real data after extraction comes close to the 100 %-real baseline (≥ ${pct(CLOSE_SHARE, 0)} % of its mean XNLI accuracy)`;
    const detail = `${pct(after5.mean)} vs ${pct(base.mean)}: ${pct(share)} %; paper ${pct(paperShare)} %`;
    if (100 * (base.mean - 1 / 3) <= NEAR_CHANCE_POINTS) lines.push(`${claim}: not testable here — the 100 %-real baseline is itself within ${NEAR_CHANCE_POINTS} points of chance (33.3) (${detail})`);
    else lines.push(`${claim}: ${share >= CLOSE_SHARE ? "held" : "did not hold"} (${detail})`);
  }
  // 3. After beats during, at each percentage.
  for (const p of r.size.realPercents) {
    const a = all(`after-${p}-${xx}`);
    const d = all(`during-${p}-${xx}`);
    if (!a || !d) continue;
    const gap = a.mean - d.mean;
    const paperGap = paperAvg("after", p) - paperAvg("during", p);
    lines.push(`${p} % real data: after extraction beats during: ${gap > 0 ? "held" : "did not hold"} (mean XNLI ${pct(a.mean)} vs ${pct(d.mean)}, gap ${pct(gap)} points${noise(gap, a.std, d.std)}; paper gap ${paperGap.toFixed(1)} points)`);
  }
  // 4. CORD-19 vocabulary near chance.
  const cord = statsOf(r, `cord19-${xx}`, (x) => x.mnliDev);
  const wiki = statsOf(r, `extract-${xx}`, (x) => x.mnliDev);
  if (cord && wiki) {
    const chance = r.data.devMajority;
    const near = (x: number) => 100 * (x - chance) <= NEAR_CHANCE_POINTS;
    const detail = `MNLI dev ${pct(cord.mean)} with CORD-19 vs ${pct(wiki.mean)} with WikiText; chance (majority class) ${pct(chance)}`;
    if (near(wiki.mean)) lines.push(`CORD-19 vocabulary drops the extractor to near chance: not testable here — the WikiText-vocabulary extractor is itself within ${NEAR_CHANCE_POINTS} points of chance (${detail})`);
    else lines.push(`CORD-19 vocabulary drops the extractor to near chance (within ${NEAR_CHANCE_POINTS} points): ${near(cord.mean) ? "held" : "did not hold"} (${detail}; paper 78.6 → chance)`);
  }
  // Context: Table 1 and Figure 2 (no threshold claimed).
  const en = statsOf(r, `extract-${r.size.victim}`, (x) => x.mnliDev);
  if (en && wiki) lines.push(`Table 1 (for reference): multilingual vs same-size English extractor on MNLI dev ${pct(wiki.mean)} vs ${pct(en.mean)} (paper XLMR-Large 78.6 vs RoBERTa-Large 84.3); victim ${pct(r.victim.mnliDev)}`);
  const shares = victimAnswerShares(r, "wikitext");
  if (shares) lines.push(`The victim's answers on WikiText gibberish (for reference): ${shares.map((x, k) => `${TASK_LABELS.mnli[k]} ${pct(x, 0)} %`).join(", ")}; an extractor that learns only the most frequent answer scores the majority class on real data (${pct(r.data.devMajority)} % on MNLI dev)`);
  lines.push(`Figure 2 (for reference): AUC of a distance threshold between MNLI dev and WikiText gibberish ${r.figure.auc.toFixed(3)}, CORD-19 gibberish ${r.figure.aucCord19.toFixed(3)} (0.5: indistinguishable, 1: fully separable)`);
  return lines;
}
