import { test } from "node:test";
import assert from "node:assert/strict";
import { GLUE_LABELS, parseGlue, readGlue } from "../../lib/data/glue";

const positives = (rows: { label: 0 | 1 }[]) => rows.filter((r) => r.label === 1).length;

test("GLUE tasks have the published sizes", () => {
  const sizes = { CoLA: [8551, 1043], MRPC: [3668, 408], RTE: [2490, 277], "STS-B": [5749, 1500], WNLI: [635, 71] } as const;
  for (const [task, [train, dev]] of Object.entries(sizes)) {
    assert.equal(readGlue(task as keyof typeof sizes, "train").length, train, `${task} train`);
    assert.equal(readGlue(task as keyof typeof sizes, "dev").length, dev, `${task} dev`);
  }
  assert.equal(readGlue("QNLI", "dev").length, 5463);
});

test("GLUE labels and fields: CoLA without header, MRPC with a BOM, RTE and QNLI label words", () => {
  assert.equal(positives(readGlue("CoLA", "train")), 6023);
  assert.equal(positives(readGlue("CoLA", "dev")), 721);
  assert.equal(positives(readGlue("MRPC", "train")), 2474);
  assert.equal(positives(readGlue("MRPC", "dev")), 279);
  const mrpc = readGlue("MRPC", "train")[0];
  assert.deepEqual([mrpc.id1, mrpc.id2, mrpc.label], ["702876", "702977", 1]);
  const rte = readGlue("RTE", "train")[0];
  assert.equal(GLUE_LABELS.RTE[rte.label], "not_entailment");
  assert.equal(readGlue("QNLI", "dev").filter((r) => r.label === 0).length, 2702);
  const sts = readGlue("STS-B", "train");
  assert.deepEqual([sts[0].sentence1, sts[0].score], ["A plane is taking off.", 5]);
  assert.ok(sts.every((r) => r.score >= 0 && r.score <= 5));
  // No quoting: a stray leading quote stays part of the text.
  assert.ok(readGlue("QNLI", "dev").some((r) => r.sentence.startsWith('" ')));
});

test("QNLI train is remote; bad GLUE rows name file:line", () => {
  assert.throws(() => readGlue("QNLI", "train"), /QNLI train is not vendored; fetchDataset\("qnli"\)/);
  assert.throws(() => parseGlue("RTE", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tmaybe\n", "r.tsv"), /r\.tsv:2: expected label entailment \/ not_entailment in column 4, got "maybe"/);
  assert.throws(() => parseGlue("CoLA", "src\t1\t\tok\nsrc\t1\tok\n", "c.tsv"), /c\.tsv:2: expected 4 tab-separated columns, found 3/);
});
