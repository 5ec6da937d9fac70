import { test } from "node:test";
import assert from "node:assert/strict";
import { NLI_LABELS } from "../../lib/data/nli";
import { XNLI_LANGUAGES, XnliRow, parseXnli, readXnli } from "../../lib/data/xnli";

const counts = (rows: XnliRow[]) => [0, 1, 2].map((l) => rows.filter((r) => r.label === l).length);

test("XNLI: 15 languages, dev 2,490 and test 5,010 rows each, balanced, parallel ids and labels", () => {
  assert.deepEqual([...XNLI_LANGUAGES], "ar bg de el en es fr hi ru sw th tr ur vi zh".split(" "));
  const en = { dev: readXnli("en", "dev"), test: readXnli("en", "test") };
  assert.deepEqual(counts(en.dev), [830, 830, 830]);
  assert.deepEqual(counts(en.test), [1670, 1670, 1670]);
  for (const lang of XNLI_LANGUAGES) {
    for (const split of ["dev", "test"] as const) {
      const rows = readXnli(lang, split);
      assert.equal(rows.length, split === "dev" ? 2490 : 5010, `${lang} ${split}`);
      assert.deepEqual(rows.map((r) => `${r.id}:${r.label}`), en[split].map((r) => `${r.id}:${r.label}`), `${lang} ${split} is parallel to en`);
      assert.ok(rows.every((r) => r.premise && r.hypothesis), `${lang} ${split} has no empty text`);
    }
  }
});

test("XNLI labels use the NLI_LABELS index: the first dev pairs read as the published ones", () => {
  const [first, second] = readXnli("en", "dev");
  assert.equal(first.hypothesis, "He called his mom as soon as the school bus dropped him off.");
  assert.equal(NLI_LABELS[first.label], "neutral");
  assert.equal(NLI_LABELS[second.label], "contradiction");
});

test("bad XNLI rows name file:line and what was expected", () => {
  const header = "id\tpremise\thypothesis\tlabel\n";
  assert.throws(() => parseXnli(header + "0\ta\tb\tneutral\n", "x.tsv"), /x\.tsv:2: expected label 0, 1 or 2 in column 4, got "neutral"/);
  assert.throws(() => parseXnli(header + "0\ta\tb\t1\nz\ta\tb\t1\n", "x.tsv"), /x\.tsv:3: expected a numeric id in column 1/);
  assert.throws(() => readXnli("xx" as never, "dev"), /unknown XNLI language "xx"/);
});
