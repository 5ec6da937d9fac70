/**
 * The defense frontier: the score and verdict on a hand-made result; the tiny experiment end to
 * end (file written, accuracies in [0, 1], argmax-keeping perturbations leave honest users
 * exactly the undefended accuracy, points deterministic, no tensor leaks); and one tiny point
 * through the HTTP API with a per-key defense, equal to the same point in-process.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PROJECT_ROOT } from "../../lib/data/paths";
import { DEFENSE_ARMS, DefenseArm, armName } from "../../lib/experiments/defense-arms";
import { attackDefendedApi } from "../../lib/experiments/defense-live";
import { defenseSummaries, defenseTable, defenseVerdict, frontierFigure } from "../../lib/experiments/defense-report";
import { DEFENSE_SIZES, DefenseRun, DefensesResult, openDefenseTask, readDefensesResult, runDefensePoint, runDefenses } from "../../lib/experiments/defenses";
import { EXTRACTION_SIZES } from "../../lib/experiments/extraction";

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-defenses-test-"));
process.on("exit", () => fs.rmSync(TMP, { recursive: true, force: true }));

const timeless = ({ trainSeconds: _t, wallSeconds: _w, ...rest }: DefenseRun) => rest;

function handMade(points: Record<string, { arm: DefenseArm; honest: number; extractor: [number, number][] }>): DefensesResult {
  const runs: DefenseRun[] = [];
  for (const { arm, honest, extractor } of Object.values(points)) {
    extractor.forEach(([random, wiki], seed) => {
      for (const [generator, acc] of [["RANDOM", random], ["WIKI", wiki]] as const) {
        runs.push({ task: "sst2", defense: armName(arm), arm, generator, multiple: 1, seed, targets: "soft", queries: 10, honestAccuracy: honest, extractorAccuracy: acc, agreement: 0.5, attackLabelsChanged: 0, honestLabelsChanged: 0, steps: 1, trainSeconds: 1, wallSeconds: 1 });
      }
    });
  }
  return {
    experiment: "defenses", preset: "small", backend: "test", engine: "test", size: { ...DEFENSE_SIZES.small, seeds: [0, 1] }, extraction: EXTRACTION_SIZES.small,
    victims: { sst2: { devAccuracy: 0.8, oneX: 10, devExamples: 100, majority: 0.5 } }, gates: {}, runs, wallSeconds: 1, computeSeconds: 1,
  };
}

test("the frontier score: drop over honest loss, the loss floored at one dev example; the verdict names the best", () => {
  const r = handMade({
    none: { arm: { kind: "none" }, honest: 0.8, extractor: [[0.6, 0.62], [0.6, 0.62]] },
    labels: { arm: { kind: "perturb", method: "labels" }, honest: 0.8, extractor: [[0.58, 0.6], [0.58, 0.6]] },
    gate: { arm: { kind: "membership-gate" }, honest: 0.78, extractor: [[0.5, 0.49], [0.5, 0.51]] },
  });
  const [none, labels, gate] = defenseSummaries(r, "sst2");
  assert.equal(none.defense, "none");
  assert.ok(Math.abs(labels.drop - 0.02) < 1e-12 && labels.loss === 0);
  assert.ok(Math.abs(labels.score - 2) < 1e-9, `no honest loss: 2 points over the one-example floor (1 point) = 2; got ${labels.score}`);
  assert.ok(Math.abs(gate.drop - 0.11) < 1e-12, `mean of RANDOM 10 and WIKI 12 points; got ${gate.drop}`);
  assert.ok(Math.abs(gate.score - 5.5) < 1e-9, `11 points over 2 honest points; got ${gate.score}`);
  const verdict = defenseVerdict(r, "sst2");
  assert.match(verdict[1], /^sst2: best frontier: membership gate: extractors −11\.0 ± 0\.5 points .* for 2\.0 honest points, score 5\.5$/);
  assert.match(verdict.join("\n"), /the perturbations keep every label, so honest users lose nothing: held/);
  const rows = defenseTable(r, "sst2");
  assert.deepEqual(rows.map((x) => x.defense), ["none", "labels", "membership gate"]);
  assert.equal(rows[2]["WIKI 1x (%)"], "50.0 ± 1.4");
  const worse = handMade({ none: { arm: { kind: "none" }, honest: 0.8, extractor: [[0.6, 0.6]] }, round: { arm: { kind: "perturb", method: "round", decimals: 1 }, honest: 0.8, extractor: [[0.61, 0.6]] } });
  assert.match(defenseVerdict(worse, "sst2")[1], /best frontier: none of the defenses — no defense lowered/);
});

test("tiny defenses end to end: every arm, accuracies in [0, 1], honest users keep the undefended accuracy under the perturbations, deterministic, no leaks", async () => {
  const started = Date.now();
  const r = await runDefenses({ preset: "tiny", runsRoot: path.join(TMP, "a") });
  const seconds = (Date.now() - started) / 1000;
  const size = DEFENSE_SIZES.tiny;
  assert.equal(r.runs.length, size.arms.length * size.seeds.length * size.generators.length);
  assert.deepEqual([...new Set(r.runs.map((x) => x.defense))], DEFENSE_ARMS.map(armName));
  const saved = readDefensesResult("tiny");
  assert.ok(saved && fs.existsSync(path.join(PROJECT_ROOT, "results", "defend", "defenses-tiny.json")));
  assert.deepEqual(saved.runs.map(timeless), r.runs.map(timeless), "the result file holds this run");
  for (const x of r.runs) {
    for (const v of [x.honestAccuracy, x.extractorAccuracy, x.agreement, x.attackLabelsChanged, x.honestLabelsChanged]) assert.ok(v >= 0 && v <= 1, `${x.defense} ${x.generator}: ${v}`);
    assert.equal(x.queries, r.victims.sst2!.oneX);
    assert.equal(x.targets, x.arm.kind === "perturb" && x.arm.method === "labels" ? "hard" : "soft", x.defense);
  }
  // The check that can fail: an argmax-keeping perturbation must leave every honest label, hence the accuracy, as undefended.
  for (const seed of size.seeds) {
    const base = r.runs.find((x) => x.defense === "none" && x.seed === seed)!;
    for (const x of r.runs.filter((y) => y.arm.kind === "perturb" && y.seed === seed)) {
      assert.equal(x.honestAccuracy, base.honestAccuracy, `${x.defense} seed ${seed}`);
      assert.equal(x.honestLabelsChanged, 0);
      assert.equal(x.attackLabelsChanged, 0);
    }
  }
  const gate = r.runs.filter((x) => x.arm.kind === "membership-gate");
  assert.ok(gate.some((x) => x.attackLabelsChanged > 0), "the gate answered some attack queries at random");
  assert.ok(r.gates.sst2 && fs.existsSync(path.resolve(PROJECT_ROOT, r.gates.sst2.file)));
  const fig = frontierFigure(r, "sst2");
  assert.equal(fig.data.length, size.arms.length + 1);
  assert.ok(fig.data.slice(0, -1).every((t) => (t.x as number[]).length === size.generators.length && t.error_y));
  assert.ok(defenseVerdict(r, "sst2").some((l) => l.startsWith("sst2: best frontier: ")));
  assert.equal(defenseTable(r, "sst2").length, size.arms.length);
  console.log(`tiny defenses: ${r.runs.length} points in ${seconds.toFixed(1)} s`);

  // The same points again, in another folder: identical outcomes, and no tensor left behind by any of them.
  const t = await openDefenseTask("sst2", "tiny", { runsRoot: path.join(TMP, "b") });
  try {
    for (const arm of [DEFENSE_ARMS[0], DEFENSE_ARMS[2], DEFENSE_ARMS[DEFENSE_ARMS.length - 1]]) {
      const before = tf.memory().numTensors;
      const again = await runDefensePoint(t, arm, "WIKI", 1);
      assert.equal(tf.memory().numTensors, before, `${armName(arm)} leaked tensors`);
      const first = r.runs.find((x) => x.defense === armName(arm) && x.generator === "WIKI" && x.seed === 1)!;
      assert.deepEqual(timeless(again), timeless(first), `${armName(arm)}: same seed, same outcome`);
    }
  } finally {
    t.dispose();
  }
});

test("tiny point through the HTTP API: a key with a per-key defense answers the attack exactly as the in-process defense; the honest key is undefended", async () => {
  const arm: DefenseArm = { kind: "perturb", method: "round", decimals: 1 };
  const live = await attackDefendedApi({ preset: "tiny", arm, generator: "WIKI", seed: 0 });
  assert.deepEqual(live.keyDefense, { kind: "perturb", method: "round", decimals: 1 });
  const { trainSeconds: _a, wallSeconds: _b, ...http } = live.http;
  const { trainSeconds: _c, wallSeconds: _d, task: _e, defense: _f, arm: _g, generator: _h, multiple: _i, seed: _j, ...inProcess } = live.inProcess;
  assert.deepEqual(http, inProcess, "the same answers, extractor and honest accuracy over HTTP as in-process");
  assert.equal(http.targets, "soft");
  assert.deepEqual(live.logged.suspect.inputs, http.queries + EXTRACTION_SIZES.tiny.devExamples!);
  assert.deepEqual(live.logged.honest.inputs, EXTRACTION_SIZES.tiny.devExamples);
  assert.deepEqual(live.defenseReports, ["perturb: round-1"]);
  const base = (await runDefenses({ preset: "tiny", reuse: true })).runs.find((x) => x.defense === "none" && x.seed === 0)!;
  assert.equal(live.honestKeyAccuracy, base.honestAccuracy, "the undefended key gives the undefended accuracy");
});
