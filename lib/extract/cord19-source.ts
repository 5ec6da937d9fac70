/**
 * A query source with the CORD-19 abstracts' vocabulary (Keskar et al. 2020, §4, the vocabulary
 * ablation): the same RANDOM generator, but its words drawn from the most frequent word types of
 * biomedical abstracts about COVID-19 instead of Wikipedia's. Sentence lengths stay WikiText's by
 * default, so the vocabulary is the only thing that changes.
 */
import { readCord19 } from "../data/cord19";
import { QuerySource, buildQuerySource } from "./wikitext-source";

export interface Cord19SourceArgs {
  /** Vocabulary size. Default 10,000 (as WikiText's). */
  vocabularySize?: number;
  /** RANDOM's sentence lengths: WikiText's distribution (default; only the vocabulary changes) or the abstracts' own. */
  lengths?: "wikitext" | "cord19";
  /** Longest sentence kept in `sentences`, in words. Default 50. */
  maxWords?: number;
  /** Abstracts to read (tests); default all 3,464. */
  abstracts?: string[];
  /** WikiText's sentence lengths, when already built (saves reading WikiText again). */
  wikitextLengths?: number[];
}

/**
 * The word tokens of a text: maximal runs of letters and digits, with inner hyphens and
 * apostrophes kept ("COVID-19", "patient's"); punctuation and symbols are not words. Case is kept,
 * as in WikiText's vocabulary.
 */
export function cord19Words(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
}

/** The sentences of an abstract: split after ".", "?" or "!" followed by white space. */
export function abstractSentences(text: string): string[] {
  return text.split(/(?<=[.?!])\s+/).map((s) => s.trim()).filter(Boolean);
}

export function buildCord19Source(args: Cord19SourceArgs = {}): QuerySource {
  const abstracts = args.abstracts ?? readCord19();
  const maxWords = args.maxWords ?? 50;
  const counts = new Map<string, number>();
  const sentences: string[] = [];
  const ownLengths: number[] = [];
  for (const abstract of abstracts) {
    for (const sentence of abstractSentences(abstract)) {
      const words = cord19Words(sentence);
      if (words.length === 0) continue;
      ownLengths.push(words.length);
      for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
      if (words.length <= maxWords) sentences.push(sentence);
    }
  }
  const vocabulary = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, args.vocabularySize ?? 10000).map(([w]) => w);
  const sentenceLengths = (args.lengths ?? "wikitext") === "cord19" ? ownLengths : (args.wikitextLengths ?? buildQuerySource().sentenceLengths);
  return { sentences, sentenceLengths, vocabulary };
}

/** The `n` most frequent words of `a`'s vocabulary that `b`'s vocabulary lacks (what sets one domain apart). */
export function distinctiveWords(a: QuerySource, b: QuerySource, n = 10): string[] {
  const other = new Set(b.vocabulary);
  return a.vocabulary.filter((w) => !other.has(w)).slice(0, n);
}

/** Share of `a`'s vocabulary that is also in `b`'s. */
export function vocabularyOverlap(a: QuerySource, b: QuerySource): number {
  const other = new Set(b.vocabulary);
  return a.vocabulary.filter((w) => other.has(w)).length / a.vocabulary.length;
}
