/**
 * What a membership classifier sees of the victim on an input (Krishna et al. 2020, §6.1: "last
 * layer + logits of trained API"): the last layer's state at the first token ([CLS] / <s>), the
 * logits, or both concatenated. The provider computes them; an API never sends them.
 *
 *   classifier  last layer [H], logits [C], both [H + C]
 *   QA          last layer [H], logits [2k]: the k largest start and the k largest end logits over
 *               the context, sorted (a fixed-size, position-free summary of how sure the span head
 *               is, standing in for a classifier's C logits), both [H + 2k]
 *
 * QA features are read from the first window of a long context only.
 */
import * as tf from "@tensorflow/tfjs";
import { LocalQaVictim } from "../extract/local-qa-victim";
import { LocalVictim } from "../extract/local-victim";
import { QaInput, VictimInput, encodeInput } from "../extract/victim";
import { EncoderModel, EncoderOutput } from "../model/encoder";
import { TextTokenizer } from "../tokenize/tokenizer";
import { EncodedExample, collate } from "../train/classify";
import { spanFeatures } from "../train/span";

export type FeatureKind = "last-layer" | "logits" | "both";
export const FEATURE_KINDS: readonly FeatureKind[] = ["last-layer", "logits", "both"];

/** Features of a batch of inputs, one row each, for the given kind. */
export type FeatureExtractor<Input> = (inputs: Input[], kind: FeatureKind) => number[][];

/** Default k of the QA logits features. */
export const QA_TOP_LOGITS = 5;

function checkKind(kind: FeatureKind): void {
  if (!FEATURE_KINDS.includes(kind)) throw new Error(`feature kind must be one of ${FEATURE_KINDS.join(", ")}; got ${JSON.stringify(kind)}`);
}

/** The first token's last-layer state [B, H] and whatever `head` reads from the same forward pass, per batch. */
function forwardRows(model: EncoderModel, examples: EncodedExample[], batchSize: number, head: (out: EncoderOutput) => tf.Tensor2D | undefined): { cls: number[][]; head: number[][] } {
  const cls: number[][] = [];
  const rows: number[][] = [];
  for (let from = 0; from < examples.length; from += batchSize) {
    const [c, h] = tf.tidy(() => {
      const out = model.forward(collate(examples.slice(from, from + batchSize), model.config.pad_token_id));
      const [B, , H] = out.lastHidden.shape;
      const first = out.lastHidden.slice([0, 0, 0], [B, 1, H]).reshape([B, H]) as tf.Tensor2D; // [B, H]
      return [first.arraySync(), head(out)?.arraySync() ?? []];
    });
    cls.push(...c);
    rows.push(...h);
  }
  return { cls, head: rows };
}

function combine(kind: FeatureKind, cls: number[][], logits: number[][]): number[][] {
  if (kind === "last-layer") return cls;
  if (kind === "logits") return logits;
  return cls.map((c, i) => [...c, ...logits[i]]);
}

/** Features of encoded inputs to a sequence-classification model. */
export function classifierFeatures(model: EncoderModel, examples: EncodedExample[], kind: FeatureKind, batchSize = 64): number[][] {
  checkKind(kind);
  if (model.task !== "sequence-classification") throw new Error(`classifierFeatures needs a sequence-classification model, got ${model.task}`);
  if (examples.length === 0) return [];
  const { cls, head } = forwardRows(model, examples, batchSize, (out) => (kind === "last-layer" ? undefined : (out.logits as tf.Tensor2D)));
  return combine(kind, cls, head);
}

/** The k largest values, in decreasing order, repeating the smallest when there are fewer than k. */
function topValues(values: number[], k: number): number[] {
  const sorted = [...values].sort((a, b) => b - a).slice(0, k);
  while (sorted.length < k) sorted.push(sorted[sorted.length - 1] ?? 0);
  return sorted;
}

export interface QaFeatureArgs {
  /** Tokens per window. */
  maxLength: number;
  /** k of the logits features. Default 5. */
  topK?: number;
  batchSize?: number;
}

/** Features of paragraph + question inputs to a question-answering model. */
export function qaFeatures(model: EncoderModel, tokenizer: TextTokenizer, inputs: readonly QaInput[], kind: FeatureKind, args: QaFeatureArgs): number[][] {
  checkKind(kind);
  if (model.task !== "question-answering") throw new Error(`qaFeatures needs a question-answering model, got ${model.task}`);
  if (inputs.length === 0) return [];
  const k = args.topK ?? QA_TOP_LOGITS;
  const windows = spanFeatures(tokenizer, inputs.map((x) => ({ ...x, answers: [] })), { maxLength: args.maxLength, training: false });
  const first = windows.filter((w, i) => i === 0 || windows[i - 1].example !== w.example);
  if (first.length !== inputs.length) throw new Error(`qaFeatures: ${inputs.length - first.length} of the inputs have no context window (empty contexts?)`);
  const { cls, head } = forwardRows(model, first, args.batchSize ?? 64, (out) => (kind === "last-layer" ? undefined : tf.concat([out.startLogits!, out.endLogits!], 1)));
  const logits = head.map((row, r) => {
    const T = row.length / 2;
    const context = (offset: number) => first[r].wordOf.flatMap((w, p) => (w >= 0 ? [row[offset + p]] : []));
    return [...topValues(context(0), k), ...topValues(context(T), k)];
  });
  return combine(kind, cls, logits);
}

/** The feature extractor of a classifier victim in this process. */
export function localVictimFeatures(victim: LocalVictim, batchSize = 64): FeatureExtractor<VictimInput> {
  return (inputs, kind) => classifierFeatures(victim.model, inputs.map((x) => encodeInput(victim.tokenizer, x, victim.maxLength)), kind, batchSize);
}

/** The feature extractor of a QA victim in this process. */
export function localQaVictimFeatures(victim: LocalQaVictim, options: { topK?: number; batchSize?: number } = {}): FeatureExtractor<QaInput> {
  return (inputs, kind) => qaFeatures(victim.model, victim.tokenizer, inputs, kind, { maxLength: victim.maxLength, ...options });
}
