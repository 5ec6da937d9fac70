/** lib/extract/squad-queries.ts: paragraph sources, unigram sampling, paragraph lengths, questions from their paragraph, SHUFFLE, seeds. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/engine/rng";
import { buildParagraphSource, generateSquadQueries, makeQuestion, QUESTION_STARTERS, unigramWord, wordsOf } from "../../lib/extract/squad-queries";

const source = buildParagraphSource();
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];

/** The starter (longest match) and the body words of a generated question. */
function parseQuestion(question: string): { starter: string; body: string[] } {
  assert.ok(question.endsWith("?"), `"${question}" ends with "?"`);
  const starter = [...QUESTION_STARTERS].sort((a, b) => b.length - a.length).find((s) => question.startsWith(s + " "));
  assert.ok(starter, `"${question}" opens with a question starter`);
  return { starter, body: question.slice(starter.length + 1, -1).split(" ") };
}

test("the paragraph source: WikiText paragraphs of 20–400 words without <unk>, the top-10k words with running counts", () => {
  assert.ok(source.paragraphs.length > 10000, `${source.paragraphs.length} paragraphs`);
  assert.equal(source.paragraphs.length, source.paragraphLengths.length);
  source.paragraphs.forEach((p, i) => {
    assert.equal(wordsOf(p).length, source.paragraphLengths[i]);
    assert.ok(source.paragraphLengths[i] >= 20 && source.paragraphLengths[i] <= 400);
  });
  assert.ok(source.paragraphs.every((p) => !p.includes("<unk>") && !/@.@/.test(p)), "no <unk>, no WikiText marker");
  assert.equal(source.vocabulary.length, 10000);
  assert.equal(source.vocabulary[0], "the");
  for (let i = 1; i < source.cumulativeCounts.length; i++) assert.ok(source.cumulativeCounts[i] > source.cumulativeCounts[i - 1]);
});

test("RANDOM words follow the unigram frequencies", () => {
  const small = buildParagraphSource({ lines: ["a a a a a a b b b c words enough here"], minWords: 1 });
  // Counts: a 6, b 3, then c, words, enough, here once each (13 in all).
  const rng = new Rng(3);
  const draws = new Map<string, number>();
  const n = 60000;
  for (let i = 0; i < n; i++) {
    const w = unigramWord(rng, small);
    draws.set(w, (draws.get(w) ?? 0) + 1);
  }
  assert.deepEqual(new Set(draws.keys()), new Set(["a", "b", "c", "words", "enough", "here"]));
  assert.ok(Math.abs(draws.get("a")! / n - 6 / 13) < 0.01, `a: ${draws.get("a")! / n}`);
  assert.ok(Math.abs(draws.get("b")! / n - 3 / 13) < 0.01, `b: ${draws.get("b")! / n}`);
  assert.ok(Math.abs(draws.get("c")! / n - 1 / 13) < 0.01, `c: ${draws.get("c")! / n}`);
  // On WikiText, "the" is drawn about as often as it occurs.
  const theShare = source.cumulativeCounts[0] / source.cumulativeCounts[source.cumulativeCounts.length - 1];
  const words = generateSquadQueries({ generator: "RANDOM", count: 300, seed: 1, source }).flatMap((q) => q.context.split(" "));
  const share = words.filter((w) => w === "the").length / words.length;
  assert.ok(Math.abs(share - theShare) < 0.1 * theShare, `"the" drawn ${share} of the time, ${theShare} in the corpus`);
});

test("RANDOM paragraph lengths follow WikiText's paragraph lengths; WIKI paragraphs are real ones", () => {
  const random = generateSquadQueries({ generator: "RANDOM", count: 3000, seed: 2, source });
  const vocabulary = new Set(source.vocabulary);
  const lengths = random.map((q) => {
    const words = q.context.split(" ");
    assert.ok(words.every((w) => vocabulary.has(w)));
    return words.length;
  });
  for (const q of [0.1, 0.5, 0.9]) {
    const ours = quantile(lengths, q);
    const theirs = quantile(source.paragraphLengths, q);
    assert.ok(Math.abs(ours - theirs) <= 0.1 * theirs + 2, `quantile ${q}: ${ours} words vs WikiText's ${theirs}`);
  }
  assert.ok(Math.abs(mean(lengths) - mean(source.paragraphLengths)) < 0.05 * mean(source.paragraphLengths));
  const paragraphs = new Set(source.paragraphs);
  const wiki = generateSquadQueries({ generator: "WIKI", count: 500, seed: 2, source });
  assert.ok(wiki.every((q) => paragraphs.has(q.context)));
  assert.ok(new Set(wiki.map((q) => q.context)).size > 450, "WIKI draws many different paragraphs");
});

test("questions: a starter, 3–15 words of their own paragraph, a trailing ?", () => {
  const starters = new Set<string>();
  for (const generator of ["RANDOM", "WIKI"] as const) {
    for (const q of generateSquadQueries({ generator, count: 1500, seed: 4, source })) {
      const { starter, body } = parseQuestion(q.question);
      starters.add(starter);
      const words = new Set(wordsOf(q.context));
      assert.ok(body.length >= 3 && body.length <= 15, `${body.length} words: ${q.question}`);
      for (const w of body) assert.ok(words.has(w), `"${w}" of "${q.question}" is a word of its paragraph`);
    }
  }
  assert.equal(starters.size, QUESTION_STARTERS.length, "every starter is used");
  const rng = new Rng(5);
  const custom = makeQuestion(rng, "Alpha beta , gamma .", { minWords: 2, maxWords: 2, starters: ["Who"] });
  assert.match(custom, /^Who (Alpha|beta|gamma) (Alpha|beta|gamma)\?$/, "punctuation tokens are not words");
  assert.throws(() => makeQuestion(rng, ", . ;"), /has no words to ask about/);
});

test("generators are pure functions of their seed; SHUFFLE keeps every word of the real query", () => {
  for (const generator of ["RANDOM", "WIKI"] as const) {
    const a = generateSquadQueries({ generator, count: 20, seed: 9, source });
    assert.deepEqual(generateSquadQueries({ generator, count: 20, seed: 9, source }), a);
    assert.notDeepEqual(generateSquadQueries({ generator, count: 20, seed: 10, source }), a);
  }
  const real = [{ context: "The cat sat on the mat in 1990 .", question: "Where did the cat sit?" }];
  const shuffled = generateSquadQueries({ generator: "SHUFFLE", count: 30, seed: 1, taskInputs: real });
  const sorted = (s: string) => s.split(" ").sort().join(" ");
  for (const q of shuffled) {
    assert.equal(sorted(q.context), sorted(real[0].context));
    assert.equal(sorted(q.question), sorted(real[0].question));
  }
  assert.ok(shuffled.some((q) => q.context !== real[0].context), "the words move");
  assert.throws(() => generateSquadQueries({ generator: "SHUFFLE", count: 1, seed: 1 }), /SHUFFLE needs taskInputs/);
  assert.throws(() => generateSquadQueries({ generator: "RANDOM", count: 1, seed: 1 }), /needs a paragraph source/);
});
