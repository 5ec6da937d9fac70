/**
 * The pretraining text holds none of the evaluation text: no XNLI dev/test premise or
 * hypothesis in any language, no SQuAD v1.1 dev paragraph or question in the English part; its
 * held-out part is disjoint from its training part. English: WikiText-2 train / valid.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { MULTILINGUAL_LANGUAGES, MultilingualLanguage, readMultilingual } from "../../lib/data/multilingual";
import { readSquadDev, squadDevContexts } from "../../lib/data/squad";
import { isWikitextHeading, readWikitext2 } from "../../lib/data/wikitext";
import { XNLI_LANGUAGES, readXnli } from "../../lib/data/xnli";
import { HELD_OUT_FRACTION, pretrainingCorpus } from "../../lib/pretrain/corpus";

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();
const xx = pretrainingCorpus("xx");

test("xx: one part per XNLI language, the last 2 % (at least 100 lines) of each held out, disjoint from the rest", (t) => {
  assert.deepEqual(xx.map((p) => p.language), [...MULTILINGUAL_LANGUAGES]);
  assert.deepEqual([...MULTILINGUAL_LANGUAGES], [...XNLI_LANGUAGES]);
  for (const part of xx) {
    const all = [...part.train, ...part.heldOut];
    assert.equal(part.heldOut.length, Math.max(100, Math.round(all.length * HELD_OUT_FRACTION)), part.language);
    const train = new Set(part.train);
    const shared = part.heldOut.filter((line) => train.has(line));
    assert.deepEqual(shared, [], `${part.language}: held-out lines also in training`);
    assert.ok(part.train.length > 5000, `${part.language}: ${part.train.length} training lines`);
    if (part.language !== "en") assert.deepEqual(all, readMultilingual(part.language as MultilingualLanguage), `${part.language}: the corpus, in its order`);
  }
  t.diagnostic(xx.map((p) => `${p.language} ${p.train.length}+${p.heldOut.length}`).join(", "));
});

test("xx: no line is an XNLI dev or test premise or hypothesis, in any of the 15 languages", (t) => {
  const xnli = new Set<string>();
  for (const lang of XNLI_LANGUAGES) {
    for (const split of ["dev", "test"] as const) {
      for (const row of readXnli(lang, split)) {
        xnli.add(row.premise).add(row.hypothesis);
        xnli.add(collapse(row.premise)).add(collapse(row.hypothesis));
      }
    }
  }
  assert.ok(xnli.size > 140_000, `${xnli.size} XNLI texts`);
  let lines = 0;
  for (const part of xx) {
    const found = [...part.train, ...part.heldOut].filter((line) => xnli.has(line) || xnli.has(collapse(line)));
    assert.deepEqual(found.slice(0, 5), [], `${part.language}: ${found.length} lines are XNLI text`);
    lines += part.train.length + part.heldOut.length;
  }
  t.diagnostic(`${lines} corpus lines checked against ${xnli.size} XNLI texts (as stored and whitespace-collapsed)`);
});

test("xx English: no SQuAD v1.1 dev context or question, though the raw corpus holds them", () => {
  const contexts = squadDevContexts();
  assert.equal(contexts.size, 2067);
  const banned = new Set([...contexts].map(collapse));
  for (const e of readSquadDev()) banned.add(collapse(e.question));
  const en = xx.find((p) => p.language === "en")!;
  const inCorpus = [...en.train, ...en.heldOut].filter((line) => contexts.has(line) || banned.has(collapse(line)));
  assert.deepEqual(inCorpus.slice(0, 3), [], `${inCorpus.length} SQuAD dev lines in the English pretraining text`);
  // The filter is what keeps them out: the raw corpus has the 240 XQuAD paragraphs and 1,185 questions.
  const raw = readMultilingual("en");
  assert.equal(raw.filter((line) => banned.has(collapse(line))).length, 240 + 1185);
  assert.equal(en.train.length + en.heldOut.length, raw.length - 240 - 1185);
});

test("en: WikiText-2 train without headings, held out on WikiText-2 valid; no SQuAD dev context either", () => {
  const en = pretrainingCorpus("en");
  assert.equal(en.length, 1);
  const [part] = en;
  assert.equal(part.language, "en");
  assert.deepEqual(part.train, readWikitext2("train", { dropHeadings: true }));
  assert.deepEqual(part.heldOut, readWikitext2("valid", { dropHeadings: true }));
  assert.ok(![...part.train, ...part.heldOut].some(isWikitextHeading));
  const test_ = new Set(readWikitext2("test"));
  assert.ok(part.heldOut.filter((l) => test_.has(l)).length < 5, "held out on valid, not test");
  // WikiText-2's own splits share only boilerplate lines, no text.
  const train = new Set(part.train);
  const shared = [...new Set(part.heldOut.filter((line) => train.has(line)))];
  assert.ok(shared.every((line) => line.split(" ").length <= 3), `held-out lines also in training: ${JSON.stringify(shared)}`);
  const contexts = new Set([...squadDevContexts()].map(collapse));
  assert.equal([...part.train, ...part.heldOut].filter((line) => contexts.has(collapse(line))).length, 0);
});
