/** The Polyglots paper's gibberish NLI pairs (gibberishNliPairs and the pairOrder / exactReplacements options of generateQueries): exactly 3 swaps, WikiText's lengths, seeded. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/engine/rng";
import { generateQueries, gibberishNliPairs, swapWordsExactly } from "../../lib/extract/queries";
import { QuerySource, buildQuerySource } from "../../lib/extract/wikitext-source";

const source = buildQuerySource();
const differing = (a: string, b: string) => {
  const x = a.split(" ");
  const y = b.split(" ");
  assert.equal(x.length, y.length, `${a} | ${b}`);
  return x.filter((w, i) => w !== y[i]).length;
};

test("premise and hypothesis differ in exactly 3 positions, every word from the vocabulary", () => {
  const vocab = new Set(source.vocabulary);
  const pairs = gibberishNliPairs(2000, 4, source);
  for (const { premise, hypothesis } of pairs) {
    assert.equal(differing(premise, hypothesis), 3, `${premise} | ${hypothesis}`);
    for (const w of [...premise.split(" "), ...hypothesis.split(" ")]) assert.ok(vocab.has(w), w);
  }
});

test("hypothesis lengths follow WikiText's sentence-length distribution (restricted to ≥ 3 words)", () => {
  const lengths = gibberishNliPairs(4000, 8, source).map((p) => p.hypothesis.split(" ").length);
  const reference = source.sentenceLengths.filter((n) => n >= 3);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];
  assert.ok(Math.min(...lengths) >= 3);
  assert.ok(Math.abs(mean(lengths) - mean(reference)) < 0.05 * mean(reference), `mean ${mean(lengths)} vs ${mean(reference)}`);
  for (const q of [0.1, 0.5, 0.9]) assert.ok(Math.abs(quantile(lengths, q) - quantile(reference, q)) <= 2, `quantile ${q}: ${quantile(lengths, q)} vs ${quantile(reference, q)}`);
  // A source whose sentences are 2 or 5 words long: a 2-word draw is drawn again, so every hypothesis has 5.
  const skewed: QuerySource = { ...source, sentenceLengths: [2, 5] };
  assert.ok(gibberishNliPairs(200, 1, skewed).every((p) => p.hypothesis.split(" ").length === 5));
});

test("the hypothesis is drawn first; the premise is derived from it (the reverse of Krishna et al.'s order)", () => {
  // Same seed, same stream: the drawn sentence of the default order is the premise, here the hypothesis.
  const krishna = generateQueries({ generator: "RANDOM", shape: "pair", count: 50, seed: 2, source, exactReplacements: true }) as { premise: string; hypothesis: string }[];
  const keskar = gibberishNliPairs(50, 2, source);
  assert.deepEqual(keskar.map((p) => p.hypothesis), krishna.map((p) => p.premise));
  assert.deepEqual(keskar.map((p) => p.premise), krishna.map((p) => p.hypothesis));
});

test("seeded: the same seed gives the same pairs, another seed others; the default generator is unchanged", () => {
  assert.deepEqual(gibberishNliPairs(100, 7, source), gibberishNliPairs(100, 7, source));
  assert.notDeepEqual(gibberishNliPairs(100, 7, source), gibberishNliPairs(100, 8, source));
  const plain = generateQueries({ generator: "RANDOM", shape: "pair", count: 30, seed: 5, source });
  const explicit = generateQueries({ generator: "RANDOM", shape: "pair", count: 30, seed: 5, source, pairOrder: "premise-first", exactReplacements: false });
  assert.deepEqual(plain, explicit, "the new options' defaults are the old behaviour");
});

test("swapWordsExactly never keeps a word it swaps, and refuses texts that are too short", () => {
  const tiny: QuerySource = { sentences: [], sentenceLengths: [3], vocabulary: ["a", "b"] };
  const rng = new Rng(3);
  for (let i = 0; i < 50; i++) assert.equal(differing("a a a a", swapWordsExactly(rng, "a a a a", 3, tiny)), 3);
  assert.throws(() => swapWordsExactly(rng, "a b", 3, tiny), /cannot swap 3 words of a 2-word text/);
  assert.throws(() => swapWordsExactly(rng, "a a a", 3, { ...tiny, vocabulary: ["a"] }), /at least 2 words/);
});
