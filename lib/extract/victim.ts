/**
 * A victim: the model behind an API that an extraction attack queries. Anything that answers
 * `query` is one: a model in this process (`LocalVictim`), or the HTTP API of `npm run serve`
 * (`HttpVictim`, lib/extract/http-victim.ts).
 */

import type { Encoded, TextTokenizer } from "../tokenize/tokenizer";

/** One query: a single text (SST-2) or a premise / hypothesis pair (NLI). */
export type VictimInput = string | { premise: string; hypothesis: string };

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

/** Token ids (and token types) of one input, cut to `maxLength`. */
export function encodeInput(tokenizer: TextTokenizer, input: VictimInput, maxLength: number): Encoded {
  return typeof input === "string" ? tokenizer.encode(input, undefined, { maxLength }) : tokenizer.encode(input.premise, input.hypothesis, { maxLength });
}
