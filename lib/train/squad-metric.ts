/**
 * SQuAD v1.1's official scores (Rajpurkar et al. 2016; `evaluate-v1.1.py`): answers normalised
 * (lower case, ASCII punctuation and the articles a / an / the removed, whitespace collapsed), then
 * exact match and token-level F1, each the best over a question's gold answers.
 */

/** Python's string.punctuation. */
const PUNCTUATION = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");

/** evaluate-v1.1.py's normalize_answer: white_space_fix(remove_articles(remove_punc(lower(s)))). */
export function normalizeAnswer(s: string): string {
  const noPunctuation = [...s.toLowerCase()].filter((c) => !PUNCTUATION.has(c)).join("");
  // Python's \b is Unicode-aware (letters, digits, _), JavaScript's is ASCII-only: spelled out.
  return noPunctuation.replace(/(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu, " ").split(/\s+/).filter(Boolean).join(" ");
}

export function exactMatch(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

/** Token F1 of the normalised answers: 2PR / (P + R) over the multiset of shared tokens. */
export function answerF1(prediction: string, gold: string): number {
  const p = normalizeAnswer(prediction).split(" ").filter(Boolean);
  const g = normalizeAnswer(gold).split(" ").filter(Boolean);
  const counts = new Map<string, number>();
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of p) {
    const left = counts.get(t) ?? 0;
    if (left > 0) {
      same++;
      counts.set(t, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / g.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Mean exact match and F1 (fractions in [0, 1]; the script prints them × 100) of predictions against each question's gold answers. */
export function squadScores(predictions: readonly string[], golds: readonly (readonly string[])[]): { exactMatch: number; f1: number } {
  if (predictions.length !== golds.length) throw new Error(`squadScores: ${predictions.length} predictions for ${golds.length} questions`);
  if (predictions.length === 0) throw new Error("squadScores needs at least one question");
  let em = 0, f1 = 0;
  predictions.forEach((prediction, i) => {
    if (golds[i].length === 0) throw new Error(`squadScores: question ${i} has no gold answer`);
    em += Math.max(...golds[i].map((g) => exactMatch(prediction, g)));
    f1 += Math.max(...golds[i].map((g) => answerF1(prediction, g)));
  });
  return { exactMatch: em / predictions.length, f1: f1 / predictions.length };
}
