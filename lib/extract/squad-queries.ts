/**
 * Query generators for paragraph + question victims (SQuAD), as Krishna et al. 2020 make them
 * (§3; the slide's "RANDOM Question: What's Kazim Kazim further as and Glowworm …?"):
 *
 *   RANDOM   a paragraph of words drawn by their WikiText unigram frequency, its length drawn from
 *            WikiText's paragraph lengths;
 *   WIKI     a real WikiText paragraph;
 *   SHUFFLE  a real task query with the words of its paragraph and of its question shuffled (a
 *            membership-classification baseline, like queries.ts's SHUFFLE).
 *
 * The question of a RANDOM or WIKI query is a question starter ("What", "Who" …) followed by words
 * drawn from its own paragraph and a "?", so the two inputs are related and an answer span exists.
 * Every generator is a pure function of its seed.
 */
import { readWikitext2 } from "../data/wikitext";
import { Rng } from "../engine/rng";
import { QaInput } from "./victim";
import { detokenize } from "./wikitext-source";

export type SquadGeneratorName = "RANDOM" | "WIKI" | "SHUFFLE";
export const SQUAD_GENERATORS: readonly SquadGeneratorName[] = ["RANDOM", "WIKI", "SHUFFLE"];

/** Words a generated question opens with (SQuAD questions open with these; "What's" is the slide's). */
export const QUESTION_STARTERS: readonly string[] = ["What", "Who", "When", "Where", "Why", "How", "Which", "Whose", "Whom", "How many", "How much", "What's", "In what", "In which"];

/** What the paragraph generators draw from, built from WikiText-2 train. */
export interface ParagraphSource {
  /** Real paragraphs of `minWords`–`maxWords` words, detokenised, `<unk>` tokens dropped (WIKI). */
  paragraphs: string[];
  /** Word count of each of those paragraphs (RANDOM's length distribution). */
  paragraphLengths: number[];
  /** The most frequent word types, most frequent first (RANDOM's vocabulary). */
  vocabulary: string[];
  /** Running sums of the vocabulary's corpus counts: word i is drawn with probability count_i / total. */
  cumulativeCounts: Float64Array;
}

export interface ParagraphSourceArgs {
  /** Vocabulary size. Default 10,000 (the top-10k word types, as wikitext-source.ts's vocabulary). */
  vocabularySize?: number;
  /** Shortest paragraph kept, in words. Default 20: WikiText's shortest lines are captions and list items. */
  minWords?: number;
  /** Longest paragraph kept, in words. Default 400 (SQuAD's longest contexts are about 650 words, its mean about 120). */
  maxWords?: number;
  /** Paragraph lines to read (tests); default WikiText-2 train without headings. */
  lines?: string[];
}

const isMarker = (token: string) => /^@.@$/.test(token);

/** A word, as wikitext-source.ts counts its vocabulary: no `<unk>`, no `@-@` marker, no bare punctuation. */
function isWord(token: string): boolean {
  return token !== "<unk>" && !isMarker(token) && /[\p{L}\p{N}]/u.test(token);
}

/** Tokens without `<unk>` and without the joining markers (`@-@`) beside one or at an edge, which would otherwise join the wrong words. */
function dropUnknowns(tokens: string[]): string[] {
  const unk = (i: number) => tokens[i] === "<unk>";
  return tokens.filter((t, i) => !unk(i) && !(isMarker(t) && (unk(i - 1) || unk(i + 1) || i === 0 || i === tokens.length - 1)));
}

/** Whitespace words of a text that hold a letter or digit (punctuation tokens are not words). */
export function wordsOf(text: string): string[] {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
}

export function buildParagraphSource(args: ParagraphSourceArgs = {}): ParagraphSource {
  const lines = args.lines ?? readWikitext2("train", { dropHeadings: true });
  const minWords = args.minWords ?? 20;
  const maxWords = args.maxWords ?? 400;
  if (!(minWords >= 1 && maxWords >= minWords)) throw new Error(`buildParagraphSource: need 1 ≤ minWords ≤ maxWords, got ${minWords} and ${maxWords}`);
  const counts = new Map<string, number>();
  const paragraphs: string[] = [];
  const paragraphLengths: number[] = [];
  for (const line of lines) {
    const tokens = line.split(" ").filter(Boolean);
    for (const t of tokens) if (isWord(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
    const text = detokenize(dropUnknowns(tokens).join(" "));
    const n = wordsOf(text).length;
    if (n >= minWords && n <= maxWords) {
      paragraphs.push(text);
      paragraphLengths.push(n);
    }
  }
  if (paragraphs.length === 0) throw new Error(`buildParagraphSource: no paragraph of ${minWords}–${maxWords} words in the ${lines.length} lines given`);
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, args.vocabularySize ?? 10000);
  const cumulativeCounts = new Float64Array(top.length);
  let total = 0;
  top.forEach(([, c], i) => (cumulativeCounts[i] = total += c));
  return { paragraphs, paragraphLengths, vocabulary: top.map(([w]) => w), cumulativeCounts };
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

/** A vocabulary word drawn by its corpus frequency (binary search of the running counts). */
export function unigramWord(rng: Rng, source: ParagraphSource): string {
  const c = source.cumulativeCounts;
  const target = rng.uniform() * c[c.length - 1];
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return source.vocabulary[lo];
}

export function randomParagraph(rng: Rng, source: ParagraphSource): string {
  return Array.from({ length: pick(rng, source.paragraphLengths) }, () => unigramWord(rng, source)).join(" ");
}

export function wikiParagraph(rng: Rng, source: ParagraphSource): string {
  return pick(rng, source.paragraphs);
}

export interface QuestionArgs {
  /** Fewest and most paragraph words after the starter, drawn uniformly. Default 3 and 15 (SQuAD questions average about 10 words). */
  minWords?: number;
  maxWords?: number;
  /** Default QUESTION_STARTERS, drawn uniformly. */
  starters?: readonly string[];
}

/** A starter, words drawn (with repeats, as on the slide) from `paragraph`'s words, and "?". */
export function makeQuestion(rng: Rng, paragraph: string, args: QuestionArgs = {}): string {
  const words = wordsOf(paragraph);
  if (words.length === 0) throw new Error(`makeQuestion: the paragraph ${JSON.stringify(paragraph.slice(0, 60))} has no words to ask about`);
  const min = args.minWords ?? 3;
  const max = args.maxWords ?? 15;
  if (!(min >= 1 && max >= min)) throw new Error(`makeQuestion: need 1 ≤ minWords ≤ maxWords, got ${min} and ${max}`);
  const n = min + rng.int(max - min + 1);
  const body = Array.from({ length: n }, () => pick(rng, words));
  return `${pick(rng, args.starters ?? QUESTION_STARTERS)} ${body.join(" ")}?`;
}

export interface SquadGenerateArgs {
  generator: SquadGeneratorName;
  count: number;
  seed: number;
  /** RANDOM and WIKI draw from it. */
  source?: ParagraphSource;
  question?: QuestionArgs;
  /** SHUFFLE: the real task queries whose words it shuffles. */
  taskInputs?: readonly QaInput[];
}

const shuffleWords = (rng: Rng, text: string) => rng.shuffle(text.split(/\s+/).filter(Boolean)).join(" ");

export function generateSquadQueries(args: SquadGenerateArgs): QaInput[] {
  const rng = Rng.derive(args.seed, `squad-queries-${args.generator}`);
  if (args.generator === "SHUFFLE") {
    const inputs = args.taskInputs;
    if (!inputs || inputs.length === 0) throw new Error("SHUFFLE needs taskInputs: the real task queries whose words it shuffles");
    return Array.from({ length: args.count }, () => {
      const x = pick(rng, inputs);
      return { context: shuffleWords(rng, x.context), question: shuffleWords(rng, x.question) };
    });
  }
  const source = args.source;
  if (!source) throw new Error(`${args.generator} needs a paragraph source (buildParagraphSource())`);
  return Array.from({ length: args.count }, () => {
    const context = args.generator === "RANDOM" ? randomParagraph(rng, source) : wikiParagraph(rng, source);
    return { context, question: makeQuestion(rng, context, args.question) };
  });
}
