/** lib/extract/queries.ts and wikitext-source.ts: distributions, shapes and determinism of the query generators. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/engine/rng";
import { budgetQueries, generateQueries, randomSentence, replaceWords, shuffleWords } from "../../lib/extract/queries";
import { buildQuerySource, detokenize, splitSentences } from "../../lib/extract/wikitext-source";

const source = buildQuerySource();

test("the query source: WikiText's top-10k word types, sentences of at most 50 words, no <unk>", () => {
  assert.equal(source.vocabulary.length, 10000);
  assert.equal(source.vocabulary[0], "the");
  assert.ok(!source.vocabulary.includes("<unk>") && !source.vocabulary.includes("@-@") && !source.vocabulary.includes(","));
  assert.ok(source.sentences.length > 30000, `${source.sentences.length} sentences`);
  for (const s of source.sentences.slice(0, 2000)) {
    assert.ok(s.split(" ").length <= 50 + 5, s); // detokenising joins a few tokens; never more words
    assert.ok(!s.includes("<unk>") && !s.includes("@-@"), s);
  }
});

test("detokenize and splitSentences undo WikiText's markers and split after . ? !", () => {
  assert.equal(detokenize("a role @-@ playing game sold 1 @,@ 000 copies at 3 @.@ 5"), "a role-playing game sold 1,000 copies at 3.5");
  assert.deepEqual(splitSentences("It rained . Did it ? Yes"), [["It", "rained", "."], ["Did", "it", "?"], ["Yes"]]);
});

test("RANDOM draws only vocabulary words, with WikiText's sentence-length distribution", () => {
  const rng = new Rng(1);
  const vocab = new Set(source.vocabulary);
  const lengths: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const words = randomSentence(rng, source).split(" ");
    for (const w of words) assert.ok(vocab.has(w), w);
    lengths.push(words.length);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const reference = mean(source.sentenceLengths);
  assert.ok(Math.abs(mean(lengths) - reference) < 0.06 * reference, `mean length ${mean(lengths)} vs WikiText's ${reference}`);
  const uniform = Array.from({ length: 3000 }, () => randomSentence(rng, source, "uniform").split(" ").length);
  assert.ok(Math.min(...uniform) >= 1 && Math.max(...uniform) <= 60);
  assert.ok(Math.abs(mean(uniform) - 30.5) < 1.5, `uniform 1–60 mean ${mean(uniform)}`);
});

test("WIKI returns real sentences; with replaceOov every word is in the vocabulary", () => {
  const all = new Set(source.sentences);
  const plain = generateQueries({ generator: "WIKI", shape: "single", count: 200, seed: 3, source }) as string[];
  for (const q of plain) assert.ok(all.has(q), q);
  const vocab = new Set(source.vocabulary);
  const replaced = generateQueries({ generator: "WIKI", shape: "single", count: 200, seed: 3, source, replaceOov: true }) as string[];
  let changed = 0;
  for (const [i, q] of replaced.entries()) {
    for (const w of q.split(" ")) assert.ok(vocab.has(w) || !/[\p{L}\p{N}]/u.test(w), `${w} in ${q}`);
    if (q !== plain[i]) changed++;
  }
  assert.ok(changed > 20, `only ${changed} of 200 sentences had a word outside the top 10k`);
});

test("pairs: the hypothesis is the premise with exactly 3 words replaced (at most)", () => {
  for (const generator of ["RANDOM", "WIKI"] as const) {
    const pairs = generateQueries({ generator, shape: "pair", count: 300, seed: 5, source }) as { premise: string; hypothesis: string }[];
    let exactlyThree = 0;
    for (const { premise, hypothesis } of pairs) {
      const a = premise.split(" ");
      const b = hypothesis.split(" ");
      assert.equal(a.length, b.length);
      const differing = a.filter((w, i) => w !== b[i]).length;
      assert.ok(differing <= 3, `${differing} words differ`);
      if (differing === 3) exactlyThree++;
    }
    assert.ok(exactlyThree > 240, `${generator}: only ${exactlyThree}/300 pairs differ in 3 words`);
  }
  const rng = new Rng(0);
  assert.equal(replaceWords(rng, "one two", 3, source).split(" ").length, 2, "a short text has all its words replaced, no more");
});

test("SHUFFLE permutes the words of real inputs (single and pair) and needs them", () => {
  const inputs = ["a very good movie indeed", "not good at all"];
  const out = generateQueries({ generator: "SHUFFLE", shape: "single", count: 50, seed: 2, source, taskInputs: inputs }) as string[];
  for (const q of out) assert.ok(inputs.some((x) => [...x.split(" ")].sort().join() === [...q.split(" ")].sort().join()), q);
  assert.ok(out.some((q) => !inputs.includes(q)), "nothing was shuffled");
  const pairs = generateQueries({ generator: "SHUFFLE", shape: "pair", count: 5, seed: 2, source, taskInputs: [{ premise: "x y z w", hypothesis: "p q r s" }] });
  for (const p of pairs) assert.equal(typeof p, "object");
  assert.throws(() => generateQueries({ generator: "SHUFFLE", shape: "single", count: 1, seed: 0, source }), /taskInputs/);
  assert.equal(shuffleWords(new Rng(9), "solo"), "solo");
});

test("every generator is a pure function of its seed", () => {
  for (const generator of ["RANDOM", "WIKI"] as const) {
    const a = generateQueries({ generator, shape: "pair", count: 50, seed: 11, source });
    const b = generateQueries({ generator, shape: "pair", count: 50, seed: 11, source });
    const c = generateQueries({ generator, shape: "pair", count: 50, seed: 12, source });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  }
});

test("budgets: 1x is the training-set size, scaled by the preset factor; bad values are refused", () => {
  assert.equal(budgetQueries(67349, 1), 67349);
  assert.equal(budgetQueries(67349, 10), 673490);
  assert.equal(budgetQueries(67349, 1, 0.1), 6735);
  assert.throws(() => budgetQueries(100, 0), /positive/);
  assert.throws(() => budgetQueries(100, 1, 2), /scale/);
});
