/**
 * The tasks of the lottery-ticket table (Chen et al. 2020, the slides' columns), each as data and
 * IMP hooks on our pretrained miniature: its training and evaluation sets, the head it fine-tunes
 * (classifier, one-output regressor, span head, or the MLM head itself), and its own metric —
 * accuracy (MNLI dev matched, SST-2, MRPC, RTE, WNLI), Matthews correlation (CoLA), Pearson (STS-B),
 * F1 (SQuAD, on held-out articles of dev) and masked-token accuracy (MLM, WikiText-2 valid).
 */
import { GLUE_LABELS, GlueTask, readGlue } from "../data/glue";
import { squadSplit } from "../data/squad";
import { VictimInput, encodeInput } from "../extract/victim";
import { loadModel } from "../model/io";
import { PruningHooks } from "../prune/masked-run";
import { Masks } from "../prune/masks";
import { pretrainingCorpus } from "../pretrain/corpus";
import { MlmDataArgs, mlmScore, mlmTask } from "../pretrain/mlm";
import { packSequences } from "../pretrain/packing";
import { TextTokenizer } from "../tokenize/tokenizer";
import { EncodedExample } from "../train/classify";
import { FineTuneArgs, fineTuneClassifier, fineTuneTrainerArgs } from "../train/finetune";
import { matthewsCorrelation } from "../train/metrics";
import { fineTuneRegressor } from "../train/regress";
import { SpanExample, SpanFeature, fineTuneSpan, spanFeatures } from "../train/span";
import { train } from "../train/trainer";
import { TASK_LABELS, readTask } from "./tasks";

/** The slide's columns, in its order. */
export const LOTTERY_COLUMNS = ["mnli", "qqp", "stsb", "wnli", "qnli", "mrpc", "rte", "sst2", "cola", "squad", "mlm"] as const;
export type LotteryColumn = (typeof LOTTERY_COLUMNS)[number];

/** The columns we have training data for, in the order they run: MLM first, since its ticket is transferred to SST-2 and MNLI. */
export const LOTTERY_TASKS = ["mlm", "sst2", "mnli", "stsb", "wnli", "mrpc", "rte", "cola", "squad"] as const;
export type LotteryTask = (typeof LOTTERY_TASKS)[number];

/** Why the other columns stay empty. */
export const MISSING_TASKS: Record<Exclude<LotteryColumn, LotteryTask>, string> = {
  qqp: "no training data (QQP is not vendored; remote only)",
  qnli: "no training data (only QNLI dev is vendored)",
};

export const COLUMN_NAMES: Record<LotteryColumn, string> = {
  mnli: "MNLI", qqp: "QQP", stsb: "STS-B", wnli: "WNLI", qnli: "QNLI", mrpc: "MRPC", rte: "RTE", sst2: "SST-2", cola: "CoLA", squad: "SQuAD", mlm: "MLM",
};

/** The metric each column reports (the key in a run's metrics) and its name. */
export const TASK_METRIC: Record<LotteryColumn, { key: string; name: string }> = {
  mnli: { key: "accuracy", name: "accuracy (dev matched)" },
  qqp: { key: "accuracy", name: "accuracy" },
  stsb: { key: "pearson", name: "Pearson" },
  wnli: { key: "accuracy", name: "accuracy" },
  qnli: { key: "accuracy", name: "accuracy" },
  mrpc: { key: "accuracy", name: "accuracy" },
  rte: { key: "accuracy", name: "accuracy" },
  sst2: { key: "accuracy", name: "accuracy" },
  cola: { key: "mcc", name: "Matthews corr." },
  squad: { key: "f1", name: "F1 (held-out articles)" },
  mlm: { key: "mlm_accuracy", name: "masked-token acc." },
};

export function isLotteryTask(name: string): name is LotteryTask {
  return (LOTTERY_TASKS as readonly string[]).includes(name);
}

export interface LotteryTaskSize {
  /** Optimizer steps of every fine-tuning (each IMP round, each baseline). */
  steps: number;
  /** Tokens per example (MLM: per packed sequence). */
  maxLength: number;
  /** Training examples, the first of the file (MLM: packed sequences; SQuAD: questions of the training articles); undefined: all. */
  trainExamples?: number;
  /** Evaluation examples, the first of the dev set (MLM: held-out sequences; SQuAD: questions of the held-out articles); undefined: all. */
  devExamples?: number;
  /** Replaces the experiment's learning rate for this task. */
  learningRate?: number;
}

/** What every task's fine-tuning shares. */
export interface FineTuneSettings {
  batchSize: number;
  learningRate: number;
  checkpointEvery: number;
  /** Articles of SQuAD dev held out for evaluation (squadSplit, seed 0); the others stand in for SQuAD train. */
  squadEvalArticles: number;
  progress?: boolean;
}

/** A task read and encoded once, giving the IMP hooks of each seed. */
export interface PreparedTask {
  task: LotteryTask;
  train: number;
  dev: number;
  /**
   * Hooks for one seed: θ0 = the miniature with the task head initialised from `seed` (the same
   * weights on every call); fine-tuning with data order, dropout (and MLM masks) from `seed`.
   * `label` names a run folder for the progress line.
   */
  hooks(seed: number, label: (dir: string) => string): PruningHooks;
}

type Split = { inputs: VictimInput[]; targets: number[] };

/** A vendored GLUE task as inputs and targets (class index, or the STS-B score). */
function glueSplit(task: GlueTask, split: "train" | "dev"): Split {
  if (task === "CoLA") {
    const rows = readGlue("CoLA", split);
    return { inputs: rows.map((r) => r.sentence), targets: rows.map((r) => r.label) };
  }
  if (task === "STS-B") {
    const rows = readGlue("STS-B", split);
    return { inputs: rows.map((r) => ({ premise: r.sentence1, hypothesis: r.sentence2 })), targets: rows.map((r) => r.score) };
  }
  const rows = readGlue(task as "MRPC" | "RTE" | "WNLI", split);
  return { inputs: rows.map((r) => ({ premise: r.sentence1, hypothesis: r.sentence2 })), targets: rows.map((r) => r.label) };
}

const GLUE_NAME: Partial<Record<LotteryTask, GlueTask>> = { cola: "CoLA", stsb: "STS-B", mrpc: "MRPC", rte: "RTE", wnli: "WNLI" };

function readSplit(task: LotteryTask, split: "train" | "dev"): Split {
  if (task === "sst2" || task === "mnli") {
    const s = readTask(task, split);
    return { inputs: s.inputs, targets: s.labels };
  }
  const glue = GLUE_NAME[task];
  if (!glue) throw new Error(`${task} is not a sentence(-pair) task`);
  return glueSplit(glue, split);
}

function labelsOf(task: LotteryTask): string[] {
  if (task === "sst2" || task === "mnli") return TASK_LABELS[task];
  if (task === "stsb") return ["score"];
  return [...GLUE_LABELS[GLUE_NAME[task] as keyof typeof GLUE_LABELS]];
}

function encodeSplit(tokenizer: TextTokenizer, split: Split, maxLength: number, n?: number): EncodedExample[] {
  return split.inputs.slice(0, n).map((input, i) => ({ ...encodeInput(tokenizer, input, maxLength), label: split.targets[i] }));
}

/** Reads and encodes `task` at `size`; `miniatureDir` is θ0's folder (the pretrained masked-lm checkpoint). */
export function prepareTask(task: LotteryTask, tokenizer: TextTokenizer, miniatureDir: string, size: LotteryTaskSize, common: FineTuneSettings): PreparedTask {
  const args = (seed: number, dir: string, label: string, masks: Masks): FineTuneArgs => ({
    outDir: dir, steps: size.steps, batchSize: common.batchSize, learningRate: size.learningRate ?? common.learningRate, seed,
    checkpointEvery: common.checkpointEvery, label, progress: common.progress, masks,
  });

  if (task === "mlm") {
    const [corpus] = pretrainingCorpus("en");
    const sequences = packSequences(corpus.train, tokenizer, { seqLen: size.maxLength, maxSequences: size.trainExamples });
    const heldOut = packSequences(corpus.heldOut, tokenizer, { seqLen: size.maxLength, maxSequences: size.devExamples });
    const masking = (seed: number): MlmDataArgs => ({ maskId: tokenizer.maskId, vocabSize: tokenizer.vocabSize, specialIds: tokenizer.specialIds, padId: tokenizer.padId, seed, maxPredictions: Math.round(size.maxLength * 0.15) + 1 });
    const evalArgs = masking(12345); // the same held-out masks for every run, as in pretraining
    return {
      task, train: sequences.length, dev: heldOut.length,
      hooks: (seed, label) => ({
        initial: () => loadModel(miniatureDir, { task: "masked-lm" }).model,
        fineTune: async (model, masks, dir) => {
          const { data, hooks } = mlmTask(model, sequences, masking(seed));
          const run = await train(model, data, { ...hooks, evaluate: () => ({ mlm_accuracy: mlmScore(model, heldOut, evalArgs).accuracy }) }, fineTuneTrainerArgs(args(seed, dir, label(dir), masks)));
          return { metrics: run.final!, wallSeconds: run.wallSeconds };
        },
      }),
    };
  }

  if (task === "squad") {
    const split = squadSplit(0, common.squadEvalArticles);
    const trainQuestions: SpanExample[] = split.train.slice(0, size.trainExamples);
    const evalQuestions: SpanExample[] = split.eval.slice(0, size.devExamples);
    const trainFeatures: SpanFeature[] = spanFeatures(tokenizer, trainQuestions, { maxLength: size.maxLength, training: true });
    const evalFeatures = spanFeatures(tokenizer, evalQuestions, { maxLength: size.maxLength, training: false });
    return {
      task, train: trainFeatures.length, dev: evalQuestions.length,
      hooks: (seed, label) => ({
        initial: () => loadModel(miniatureDir, { task: "question-answering", seed }).model,
        fineTune: async (model, masks, dir) => {
          const r = await fineTuneSpan(model, trainFeatures, evalQuestions, evalFeatures, args(seed, dir, label(dir), masks));
          return { metrics: { f1: r.f1, exact_match: r.exactMatch }, wallSeconds: r.run.wallSeconds };
        },
      }),
    };
  }

  const labels = labelsOf(task);
  const trainSet = encodeSplit(tokenizer, readSplit(task, "train"), size.maxLength, size.trainExamples);
  const devSet = encodeSplit(tokenizer, readSplit(task, "dev"), size.maxLength, size.devExamples);
  const initial = (seed: number) => () => loadModel(miniatureDir, { task: "sequence-classification", labels, seed }).model;
  if (task === "stsb") {
    return {
      task, train: trainSet.length, dev: devSet.length,
      hooks: (seed, label) => ({
        initial: initial(seed),
        fineTune: async (model, masks, dir) => {
          const r = await fineTuneRegressor(model, trainSet, devSet, args(seed, dir, label(dir), masks));
          return { metrics: { pearson: r.pearson, mse: r.mse }, wallSeconds: r.run.wallSeconds };
        },
      }),
    };
  }
  const devLabels = devSet.map((e) => e.label!);
  return {
    task, train: trainSet.length, dev: devSet.length,
    hooks: (seed, label) => ({
      initial: initial(seed),
      fineTune: async (model, masks, dir) => {
        const r = await fineTuneClassifier(model, trainSet, devSet, args(seed, dir, label(dir), masks));
        return { metrics: { accuracy: r.accuracy, mcc: matthewsCorrelation(r.predictions, devLabels) }, wallSeconds: r.run.wallSeconds };
      },
    }),
  };
}
