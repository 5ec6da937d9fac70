import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSst2, readSst2 } from "../../lib/data/sst2";

test("SST-2 has the GLUE sizes and label balance, without CR left from the CRLF train file", () => {
  const train = readSst2("train");
  const dev = readSst2("dev");
  assert.equal(train.length, 67349);
  assert.equal(train.filter((r) => r.label === 1).length, 37569);
  assert.equal(dev.length, 872);
  assert.equal(dev.filter((r) => r.label === 1).length, 444);
  assert.deepEqual(train[0], { label: 0, sentence: "hide new secretions from the parental units" });
  assert.ok([...train, ...dev].every((r) => r.sentence.length > 0 && !r.sentence.includes("\r") && !r.sentence.includes("\t")));
});

test("bad SST-2 rows name file:line and what was expected", () => {
  assert.throws(() => parseSst2("label\tsentence\n1\tgood\n2\tbad\n", "x.tsv", "train"), /^Error: x\.tsv:3: expected label 0 or 1 in column 1, got "2"$/);
  assert.throws(() => parseSst2("label\tsentence\n1 no tab\n", "x.tsv", "train"), /x\.tsv:2: expected 2 tab-separated columns, found 1/);
  assert.throws(() => parseSst2("label\tsentence\n", "x.tsv", "dev"), /x\.tsv:1: expected the header line "label\\tcontent"/);
});
