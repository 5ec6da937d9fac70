/**
 * Extractive question answering (SQuAD) on top of the trainer, as BERT's run_squad.py does it:
 * the context split on whitespace into words (so an answer is always a run of whole words and
 * its text a slice of the context), each word tokenised on its own, [CLS] question [SEP] window
 * [SEP] with windows of the context `stride` tokens apart, the span head's start and end logits
 * trained with the mean of the two cross-entropies, and the best span (start ≤ end, at most
 * `maxAnswerTokens`) over all of a question's windows as its answer.
 */
import * as tf from "@tensorflow/tfjs";
import { Dropout } from "../engine/dropout";
import { EncoderModel } from "../model/encoder";
import { TextTokenizer } from "../tokenize/tokenizer";
import { collate } from "./classify";
import { FineTuneArgs, fineTuneTrainerArgs } from "./finetune";
import { spanLoss } from "./losses";
import { squadScores } from "./squad-metric";
import { TrainData, TrainHooks, TrainResult, train } from "./trainer";

/** What span features are made from: SquadExample has these fields (answers' start is a character offset). */
export interface SpanExample {
  context: string;
  question: string;
  answers: { text: string; start: number }[];
}

export interface SpanFeatureArgs {
  /** Tokens per window, special tokens included. */
  maxLength: number;
  /** Question tokens kept. Default 24. */
  maxQuestion?: number;
  /** Tokens between window starts. Default half the context room. */
  stride?: number;
}

/** One window of one question. */
export interface SpanFeature {
  ids: number[];
  typeIds?: number[];
  /** Index of the question (its SpanExample) in the list features were made from. */
  example: number;
  /** Per position: the context word it belongs to, −1 for the question and special tokens. */
  wordOf: number[];
  /** Training target: token positions of the first gold answer's first and last tokens (training features only). */
  start?: number;
  end?: number;
}

/** Whitespace-separated words of a context with their character ranges [start, end). */
export function contextWords(context: string): { text: string; start: number; end: number }[] {
  return [...context.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index!, end: m.index! + m[0].length }));
}

/** Token counts of [CLS]-like opening, [SEP]-like middle of a pair (BERT: 1, 1; RoBERTa: 1, 2), and closing. */
function pairLayout(tokenizer: TextTokenizer): { open: number; middle: number; close: number } {
  const [a, b] = [...Array(tokenizer.vocabSize).keys()].filter((id) => !tokenizer.specialIds.has(id)).slice(0, 2);
  const single = tokenizer.assemble([a], undefined, { maxLength: 16 }).ids;
  const pair = tokenizer.assemble([a], [b], { maxLength: 16 }).ids;
  const open = single.indexOf(a);
  const close = single.length - open - 1;
  return { open, middle: pair.indexOf(b) - open - 1, close };
}

/** Memoised word → token ids, since contexts repeat over a paragraph's questions. */
function wordEncoder(tokenizer: TextTokenizer): (word: string) => number[] {
  const cache = new Map<string, number[]>();
  return (word) => {
    let ids = cache.get(word);
    if (!ids) cache.set(word, (ids = tokenizer.encodePlain(word)));
    return ids;
  };
}

/**
 * Span features of `examples`. `training`: one window per question, the first that holds its
 * first gold answer whole (questions whose answer fits no window are left out); otherwise every
 * window, for prediction.
 */
export function spanFeatures(tokenizer: TextTokenizer, examples: readonly SpanExample[], args: SpanFeatureArgs & { training: boolean }): SpanFeature[] {
  const layout = pairLayout(tokenizer);
  const encodeWord = wordEncoder(tokenizer);
  const features: SpanFeature[] = [];
  examples.forEach((ex, e) => {
    const question = tokenizer.encodePlain(ex.question).slice(0, args.maxQuestion ?? 24);
    const room = args.maxLength - layout.open - layout.middle - layout.close - question.length;
    if (room < 8) throw new Error(`spanFeatures: maxLength ${args.maxLength} leaves ${room} context tokens beside the question; raise maxLength or lower maxQuestion`);
    const stride = Math.max(1, args.stride ?? Math.floor(room / 2));
    const words = contextWords(ex.context);
    const tokens: number[] = [];
    const tokenWord: number[] = [];
    const firstToken: number[] = [];
    words.forEach((w, i) => {
      firstToken.push(tokens.length);
      for (const id of encodeWord(w.text)) {
        tokens.push(id);
        tokenWord.push(i);
      }
    });
    let answer: [number, number] | undefined;
    if (args.training) {
      const gold = ex.answers[0];
      const startWord = words.findIndex((w) => w.end > gold.start);
      const endWord = words.findIndex((w) => w.end >= gold.start + gold.text.length);
      if (startWord < 0 || endWord < 0) return;
      const endToken = (endWord + 1 < words.length ? firstToken[endWord + 1] : tokens.length) - 1;
      answer = [firstToken[startWord], endToken];
    }
    const offset = layout.open + question.length + layout.middle;
    for (let from = 0; ; from += stride) {
      const to = Math.min(from + room, tokens.length);
      const inside = answer && answer[0] >= from && answer[1] < to;
      if (!args.training || inside) {
        const { ids, typeIds } = tokenizer.assemble(question, tokens.slice(from, to), { maxLength: args.maxLength });
        const wordOf = ids.map((_, p) => (p >= offset && p < offset + to - from ? tokenWord[from + p - offset] : -1));
        features.push({ ids, typeIds, example: e, wordOf, ...(inside ? { start: offset + answer![0] - from, end: offset + answer![1] - from } : {}) });
        if (args.training) break;
      }
      if (to >= tokens.length) break;
    }
  });
  return features;
}

export interface SpanBatch {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  tokenTypeIds: tf.Tensor2D;
  startPositions: tf.Tensor1D;
  endPositions: tf.Tensor1D;
  tokens: number;
}

function checkSpanModel(model: EncoderModel): void {
  if (model.task !== "question-answering") throw new Error(`span extraction needs a question-answering model, got ${model.task}`);
}

/** Training data and hooks (mean of start and end cross-entropies) for training features. */
export function spanTask(model: EncoderModel, features: SpanFeature[]): { data: TrainData<SpanBatch>; hooks: TrainHooks<SpanBatch> } {
  checkSpanModel(model);
  if (features.some((f) => f.start === undefined)) throw new Error("spanTask: every training feature needs start and end positions (spanFeatures with training: true)");
  const pad = model.config.pad_token_id;
  return {
    data: {
      size: features.length,
      lengths: features.map((f) => f.ids.length),
      collate: (indices) => {
        const picked = indices.map((i) => features[i]);
        const { labels, softLabels: _s, ...batch } = collate(picked, pad);
        labels.dispose();
        return { ...batch, startPositions: tf.tensor1d(picked.map((f) => f.start!), "int32"), endPositions: tf.tensor1d(picked.map((f) => f.end!), "int32") };
      },
    },
    hooks: {
      loss: (batch: SpanBatch, dropout: Dropout) => {
        const out = model.forward(batch, { dropout });
        return spanLoss(out.startLogits!, out.endLogits!, batch.startPositions, batch.endPositions);
      },
      tokens: (batch) => batch.tokens,
    },
  };
}

/**
 * The best span of each feature as [score, first word, last word] (score = start logit + end
 * logit), over context positions with start ≤ end < start + maxAnswerTokens.
 */
export function bestSpan(start: ArrayLike<number>, end: ArrayLike<number>, wordOf: readonly number[], maxAnswerTokens = 30): [number, number, number] | undefined {
  let best: [number, number, number] | undefined;
  for (let i = 0; i < wordOf.length; i++) {
    if (wordOf[i] < 0) continue;
    for (let j = i; j < Math.min(wordOf.length, i + maxAnswerTokens); j++) {
      if (wordOf[j] < 0) break;
      const score = start[i] + end[j];
      if (!best || score > best[0]) best = [score, wordOf[i], wordOf[j]];
    }
  }
  return best;
}

/** A predicted answer: its text, a slice of the context starting at character `start`. */
export interface PredictedSpan {
  text: string;
  start: number;
}

/** The predicted answer text of every example: the best span over its windows, a slice of its context ("" when it has no window). */
export function predictAnswers(model: EncoderModel, examples: readonly Pick<SpanExample, "context">[], features: SpanFeature[], batchSize = 64, maxAnswerTokens = 30): string[] {
  return predictSpans(model, examples, features, batchSize, maxAnswerTokens).map((s) => s.text);
}

/** predictAnswers with where each answer starts, which a text alone does not say when it occurs twice (a QA victim's answer, lib/extract/local-qa-victim.ts). Start 0 for "". */
export function predictSpans(model: EncoderModel, examples: readonly Pick<SpanExample, "context">[], features: SpanFeature[], batchSize = 64, maxAnswerTokens = 30): PredictedSpan[] {
  checkSpanModel(model);
  const best: ([number, number, number] | undefined)[] = new Array(examples.length);
  for (let from = 0; from < features.length; from += batchSize) {
    const chunk = features.slice(from, from + batchSize);
    const [starts, ends] = tf.tidy(() => {
      const out = model.forward(collate(chunk, model.config.pad_token_id));
      return [out.startLogits!.arraySync(), out.endLogits!.arraySync()];
    });
    chunk.forEach((f, r) => {
      const span = bestSpan(starts[r], ends[r], f.wordOf, maxAnswerTokens);
      if (span && (!best[f.example] || span[0] > best[f.example]![0])) best[f.example] = span;
    });
  }
  return examples.map((ex, e) => {
    const span = best[e];
    if (!span) return { text: "", start: 0 };
    const words = contextWords(ex.context);
    const start = words[span[1]].start;
    return { text: ex.context.slice(start, words[span[2]].end), start };
  });
}

export interface FineTuneSpanResult {
  /** SQuAD exact match and F1 on the evaluation questions, fractions in [0, 1]. */
  exactMatch: number;
  f1: number;
  predictions: string[];
  run: TrainResult;
}

/**
 * fineTuneClassifier's recipe for the span head: trains on `trainFeatures` (spanFeatures with
 * training: true), then scores `evalExamples` once, through their `evalFeatures` (training: false).
 */
export async function fineTuneSpan(model: EncoderModel, trainFeatures: SpanFeature[], evalExamples: readonly SpanExample[], evalFeatures: SpanFeature[], args: FineTuneArgs): Promise<FineTuneSpanResult> {
  const { data, hooks } = spanTask(model, trainFeatures);
  let predictions: string[] | undefined;
  const golds = evalExamples.map((e) => e.answers.map((a) => a.text));
  const evaluate = () => squadScores((predictions = predictAnswers(model, evalExamples, evalFeatures)), golds);
  const run = await train(model, data, { ...hooks, evaluate }, fineTuneTrainerArgs(args));
  predictions ??= predictAnswers(model, evalExamples, evalFeatures);
  return { ...squadScores(predictions, golds), predictions, run };
}
