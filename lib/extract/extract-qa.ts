/**
 * The extraction recipe for a question-answering API (Krishna et al. 2020, §3, the SQuAD column):
 * send paragraph + question queries, keep the span the victim answers as the training label,
 * fine-tune an extractor that starts from a pretrained miniature with a fresh span head on those
 * (query, span) pairs, and score it on real questions: SQuAD exact match and F1 against the gold
 * answers, and F1 against what the victim answers to the same questions (agreement).
 */
import * as path from "node:path";
import { loadModel } from "../model/io";
import { TextTokenizer } from "../tokenize/tokenizer";
import { FineTuneSpanResult, SpanExample, fineTuneSpan, spanFeatures } from "../train/span";
import { squadScores } from "../train/squad-metric";
import { LogEntry } from "../train/trainer";
import { PRICES, apiCost } from "./cost";
import { ExtractorTrainingArgs } from "./extract";
import { QaAnswer, QaInput, QaVictim } from "./victim";

export interface ExtractQaArgs extends ExtractorTrainingArgs {
  victim: QaVictim;
  /** The attacker's queries (from generateSquadQueries). */
  queries: QaInput[];
  /** Real evaluation questions with their gold answers. */
  dev: SpanExample[];
  /**
   * The victim's answers to `dev` when the caller already has them (several extractions against
   * one victim ask it once); default: asked here. Never counted in `queries` or the cost.
   */
  victimDev?: QaAnswer[];
}

export interface ExtractQaOutcome {
  queries: number;
  /** Whitespace-separated words and characters sent to the API (paragraphs and questions). */
  wordsSent: number;
  charactersSent: number;
  /** Dollars at `price` for `queries` calls. */
  cost: number;
  /** Extractor against the gold answers (SQuAD scores, 0..1). */
  exactMatch: number;
  f1: number;
  /** Extractor F1 against the victim's answers to the dev questions. */
  agreementF1: number;
  /** The victim's own scores on the dev questions (the ceiling). */
  victimExactMatch: number;
  victimF1: number;
  /** Queries the victim answered with an empty span: no label, so not trained on. */
  emptyAnswers: number;
  /** Training windows the extractor saw (one per answered query whose span fits a window). */
  trainFeatures: number;
  steps: number;
  wallSeconds: number;
  log: LogEntry[];
}

/** Answers for every input, `batch` inputs per call, in order. */
export async function queryAllQa(victim: QaVictim, inputs: QaInput[], batch = 32): Promise<QaAnswer[]> {
  if (!(batch >= 1)) throw new Error(`queryAllQa: batch must be at least 1, got ${batch}`);
  const answers: QaAnswer[] = [];
  for (let i = 0; i < inputs.length; i += batch) {
    const chunk = inputs.slice(i, i + batch);
    const got = await victim.query(chunk);
    if (got.length !== chunk.length) throw new Error(`the victim answered ${got.length} of ${chunk.length} queries (from query ${i})`);
    answers.push(...got);
  }
  return answers;
}

/**
 * The victim's answers as span labels. An answer that is not where it says in its context would
 * train the extractor on the wrong tokens, so it is an error, not a silent drop.
 */
function labelled(queries: QaInput[], answers: QaAnswer[]): { examples: SpanExample[]; empty: number } {
  const examples: SpanExample[] = [];
  let empty = 0;
  queries.forEach((q, i) => {
    const a = answers[i];
    if (a.text.trim() === "") return void empty++;
    if (q.context.slice(a.start, a.start + a.text.length) !== a.text) throw new Error(`the victim's answer to query ${i} (${JSON.stringify(a.text.slice(0, 40))} at ${a.start}) is not a span of its context at that offset`);
    examples.push({ context: q.context, question: q.question, answers: [{ text: a.text, start: a.start }] });
  });
  return { examples, empty };
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

export async function extractQa(args: ExtractQaArgs): Promise<ExtractQaOutcome> {
  const maxLength = args.maxLength ?? 128;
  if (args.dev.length === 0) throw new Error("extractQa needs at least one dev question to score the extractor on");
  const tokenizer = await TextTokenizer.load(args.extractorFrom);
  const answers = await queryAllQa(args.victim, args.queries, args.queryBatch);
  const { examples, empty } = labelled(args.queries, answers);
  const trainFeatures = spanFeatures(tokenizer, examples, { maxLength, training: true });
  if (trainFeatures.length === 0) throw new Error(`none of the ${args.queries.length} queries gave a training example (${empty} empty answers; the rest fit no ${maxLength}-token window)`);
  const victimDev = args.victimDev ?? (await queryAllQa(args.victim, args.dev.map((x) => ({ context: x.context, question: x.question })), args.queryBatch));
  if (victimDev.length !== args.dev.length) throw new Error(`victimDev has ${victimDev.length} answers for ${args.dev.length} dev questions`);
  const devFeatures = spanFeatures(tokenizer, args.dev, { maxLength, training: false });

  const { model } = loadModel(args.extractorFrom, { task: "question-answering", seed: args.seed ?? 0 });
  const batchSize = args.batchSize ?? 32;
  const perEpoch = Math.ceil(trainFeatures.length / batchSize);
  const steps = Math.max(1, args.minSteps ?? 1, Math.min(perEpoch * (args.epochs ?? 2), args.maxSteps ?? Infinity));
  let result: FineTuneSpanResult;
  try {
    result = await fineTuneSpan(model, trainFeatures, args.dev, devFeatures, {
      outDir: path.resolve(args.outDir), steps, batchSize, learningRate: args.learningRate ?? 1e-4, seed: args.seed, progress: args.progress,
      label: `extract QA (${args.queries.length} queries)`,
    });
    await args.onTrained?.(model, tokenizer);
  } finally {
    model.dispose();
  }
  const golds = args.dev.map((x) => x.answers.map((a) => a.text));
  const victim = squadScores(victimDev.map((a) => a.text), golds);
  return {
    queries: args.queries.length,
    wordsSent: args.queries.reduce((n, q) => n + wordCount(q.context) + wordCount(q.question), 0),
    charactersSent: args.queries.reduce((n, q) => n + q.context.length + q.question.length, 0),
    cost: apiCost(args.queries.length, args.price ?? PRICES["natural-language"]),
    exactMatch: result.exactMatch,
    f1: result.f1,
    agreementF1: squadScores(result.predictions, victimDev.map((a) => [a.text])).f1,
    victimExactMatch: victim.exactMatch,
    victimF1: victim.f1,
    emptyAnswers: empty,
    trainFeatures: trainFeatures.length,
    steps: result.run.steps,
    wallSeconds: result.run.wallSeconds,
    log: result.run.log,
  };
}
