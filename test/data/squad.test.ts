import { test } from "node:test";
import assert from "node:assert/strict";
import { readMultilingual } from "../../lib/data/multilingual";
import { dropSquadDev, parseSquad, readSquadDev, squadDevContexts, squadSplit } from "../../lib/data/squad";
import { collapseWhitespace } from "../../lib/data/text";

const dev = readSquadDev();

test("SQuAD v1.1 dev: 48 articles, 2,067 paragraphs, 10,570 questions, answers pointing into the context", () => {
  assert.equal(dev.length, 10570);
  assert.equal(new Set(dev.map((e) => e.title)).size, 48);
  assert.equal(squadDevContexts(dev).size, 2067);
  assert.equal(new Set(dev.map((e) => e.id)).size, 10570);
  const first = dev[0];
  assert.equal(first.title, "Super_Bowl_50");
  assert.equal(first.question, "Which NFL team represented the AFC at Super Bowl 50?");
  assert.deepEqual(first.answers[0], { text: "Denver Broncos", start: 177 });
  for (const e of dev) for (const a of e.answers) assert.equal(e.context.slice(a.start, a.start + a.text.length), a.text);
});

test("squadSplit is deterministic and by article", () => {
  const a = squadSplit(0, 10, dev);
  const b = squadSplit(0, 10, dev);
  assert.deepEqual(a.evalTitles, b.evalTitles);
  assert.equal(a.trainTitles.length, 38);
  assert.equal(a.evalTitles.length, 10);
  assert.equal(a.train.length + a.eval.length, dev.length);
  const evalTitles = new Set(a.evalTitles);
  assert.ok(a.trainTitles.every((t) => !evalTitles.has(t)), "no title in both parts");
  assert.ok(a.train.every((e) => !evalTitles.has(e.title)) && a.eval.every((e) => evalTitles.has(e.title)));
  const trainContexts = new Set(a.train.map((e) => e.context));
  assert.ok(a.eval.every((e) => !trainContexts.has(e.context)), "no paragraph in both parts");
  assert.notDeepEqual(squadSplit(1, 10, dev).evalTitles, a.evalTitles, "another seed, another split");
  assert.deepEqual(squadSplit(0, 10).evalTitles, a.evalTitles, "the default reads the same dev file");
  assert.throws(() => squadSplit(0, 48, dev), /evalArticles must be in 1\.\.47/);
});

test("dropSquadDev removes the 240 SQuAD dev paragraphs and their questions (XQuAD) from the English corpus", () => {
  const en = readMultilingual("en");
  const contexts = new Set(dev.map((e) => collapseWhitespace(e.context)));
  const questions = new Set(dev.map((e) => collapseWhitespace(e.question)));
  assert.equal(en.filter((l) => contexts.has(l)).length, 240);
  const withoutContexts = dropSquadDev(en, { questions: false, examples: dev });
  assert.equal(en.length - withoutContexts.length, 240);
  const clean = dropSquadDev(en, { examples: dev });
  // 240 paragraphs + 1,185 questions: the 1,425 XQuAD lines of multilingual/MANIFEST.md.
  assert.equal(en.length - clean.length, 1425);
  assert.ok(clean.every((l) => !contexts.has(l) && !questions.has(l)));
});

test("malformed SQuAD JSON names the file and the JSON path", () => {
  assert.throws(() => parseSquad("{", "s.json"), /^Error: s\.json: not valid JSON/);
  assert.throws(() => parseSquad(JSON.stringify({ data: [{ title: "T", paragraphs: [{ context: "abc", qas: [{ id: "1", question: "q", answers: [{ text: "b", answer_start: 0 }] }] }] }] }), "s.json"),
    /s\.json: data\[0\]\.paragraphs\[0\]\.qas\[0\]\.answers\[0\]: expected answer_start pointing at "b"/);
  assert.throws(() => parseSquad(JSON.stringify({ data: [{ title: 3 }] }), "s.json"), /s\.json: data\[0\]\.title: expected a string/);
});
