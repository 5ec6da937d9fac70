/** lib/extract/local-qa-victim.ts: a tiny span model's answers are slices of their contexts at their start, the same as predictAnswers; a folder without a span head is refused. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { initBackend } from "../../lib/engine/backend";
import { LocalQaVictim } from "../../lib/extract/local-qa-victim";
import { predictAnswers, spanFeatures } from "../../lib/train/span";
import { makeTinyQaModel, qaQueries } from "../defend/fixtures";
import { makeTinyModel, tempDir } from "../serve/fixtures";

const TMP = tempDir("qa-victim");
let victim: LocalQaVictim;
before(async () => {
  await initBackend({ quiet: true });
  victim = await LocalQaVictim.load(await makeTinyQaModel(path.join(TMP, "qa")));
});
after(() => {
  victim?.dispose();
  fs.rmSync(TMP, { recursive: true, force: true });
});

test("LocalQaVictim answers spans of the contexts, at their start, as predictAnswers finds them", async () => {
  const inputs = qaQueries(12);
  assert.equal(victim.maxLength, 64);
  const answers = await victim.query(inputs);
  const examples = inputs.map((x) => ({ ...x, answers: [] }));
  const expected = predictAnswers(victim.model, examples, spanFeatures(victim.tokenizer, examples, { maxLength: 64, training: false }));
  assert.deepEqual(answers.map((a) => a.text), expected);
  answers.forEach((a, i) => {
    assert.ok(a.text.length > 0);
    assert.equal(inputs[i].context.slice(a.start, a.start + a.text.length), a.text);
  });
  assert.deepEqual(await victim.query([]), []);
});

test("LocalQaVictim refuses a folder without a span head", async () => {
  const dir = await makeTinyModel(path.join(TMP, "classifier"));
  await assert.rejects(LocalQaVictim.load(dir), /has no span head \(qa_outputs\)/);
});
