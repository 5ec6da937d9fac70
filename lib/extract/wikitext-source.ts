/**
 * What the query generators draw from, built from WikiText-2 train (Krishna et al. use
 * WikiText-103; WikiText-2 is its vendored subset): its sentences, the length distribution of
 * those sentences in words, and its most frequent word types.
 */
import { readWikitext2 } from "../data/wikitext";

export interface QuerySource {
  /** Real sentences of at most `maxWords` words, detokenised (WIKI). */
  sentences: string[];
  /** Word count of every sentence of the corpus (RANDOM's length distribution). */
  sentenceLengths: number[];
  /** The most frequent word types, most frequent first (RANDOM's vocabulary). */
  vocabulary: string[];
}

export interface QuerySourceArgs {
  /** Vocabulary size. Default 10,000 (the paper's top-10k WikiText word types). */
  vocabularySize?: number;
  /** Longest WIKI sentence in words. Default 50. */
  maxWords?: number;
  /** Paragraph lines to read (tests); default all. */
  lines?: string[];
}

/** WikiText's tokenisation undone where it changes the text: "1 @,@ 000" → "1,000", "role @-@ playing" → "role-playing". */
export function detokenize(text: string): string {
  return text.replace(/ @([-,.])@ /g, "$1").replace(/ +/g, " ").trim();
}

/** The sentences of a WikiText paragraph: its tokens split after each " . ", " ? " or " ! ". */
export function splitSentences(paragraph: string): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const token of paragraph.split(" ").filter(Boolean)) {
    current.push(token);
    if (token === "." || token === "?" || token === "!") {
      out.push(current);
      current = [];
    }
  }
  if (current.length) out.push(current);
  return out;
}

/** A word type for the vocabulary: no `<unk>`, no tokenisation marker, no bare punctuation. */
function isWord(token: string): boolean {
  return token !== "<unk>" && !/^@.@$/.test(token) && /[\p{L}\p{N}]/u.test(token);
}

export function buildQuerySource(args: QuerySourceArgs = {}): QuerySource {
  const lines = args.lines ?? readWikitext2("train", { dropHeadings: true });
  const maxWords = args.maxWords ?? 50;
  const counts = new Map<string, number>();
  const sentences: string[] = [];
  const sentenceLengths: number[] = [];
  for (const line of lines) {
    for (const tokens of splitSentences(line)) {
      const words = tokens.filter((t) => !/^@.@$/.test(t));
      sentenceLengths.push(words.length);
      for (const t of words) if (isWord(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
      if (words.length <= maxWords && !tokens.includes("<unk>")) sentences.push(detokenize(tokens.join(" ")));
    }
  }
  const vocabulary = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, args.vocabularySize ?? 10000).map(([w]) => w);
  return { sentences, sentenceLengths, vocabulary };
}
