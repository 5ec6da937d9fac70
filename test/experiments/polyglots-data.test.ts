/** lib/experiments/polyglots-data.ts: the real-data subsets and the stratified XNLI subset. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readNli } from "../../lib/data/nli";
import { XNLI_LANGUAGES, readXnli } from "../../lib/data/xnli";
import { realDataCount, realDataIndices, realDataSubset, stratifiedIds, xnliSubsets } from "../../lib/experiments/polyglots-data";
import { readTask } from "../../lib/experiments/tasks";

test("real-data subsets: sizes are p % of the training set, seeded, nested, distinct indices", () => {
  assert.deepEqual([1, 5, 10].map((p) => realDataCount(39226, p)), [392, 1961, 3923]);
  assert.equal(realDataCount(50, 1), 1, "never empty");
  assert.throws(() => realDataCount(100, 0), /\(0, 100\]/);
  const one = realDataIndices(39226, 1, 0);
  const five = realDataIndices(39226, 5, 0);
  assert.equal(new Set(five).size, five.length);
  assert.ok(five.every((i) => i >= 0 && i < 39226));
  assert.ok(one.every((i) => five.includes(i)), "1 % ⊂ 5 %");
  assert.deepEqual(realDataIndices(39226, 5, 0), five);
  assert.notDeepEqual(realDataIndices(39226, 5, 1), five);
});

test("real-data subsets come from the training file and share no pair with MNLI dev or XNLI", () => {
  const train = readTask("mnli", "train");
  const key = (p: string, h: string) => `${p}\u0000${h}`;
  const held = new Set<string>();
  for (const name of ["mnli_dev_matched", "mnli_dev_mismatched"] as const) for (const r of readNli(name)) held.add(key(r.premise, r.hypothesis));
  for (const split of ["dev", "test"] as const) for (const r of readXnli("en", split)) held.add(key(r.premise, r.hypothesis));
  const premises = new Set(readNli("mnli_dev_matched").map((r) => r.premise));
  const subset = realDataSubset(train, 10, 2);
  assert.equal(subset.inputs.length, 3923);
  for (const [i, x] of subset.inputs.entries()) {
    const { premise, hypothesis } = x as { premise: string; hypothesis: string };
    assert.ok(!held.has(key(premise, hypothesis)), `pair ${i} is also a dev/test pair`);
    assert.ok(!premises.has(premise), `premise of pair ${i} is a dev premise`);
  }
  const idx = realDataIndices(train.inputs.length, 10, 2);
  assert.deepEqual(subset.labels, idx.map((i) => train.labels[i]), "labels stay with their pairs");
});

test("stratified ids: label shares kept (largest remainder), seeded, sorted, all when n is missing", () => {
  const labels = [...Array(50).fill(0), ...Array(30).fill(1), ...Array(20).fill(2)];
  const ids = stratifiedIds(labels, 10, 0);
  assert.equal(ids.length, 10);
  assert.deepEqual([0, 1, 2].map((c) => ids.filter((i) => labels[i] === c).length), [5, 3, 2]);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  assert.deepEqual(stratifiedIds(labels, 10, 0), ids);
  assert.notDeepEqual(stratifiedIds(labels, 10, 1), ids);
  const odd = stratifiedIds([0, 0, 0, 1, 1, 1, 2, 2, 2], 4);
  assert.deepEqual([0, 1, 2].map((c) => odd.filter((i) => [0, 0, 0, 1, 1, 1, 2, 2, 2][i] === c).length), [2, 1, 1], "the extra one goes to the smallest label on a tie");
  assert.equal(stratifiedIds(labels).length, 100);
  assert.throws(() => stratifiedIds(labels, 2.5), /positive integer/);
});

test("the XNLI subset: the same ids in every language, label-balanced, the rows of those ids", () => {
  const s = xnliSubsets("test", 1000);
  assert.equal(s.ids.length, 1000);
  assert.deepEqual(Object.keys(s.byLanguage).sort(), [...XNLI_LANGUAGES].sort());
  const en = s.byLanguage.en.labels;
  assert.deepEqual([0, 1, 2].map((c) => en.filter((l) => l === c).length), [334, 333, 333]);
  for (const lang of XNLI_LANGUAGES) {
    assert.equal(s.byLanguage[lang].inputs.length, 1000);
    assert.deepEqual(s.byLanguage[lang].labels, en, `${lang}: the same examples`);
  }
  const de = readXnli("de", "test");
  const byId = new Map(de.map((r) => [r.id, r]));
  s.ids.slice(0, 20).forEach((id, i) => assert.equal((s.byLanguage.de.inputs[i] as { premise: string }).premise, byId.get(id)!.premise));
  assert.deepEqual(xnliSubsets("test", 1000, 0, ["en", "sw"]).ids, s.ids, "the ids do not depend on the languages read");
  assert.equal(xnliSubsets("test", undefined, 0, ["en"]).ids.length, 5010);
});
