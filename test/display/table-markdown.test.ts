import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { formatCell } from "../../lib/display/table";
import { tableToMarkdown, writeTableMarkdown } from "../../lib/display/table-markdown";

test("an arquero table renders as GFM with numeric columns right-aligned", async () => {
  const aq = await import("arquero");
  const t = aq.table({ task: ["SST-2", "MNLI"], accuracy: [0.93125, 0.8456], examples: [67349, 392702] });
  assert.equal(
    tableToMarkdown(t),
    [
      "| task | accuracy | examples |",
      "| --- | ---: | ---: |",
      "| SST-2 | 0.931 | 67349 |",
      "| MNLI | 0.846 | 392702 |",
      "",
    ].join("\n"),
  );
});

test("arrays of row objects: union of keys in first-seen order, blanks for missing cells", () => {
  const md = tableToMarkdown([{ a: "x", b: 1 }, { b: 2.5, c: true }]);
  assert.deepEqual(md.trimEnd().split("\n"), ["| a | b | c |", "| --- | ---: | --- |", "| x | 1 |  |", "|  | 2.500 | true |"]);
});

test("pipes, backslashes and newlines in cells cannot break the table", () => {
  const md = tableToMarkdown([{ text: "a|b", path: "C:\\x", note: "two\nlines" }]);
  assert.equal(md.trimEnd().split("\n")[2], "| a\\|b | C:\\\\x | two<br>lines |");
});

test("digits per table or per column, column selection and order", () => {
  const rows = [{ model: "L4-H256", acc: 0.87654, f1: 0.81234 }];
  assert.match(tableToMarkdown(rows, { digits: 1 }), /\| L4-H256 \| 0\.9 \| 0\.8 \|/);
  assert.match(tableToMarkdown(rows, { digits: { acc: 2 } }), /\| L4-H256 \| 0\.88 \| 0\.812 \|/);
  const picked = tableToMarkdown(rows, { columns: ["f1", "model"] });
  assert.equal(picked.split("\n")[0], "| f1 | model |");
  assert.throws(() => tableToMarkdown(rows, { columns: ["nope"] }), /no column "nope".*columns: model, acc, f1/);
});

test("cell formatting: integers verbatim, tiny numbers in exponent form, non-finite spelled out", () => {
  assert.equal(formatCell(62.35, 2), "62.35");
  assert.equal(formatCell(67349), "67349");
  assert.equal(formatCell(5e-5), "5.00e-5");
  assert.equal(formatCell(0), "0");
  assert.equal(formatCell(Number.NaN), "NaN");
  assert.equal(formatCell(-Infinity), "-Infinity");
  assert.equal(formatCell(null), "");
  assert.equal(formatCell(new Date("2024-01-02T03:04:05Z")), "2024-01-02T03:04:05.000Z");
  assert.equal(formatCell({ a: [1, 2] }), '{"a":[1,2]}');
});

test("an empty table (no rows) keeps its header; one without columns says so", async () => {
  const aq = await import("arquero");
  const t = aq.table({ a: [] as number[], b: [] as string[] });
  assert.equal(tableToMarkdown(t), "| a | b |\n| --- | --- |\n");
  assert.equal(tableToMarkdown([]), "_(empty table)_\n");
});

test("writeTableMarkdown writes the same text, creating parent folders", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-md-"));
  try {
    const file = path.join(dir, "results", "extract", "table.md");
    const rows = [{ victim: "SST-2", random_1x: 0.865, wiki_1x: 0.896 }];
    assert.equal(writeTableMarkdown(rows, file), file);
    assert.equal(fs.readFileSync(file, "utf8"), tableToMarkdown(rows));
    assert.match(fs.readFileSync(file, "utf8"), /^\| victim \| random_1x \| wiki_1x \|\n\| --- \| ---: \| ---: \|\n\| SST-2 \| 0\.865 \| 0\.896 \|\n$/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
