/** lib/train/metrics.ts and lib/train/squad-metric.ts against hand-computed values. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { matthewsCorrelation, pearsonCorrelation } from "../../lib/train/metrics";
import { answerF1, exactMatch, normalizeAnswer, squadScores } from "../../lib/train/squad-metric";

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

test("Matthews correlation: TP 2, TN 2, FP 1, FN 1 gives (4 − 1) / √(3·3·3·3) = 1/3; perfect 1, inverted −1, one class predicted 0", () => {
  close(matthewsCorrelation([1, 1, 0, 0, 1, 0], [1, 0, 0, 0, 1, 1]), 1 / 3, "binary");
  close(matthewsCorrelation([1, 0, 1, 0], [1, 0, 1, 0]), 1, "perfect");
  close(matthewsCorrelation([0, 1, 0, 1], [1, 0, 1, 0]), -1, "inverted");
  assert.equal(matthewsCorrelation([1, 1, 1, 1], [1, 0, 1, 0]), 0, "a constant prediction: sklearn's 0, not NaN");
  // Three classes (Gorodkin): c = 5 of s = 6 right, t = (2, 2, 2), p = (2, 3, 1): (5·6 − 12) / √((36 − 14)(36 − 12)).
  close(matthewsCorrelation([0, 1, 1, 0, 1, 2], [0, 1, 2, 0, 1, 2]), 18 / Math.sqrt(22 * 24), "multiclass");
  assert.throws(() => matthewsCorrelation([1], [1, 0]), /1 predictions but 2 labels/);
});

test("Pearson correlation: (1,2,3,4) vs (2,4,5,4) is 3.5 / √(5 · 4.75); scale-free; 0 for a constant series", () => {
  close(pearsonCorrelation([1, 2, 3, 4], [2, 4, 5, 4]), 3.5 / Math.sqrt(5 * 4.75), "hand value");
  close(pearsonCorrelation([1, 2, 3, 4], [2, 4, 5, 4].map((v) => 10 * v - 3)), 3.5 / Math.sqrt(5 * 4.75), "affine in y");
  close(pearsonCorrelation([1, 2, 3], [3, 2, 1]), -1, "perfectly anti-correlated");
  assert.equal(pearsonCorrelation([1, 2, 3], [2, 2, 2]), 0);
  assert.throws(() => pearsonCorrelation([1], [1]), /at least two/);
});

test("SQuAD normalisation as evaluate-v1.1.py: lower case, punctuation and articles out, whitespace collapsed; articles only as whole words", () => {
  assert.equal(normalizeAnswer("The  Denver Broncos!"), "denver broncos");
  assert.equal(normalizeAnswer("an apple a day, the (best) way"), "apple day best way");
  assert.equal(normalizeAnswer("Theatre and Anthem"), "theatre and anthem");
  assert.equal(normalizeAnswer("théatre"), "théatre", "no word boundary inside a non-ASCII word (Python's \\b is Unicode-aware)");
  assert.equal(normalizeAnswer("1,000-year"), "1000year");
});

test("SQuAD exact match and F1 by hand; each question scored by its best gold answer", () => {
  assert.equal(exactMatch("the Denver Broncos", "Denver Broncos."), 1);
  assert.equal(exactMatch("Denver Broncos team", "the Denver Broncos"), 0);
  close(answerF1("Denver Broncos team", "the Denver Broncos"), 0.8, "P 2/3, R 1");
  close(answerF1("x x y", "x y y"), 2 / 3, "shared tokens counted as a multiset");
  assert.equal(answerF1("the", "a"), 0, "nothing left after normalisation: 0, as the script");
  assert.equal(answerF1("Paris", "London"), 0);
  const s = squadScores(["Denver Broncos", "Santa Clara, California"], [["Denver Broncos", "the Denver Broncos"], ["Santa Clara", "Levi's Stadium"]]);
  close(s.exactMatch, 0.5, "EM");
  close(s.f1, (1 + 0.8) / 2, "F1");
  assert.throws(() => squadScores(["a"], [[]]), /question 0 has no gold answer/);
});
