/** MemoVictim (each distinct input sent once; kept answers never re-sent) and extract()'s realData / onTrained options. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { initBackend } from "../../lib/engine/backend";
import { extract } from "../../lib/extract/extract";
import { MemoVictim } from "../../lib/extract/memo-victim";
import { FakeVictim, makeTinyModel, sentences, tempDir } from "../serve/fixtures";

const TMP = tempDir("memo");
let extractorFrom: string;
before(async () => {
  await initBackend({ quiet: true });
  extractorFrom = await makeTinyModel(path.join(TMP, "from"));
});
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

test("MemoVictim sends each distinct input once and answers remembered ones without asking", async () => {
  const inner = new FakeVictim(false);
  const memo = new MemoVictim(inner);
  const inputs = ["a b", "c d e", "a b", { premise: "x", hypothesis: "y z" }];
  const first = await memo.query(inputs);
  assert.equal(memo.sent, 3);
  assert.deepEqual(first, await new FakeVictim(false).query(inputs));
  await memo.query(["c d e", "a b"]);
  assert.equal(memo.sent, 3, "nothing new was sent");
  memo.remember(["kept"], [{ label: 1 }]);
  assert.deepEqual(await memo.query(["kept"]), [{ label: 1 }]);
  assert.equal(memo.sent, 3);
  assert.throws(() => memo.remember(["a"], []), /1 inputs but 0 answers/);
  assert.equal(memo.labels, inner.labels);
});

test("extract: real data is mixed in (not sent to the victim, not counted), onTrained sees the trained model", async () => {
  const victim = new MemoVictim(new FakeVictim(false));
  const queries = sentences(8, 5);
  const real = sentences(6, 11);
  let seen: { layers: number; vocab: number } | undefined;
  const outcome = await extract({
    victim, queries, extractorFrom, dev: { inputs: sentences(4, 9), labels: [0, 1, 0, 1] }, outDir: path.join(TMP, "run"),
    maxLength: 32, batchSize: 4, epochs: 1, learningRate: 1e-3, progress: false,
    realData: { inputs: real, labels: real.map((_, i) => i % 2) },
    onTrained: (model, tokenizer) => {
      seen = { layers: model.config.num_hidden_layers, vocab: tokenizer.vocabSize };
    },
  });
  assert.equal(outcome.queries, 8);
  assert.equal(outcome.steps, 4, "(8 queries + 6 real) / batch 4, one pass");
  assert.equal(victim.sent, 8 + 4, "the queries and the dev set; never the real data");
  assert.ok(seen && seen.layers === 1 && seen.vocab > 10);
  await assert.rejects(extract({ victim, queries, extractorFrom, dev: { inputs: [], labels: [] }, outDir: path.join(TMP, "bad"), realData: { inputs: real, labels: [0] }, progress: false }), /6 inputs but 1 labels/);
});
