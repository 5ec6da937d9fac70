/**
 * The extraction recipe on a tiny extractor folder and a fake victim: how many steps the
 * extractor trains (passes over the queries, the cap and the floor), the accounting of what was
 * sent and what it cost, the victim's own dev accuracy, and soft targets refused when the API
 * hides probabilities.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { initBackend } from "../../lib/engine/backend";
import { extract, ExtractArgs } from "../../lib/extract/extract";
import { FakeVictim, makeTinyModel, sentences, tempDir } from "../serve/fixtures";

const TMP = tempDir("recipe");
let extractorFrom: string;
before(async () => {
  await initBackend({ quiet: true });
  extractorFrom = await makeTinyModel(path.join(TMP, "from"));
});
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

const queries = sentences(16, 5);
const devInputs = sentences(12, 9);
let runs = 0;
const args = (over: Partial<ExtractArgs>): ExtractArgs => ({
  victim: new FakeVictim(), queries, extractorFrom, dev: { inputs: devInputs, labels: devInputs.map((_, i) => i % 2) },
  outDir: path.join(TMP, `run-${runs++}`), maxLength: 32, batchSize: 4, learningRate: 1e-3, progress: false, ...over,
});

test("steps: passes over the queries, cut by maxSteps, raised to minSteps", async () => {
  assert.equal((await extract(args({ epochs: 2 }))).steps, 8, "16 queries / batch 4 × 2 passes");
  assert.equal((await extract(args({ epochs: 2, maxSteps: 3 }))).steps, 3);
  assert.equal((await extract(args({ epochs: 2, minSteps: 11 }))).steps, 11);
});

test("the outcome accounts for every query sent and scores the victim on the same dev set", async () => {
  const victim = new FakeVictim();
  const a = args({ victim, epochs: 1 });
  const outcome = await extract(a);
  assert.equal(outcome.queries, queries.length);
  assert.equal(outcome.wordsSent, queries.reduce((n, q) => n + q.split(" ").length, 0));
  assert.equal(outcome.charactersSent, queries.reduce((n, q) => n + q.length, 0));
  assert.equal(outcome.cost, 0, "16 calls are inside the 5,000-call free tier");
  const victimDev = await new FakeVictim().query(devInputs);
  const right = victimDev.filter((v, i) => v.label === a.dev.labels[i]).length;
  assert.equal(outcome.victimAccuracy, right / devInputs.length);
  assert.ok(outcome.agreement >= 0 && outcome.agreement <= 1 && outcome.accuracy >= 0 && outcome.accuracy <= 1);
  assert.equal(outcome.log.filter((e) => e.loss !== undefined).length > 0, true, "the training log comes back");
});

test("soft targets need probabilities: a labels-only victim is refused with the fix", async () => {
  await assert.rejects(extract(args({ victim: new FakeVictim(false), targets: "soft" })), /soft targets need a victim whose API returns probabilities; use targets: "hard"/);
  const soft = await extract(args({ targets: "soft", epochs: 1 }));
  assert.equal(soft.steps, 4);
});
