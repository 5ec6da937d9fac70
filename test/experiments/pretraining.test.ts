/**
 * The pretraining comparison run some miniatures at a time: which saved rows a new run keeps (same recipe,
 * same checkpoint, not fine-tuned again), a tiny run of one miniature then the other that ends with both in
 * the result, two such runs side by side, a one-task run that only keeps its runs, and the error for a miniature
 * the preset lacks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PROJECT_ROOT } from "../../lib/data/paths";
import { initBackend } from "../../lib/engine/backend";
import { FineTuneRow, PRETRAINING_SIZES, PretrainingResult, keptRows, notFineTuned, pairedTest, pretrainingTable, pretrainingVerdict, runPretraining } from "../../lib/experiments/pretraining";

type Record = PretrainingResult["pretraining"][string];
const record = (wallSeconds: number, accuracy: number): Record => ({
  log: [], heldOut: { en: { accuracy, loss: 5, predictions: 100 } }, wallSeconds, parameters: 1, data: {} as Record["data"], size: {} as Record["size"],
});
const row = (model: string, task: "sst2" | "mnli", init: "pretrained" | "random", accuracy: number): FineTuneRow => ({
  model, task, init, accuracy, learningRate: 1e-3, candidates: [], wallSeconds: 1, log: [],
});
const result = (models: string[], pretraining: PretrainingResult["pretraining"], rows: FineTuneRow[], recipe: Partial<PretrainingResult["size"]> = {}): PretrainingResult => ({
  experiment: "pretraining", preset: "small", seed: 0, backend: "cpu", engine: "test", size: { ...PRETRAINING_SIZES.small, models, ...recipe },
  dataset: { sst2: { train: 1, dev: 1, majority: 0.5 }, mnli: { train: 1, dev: 1, majority: 0.35 } }, pretraining, rows, wallSeconds: 1,
});

const savedRows = [row("a", "sst2", "pretrained", 0.8), row("a", "sst2", "random", 0.7), row("a", "mnli", "pretrained", 0.5), row("a", "mnli", "random", 0.4), row("b", "sst2", "pretrained", 0.6)];
const saved = result(["a", "b"], { a: record(10, 0.2), b: record(20, 0.3) }, savedRows);

test("a run keeps the saved rows of the miniatures it did not fine-tune, made with its recipe from the same checkpoints", () => {
  const kept = keptRows(saved, result(["b"], { a: record(10, 0.2), b: record(20, 0.3) }, []));
  assert.deepEqual(kept, savedRows.slice(0, 4), "a's four rows, not b's (b was fine-tuned again)");
});

test("saved rows of another recipe, seed or checkpoint are dropped", () => {
  const now = { a: record(10, 0.2), b: record(20, 0.3) };
  assert.deepEqual(keptRows(saved, result(["b"], now, [], { steps: PRETRAINING_SIZES.small.steps + 1 })), [], "other steps");
  assert.deepEqual(keptRows(saved, { ...result(["b"], now, []), seed: 1 }), [], "other seed");
  assert.deepEqual(keptRows(saved, result(["b"], { a: record(11, 0.2), b: record(20, 0.3) }, [])), [], "a was retrained (other wall time)");
  assert.deepEqual(keptRows(saved, result(["b"], { a: record(10, 0.25), b: record(20, 0.3) }, [])), [], "a was retrained (other held-out score)");
});

test("the miniatures not fine-tuned yet are named with the command that adds them", () => {
  assert.deepEqual(notFineTuned(result(["en-L2-H128"], {}, [])), {
    models: ["en-L4-H256", "xx-L4-H256"], command: "npm run reproduce -- pretraining --preset small --models en-L4-H256,xx-L4-H256",
  });
  assert.deepEqual(notFineTuned(result([...PRETRAINING_SIZES.small.models], {}, [])), { models: [] });
});

test("a margin is held or not held only where the paired test tells it from noise", () => {
  const answers = (right: number, n: number, offset = 0) => Array.from({ length: n }, (_, i) => ((i + offset) % n < right ? "1" : "0")).join("");
  const withAnswers = (r: FineTuneRow, devCorrect: string): FineTuneRow => ({ ...r, devCorrect, accuracy: [...devCorrect].filter((c) => c === "1").length / devCorrect.length });
  // sst2: 600 vs 500 of 1000 right, nested (every example random gets right, pretrained does too): 100 discordant, all one way.
  // mnli: 505 vs 500 right out of 1000, with 300 / 295 discordant: a margin of 0.5 points that is noise.
  const r = result(["a"], {}, [
    withAnswers(row("a", "sst2", "pretrained", 0), answers(600, 1000)), withAnswers(row("a", "sst2", "random", 0), answers(500, 1000)),
    withAnswers(row("a", "mnli", "pretrained", 0), answers(505, 1000, 300)), withAnswers(row("a", "mnli", "random", 0), answers(500, 1000)),
  ]);
  assert.deepEqual(pairedTest(r.rows[0], r.rows[1]) && { ...pairedTest(r.rows[0], r.rows[1]), p: undefined }, { onlyPretrained: 100, onlyRandom: 0, p: undefined });
  const table = pretrainingTable(r);
  assert.ok(table[0]["p (McNemar)"] < 1e-20);
  assert.ok(table[1]["p (McNemar)"] > 0.5, `p = ${table[1]["p (McNemar)"]}`);
  const verdict = pretrainingVerdict(r);
  assert.match(verdict.lines[0], /^held: a on SST-2 dev, pretrained 60\.0 % vs random init 50\.0 % \(\+10\.0 points, McNemar p = /);
  assert.match(verdict.lines[1], /^within noise: a on MNLI dev-m, pretrained 50\.5 % vs random init 50\.0 % \(\+0\.5 points, McNemar p = 0\.\d{3}\)$/);
  assert.equal(verdict.held, false, "a margin within noise does not carry the claim");
  const swapped = result(["a"], {}, [{ ...r.rows[1], init: "pretrained" }, { ...r.rows[0], init: "random" }, r.rows[2], r.rows[3]]);
  assert.match(pretrainingVerdict(swapped).lines[0], /^did not hold: .*-10\.0 points/);
  assert.equal(pairedTest(row("a", "sst2", "pretrained", 0.6), r.rows[1]), undefined, "an older row without its answers");
  assert.equal(pretrainingVerdict(result(["a"], {}, savedRows.slice(0, 4))).lines[0].startsWith("held: a on SST-2 dev"), true, "older results: the margin alone");
});

test("tiny: one miniature, then the other, gives a result with both; a one-task run only keeps its runs", async () => {
  await initBackend({ quiet: true });
  const [first, second] = PRETRAINING_SIZES.tiny.models;
  const file = path.join(PROJECT_ROOT, "results", "pretraining-tiny.json");
  fs.rmSync(file, { force: true }); // a saved tiny result (gitignored) would lend its rows to the first run
  const before = tf.memory().numTensors;
  const one = await runPretraining({ preset: "tiny", models: [first] });
  assert.deepEqual(one.size.models, [first]);
  assert.equal(one.rows.length, 4, "2 tasks x pretrained / random");
  for (const r of one.rows) {
    assert.equal(r.devCorrect!.length, PRETRAINING_SIZES.tiny.devExamples, "one answer per dev example");
    assert.equal([...r.devCorrect!].filter((c) => c === "1").length / r.devCorrect!.length, r.accuracy, "the answers give the accuracy");
  }
  const both = await runPretraining({ preset: "tiny", models: [second] });
  assert.equal(tf.memory().numTensors, before, "every model is disposed");
  assert.deepEqual(both.size.models, [first, second], "in the preset's order");
  assert.deepEqual(both.rows.filter((r) => r.model === first), one.rows, "the first miniature's rows are kept as they were");
  assert.equal(both.rows.filter((r) => r.model === second).length, 4);
  assert.equal(pretrainingTable(both).length, 4, "one line per (miniature, task)");
  const fineTunes = both.rows.flatMap((r) => r.candidates.map((c) => c.wallSeconds!));
  assert.ok(fineTunes.every((s) => s > 0), "each fine-tune records its wall time, kept rows too");
  assert.equal(both.computeSeconds, fineTunes.reduce((a, b) => a + b, 0), "the cost sums every fine-tune");
  assert.deepEqual(JSON.parse(fs.readFileSync(file, "utf8")).rows, both.rows, "the written result holds both");

  const written = fs.readFileSync(file, "utf8");
  const sst2 = await runPretraining({ preset: "tiny", models: [second], tasks: ["sst2"] });
  assert.deepEqual(new Set(sst2.rows.map((r) => r.task)), new Set(["sst2"]));
  assert.equal(fs.readFileSync(file, "utf8"), written, "a one-task run does not write the result");
});

test("tiny: two runs of different miniatures side by side both end up in the result", async () => {
  const [first, second] = PRETRAINING_SIZES.tiny.models;
  const file = path.join(PROJECT_ROOT, "results", "pretraining-tiny.json");
  fs.rmSync(file, { force: true });
  await Promise.all([runPretraining({ preset: "tiny", models: [first] }), runPretraining({ preset: "tiny", models: [second] })]);
  const written = JSON.parse(fs.readFileSync(file, "utf8")) as PretrainingResult;
  assert.deepEqual(written.size.models, [first, second], "the run that finished last kept the other's rows");
  assert.equal(written.rows.length, 8);
});

test("a miniature the preset does not have is refused, naming the ones it has", async () => {
  await assert.rejects(runPretraining({ preset: "tiny", models: ["en-L9-H999"] }), /"en-L9-H999" is not a miniature of the tiny preset; use one of en-L2-H128, xx-L4-H256/);
  await assert.rejects(runPretraining({ preset: "tiny", tasks: ["squad" as "sst2"] }), /unknown pretraining task "squad"/);
});
