/**
 * The extraction recipe (Krishna et al. 2020, §3): query the victim with generated inputs, keep
 * its answers (argmax labels, or probabilities when the API exposes them), fine-tune an extractor
 * that starts from a pretrained miniature on (query, answer) pairs, and measure it on the real dev
 * set: accuracy against the gold labels and agreement with the victim. Also what the attack cost.
 */
import * as path from "node:path";
import { EncoderModel } from "../model/encoder";
import { loadModel } from "../model/io";
import { TextTokenizer } from "../tokenize/tokenizer";
import { EncodedExample } from "../train/classify";
import { fineTuneClassifier } from "../train/finetune";
import { LogEntry } from "../train/trainer";
import { PRICES, PriceModel, apiCost } from "./cost";
import { Victim, VictimAnswer, VictimInput, encodeInput } from "./victim";

/** How an extractor is trained and what the attack is priced at: the same for a classifier and a span (QA) extractor. */
export interface ExtractorTrainingArgs {
  /** Folder of the pretrained miniature the extractor starts from (config.json, model.safetensors, tokenizer.json). */
  extractorFrom: string;
  /** Where the extractor's checkpoints go. */
  outDir: string;
  /** Tokens per input (a QA input: per window), special tokens included. Default 128. */
  maxLength?: number;
  /** Passes over the queries. Default 2. */
  epochs?: number;
  /** At most this many steps (overrides epochs when smaller). */
  maxSteps?: number;
  /** At least this many steps: a small query set is passed over more often, so a small budget is not also an under-trained extractor. */
  minSteps?: number;
  /** Default 32. */
  batchSize?: number;
  /** Default 1e-4. */
  learningRate?: number;
  /** Seed of the head's initialisation, the data order and dropout. Default 0. */
  seed?: number;
  /** Inputs per victim call. Default 32. */
  queryBatch?: number;
  /** Called with the trained extractor and its tokenizer before the model is disposed (to score it elsewhere or save it). */
  onTrained?: (model: EncoderModel, tokenizer: TextTokenizer) => void | Promise<void>;
  /** Price of one input. Default: Google Cloud Natural Language, $1.00 per 1,000 calls past 5,000 free. */
  price?: PriceModel;
  progress?: boolean;
}

export interface ExtractArgs extends ExtractorTrainingArgs {
  victim: Victim;
  /** The attacker's queries (from generateQueries). */
  queries: VictimInput[];
  /** Train on the victim's argmax labels ("hard", default) or its probabilities ("soft"; the API must expose them). */
  targets?: "hard" | "soft";
  /** The real dev set: inputs and gold label indices (in the victim's label order). */
  dev: { inputs: VictimInput[]; labels: number[] };
  /**
   * Real labelled examples (gold labels, in the victim's label order) mixed into the victim-labelled
   * queries (Keskar et al. 2020: real data "during" extraction). Default none. They are not sent to
   * the victim and not counted in `queries` or the cost.
   */
  realData?: { inputs: VictimInput[]; labels: number[] };
}

export interface ExtractOutcome {
  queries: number;
  /** Whitespace-separated words and characters sent to the API. */
  wordsSent: number;
  charactersSent: number;
  /** Dollars at `price` for `queries` calls. */
  cost: number;
  /** Extractor accuracy on the dev set's gold labels. */
  accuracy: number;
  /** Share of dev inputs where the extractor's label equals the victim's. */
  agreement: number;
  /** The victim's own dev accuracy (the ceiling). */
  victimAccuracy: number;
  /** Training steps and wall time of the extractor. */
  steps: number;
  wallSeconds: number;
  log: LogEntry[];
}

/** Answers for every input, `batch` inputs per call, in order. */
export async function queryAll(victim: Victim, inputs: VictimInput[], batch = 32): Promise<VictimAnswer[]> {
  const answers: VictimAnswer[] = [];
  for (let i = 0; i < inputs.length; i += batch) answers.push(...(await victim.query(inputs.slice(i, i + batch))));
  return answers;
}

const textOf = (input: VictimInput) => (typeof input === "string" ? input : `${input.premise} ${input.hypothesis}`);

export async function extract(args: ExtractArgs): Promise<ExtractOutcome> {
  const targets = args.targets ?? "hard";
  if (targets === "soft" && !args.victim.exposesProbabilities) throw new Error("soft targets need a victim whose API returns probabilities; use targets: \"hard\"");
  const maxLength = args.maxLength ?? 128;
  const tokenizer = await TextTokenizer.load(args.extractorFrom);
  const answers = await queryAll(args.victim, args.queries, args.queryBatch);
  const trainSet: EncodedExample[] = args.queries.map((q, i) => ({
    ...encodeInput(tokenizer, q, maxLength),
    label: answers[i].label,
    ...(targets === "soft" ? { soft: answers[i].probabilities! } : {}),
  }));
  const real = args.realData;
  if (real && real.inputs.length !== real.labels.length) throw new Error(`realData has ${real.inputs.length} inputs but ${real.labels.length} labels`);
  const classes = args.victim.labels.length;
  for (const [i, q] of (real?.inputs ?? []).entries()) {
    const label = real!.labels[i];
    trainSet.push({ ...encodeInput(tokenizer, q, maxLength), label, ...(targets === "soft" ? { soft: Array.from({ length: classes }, (_, c) => (c === label ? 1 : 0)) } : {}) });
  }
  const devSet: EncodedExample[] = args.dev.inputs.map((q, i) => ({ ...encodeInput(tokenizer, q, maxLength), label: args.dev.labels[i] }));
  const victimDev = await queryAll(args.victim, args.dev.inputs, args.queryBatch);

  const { model } = loadModel(args.extractorFrom, { task: "sequence-classification", labels: [...args.victim.labels], seed: args.seed ?? 0 });
  const batchSize = args.batchSize ?? 32;
  const perEpoch = Math.ceil(trainSet.length / batchSize);
  const steps = Math.max(1, args.minSteps ?? 1, Math.min(perEpoch * (args.epochs ?? 2), args.maxSteps ?? Infinity));
  const { accuracy, predictions, run } = await fineTuneClassifier(model, trainSet, devSet, {
    outDir: path.resolve(args.outDir), steps, batchSize, learningRate: args.learningRate ?? 1e-4, seed: args.seed, progress: args.progress,
    label: `extract (${args.queries.length} queries${real ? ` + ${real.inputs.length} real` : ""}, ${targets})`,
  });
  try {
    await args.onTrained?.(model, tokenizer);
  } finally {
    model.dispose();
  }
  const agree = predictions.filter((label, i) => label === victimDev[i].label).length;
  const victimRight = victimDev.filter((a, i) => a.label === args.dev.labels[i]).length;
  return {
    queries: args.queries.length,
    wordsSent: args.queries.reduce((n, q) => n + textOf(q).split(/\s+/).filter(Boolean).length, 0),
    charactersSent: args.queries.reduce((n, q) => n + textOf(q).length, 0),
    cost: apiCost(args.queries.length, args.price ?? PRICES["natural-language"]),
    accuracy,
    agreement: agree / devSet.length,
    victimAccuracy: victimRight / devSet.length,
    steps: run.steps,
    wallSeconds: run.wallSeconds,
    log: run.log,
  };
}
