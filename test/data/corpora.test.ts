import { test } from "node:test";
import assert from "node:assert/strict";
import { readCord19 } from "../../lib/data/cord19";
import { MULTILINGUAL_LANGUAGES, readMultilingual } from "../../lib/data/multilingual";
import { vendoredFile } from "../../lib/data/registry";
import { XNLI_LANGUAGES } from "../../lib/data/xnli";

test("CORD-19 has 3,464 distinct non-empty abstracts", () => {
  const abstracts = readCord19();
  assert.equal(abstracts.length, 3464);
  assert.equal(new Set(abstracts).size, 3464);
  const lengths = abstracts.map((a) => a.length).sort((a, b) => a - b);
  assert.ok(lengths[lengths.length >> 1] > 1000, "abstracts, not titles");
  // Two placeholders from the metadata survive as "abstracts".
  assert.deepEqual(abstracts.filter((a) => a.length < 30).sort(), ["No .", "Not available."]);
});

test("the multilingual corpus: one file per XNLI language, the registered line counts, no empty or repeated lines", () => {
  assert.deepEqual([...MULTILINGUAL_LANGUAGES], [...XNLI_LANGUAGES]);
  for (const lang of MULTILINGUAL_LANGUAGES) {
    const lines = readMultilingual(lang);
    assert.equal(lines.length, vendoredFile(`multilingual/${lang}.txt.gz`)!.lines, lang);
    assert.ok(lines.every((l) => l.length > 0 && l === l.trim()), `${lang}: no empty or padded lines`);
    assert.equal(new Set(lines).size, lines.length, `${lang}: no repeated lines`);
  }
  assert.throws(() => readMultilingual("pt" as never), /no multilingual corpus for "pt"/);
});
