/**
 * The TinyBERT experiment: a tiny run end to end (the result file written, every number in range,
 * no tensor left, the same numbers from a second run in fresh folders), and the report on a
 * hand-made result (the table beside the paper's rows, held / did not hold / within noise / tied,
 * the heat map's panels).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PROJECT_ROOT } from "../../lib/data/paths";
import { initBackend } from "../../lib/engine/backend";
import { PAPER_TINYBERT_ABLATION, TINYBERT_SIZES, TINYBERT_VARIANTS, TinyBertResult, TinyBertRun, TinyBertVariant, runTinyBert } from "../../lib/experiments/tinybert";
import { attentionGapTable, attentionHeatmapFigure, tinyBertTable, tinyBertVerdict } from "../../lib/experiments/tinybert-report";
import { PRETRAINED_DISTILLATION_SIZES } from "../../lib/experiments/pretrained-distillation";
import { PRESETS } from "../../lib/experiments/presets";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "thieves-tinybert-"));
/** What must repeat exactly: everything but the clock. */
const numbers = (r: TinyBertResult) => ({ runs: r.runs.map(({ wallSeconds: _, ...run }) => run), gapBefore: r.gapBefore, probes: r.probes, teachers: Object.values(r.teachers).map((t) => t!.accuracy) });

test("tiny run end to end: result file, numbers in range, no tensor left, the same numbers again from fresh run folders", async () => {
  await initBackend({ quiet: true });
  const before = tf.memory().numTensors;
  const r = await runTinyBert({ preset: "tiny", runsBase: tmp() });
  assert.equal(tf.memory().numTensors, before, "every model and tensor is disposed");
  const file = path.join(PROJECT_ROOT, "results", "distill", "tinybert-tiny.json");
  assert.deepEqual(JSON.parse(fs.readFileSync(file, "utf8")), JSON.parse(JSON.stringify(r)));
  const size = TINYBERT_SIZES.tiny;
  assert.equal(r.runs.length, size.tasks.length * size.seeds.length * TINYBERT_VARIANTS.length);
  for (const run of r.runs) {
    for (const x of [run.accuracy, run.agreement]) assert.ok(x >= 0 && x <= 1, `${run.variant}: ${x}`);
    assert.ok(Number.isFinite(run.gap.final) && run.gap.final >= 0);
    assert.equal(run.gap.afterStage1 !== undefined, ["hidden", "attention", "all"].includes(run.variant), `${run.variant}: a gap after stage 1 iff it has one`);
    assert.deepEqual(run.steps, { stage1: run.gap.afterStage1 !== undefined ? size.stage1Steps : 0, stage2: size.stage2Steps });
  }
  const probe = r.probes.sst2!;
  const T = probe.tokens.length;
  for (const maps of [probe.teacher, probe.before, probe.afterStage1, probe.final]) {
    assert.ok(maps.length > 0 && maps.every((head) => head.length === T && head.every((row) => Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-2)));
  }
  assert.notDeepEqual(probe.afterStage1, probe.before, "stage 1 changed the student's attention");
  const again = await runTinyBert({ preset: "tiny", runsBase: tmp() });
  assert.deepEqual(numbers(again), numbers(r), "same seeds, same numbers");
});

test("at every preset, 'alone' and 'logits only' are the trainings of pre-trained distillation's L2-H128 Pre-training + Fine-tuning and Pre-trained Distillation rows", () => {
  for (const preset of PRESETS) {
    const t = TINYBERT_SIZES[preset];
    const p = PRETRAINED_DISTILLATION_SIZES[preset];
    const l2 = p.students.find((s) => s.id === "L2-H128")!;
    assert.ok("miniature" in l2.pretrained && l2.pretrained.miniature === t.student, preset);
    assert.deepEqual([t.stage2Steps, t.learningRate, t.temperature, t.seeds], [p.steps, l2.learningRate, p.temperature, p.seeds], preset);
  }
});

/** A result with these accuracies per variant (one per seed) and attention gaps. */
function handMade(accuracies: Record<TinyBertVariant, number[]>, gapAfterStage1 = 0.001): TinyBertResult {
  const runs: TinyBertRun[] = [];
  for (const [variant, values] of Object.entries(accuracies) as [TinyBertVariant, number[]][]) {
    const staged = ["hidden", "attention", "all"].includes(variant);
    values.forEach((accuracy, seed) => runs.push({ task: "sst2", variant, seed, accuracy, agreement: 0.9, gap: { ...(staged ? { afterStage1: gapAfterStage1 } : {}), final: 0.002 }, steps: { stage1: staged ? 10 : 0, stage2: 10 }, wallSeconds: 1 }));
  }
  const head = (v: number) => [[v, 1 - v], [0.5, 0.5]];
  return {
    experiment: "tinybert", preset: "small", backend: "tensorflow", engine: "test", size: { ...TINYBERT_SIZES.small, tasks: ["sst2"], seeds: [0, 1] },
    data: { teacher: "en-L4-H256", maxLength: 64, batchSize: 32, trainExamples: 100, devExamples: { sst2: 10 }, teacherSteps: 10 },
    models: { teacher: { name: "en-L4-H256", layers: 4, hidden: 256, heads: 4, parameters: 1000 }, student: { name: "en-L2-H128", layers: 2, hidden: 128, heads: 2, parameters: 500 } },
    layerMap: [{ student: 0, teacher: 0 }, { student: 1, teacher: 2 }, { student: 2, teacher: 4 }],
    teachers: { sst2: { accuracy: 0.8, wallSeconds: 1 } }, gapBefore: { sst2: 0.004 }, runs,
    probes: { sst2: { task: "sst2", text: "a b", tokens: ["[CLS]", "[SEP]"], studentLayer: 2, teacherLayer: 4, teacher: [head(0.9), head(0.7), head(0.5), head(0.3)], before: [head(0.5), head(0.5)], afterStage1: [head(0.6), head(0.8)], final: [head(0.6), head(0.6)], variant: "all", seed: 0 } },
    paper: PAPER_TINYBERT_ABLATION, computeSeconds: 1, wallSeconds: 1,
  };
}

test("the table: mean ± std, % of the teacher, the final attention gap, the paper's matching row and its share of TinyBERT4", () => {
  const rows = tinyBertTable(handMade({ alone: [0.7, 0.7], logits: [0.72, 0.74], hidden: [0.74, 0.74], attention: [0.75, 0.75], all: [0.74, 0.78] }), "sst2");
  assert.equal(rows.length, 1 + 5);
  const all = rows.find((x) => String(x.model).startsWith("all"))!;
  assert.equal(all["dev accuracy (%)"], "76.0 ± 2.8");
  assert.equal(all["% of teacher"], "95.0");
  assert.equal(all["attention gap (MSE)"], "2.00e-3");
  assert.equal(all["paper row"], "TinyBERT4");
  const hidden = rows.find((x) => String(x.model).startsWith("+ hidden"))!;
  assert.equal(hidden["paper row"], "w/o Attn");
  assert.equal(hidden["paper % of TinyBERT4"], (100 * 71.0 / 75.6).toFixed(1), "computed from the paper's numbers");
  assert.equal(rows.find((x) => String(x.model).startsWith("student alone"))!["paper row"], "");
  const gaps = attentionGapTable(handMade({ alone: [0.7], logits: [0.7], hidden: [0.7], attention: [0.7], all: [0.7] }), "sst2");
  assert.deepEqual(gaps.map((g) => g["after stage 1"]), ["—", "—", "1.00e-3", "1.00e-3", "1.00e-3"]);
});

test("the verdict: held, did not hold, within noise, tied within noise; the attention gap must fall", () => {
  const lines = tinyBertVerdict(handMade({ alone: [0.7, 0.7], logits: [0.69, 0.69], hidden: [0.74, 0.74], attention: [0.73, 0.77], all: [0.76, 0.76] }));
  assert.match(lines[0], /^sst2: logits only .* beats the student trained alone: did not hold \(69\.0 vs 70\.0, gap -1\.0 points\)$/);
  assert.match(lines[1], /^sst2: \+ hidden .*: held \(74\.0 vs 70\.0, gap 4\.0 points\)$/);
  assert.match(lines[4], /full recipe \(all\) is the best of the ablation: held \(best\) \(all vs the best other, attention: 76\.0 vs 75\.0, gap 1\.0 points, within noise: seeds' std 2\.8\)/);
  assert.match(lines[5], /attention matters more than hidden states .*: held \(75\.0 vs 74\.0, gap 1\.0 points, within noise/);
  assert.match(lines[6], /closer to the teacher's .*: held \(before 4\.00e-3; after stage 1: attention 1\.00e-3, all 1\.00e-3\)/);
  const tied = tinyBertVerdict(handMade({ alone: [0.7], logits: [0.7], hidden: [0.7], attention: [0.76, 0.8], all: [0.76, 0.77] }, 0.005));
  assert.match(tied[4], /: held \(tied with attention, within noise\)/);
  assert.match(tied[6], /closer to the teacher's .*: did not hold/);
  const beaten = tinyBertVerdict(handMade({ alone: [0.7], logits: [0.7], hidden: [0.8, 0.8], attention: [0.7], all: [0.75, 0.75] }));
  assert.match(beaten[4], /: did not hold \(all vs the best other, hidden: 75\.0 vs 80\.0, gap -5\.0 points\)/);
});

test("the heat map: four panels of the probe's mean over heads (or one head), one colour scale", () => {
  const r = handMade({ alone: [0.7], logits: [0.7], hidden: [0.7], attention: [0.7], all: [0.7] });
  const fig = attentionHeatmapFigure(r, "sst2");
  assert.equal(fig.data.length, 4);
  assert.deepEqual((fig.data[0].z as number[][])[0].map((v) => Number(v.toFixed(6))), [0.6, 0.4], "teacher: the mean of its four heads");
  assert.deepEqual((fig.data[2].z as number[][])[0].map((v) => Number(v.toFixed(6))), [0.7, 0.3]);
  assert.ok(fig.data.every((t) => Math.abs(Number(t.zmax) - 0.7) < 1e-9 && t.zmin === 0), "the largest value of any panel");
  const one = attentionHeatmapFigure(r, "sst2", 1);
  assert.deepEqual((one.data[0].z as number[][])[0].map((v) => Number(v.toFixed(6))), [0.7, 0.3]);
  assert.throws(() => attentionHeatmapFigure(r, "sst2", 3), /head 3: the student has heads 0\.\.1/);
  assert.throws(() => attentionHeatmapFigure(r, "mnli"), /no attention probe for mnli/);
});
