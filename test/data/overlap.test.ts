/**
 * The Polyglots experiments pretrain on the multilingual corpus and WikiText, then evaluate on
 * XNLI: any XNLI (or MNLI dev) sentence in that text would leak the test set into pretraining.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readMultilingual } from "../../lib/data/multilingual";
import { readNli } from "../../lib/data/nli";
import { collapseWhitespace } from "../../lib/data/text";
import { readWikitext2 } from "../../lib/data/wikitext";
import { XNLI_LANGUAGES, XnliLanguage, readXnli } from "../../lib/data/xnli";

/** The texts that appear, as they are or whitespace-collapsed, as a line of `lines`. */
function found(texts: Iterable<string>, lines: ReadonlySet<string>): string[] {
  const hits: string[] = [];
  for (const t of texts) if (lines.has(t) || lines.has(t.trim()) || lines.has(collapseWhitespace(t))) hits.push(t);
  return hits;
}

function xnliTexts(lang: XnliLanguage): string[] {
  return [...readXnli(lang, "dev"), ...readXnli(lang, "test")].flatMap((r) => [r.premise, r.hypothesis]);
}

test("no XNLI premise or hypothesis appears as a line of the multilingual corpus", () => {
  for (const lang of XNLI_LANGUAGES) {
    const lines = new Set(readMultilingual(lang));
    const texts = xnliTexts(lang);
    assert.equal(texts.length, 2 * (2490 + 5010));
    assert.deepEqual(found(texts.slice(0, 1), new Set([` ${texts[0]} `.trim()])), texts.slice(0, 1), "the check finds a planted line");
    assert.deepEqual(found(texts, lines).slice(0, 5), [], `${lang}: XNLI text in multilingual/${lang}.txt.gz`);
  }
});

test("no XNLI premise or hypothesis of 30 characters or more appears as a line of WikiText-2 train", () => {
  const lines = new Set(readWikitext2("train"));
  for (const lang of XNLI_LANGUAGES) {
    const long = xnliTexts(lang).filter((t) => t.length >= 30);
    assert.ok(long.length > 1000, lang);
    assert.deepEqual(found(long, lines).slice(0, 5), [], `${lang}: XNLI text in WikiText-2 train`);
  }
});

test("no MNLI dev premise or hypothesis of 30 characters or more appears as a line of the English corpus", () => {
  // Short ones do ("I'm busy now.", "That sounds like fun."): everyday Tatoeba sentences, not leaks.
  const lines = new Set(readMultilingual("en"));
  const texts = [...readNli("mnli_dev_matched"), ...readNli("mnli_dev_mismatched")].flatMap((r) => [r.premise, r.hypothesis]);
  assert.ok(found(texts, lines).length > 0, "the check does find the short everyday sentences");
  assert.deepEqual(found(texts.filter((t) => t.length >= 30), lines).slice(0, 5), []);
});
