import { test } from "node:test";
import assert from "node:assert/strict";
import { NLI_LABELS, NliRow, parseNli, readNli } from "../../lib/data/nli";

const counts = (rows: NliRow[]) => [0, 1, 2].map((l) => rows.filter((r) => r.label === l).length);

test("the English NLI sets have the MANIFEST sizes and label counts (entailment / neutral / contradiction)", () => {
  assert.deepEqual([...NLI_LABELS], ["entailment", "neutral", "contradiction"]);
  assert.deepEqual(counts(readNli("mnli_dev_matched")), [3479, 3123, 3213]);
  assert.equal(readNli("mnli_dev_mismatched").length, 9832);
  assert.deepEqual(counts(readNli("mnli_train_sample")), [13072, 13059, 13095]);
  assert.equal(readNli("snli_dev").length, 9842);
  assert.equal(readNli("sick_train").length, 4439);
  assert.equal(readNli("sick_trial").length, 495);
});

test("the MNLI train sample shares no premise with the MNLI dev sets", () => {
  const dev = new Set([...readNli("mnli_dev_matched"), ...readNli("mnli_dev_mismatched")].map((r) => r.premise));
  assert.equal(readNli("mnli_train_sample").filter((r) => dev.has(r.premise)).length, 0);
});

test("bad NLI rows name file:line and what was expected", () => {
  const header = "premise\thypothesis\tlabel\n";
  assert.deepEqual(parseNli(header + "a\tb\tcontradiction\n", "x.tsv"), [{ premise: "a", hypothesis: "b", label: 2 }]);
  assert.throws(() => parseNli(header + "a\tb\t-\n", "x.tsv"), /x\.tsv:2: expected label entailment \/ neutral \/ contradiction, got "-"/);
  assert.throws(() => parseNli("a\tb\tneutral\n", "x.tsv"), /x\.tsv:1: expected the header line/);
  assert.throws(() => readNli("mnli_train" as never), /unknown NLI set "mnli_train"/);
});
