/**
 * A victim: the model behind an API that an extraction attack queries. Anything that answers
 * `query` is one: a model in this process (`LocalVictim`), or the HTTP API of `npm run serve`
 * (`HttpVictim`, lib/extract/http-victim.ts). A question-answering victim (`QaVictim`,
 * `LocalQaVictim`) answers a paragraph and a question with a span of the paragraph.
 */

import type { Encoded, TextTokenizer } from "../tokenize/tokenizer";

/** One query: a single text (SST-2) or a premise / hypothesis pair (NLI). */
export type VictimInput = string | { premise: string; hypothesis: string };

/** An input as one line of text for tables and plots: a pair as "premise ‖ hypothesis". */
export function inputText(input: VictimInput): string {
  return typeof input === "string" ? input : `${input.premise} ‖ ${input.hypothesis}`;
}

export interface VictimAnswer {
  /** Index of the predicted label in `labels`. */
  label: number;
  /** Class probabilities, when the API exposes them (same order as `labels`). */
  probabilities?: number[];
}

export interface Victim {
  /** Label names, in index order. */
  readonly labels: readonly string[];
  /** Whether answers carry probabilities (some APIs return labels only). */
  readonly exposesProbabilities: boolean;
  /** Answers for a batch of inputs, in order. */
  query(inputs: VictimInput[]): Promise<VictimAnswer[]>;
}

/** Anything that answers batches of queries in order: a classifier `Victim`, a `QaVictim`, or a defense wrapped around one. */
export interface Oracle<Input, Answer> {
  query(inputs: Input[]): Promise<Answer[]>;
}

/**
 * One reading-comprehension query (SQuAD): a paragraph and a question about it. A type of its
 * own rather than a third `VictimInput` variant, so code written for texts and pairs (label
 * answers) never receives a query whose answer is a span.
 */
export interface QaInput {
  context: string;
  question: string;
}

/** A QA victim's answer: a span of the query's context, `context.slice(start, start + text.length) === text`. */
export interface QaAnswer {
  text: string;
  /** Character offset of the span in the context. */
  start: number;
}

/** A question-answering victim: each answer is a span of its query's context. */
export type QaVictim = Oracle<QaInput, QaAnswer>;

/** Token ids (and token types) of one input, cut to `maxLength`. */
export function encodeInput(tokenizer: TextTokenizer, input: VictimInput, maxLength: number): Encoded {
  return typeof input === "string" ? tokenizer.encode(input, undefined, { maxLength }) : tokenizer.encode(input.premise, input.hypothesis, { maxLength });
}
