/**
 * The query generators of Krishna et al. 2020 ("Thieves on Sesame Street", §3): inputs an
 * attacker can make without any task data.
 *
 *   RANDOM   words drawn uniformly from a vocabulary, sentence length from WikiText's (or 1–60).
 *   WIKI     real Wikipedia sentences; words outside the vocabulary optionally replaced by random ones.
 *   SHUFFLE  real task inputs with their words shuffled (a defense baseline: membership inference).
 *
 * For pair tasks (NLI) the hypothesis is the premise with 3 words replaced at random, so the two
 * inputs are related, as the paper does. Every generator is a pure function of its seed.
 */
import { Rng } from "../engine/rng";
import { VictimInput } from "./victim";
import { QuerySource } from "./wikitext-source";

export type GeneratorName = "RANDOM" | "WIKI" | "SHUFFLE";
export const GENERATORS: readonly GeneratorName[] = ["RANDOM", "WIKI", "SHUFFLE"];

export interface GenerateArgs {
  generator: GeneratorName;
  /** Single texts (SST-2) or premise / hypothesis pairs (NLI). */
  shape: "single" | "pair";
  count: number;
  seed: number;
  source: QuerySource;
  /** RANDOM sentence lengths: from WikiText's distribution (default) or uniform in 1–60. */
  lengths?: "wikitext" | "uniform";
  /** WIKI: replace words outside `source.vocabulary` by random vocabulary words. Default false. */
  replaceOov?: boolean;
  /** Words replaced to make a hypothesis from a premise. Default 3. */
  pairReplacements?: number;
  /** SHUFFLE: the real task inputs whose words are shuffled. */
  taskInputs?: VictimInput[];
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

export function randomSentence(rng: Rng, source: QuerySource, lengths: "wikitext" | "uniform" = "wikitext"): string {
  const n = lengths === "uniform" ? 1 + rng.int(60) : Math.max(1, pick(rng, source.sentenceLengths));
  return Array.from({ length: n }, () => pick(rng, source.vocabulary)).join(" ");
}

export function wikiSentence(rng: Rng, source: QuerySource, replaceOov = false, vocabulary?: ReadonlySet<string>): string {
  const sentence = pick(rng, source.sentences);
  if (!replaceOov) return sentence;
  const known = vocabulary ?? new Set(source.vocabulary);
  return sentence.split(" ").map((w) => (known.has(w) || !/[\p{L}\p{N}]/u.test(w) ? w : pick(rng, source.vocabulary))).join(" ");
}

/** `text` with `k` of its words (distinct positions) replaced by random vocabulary words. */
export function replaceWords(rng: Rng, text: string, k: number, source: QuerySource): string {
  const words = text.split(" ");
  const positions = rng.shuffle(words.map((_, i) => i)).slice(0, Math.min(k, words.length));
  for (const p of positions) words[p] = pick(rng, source.vocabulary);
  return words.join(" ");
}

export function shuffleWords(rng: Rng, text: string): string {
  return rng.shuffle(text.split(" ")).join(" ");
}

export function generateQueries(args: GenerateArgs): VictimInput[] {
  const rng = Rng.derive(args.seed, `queries-${args.generator}-${args.shape}`);
  const vocabulary = new Set(args.source.vocabulary);
  const first = (): string => {
    if (args.generator === "RANDOM") return randomSentence(rng, args.source, args.lengths);
    return wikiSentence(rng, args.source, args.replaceOov, vocabulary);
  };
  if (args.generator === "SHUFFLE") {
    const inputs = args.taskInputs;
    if (!inputs || inputs.length === 0) throw new Error("SHUFFLE needs taskInputs: the real task inputs whose words it shuffles");
    return Array.from({ length: args.count }, () => {
      const input = pick(rng, inputs);
      return typeof input === "string" ? shuffleWords(rng, input) : { premise: shuffleWords(rng, input.premise), hypothesis: shuffleWords(rng, input.hypothesis) };
    });
  }
  return Array.from({ length: args.count }, () => {
    const premise = first();
    if (args.shape === "single") return premise;
    return { premise, hypothesis: replaceWords(rng, premise, args.pairReplacements ?? 3, args.source) };
  });
}

/** Queries for a budget of `multiple` × the victim's training-set size, times `scale` (a `small`-preset factor, printed next to every number). */
export function budgetQueries(trainSize: number, multiple: number, scale = 1): number {
  if (!(multiple > 0)) throw new Error(`query budget multiple must be positive, got ${multiple}`);
  if (!(scale > 0 && scale <= 1)) throw new Error(`budget scale must be in (0, 1], got ${scale}`);
  return Math.max(1, Math.round(trainSize * multiple * scale));
}
