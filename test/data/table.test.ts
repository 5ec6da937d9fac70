import { test } from "node:test";
import assert from "node:assert/strict";
import { readSquadDev } from "../../lib/data/squad";
import { readSst2 } from "../../lib/data/sst2";
import { toTable } from "../../lib/data/table";

test("loader rows become an arquero table", () => {
  const t = toTable(readSst2("dev"));
  assert.equal(t.numRows(), 872);
  assert.deepEqual(t.columnNames(), ["label", "sentence"]);
  const byLabel = t.groupby("label").count().orderby("label").objects();
  assert.deepEqual(byLabel, [{ label: 0, count: 428 }, { label: 1, count: 444 }]);
  assert.equal(t.filter("d => d.label === 1").numRows(), 444);
});

test("nested fields stay values of their column", () => {
  const t = toTable(readSquadDev().slice(0, 3));
  assert.deepEqual(t.columnNames(), ["id", "title", "context", "question", "answers"]);
  assert.deepEqual((t.get("answers", 0) as { text: string }[])[0].text, "Denver Broncos");
});
