/**
 * Wrong answers for a QA victim: spans of the query's own context, so a watermarked or gated
 * answer looks like any other answer (a run of whole context words, as the victim's are).
 */
import { Rng } from "../engine/rng";
import { QaAnswer } from "../extract/victim";
import { normalizeAnswer } from "../train/squad-metric";
import { contextWords } from "../train/span";

/** Longest random span, in words (SQuAD answers average about 3). */
const MAX_RANDOM_WORDS = 5;

/** The span of words [first, last] of `context`. */
function spanOf(context: string, words: { start: number; end: number }[], first: number, last: number): QaAnswer {
  return { text: context.slice(words[first].start, words[last].end), start: words[first].start };
}

/** A random span of 1–5 words of `context` ("" at 0 for a context without words). */
export function randomSpan(rng: Rng, context: string): QaAnswer {
  const words = contextWords(context);
  if (words.length === 0) return { text: "", start: 0 };
  const first = rng.int(words.length);
  const length = 1 + rng.int(Math.min(MAX_RANDOM_WORDS, words.length - first));
  return spanOf(context, words, first, first + length - 1);
}

/**
 * A span of `context` as long (in words) as `answer` but with a different normalised text (SQuAD's
 * exact match tells them apart), at a random place; undefined when the context has none.
 */
export function otherSpan(rng: Rng, context: string, answer: QaAnswer): QaAnswer | undefined {
  const words = contextWords(context);
  if (words.length === 0) return undefined;
  const length = Math.min(words.length, Math.max(1, answer.text.split(/\s+/).filter(Boolean).length));
  const starts = words.length - length + 1;
  const truth = normalizeAnswer(answer.text);
  const differs = (span: QaAnswer) => {
    const text = normalizeAnswer(span.text);
    return text !== "" && text !== truth;
  };
  for (let attempt = 0; attempt < 16; attempt++) {
    const first = rng.int(starts);
    const span = spanOf(context, words, first, first + length - 1);
    if (differs(span)) return span;
  }
  // Contexts that repeat the answer everywhere: take the first different span in order.
  for (let first = 0; first < starts; first++) {
    const span = spanOf(context, words, first, first + length - 1);
    if (differs(span)) return span;
  }
  return undefined;
}
