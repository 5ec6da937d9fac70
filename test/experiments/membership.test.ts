/**
 * The membership experiment: a tiny runMembership end to end (the result file, AUCs and
 * accuracies in [0, 1], the same numbers from a second fresh run, no tensors left behind); on a
 * controllable setup (a tiny classifier, its own vocabulary's sentences vs gibberish) the
 * pipeline separates clearly different inputs and not identically distributed ones; the saved
 * classifier scores the live victim as it scored the sliced rows; the ROC curve; the gate helper;
 * the verdict on hand-made cells.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { rocAuc, rocCurve } from "../../lib/defend/auc";
import { FEATURE_KINDS, localVictimFeatures } from "../../lib/defend/features";
import { loadMembershipClassifier, membershipScores } from "../../lib/defend/membership";
import { initBackend } from "../../lib/engine/backend";
import { Rng } from "../../lib/engine/rng";
import { LocalVictim } from "../../lib/extract/local-victim";
import { GeneratorName, shuffleWords } from "../../lib/extract/queries";
import { EVAL_GENERATORS, MEMBERSHIP_SIZES, MembershipCell, MembershipResult, MembershipRun, computeMembershipRun, membershipGateFor, membershipResultFile, runMembership } from "../../lib/experiments/membership";
import { MembershipTaskData, sliceExtractor } from "../../lib/experiments/membership-data";
import { membershipTable, membershipVerdict } from "../../lib/experiments/membership-report";
import { makeTinyModel, sentences, tempDir } from "../serve/fixtures";

const TMP = tempDir("membership-experiment");
let victimDir: string;
before(async () => {
  await initBackend({ quiet: true });
  victimDir = await makeTinyModel(path.join(TMP, "victim"));
});
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

const withoutTimes = (runs: MembershipRun[]) => runs.map(({ wallSeconds: _w, featureSeconds: _f, fitSeconds: _t, ...rest }) => rest);

test("tiny runMembership: the result file, AUCs and accuracies in [0, 1], both tasks and every seed, the same numbers from a fresh run, no leaked tensors", async () => {
  const tensors = tf.memory().numTensors;
  const first = await runMembership({ preset: "tiny", root: path.join(TMP, "first") });
  assert.equal(tf.memory().numTensors, tensors, "tensors left behind");
  assert.ok(fs.existsSync(membershipResultFile("tiny", path.join(TMP, "first"))), "result file written");
  assert.deepEqual(first.tasks, ["mnli", "squad"]);
  assert.equal(first.runs.length, 2 * MEMBERSHIP_SIZES.tiny.seeds.length);
  for (const run of first.runs) {
    assert.ok(run.counts.members > 0 && run.counts.members === run.counts.nonMembers, "balanced training sets");
    for (const g of EVAL_GENERATORS) assert.equal(run.counts[g], run.counts.real, `${g}: as many queries as real inputs`);
    for (const kind of FEATURE_KINDS) {
      for (const g of EVAL_GENERATORS) {
        const c = run.cells[kind][g];
        for (const v of [c.auc, c.accuracy, c.realKept, c.attackCaught]) assert.ok(v >= 0 && v <= 1, `${run.task} ${kind} ${g}: ${JSON.stringify(c)}`);
        assert.ok(Math.abs(c.accuracy - (c.realKept + c.attackCaught) / 2) < 1e-12, "balanced accuracy");
      }
    }
  }
  assert.ok(fs.existsSync(path.join(TMP, "first", "results", "runs", "membership-tiny")), "runs kept under root");
  const table = membershipTable(first);
  assert.equal(table.length, 6, "2 tasks × 3 feature kinds");
  assert.equal(table[0]["WIKI paper acc %"], "99.34");
  assert.ok(membershipVerdict(first).length === 7);
  const second = await runMembership({ preset: "tiny", root: path.join(TMP, "second") });
  assert.deepEqual(withoutTimes(second.runs), withoutTimes(first.runs), "deterministic");
  const again = await runMembership({ preset: "tiny", root: path.join(TMP, "first"), reuse: true });
  assert.deepEqual(again.runs, first.runs, "reuse reads the saved result");
});

/** Words of letters the fixture vocabulary never uses: clearly not the victim's inputs. */
function gibberish(n: number, seed: number): string[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: 4 + rng.int(8) }, () => Array.from({ length: 3 + rng.int(6) }, () => "qxzjvkw"[rng.int(7)]).join("")).join(" "));
}

/** The experiment's task interface over the tiny classifier; `wiki` makes the WIKI queries. */
function syntheticTask(wiki: (count: number, seed: number) => string[]): MembershipTaskData<string> {
  return {
    task: "sst2", train: sentences(400, 3), held: sentences(200, 5),
    queries: (generator: GeneratorName, count: number, seed: number, taskInputs: string[]) => {
      const rng = new Rng(seed);
      if (generator === "SHUFFLE") return Array.from({ length: count }, () => shuffleWords(rng, taskInputs[rng.int(taskInputs.length)]));
      return generator === "WIKI" ? wiki(count, seed) : gibberish(count, seed + 1);
    },
    text: (x) => x, drawn: (x) => x,
    victimDir, victimFingerprint: "fixture", maxLength: 64,
    open: async (batchSize) => {
      const victim = await LocalVictim.load(victimDir);
      return { features: localVictimFeatures(victim, batchSize), hidden: victim.model.config.hidden_size, dispose: () => victim.dispose() };
    },
  };
}

const size = { ...MEMBERSHIP_SIZES.tiny, trainPerClass: 150, evalPerClass: 100, logisticSteps: 300 };

test("on a controllable setup the classifier separates clearly different inputs, and not identically distributed ones; no leaked tensors", async () => {
  const tensors = tf.memory().numTensors;
  const different = await computeMembershipRun(syntheticTask((n, s) => gibberish(n, 1000 + s)), size, 0, path.join(TMP, "different"));
  for (const g of ["WIKI", "RANDOM"] as const) assert.ok(different.cells["last-layer"][g].auc > 0.9, `${g} vs the victim's sentences: ${JSON.stringify(different.cells["last-layer"][g])}`);
  // WIKI queries drawn like the victim's own inputs: nothing to learn, nothing to find.
  const same = await computeMembershipRun(syntheticTask((n, s) => sentences(n, 100 + (s % 1000))), size, 0, path.join(TMP, "same"));
  for (const kind of FEATURE_KINDS) assert.ok(Math.abs(same.cells[kind].WIKI.auc - 0.5) < 0.15, `${kind}: AUC ${same.cells[kind].WIKI.auc} on identical distributions`);
  assert.equal(tf.memory().numTensors, tensors, "tensors left behind");
});

test("a classifier fit on sliced rows scores the live victim the same (what the server's gate reads)", async () => {
  const dir = path.join(TMP, "slices");
  await computeMembershipRun(syntheticTask((n, s) => gibberish(n, 2000 + s)), size, 1, dir);
  const victim = await LocalVictim.load(victimDir);
  try {
    const inputs = [...sentences(20, 77), ...gibberish(20, 78)];
    const live = localVictimFeatures(victim, 7); // another batch size: other padding
    const rows = live(inputs, "both");
    for (const kind of FEATURE_KINDS) {
      const classifier = loadMembershipClassifier(path.join(dir, `classifier-${kind}.json`));
      const a = membershipScores(classifier, live, inputs);
      const b = membershipScores(classifier, sliceExtractor(victim.model.config.hidden_size), rows);
      a.forEach((s, i) => assert.ok(Math.abs(s - b[i]) < 1e-4, `${kind} input ${i}: ${s} vs ${b[i]}`));
    }
  } finally {
    victim.dispose();
  }
});

test("rocCurve: from (0, 0) to (1, 1), ties as one step, its trapezoid area is the AUC, thinned curves keep both ends", () => {
  const scores = [0.9, 0.8, 0.8, 0.4, 0.3, 0.1];
  const labels = [1, 1, 0, 1, 0, 0];
  const { fpr, tpr } = rocCurve(scores, labels);
  assert.deepEqual(fpr, [0, 0, 1 / 3, 1 / 3, 2 / 3, 1]);
  assert.deepEqual(tpr, [0, 1 / 3, 2 / 3, 1, 1, 1]);
  const area = fpr.slice(1).reduce((a, x, i) => a + ((x - fpr[i]) * (tpr[i + 1] + tpr[i])) / 2, 0);
  assert.ok(Math.abs(area - rocAuc(scores, labels)) < 1e-12);
  const rng = new Rng(3);
  const many = Array.from({ length: 500 }, () => rng.uniform());
  const thin = rocCurve(many, many.map((s) => (s + 0.3 * rng.normal() > 0.5 ? 1 : 0)), 11);
  assert.equal(thin.fpr.length, 11);
  assert.deepEqual([thin.fpr[0], thin.tpr[0], thin.fpr[10], thin.tpr[10]], [0, 0, 1, 1]);
  assert.throws(() => rocCurve([0.1, 0.2], [1, 1]), /needs both/);
});

test("membershipGateFor: a classifier file the server loads, the victim and input length it reads, its evaluation", async () => {
  const gate = await membershipGateFor("sst2", "tiny", "last-layer", path.join(TMP, "gate"));
  assert.deepEqual(loadMembershipClassifier(gate.file), gate.classifier);
  assert.equal(gate.classifier.features, "last-layer");
  assert.equal(gate.threshold, 0.5);
  assert.ok(fs.existsSync(path.join(gate.victim, "model.safetensors")));
  assert.ok(gate.maxLength > 0 && EVAL_GENERATORS.every((g) => gate.cells[g].auc >= 0 && gate.cells[g].auc <= 1));
  const again = await membershipGateFor("sst2", "tiny", "last-layer", path.join(TMP, "gate"));
  assert.equal(again.file, gate.file, "read from the kept run");
});

test("membershipVerdict: 'held' only when WIKI and RANDOM reach the AUC bar and SHUFFLE is below both", () => {
  const cell = (auc: number): MembershipCell => ({ auc, accuracy: auc, realKept: auc, attackCaught: auc });
  const run = (seed: number, aucs: Record<GeneratorName, number>): MembershipRun => ({
    task: "mnli", seed, counts: { members: 1, nonMembers: 1, real: 1, WIKI: 1, RANDOM: 1, SHUFFLE: 1 },
    cells: Object.fromEntries(FEATURE_KINDS.map((k) => [k, Object.fromEntries(EVAL_GENERATORS.map((g) => [g, cell(aucs[g])]))])) as MembershipRun["cells"],
    curves: { roc: {} as MembershipRun["curves"]["roc"], histogram: { edges: [], counts: {} as MembershipRun["curves"]["histogram"]["counts"] } },
    featureSeconds: 0, fitSeconds: 0, wallSeconds: 0,
  });
  const result = (aucs: Record<GeneratorName, number>[]): MembershipResult => ({
    experiment: "membership", preset: "tiny", backend: "cpu", engine: "", size: MEMBERSHIP_SIZES.tiny, tasks: ["mnli"], victims: {},
    runs: aucs.map((a, i) => run(i, a)), paper: {} as MembershipResult["paper"], wellSeparatedAuc: 0.9, wallSeconds: 0, computeSeconds: 0,
  });
  const [held] = membershipVerdict(result([{ WIKI: 0.95, RANDOM: 0.99, SHUFFLE: 0.7 }, { WIKI: 0.97, RANDOM: 0.98, SHUFFLE: 0.72 }])).slice(1);
  assert.match(held, /separated well: held .*SHUFFLE less well than both: held/);
  const [weak] = membershipVerdict(result([{ WIKI: 0.85, RANDOM: 0.99, SHUFFLE: 0.7 }])).slice(1);
  assert.match(weak, /separated well: did not hold/);
  const [shuffleHigh] = membershipVerdict(result([{ WIKI: 0.95, RANDOM: 0.99, SHUFFLE: 0.97 }])).slice(1);
  assert.match(shuffleHigh, /SHUFFLE less well than both: did not hold \(AUC 0.970, 0.020 above/);
  assert.match(shuffleHigh, /Paper \(accuracy\): WIKI 99.34, RANDOM 99.14, SHUFFLE 87.36 — SHUFFLE below both there/);
});
