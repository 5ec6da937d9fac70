/**
 * The SQuAD column of Krishna et al. 2020's results table ("Thieves on Sesame Street!"): a
 * question-answering victim (one of our pretrained miniatures fine-tuned on SQuAD), attacked with
 * RANDOM and WIKI paragraph + question queries at 1x and 10x, each extractor starting from the same
 * miniature with a fresh span head and trained only on the victim's answer spans. SQuAD train is
 * not vendored, so SQuAD dev is split by article (lib/data/squad.ts squadSplit): the victim trains
 * on 38 articles and everything is scored on the 10 held-out ones.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../data/paths";
import { remoteDataset } from "../data/registry";
import { cacheDir } from "../data/remote";
import { squadSplit } from "../data/squad";
import { backendInfo, initBackend } from "../engine/backend";
import { ExtractQaOutcome, extractQa, queryAllQa } from "../extract/extract-qa";
import { LocalQaVictim } from "../extract/local-qa-victim";
import { budgetQueries } from "../extract/queries";
import { ParagraphSource, SquadGeneratorName, buildParagraphSource, generateSquadQueries } from "../extract/squad-queries";
import { QaAnswer } from "../extract/victim";
import { loadModel, saveModel } from "../model/io";
import { writeFileAtomic } from "../model/safetensors";
import { modelDir, pretrainMiniature } from "../pretrain/pretrain";
import { TextTokenizer } from "../tokenize/tokenizer";
import { copyTokenizerFiles } from "../tokenize/train";
import { SpanExample, contextWords, fineTuneSpan, spanFeatures } from "../train/span";
import { squadScores } from "../train/squad-metric";
import { kept, readKept } from "./kept";
import { findShippedVictim } from "./shipped-victims";
import { Preset, resolvePreset } from "./presets";
import { meanStd, percentMeanStd } from "./stats";

export interface SquadExtractionSize {
  /** The pretrained miniature the victim and every extractor start from. */
  miniature: string;
  /** Victim fine-tuning steps (batch `batchSize`) on the training articles' questions. */
  victimSteps: number;
  /** Tokens per window, special tokens included. */
  maxLength: number;
  batchSize: number;
  learningRate: number;
  /** Articles of SQuAD dev held out for evaluation (squadSplit, seed 0); the other 48 − n train the victim. */
  evalArticles: number;
  /** Victim training questions, the first of the training articles; undefined: all. */
  trainExamples?: number;
  /** Evaluation questions, the first of the held-out articles; undefined: all. */
  devExamples?: number;
  /** Budget scale: 1x is `scale` × the victim's training questions. Printed next to every number. */
  scale: number;
  /** Budgets of the table, as multiples of 1x (the paper: 1x and up to 10x). */
  tableMultiples: number[];
  seeds: number[];
  /** Passes of the extractor over its labelled queries, a cap on its steps, and a floor (small budgets get more passes). */
  extractorEpochs: number;
  extractorMaxSteps?: number;
  extractorMinSteps?: number;
}

/**
 * Run sizes. small, estimated for one CPU core from en-L2-H128's speed here: span fine-tuning at
 * batch 32 × 128 tokens took 0.72 s/step measured with two other training jobs on the two cores
 * (so ≈ 0.3–0.48 s/step alone); answering ≈ 3 ms per 128-token window shared (a query is ≈ 1.7
 * windows, a held-out question ≈ 2.2). Victim: 800 steps ≈ 240–380 s. Per seed and generator a 1x
 * extractor (434 queries, 120 steps) and a 10x one (4,344 queries, 250 steps): 370 steps ≈ 110–180
 * s plus ≈ 12 s of queries; 3 seeds × 2 generators ≈ 740–1,150 s. Scoring the 1,883 held-out
 * questions (≈ 4,100 windows) 13 times ≈ 80–160 s. In all ≈ 1,100–1,700 s ≈ 18–28 min.
 */
export const SQUAD_EXTRACTION_SIZES: Record<Preset, SquadExtractionSize> = {
  // Plumbing only: the tiny miniature (1 layer, H 32); seconds in all.
  tiny: {
    miniature: "en-L2-H128", victimSteps: 8, maxLength: 64, batchSize: 8, learningRate: 1e-3, evalArticles: 10, trainExamples: 800, devExamples: 24,
    scale: 0.02, tableMultiples: [1, 10], seeds: [0, 1], extractorEpochs: 1, extractorMaxSteps: 4,
  },
  // learningRate: the one the pretraining experiment's held-out validation chose for en-L2-H128 (also the lottery's SQuAD runs').
  small: {
    miniature: "en-L2-H128", victimSteps: 800, maxLength: 128, batchSize: 32, learningRate: 3e-4, evalArticles: 10,
    scale: 0.05, tableMultiples: [1, 10], seeds: [0, 1, 2], extractorEpochs: 2, extractorMaxSteps: 250, extractorMinSteps: 120,
  },
  // The paper's budgets against the by-article split (1x = the 38 training articles' questions); a GPU run.
  paper: {
    miniature: "en-L6-H256", victimSteps: 3000, maxLength: 384, batchSize: 32, learningRate: 5e-5, evalArticles: 10,
    scale: 1, tableMultiples: [1, 10], seeds: [0, 1, 2], extractorEpochs: 2,
  },
};

/** The slides' results table, SQuAD column (F1, BERT-large victim and extractors, 1x = SQuAD train's 87,599 questions). */
export const PAPER_SQUAD_EXTRACTION: Record<string, number> = {
  victim: 90.6,
  "RANDOM 1x": 79.1,
  "RANDOM up to 10x": 85.8,
  "WIKI 1x": 86.1,
  "WIKI up to 10x": 89.4,
};

/** The generators of the table. */
const GENERATORS: SquadGeneratorName[] = ["RANDOM", "WIKI"];

/** The victim's training questions and the held-out evaluation questions of a preset, with the titles of the articles on each side. */
export function squadExtractionSplits(preset: Preset, size: SquadExtractionSize = SQUAD_EXTRACTION_SIZES[preset]): { train: SpanExample[]; eval: SpanExample[]; trainTitles: string[]; evalTitles: string[] } {
  const split = squadSplit(0, size.evalArticles);
  return { train: split.train.slice(0, size.trainExamples), eval: split.eval.slice(0, size.devExamples), trainTitles: split.trainTitles, evalTitles: split.evalTitles };
}

const hash = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 10);

/** What the victim depends on: a retrained miniature or a changed setting trains a new one (earlier ones are kept). */
async function victimRoot(preset: Preset, size: SquadExtractionSize, root: string): Promise<string> {
  const pretrained = await pretrainMiniature(size.miniature, { preset });
  const { miniature, victimSteps, maxLength, batchSize, learningRate, evalArticles, trainExamples, devExamples } = size;
  const key = hash({ miniature, createdAt: pretrained.createdAt, victimSteps, maxLength, batchSize, learningRate, evalArticles, trainExamples, devExamples });
  return path.join(root, "results", "runs", `squad-extract-${preset}`, key);
}

/** Where the extractions against that victim go (under its runs folder, also when the victim is a shipped copy): one folder per extractor setting, so adding seeds or budgets reuses the kept runs. */
function extractorRoot(victimBase: string, size: SquadExtractionSize): string {
  const { scale, extractorEpochs, extractorMaxSteps, extractorMinSteps } = size;
  return path.join(victimBase, `extractors-${hash({ scale, extractorEpochs, extractorMaxSteps, extractorMinSteps })}`);
}

/** What victim.json beside the victim's weights records. */
export interface SquadVictimInfo {
  miniature: string;
  exactMatch: number;
  f1: number;
  steps: number;
  trainExamples: number;
  evalExamples: number;
  wallSeconds: number;
}

/**
 * The QA victim of a preset: the miniature fine-tuned on the training articles' questions, saved
 * as a model folder LocalQaVictim.load opens (made once; a killed training resumes from its last
 * checkpoint). Returns the folder.
 */
export async function trainSquadVictim(preset: Preset, size: SquadExtractionSize = SQUAD_EXTRACTION_SIZES[preset], root = PROJECT_ROOT): Promise<string> {
  const base = await victimRoot(preset, size, root);
  const dir = path.join(base, "victim", "model");
  if (fs.existsSync(path.join(dir, "victim.json"))) return dir;
  const shipped = findShippedVictim(preset, "squad", path.basename(base), root);
  if (shipped) return shipped;
  const from = modelDir(size.miniature, preset);
  const tokenizer = await TextTokenizer.load(from);
  const data = squadExtractionSplits(preset, size);
  const trainFeatures = spanFeatures(tokenizer, data.train, { maxLength: size.maxLength, training: true });
  const evalFeatures = spanFeatures(tokenizer, data.eval, { maxLength: size.maxLength, training: false });
  const { model } = loadModel(from, { task: "question-answering", seed: 0 });
  try {
    const r = await fineTuneSpan(model, trainFeatures, data.eval, evalFeatures, {
      outDir: path.join(base, "victim", "train"), steps: size.victimSteps, batchSize: size.batchSize, learningRate: size.learningRate, seed: 0, label: "victim squad",
    });
    saveModel(model, dir);
    copyTokenizerFiles(from, dir);
    const info: SquadVictimInfo = { miniature: size.miniature, exactMatch: r.exactMatch, f1: r.f1, steps: r.run.steps, trainExamples: data.train.length, evalExamples: data.eval.length, wallSeconds: r.run.wallSeconds };
    writeFileAtomic(path.join(dir, "victim.json"), JSON.stringify(info, null, 2) + "\n");
  } finally {
    model.dispose();
  }
  return dir;
}

/**
 * The trivial floor: answering the first k words of the paragraph, whatever the question, for
 * k = 1 … maxWords; the best k is kept (chosen on the evaluation questions, so the floor is if
 * anything too high).
 */
export function firstWordsFloor(examples: readonly SpanExample[], maxWords = 5): { words: number; exactMatch: number; f1: number } {
  const golds = examples.map((x) => x.answers.map((a) => a.text));
  let best = { words: 0, exactMatch: 0, f1: -1 };
  for (let k = 1; k <= maxWords; k++) {
    const predictions = examples.map((x) => {
      const words = contextWords(x.context).slice(0, k);
      return words.length ? x.context.slice(words[0].start, words[words.length - 1].end) : "";
    });
    const s = squadScores(predictions, golds);
    if (s.f1 > best.f1) best = { words: k, ...s };
  }
  return best;
}

export interface SquadExtractionRun extends Omit<ExtractQaOutcome, "log"> {
  generator: SquadGeneratorName;
  multiple: number;
  seed: number;
}

export interface SquadExtractionResult {
  experiment: "squad-extract";
  preset: Preset;
  backend: string;
  engine: string;
  size: SquadExtractionSize;
  data: { trainQuestions: number; trainArticles: number; evalQuestions: number; evalTitles: string[] };
  /** The victim's scores on the evaluation questions, its training set and 1x in queries. */
  victim: SquadVictimInfo & { oneX: number };
  floor: { words: number; exactMatch: number; f1: number };
  runs: SquadExtractionRun[];
  paper: typeof PAPER_SQUAD_EXTRACTION;
  /** This call's wall time (short when it collects kept runs). */
  wallSeconds: number;
  /** Training time of the victim and every extractor, each measured when it ran. */
  computeSeconds: number;
}

interface Attack {
  victim: LocalQaVictim;
  victimDev: QaAnswer[];
  source: ParagraphSource;
  eval: SpanExample[];
  trainQuestions: number;
  dir: string;
}

/** One extraction; its outcome is kept beside its checkpoints, so a rerun reads it instead of training again. */
async function extractOnce(a: Attack, generator: SquadGeneratorName, multiple: number, seed: number, size: SquadExtractionSize, preset: Preset): Promise<SquadExtractionRun> {
  const outDir = path.join(a.dir, `${generator}-${multiple}x-seed${seed}`);
  return kept(path.join(outDir, "outcome.json"), async () => {
    const queries = generateSquadQueries({ generator, count: budgetQueries(a.trainQuestions, multiple, size.scale), seed, source: a.source });
    const { log: _log, ...outcome } = await extractQa({
      victim: a.victim, queries, extractorFrom: modelDir(size.miniature, preset), dev: a.eval, victimDev: a.victimDev, outDir,
      maxLength: size.maxLength, epochs: size.extractorEpochs, maxSteps: size.extractorMaxSteps, minSteps: size.extractorMinSteps,
      batchSize: size.batchSize, learningRate: size.learningRate, seed,
    });
    return { generator, multiple, seed, ...outcome };
  });
}

function resultFile(preset: Preset, root = PROJECT_ROOT): string {
  return path.join(root, "results", "extract", `squad-${preset}.json`);
}

export function readSquadExtractionResult(preset: string, root = PROJECT_ROOT): SquadExtractionResult | undefined {
  const file = resultFile(resolvePreset(preset), root);
  return readKept<SquadExtractionResult>(file);
}

/**
 * The whole experiment at a preset, written to results/extract/squad-<preset>.json. `root`
 * replaces the project folder for results/ (tests).
 */
export async function runSquadExtraction(options: { preset?: string; reuse?: boolean; root?: string } = {}): Promise<SquadExtractionResult> {
  const preset = resolvePreset(options.preset);
  const root = options.root ?? PROJECT_ROOT;
  const saved = options.reuse ? readSquadExtractionResult(preset, root) : undefined;
  if (saved) return saved;
  const started = Date.now();
  const size = SQUAD_EXTRACTION_SIZES[preset];
  await initBackend();
  const data = squadExtractionSplits(preset, size);
  const victimDir = await trainSquadVictim(preset, size, root);
  const info = JSON.parse(fs.readFileSync(path.join(victimDir, "victim.json"), "utf8")) as SquadVictimInfo;
  const victim = await LocalQaVictim.load(victimDir, { maxLength: size.maxLength });
  const runs: SquadExtractionRun[] = [];
  try {
    const attack: Attack = {
      victim, source: buildParagraphSource(), eval: data.eval, trainQuestions: data.train.length, dir: extractorRoot(await victimRoot(preset, size, root), size),
      victimDev: await queryAllQa(victim, data.eval.map((x) => ({ context: x.context, question: x.question }))),
    };
    for (const generator of GENERATORS) for (const multiple of size.tableMultiples) for (const seed of size.seeds) runs.push(await extractOnce(attack, generator, multiple, seed, size, preset));
  } finally {
    victim.dispose();
  }
  const result: SquadExtractionResult = {
    experiment: "squad-extract", preset, backend: backendInfo().name, engine: backendInfo().engine, size,
    data: { trainQuestions: data.train.length, trainArticles: data.trainTitles.length, evalQuestions: data.eval.length, evalTitles: data.evalTitles },
    victim: { ...info, oneX: budgetQueries(data.train.length, 1, size.scale) }, floor: firstWordsFloor(data.eval), runs, paper: PAPER_SQUAD_EXTRACTION,
    wallSeconds: (Date.now() - started) / 1000, computeSeconds: info.wallSeconds + runs.reduce((n, r) => n + r.wallSeconds, 0),
  };
  writeFileAtomic(resultFile(preset, root), JSON.stringify(result, null, 2) + "\n");
  return result;
}

/** The table's runs of one cell: a generator at a multiple, over the preset's seeds. */
function cell(r: SquadExtractionResult, generator: string, multiple: number): SquadExtractionRun[] {
  return r.runs.filter((x) => x.generator === generator && x.multiple === multiple && r.size.seeds.includes(x.seed));
}

/** The paper's row for a budget: its 1x, or its "up to 10x" for our largest. */
function paperKey(r: SquadExtractionResult, generator: string, multiple: number): string | undefined {
  if (multiple === 1) return `${generator} 1x`;
  return multiple === Math.max(...r.size.tableMultiples) ? `${generator} up to 10x` : undefined;
}

/** EM and F1 (%, mean ± std over seeds), agreement with the victim and cost, beside the paper's F1. */
export function squadExtractionTable(r: SquadExtractionResult): Record<string, string | number>[] {
  const pct = (x: number) => (100 * x).toFixed(1);
  const rows: Record<string, string | number>[] = [
    { model: "API / victim", queries: `1x = its ${r.victim.trainExamples.toLocaleString("en-US")} training questions`, "EM ours": pct(r.victim.exactMatch), "F1 ours": pct(r.victim.f1), "F1 paper": PAPER_SQUAD_EXTRACTION.victim.toFixed(1), "agreement F1 ours": "", "cost ($)": "" },
    { model: `floor: the paragraph's first ${r.floor.words} word${r.floor.words === 1 ? "" : "s"}`, queries: "none", "EM ours": pct(r.floor.exactMatch), "F1 ours": pct(r.floor.f1), "F1 paper": "", "agreement F1 ours": "", "cost ($)": "" },
  ];
  for (const generator of GENERATORS) {
    for (const multiple of r.size.tableMultiples) {
      const runs = cell(r, generator, multiple);
      if (runs.length === 0) continue;
      const key = paperKey(r, generator, multiple);
      rows.push({
        model: generator, queries: `${multiple}x = ${runs[0].queries.toLocaleString("en-US")} (× ${r.size.scale} scale)`,
        "EM ours": percentMeanStd(runs.map((x) => x.exactMatch)), "F1 ours": percentMeanStd(runs.map((x) => x.f1)),
        "F1 paper": key ? `${PAPER_SQUAD_EXTRACTION[key].toFixed(1)}${key.includes("up to") ? " (up to 10x)" : ""}` : "",
        "agreement F1 ours": percentMeanStd(runs.map((x) => x.agreementF1)), "cost ($)": runs[0].cost.toFixed(2),
      });
    }
  }
  return rows;
}

/** A claim "held" when the mean is at least the other's; "within noise" when the gap is below the larger seed std. */
function compare(claim: string, a: { mean: number; std: number }, b: { mean: number; std: number }): string {
  const gap = a.mean - b.mean;
  const noise = Math.max(a.std, b.std);
  const margin = `${(100 * a.mean).toFixed(1)} vs ${(100 * b.mean).toFixed(1)} F1, gap ${(100 * gap).toFixed(1)} points`;
  return `${claim}: ${gap >= 0 ? "held" : "did not hold"} (${margin}${Math.abs(gap) < noise ? `, within noise: seeds' std ${(100 * noise).toFixed(1)}` : ""})`;
}

/** Share of the victim's F1 an extractor needs for "a large share": the paper's weakest cell, RANDOM 1x, has 87 %. */
export const LARGE_SHARE = 0.8;
/** And the share of the way from the trivial floor to the victim, so a victim barely above the floor cannot pass by itself. */
export const LARGE_WAY = 0.5;

/**
 * The paper's claims, checked on our numbers (means over seeds): each extractor's share of the
 * victim's F1 and of the way from the trivial floor to it; "QA extraction reaches a large share of
 * the victim's F1" (≥ LARGE_SHARE of it and ≥ LARGE_WAY of the way, by either generator at our
 * largest budget); WIKI ≥ RANDOM; the largest budget ≥ 1x.
 */
/** Victim F1 minus the floor's, below which the verdict warns that the victim learned little (the paper's margin is about 80 points). */
export const WEAK_VICTIM_MARGIN = 0.1;

export function squadExtractionVerdict(r: SquadExtractionResult): string[] {
  const victim = r.victim.f1;
  const floor = r.floor.f1;
  const above = victim - floor > 0.02;
  const stats = (generator: string, multiple: number) => meanStd(cell(r, generator, multiple).map((x) => x.f1));
  const share = (f1: number) => f1 / victim;
  const way = (f1: number) => (f1 - floor) / (victim - floor);
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const lines = [
    `SQuAD victim: F1 ${(100 * victim).toFixed(1)} (EM ${(100 * r.victim.exactMatch).toFixed(1)}) on ${r.data.evalQuestions.toLocaleString("en-US")} questions of ${r.data.evalTitles.length} held-out articles (paper: ${PAPER_SQUAD_EXTRACTION.victim} on SQuAD dev); the floor (the paragraph's first ${r.floor.words} word${r.floor.words === 1 ? "" : "s"}, whatever the question) F1 ${(100 * floor).toFixed(1)}` +
      (above ? "" : ": the victim is not clearly above the floor, so the shares below compare extractors with a victim that barely learned the task"),
  ];
  const [low, high] = [Math.min(...r.size.tableMultiples), Math.max(...r.size.tableMultiples)];
  let best: { name: string; f1: number } | undefined;
  for (const generator of GENERATORS) {
    for (const multiple of [low, high]) {
      if (cell(r, generator, multiple).length === 0) continue;
      const s = stats(generator, multiple);
      const key = paperKey(r, generator, multiple);
      const paper = key ? ` (paper: ${pct(PAPER_SQUAD_EXTRACTION[key] / PAPER_SQUAD_EXTRACTION.victim)})` : "";
      lines.push(`SQuAD ${generator} ${multiple}x: F1 ${(100 * s.mean).toFixed(1)} ± ${(100 * s.std).toFixed(1)} = ${pct(share(s.mean))} of the victim's F1${paper}${above ? `, ${pct(way(s.mean))} of the way from the floor to the victim` : ""}`);
      if (multiple === high && (!best || s.mean > best.f1)) best = { name: `${generator} ${multiple}x`, f1: s.mean };
    }
  }
  if (best) {
    const held = above && share(best.f1) >= LARGE_SHARE && way(best.f1) >= LARGE_WAY;
    const why = above ? `best: ${best.name}, ${pct(share(best.f1))} of the victim's F1 and ${pct(way(best.f1))} of the way from the floor` : `the victim is not above the floor (best: ${best.name}, ${pct(share(best.f1))} of its F1)`;
    // A share of a victim barely above the floor says little about copying a useful model: say so beside the verdict.
    const margin = victim - floor;
    const weak = above && margin < WEAK_VICTIM_MARGIN ? `; but the victim is only ${(100 * margin).toFixed(1)} F1 points above the floor, so this copies a victim that learned little` : "";
    lines.push(`SQuAD: "QA extraction reaches a large share of the victim's F1" (≥ ${pct(LARGE_SHARE)} of it and ≥ ${pct(LARGE_WAY)} of the way from the floor; paper up to 10x: RANDOM ${pct(85.8 / 90.6)}, WIKI ${pct(89.4 / 90.6)}): ${held ? "held" : "did not hold"} (${why}${weak})`);
  }
  if (cell(r, "WIKI", low).length && cell(r, "RANDOM", low).length) lines.push(compare(`SQuAD: WIKI ≥ RANDOM at ${low}x`, stats("WIKI", low), stats("RANDOM", low)));
  if (high !== low) for (const generator of GENERATORS) if (cell(r, generator, high).length && cell(r, generator, low).length) lines.push(compare(`SQuAD: ${generator} ${high}x ≥ ${low}x`, stats(generator, high), stats(generator, low)));
  return lines;
}

/** `file` with the home folder written as ~, for pages that are committed. */
const tilde = (file: string) => (file.startsWith(os.homedir() + path.sep) ? `~${file.slice(os.homedir().length)}` : file);

/** Why the table has no BoolQ column (the paper's other QA victim), and where its files go: the data registry's entry. */
export function boolqNote(): string {
  const boolq = remoteDataset("boolq");
  const files = boolq.files.map((f) => ({ url: f.url, at: path.join(cacheDir(), f.path) }));
  const cached = files.every((f) => fs.existsSync(f.at));
  const where = files.map((f) => `${f.url} → ${tilde(f.at)}`).join(", ");
  return cached
    ? `BoolQ (${boolq.description}) is in the download cache (${files.map((f) => tilde(f.at)).join(", ")}), but no BoolQ victim is built yet, so the column stays empty.`
    : `BoolQ: not run — it is not vendored (${boolq.description}; ${boolq.source}, ${boolq.license}). fetchDataset("boolq") downloads it where the network allows; otherwise place the files by hand: ${where}.`;
}

/**
 * What the victim answers to a few RANDOM and WIKI queries (seed 0): the span labels an
 * extractor trains on, for the notebook to show.
 */
export async function squadQueryExamples(preset: string, count = 2): Promise<{ generator: string; paragraph: string; question: string; "victim's answer": string }[]> {
  const p = resolvePreset(preset);
  const size = SQUAD_EXTRACTION_SIZES[p];
  const source = buildParagraphSource();
  const victim = await LocalQaVictim.load(await trainSquadVictim(p, size), { maxLength: size.maxLength });
  try {
    const rows = [];
    for (const generator of GENERATORS) {
      const queries = generateSquadQueries({ generator, count, seed: 0, source });
      const answers = await queryAllQa(victim, queries);
      rows.push(...queries.map((q, i) => ({ generator, paragraph: q.context.length > 160 ? `${q.context.slice(0, 160)} …` : q.context, question: q.question, "victim's answer": answers[i].text })));
    }
    return rows;
  } finally {
    victim.dispose();
  }
}
