/**
 * lib/experiments/squad-extraction.ts: a tiny run end to end in a temporary results folder (the
 * victim is a model folder LocalQaVictim opens, every run kept, scores in [0, 1], the same numbers
 * from a second folder, kept runs read back, no tensor left behind), and the report on hand-made
 * results: the floor, the table's paper column, the verdict's held / did not hold.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { budgetQueries } from "../../lib/extract/queries";
import { LocalQaVictim } from "../../lib/extract/local-qa-victim";
import {
  SQUAD_EXTRACTION_SIZES, SquadExtractionResult, SquadExtractionRun, boolqNote, firstWordsFloor, runSquadExtraction, squadExtractionSplits,
  squadExtractionTable, squadExtractionVerdict, trainSquadVictim,
} from "../../lib/experiments/squad-extraction";
import { tempDir } from "../serve/fixtures";

const ROOTS = [tempDir("squad-a"), tempDir("squad-b")];
before(() => initBackend({ quiet: true }));
after(() => ROOTS.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

const noTimes = (r: SquadExtractionResult) => ({
  ...r, wallSeconds: 0, computeSeconds: 0, victim: { ...r.victim, wallSeconds: 0 }, runs: r.runs.map((x) => ({ ...x, wallSeconds: 0 })),
});

test("a tiny run: the victim folder, one kept outcome per run, scores in [0, 1], the same numbers again", async () => {
  const size = SQUAD_EXTRACTION_SIZES.tiny;
  const start = tf.memory().numTensors;
  const r = await runSquadExtraction({ preset: "tiny", root: ROOTS[0] });
  assert.equal(tf.memory().numTensors, start, "no tensor left behind");

  const file = path.join(ROOTS[0], "results", "extract", "squad-tiny.json");
  assert.deepEqual(JSON.parse(fs.readFileSync(file, "utf8")), r);
  const victim = await LocalQaVictim.load(await trainSquadVictim("tiny", size, ROOTS[0]));
  victim.dispose();

  const data = squadExtractionSplits("tiny");
  assert.equal(r.data.trainQuestions, size.trainExamples);
  assert.equal(r.data.evalQuestions, size.devExamples);
  assert.equal(r.data.trainArticles + r.data.evalTitles.length, 48, "the split covers SQuAD dev's 48 articles");
  assert.equal(r.victim.oneX, budgetQueries(data.train.length, 1, size.scale));
  assert.equal(r.runs.length, 2 * size.tableMultiples.length * size.seeds.length);
  for (const run of r.runs) {
    assert.equal(run.queries, budgetQueries(data.train.length, run.multiple, size.scale));
    for (const key of ["exactMatch", "f1", "agreementF1", "victimExactMatch", "victimF1"] as const) assert.ok(run[key] >= 0 && run[key] <= 1, `${key} ${run[key]}`);
    assert.equal(run.victimF1, r.victim.f1, "the victim's dev answers score as its own evaluation did");
    assert.ok(run.trainFeatures <= run.queries - run.emptyAnswers);
  }
  const base = path.dirname(path.dirname(await trainSquadVictim("tiny", size, ROOTS[0])));
  const [extractors] = fs.readdirSync(base).filter((d) => d.startsWith("extractors-"));
  for (const run of r.runs) {
    const kept = path.join(base, extractors, `${run.generator}-${run.multiple}x-seed${run.seed}`, "outcome.json");
    assert.deepEqual(JSON.parse(fs.readFileSync(kept, "utf8")), run, `${kept} keeps the run`);
  }
  for (const x of [r.victim.f1, r.victim.exactMatch, r.floor.f1]) assert.ok(x >= 0 && x <= 1);

  const again = await runSquadExtraction({ preset: "tiny", root: ROOTS[1] });
  assert.deepEqual(noTimes(again), noTimes(r), "same seeds, same backend: the same numbers");

  assert.deepEqual(await runSquadExtraction({ preset: "tiny", root: ROOTS[0], reuse: true }), r, "reuse reads the result file");
  fs.rmSync(file);
  const collected = await runSquadExtraction({ preset: "tiny", root: ROOTS[0] });
  assert.deepEqual(collected.runs, r.runs, "every run read back from its kept outcome (wall times included)");
});

test("the floor: the first k words of the paragraph, the best k kept", () => {
  const examples = [
    { context: "Paris is the capital of France.", question: "?", answers: [{ text: "Paris", start: 0 }] },
    { context: "Paris is big.", question: "?", answers: [{ text: "Paris is", start: 0 }] },
  ];
  const floor = firstWordsFloor(examples, 3);
  assert.equal(floor.words, 1, "k = 1: F1 1 and 2/3; k = 2: 2/3 and 1; ties keep the shorter");
  assert.equal(floor.exactMatch, 0.5);
  assert.ok(Math.abs(floor.f1 - (1 + 2 / 3) / 2) < 1e-12);
});

/** A result with the given F1 per (generator, multiple) over seeds 0 and 1. */
function result(victimF1: number, floorF1: number, f1: Record<string, [number, number]>): SquadExtractionResult {
  const runs: SquadExtractionRun[] = Object.entries(f1).flatMap(([cell, values]) => values.map((v, seed) => {
    const [generator, multiple] = cell.split(" ") as ["RANDOM" | "WIKI", string];
    return { generator, multiple: Number(multiple), seed, queries: 10 * Number(multiple), wordsSent: 0, charactersSent: 0, cost: 0, exactMatch: v / 2, f1: v, agreementF1: v, victimExactMatch: 0, victimF1, emptyAnswers: 0, trainFeatures: 1, steps: 1, wallSeconds: 1 };
  }));
  return {
    experiment: "squad-extract", preset: "small", backend: "tensorflow", engine: "test", size: { ...SQUAD_EXTRACTION_SIZES.small, seeds: [0, 1] },
    data: { trainQuestions: 1000, trainArticles: 3, evalQuestions: 100, evalTitles: ["a", "b"] },
    victim: { miniature: "m", exactMatch: victimF1 / 2, f1: victimF1, steps: 1, trainExamples: 1000, evalExamples: 100, wallSeconds: 1, oneX: 10 },
    floor: { words: 2, exactMatch: 0, f1: floorF1 }, runs, paper: {}, wallSeconds: 1, computeSeconds: 1,
  };
}

test("the table: ours as mean ± std beside the paper's F1, the floor as a row of its own", () => {
  const rows = squadExtractionTable(result(0.5, 0.1, { "RANDOM 1": [0.3, 0.32], "RANDOM 10": [0.4, 0.4], "WIKI 1": [0.35, 0.35], "WIKI 10": [0.45, 0.47] }));
  assert.deepEqual(rows.map((r) => [r.model, r["F1 paper"]]), [
    ["API / victim", "90.6"], ["floor: the paragraph's first 2 words", ""], ["RANDOM", "79.1"], ["RANDOM", "85.8 (up to 10x)"], ["WIKI", "86.1"], ["WIKI", "89.4 (up to 10x)"],
  ]);
  assert.equal(rows[2]["F1 ours"], "31.0 ± 1.4");
  assert.equal(rows[0]["F1 ours"], "50.0");
  assert.match(String(rows[3].queries), /^10x = 100 \(× 0\.05 scale\)$/);
});

test("the verdict: a large share held, not held, and not judged above a victim at the floor", () => {
  const held = squadExtractionVerdict(result(0.5, 0.1, { "RANDOM 1": [0.3, 0.32], "RANDOM 10": [0.4, 0.4], "WIKI 1": [0.35, 0.35], "WIKI 10": [0.45, 0.47] }));
  const claim = (lines: string[]) => lines.find((l) => l.includes("large share"))!;
  assert.match(claim(held), /: held \(best: WIKI 10x, 92\.0 % of the victim's F1 and 90\.0 % of the way from the floor\)/);
  assert.ok(held.some((l) => /WIKI ≥ RANDOM at 1x: held/.test(l)));
  assert.ok(held.some((l) => /RANDOM 10x ≥ 1x: held/.test(l)));

  const short = squadExtractionVerdict(result(0.5, 0.1, { "RANDOM 1": [0.2, 0.2], "RANDOM 10": [0.3, 0.3], "WIKI 1": [0.2, 0.2], "WIKI 10": [0.35, 0.35] }));
  assert.match(claim(short), /: did not hold \(best: WIKI 10x, 70\.0 %/);

  assert.doesNotMatch(claim(held), /learned little/);
  const weak = squadExtractionVerdict(result(0.15, 0.1, { "RANDOM 1": [0.14, 0.14], "RANDOM 10": [0.145, 0.145], "WIKI 1": [0.145, 0.145], "WIKI 10": [0.148, 0.148] }));
  assert.match(claim(weak), /: held \(best: WIKI 10x.*only 5\.0 F1 points above the floor, so this copies a victim that learned little\)/);

  const flat = squadExtractionVerdict(result(0.11, 0.1, { "RANDOM 1": [0.1, 0.1], "RANDOM 10": [0.1, 0.1], "WIKI 1": [0.1, 0.1], "WIKI 10": [0.105, 0.105] }));
  assert.match(flat[0], /the victim is not clearly above the floor/);
  assert.match(claim(flat), /: did not hold \(the victim is not above the floor/);
});

test("BoolQ: not vendored, and the note says where its files go", () => {
  const note = boolqNote();
  assert.match(note, /BoolQ/);
  assert.ok(/not vendored.*train\.jsonl.*dev\.jsonl/.test(note) || /is in the download cache/.test(note), note);
});
