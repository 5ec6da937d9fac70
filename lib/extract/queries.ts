/**
 * The query generators of Krishna et al. 2020 ("Thieves on Sesame Street", §3): inputs an
 * attacker can make without any task data.
 *
 *   RANDOM   words drawn uniformly from a vocabulary, sentence length from WikiText's (or 1–60).
 *   WIKI     real Wikipedia sentences; words outside the vocabulary optionally replaced by random ones.
 *   SHUFFLE  real task inputs with their words shuffled (a defense baseline: membership inference).
 *
 * For pair tasks (NLI) the hypothesis is the premise with 3 words replaced at random, so the two
 * inputs are related, as the paper does. Keskar et al. 2020 ("Thieves on Sesame Street are
 * Polyglots", §2) draw the pair the other way round — the hypothesis first, the premise the
 * hypothesis with 3 words swapped — and every swap changes its word: `pairOrder` and
 * `exactReplacements` select that (`gibberishNliPairs`). Every generator is a pure function of its seed.
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
  /** Words replaced to make the second sentence of a pair from the first. Default 3. */
  pairReplacements?: number;
  /**
   * Which sentence of a pair is drawn and which is derived from it: "premise-first" (default;
   * Krishna et al.: the hypothesis is the premise with words replaced) or "hypothesis-first"
   * (Keskar et al.: the premise is the hypothesis with words swapped).
   */
  pairOrder?: "premise-first" | "hypothesis-first";
  /**
   * Pairs differ in exactly `pairReplacements` positions: each replacement word differs from the
   * word it replaces, and a drawn sentence shorter than `pairReplacements` words is drawn again
   * (so RANDOM lengths follow WikiText's distribution restricted to ≥ `pairReplacements` words;
   * 1.8 % of WikiText-2's sentences are shorter than 3). Default false (the replacement may repeat
   * the word; a short sentence has all its words replaced).
   */
  exactReplacements?: boolean;
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

/** `text` with exactly `k` of its words (distinct positions) replaced, each by a vocabulary word other than the one it replaces. Needs at least `k` words. */
export function swapWordsExactly(rng: Rng, text: string, k: number, source: QuerySource): string {
  const words = text.split(" ");
  if (words.length < k) throw new Error(`cannot swap ${k} words of a ${words.length}-word text`);
  if (source.vocabulary.every((w) => w === source.vocabulary[0])) throw new Error("swapping a word for a different one needs a vocabulary of at least 2 words");
  for (const p of rng.shuffle(words.map((_, i) => i)).slice(0, k)) {
    let word = pick(rng, source.vocabulary);
    while (word === words[p]) word = pick(rng, source.vocabulary);
    words[p] = word;
  }
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
  const k = args.pairReplacements ?? 3;
  return Array.from({ length: args.count }, () => {
    if (args.shape === "single") return first();
    if (!args.exactReplacements && (args.pairOrder ?? "premise-first") === "premise-first") {
      const premise = first();
      return { premise, hypothesis: replaceWords(rng, premise, k, args.source) };
    }
    let drawn = first();
    if (args.exactReplacements) {
      for (let tries = 0; drawn.split(" ").length < k; tries++) {
        if (tries >= 1000) throw new Error(`no sentence of at least ${k} words in 1,000 draws; the source's sentences are too short for exactReplacements`);
        drawn = first();
      }
    }
    const derived = args.exactReplacements ? swapWordsExactly(rng, drawn, k, args.source) : replaceWords(rng, drawn, k, args.source);
    return args.pairOrder === "hypothesis-first" ? { premise: derived, hypothesis: drawn } : { premise: drawn, hypothesis: derived };
  });
}

/**
 * The Polyglots paper's gibberish NLI queries (Keskar et al. 2020, §2): hypothesis = words drawn
 * uniformly from `source.vocabulary`, its length from `source.sentenceLengths` (at least 3 words);
 * premise = the hypothesis with exactly 3 words swapped for other random vocabulary words.
 */
export function gibberishNliPairs(count: number, seed: number, source: QuerySource): { premise: string; hypothesis: string }[] {
  return generateQueries({ generator: "RANDOM", shape: "pair", count, seed, source, pairOrder: "hypothesis-first", exactReplacements: true, pairReplacements: 3 }) as { premise: string; hypothesis: string }[];
}

/** Queries for a budget of `multiple` × the victim's training-set size, times `scale` (a `small`-preset factor, printed next to every number). */
export function budgetQueries(trainSize: number, multiple: number, scale = 1): number {
  if (!(multiple > 0)) throw new Error(`query budget multiple must be positive, got ${multiple}`);
  if (!(scale > 0 && scale <= 1)) throw new Error(`budget scale must be in (0, 1], got ${scale}`);
  return Math.max(1, Math.round(trainSize * multiple * scale));
}
