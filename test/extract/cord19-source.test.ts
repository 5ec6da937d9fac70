/** lib/extract/cord19-source.ts: the CORD-19 abstracts' word vocabulary as a query source. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { abstractSentences, buildCord19Source, cord19Words, distinctiveWords, vocabularyOverlap } from "../../lib/extract/cord19-source";
import { gibberishNliPairs } from "../../lib/extract/queries";
import { buildQuerySource } from "../../lib/extract/wikitext-source";

test("words: letter/digit runs with inner hyphens and apostrophes; no punctuation", () => {
  assert.deepEqual(cord19Words("SARS-CoV-2 (COVID-19) infects patients' cells: 85 % of 1,000."), ["SARS-CoV-2", "COVID-19", "infects", "patients", "cells", "85", "of", "1", "000"]);
  assert.deepEqual(abstractSentences("Background: it spreads. Does it? Yes! 3.5 mg/day"), ["Background: it spreads.", "Does it?", "Yes!", "3.5 mg/day"]);
});

test("a hand-made corpus: vocabulary by frequency (ties alphabetical), lengths from WikiText unless asked", () => {
  const abstracts = ["Viral RNA in patients. Viral load rose.", "RNA of the virus. Viral."];
  const s = buildCord19Source({ abstracts, vocabularySize: 3, wikitextLengths: [7, 9] });
  assert.deepEqual(s.vocabulary, ["Viral", "RNA", "in"]);
  assert.deepEqual(s.sentenceLengths, [7, 9]);
  assert.deepEqual(buildCord19Source({ abstracts, lengths: "cord19" }).sentenceLengths, [4, 3, 4, 1]);
  assert.equal(buildCord19Source({ abstracts, wikitextLengths: [1] }).sentences.length, 4);
});

test("the real abstracts: a 10k biomedical vocabulary, unlike WikiText's", () => {
  const wiki = buildQuerySource();
  const cord = buildCord19Source({ wikitextLengths: wiki.sentenceLengths });
  assert.equal(cord.vocabulary.length, 10000);
  assert.equal(cord.sentenceLengths, wiki.sentenceLengths, "only the vocabulary changes");
  for (const w of ["patients", "infection", "respiratory", "RNA", "viral"]) assert.ok(cord.vocabulary.indexOf(w) >= 0 && cord.vocabulary.indexOf(w) < 2000, `${w} at rank ${cord.vocabulary.indexOf(w)}`);
  const overlap = vocabularyOverlap(cord, wiki);
  assert.ok(overlap > 0.2 && overlap < 0.8, `overlap ${overlap}`);
  const distinct = distinctiveWords(cord, wiki, 20);
  assert.equal(distinct.length, 20);
  for (const w of distinct) assert.ok(!wiki.vocabulary.includes(w), w);
  const pairs = gibberishNliPairs(50, 0, cord);
  const vocab = new Set(cord.vocabulary);
  assert.ok(pairs.every((p) => p.hypothesis.split(" ").every((w) => vocab.has(w))));
});
