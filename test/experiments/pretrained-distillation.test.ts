/**
 * The pre-trained distillation experiment: a tiny run end to end (the result file written, every
 * number in range, no tensor left, the same numbers from a second run in fresh folders), the four
 * students' initialisations, and the report on a hand-made result (the table, held / did not hold /
 * within noise / tied, the figure's lines and the teacher's dashed line).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PROJECT_ROOT } from "../../lib/data/paths";
import { initBackend } from "../../lib/engine/backend";
import {
  PAPER_TURC, PRETRAINED_DISTILLATION_SIZES, PretrainedDistillationResult, SOFT_TARGET_EXAMPLES, STRATEGIES, Strategy, StrategyRun, makeStrategyStudent, runPretrainedDistillation,
} from "../../lib/experiments/pretrained-distillation";
import { TASK_LABELS, readTask } from "../../lib/experiments/tasks";
import { strategyFigure, strategyTable, strategyVerdict } from "../../lib/experiments/pretrained-distillation-report";
import { modelDir } from "../../lib/pretrain/pretrain";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "thieves-pd-"));
const numbers = (r: PretrainedDistillationResult) => ({ runs: r.runs.map(({ wallSeconds: _, ...run }) => run), teachers: Object.values(r.teachers).map((t) => [t!.accuracy, t!.softTargets]), students: r.students });

test("tiny run end to end: result file, numbers in range, no tensor left, the same numbers again from fresh run folders", async () => {
  await initBackend({ quiet: true });
  const before = tf.memory().numTensors;
  const r = await runPretrainedDistillation({ preset: "tiny", runsBase: tmp() });
  assert.equal(tf.memory().numTensors, before, "every model and tensor is disposed");
  const file = path.join(PROJECT_ROOT, "results", "distill", "pretrained-distillation-tiny.json");
  assert.deepEqual(JSON.parse(fs.readFileSync(file, "utf8")), JSON.parse(JSON.stringify(r)));
  const size = PRETRAINED_DISTILLATION_SIZES.tiny;
  assert.equal(r.runs.length, size.tasks.length * size.seeds.length * size.students.length * STRATEGIES.length);
  for (const run of r.runs) {
    for (const x of [run.accuracy, run.agreement]) assert.ok(x >= 0 && x <= 1, `${run.student} ${run.strategy}: ${x}`);
    assert.equal(run.steps, size.steps);
  }
  assert.equal(r.data.transferExamples.sst2, r.data.trainExamples);
  const train = readTask("sst2", "train");
  const softTargets = r.teachers.sst2!.softTargets!;
  assert.equal(softTargets.length, SOFT_TARGET_EXAMPLES);
  softTargets.forEach((e, i) => {
    assert.equal(e.input, train.inputs[i], "the i-th transfer input is the i-th training sentence");
    assert.equal(e.label, TASK_LABELS.sst2[train.labels[i]]);
    assert.equal(e.probabilities.length, TASK_LABELS.sst2.length);
    assert.ok(Math.abs(e.probabilities[0] + e.probabilities[1] - 1) < 1e-5, `a distribution: ${e.probabilities}`);
  });
  const again = await runPretrainedDistillation({ preset: "tiny", runsBase: tmp() });
  assert.deepEqual(numbers(again), numbers(r), "same seeds, same numbers");
});

test("the students: pre-trained ones carry the miniature's weights (or every other layer of it), random ones share only the architecture", async () => {
  await initBackend({ quiet: true });
  const [small, truncated] = PRETRAINED_DISTILLATION_SIZES.tiny.students;
  const weight = (m: ReturnType<typeof makeStrategyStudent>) => Array.from(m.params.get("bert.encoder.layer.0.attention.self.query.weight")!.dataSync().slice(0, 8));
  const source = JSON.parse(fs.readFileSync(path.join(modelDir("en-L2-H128", "tiny"), "config.json"), "utf8"));
  const pre = makeStrategyStudent(small, true, ["negative", "positive"], 0, "tiny");
  const random = makeStrategyStudent(small, false, ["negative", "positive"], 0, "tiny");
  const random1 = makeStrategyStudent(small, false, ["negative", "positive"], 1, "tiny");
  assert.equal(pre.config.hidden_size, source.hidden_size);
  assert.deepEqual(random.config, pre.config, "the same architecture");
  assert.notDeepEqual(weight(random), weight(pre), "random init is not the pre-trained weights");
  assert.notDeepEqual(weight(random1), weight(random), "another seed, another init");
  const cut = makeStrategyStudent(truncated, true, ["negative", "positive"], 0, "tiny");
  assert.equal(cut.config.num_hidden_layers, Math.ceil(JSON.parse(fs.readFileSync(path.join(modelDir("en-L4-H256", "tiny"), "config.json"), "utf8")).num_hidden_layers / 2));
  [pre, random, random1, cut].forEach((m) => m.dispose());
});

/** A result with these accuracies per student and strategy (one per seed). */
function handMade(accuracies: Record<string, Record<Strategy, number[]>>): PretrainedDistillationResult {
  const runs: StrategyRun[] = [];
  for (const [student, byStrategy] of Object.entries(accuracies)) {
    for (const [strategy, values] of Object.entries(byStrategy) as [Strategy, number[]][]) {
      values.forEach((accuracy, seed) => runs.push({ task: "sst2", student, strategy, seed, accuracy, agreement: 0.9, steps: 10, wallSeconds: 1 }));
    }
  }
  return {
    experiment: "pretrained-distillation", preset: "small", backend: "tensorflow", engine: "test", size: { ...PRETRAINED_DISTILLATION_SIZES.small, tasks: ["sst2"], seeds: [0, 1] },
    data: { teacher: "en-L4-H256", maxLength: 64, batchSize: 32, trainExamples: 100, transferExamples: { sst2: 100 }, devExamples: { sst2: 10 }, teacherSteps: 10 },
    teachers: { sst2: { accuracy: 0.8, wallSeconds: 1, parameters: 11e6 } },
    students: {
      "L2-H256": { layers: 2, hidden: 256, heads: 4, parameters: 9e6, pretrainedFrom: "every other layer" },
      "L2-H128": { layers: 2, hidden: 128, heads: 2, parameters: 4e6, pretrainedFrom: "miniature" },
    },
    runs, paper: PAPER_TURC, computeSeconds: 1, wallSeconds: 1,
  };
}

const even = (basic: number, distill: number, ptft: number, pd: number): Record<Strategy, number[]> => ({ basic: [basic, basic], distill: [distill, distill], "pt-ft": [ptft, ptft], pd: [pd, pd] });

test("the table: a row per student, mean ± std per strategy, the best, the teacher", () => {
  const rows = strategyTable(handMade({ "L2-H128": { ...even(0.7, 0.72, 0.74, 0.75), pd: [0.74, 0.78] }, "L2-H256": even(0.7, 0.7, 0.7, 0.7) }), "sst2");
  assert.equal(rows.length, 2);
  assert.equal(rows[1]["Pre-trained Distillation (%)"], "76.0 ± 2.8");
  assert.equal(rows[1].best, "Pre-trained Distillation");
  assert.equal(rows[0].best, "Basic Training = Distillation = Pre-training + Fine-tuning = Pre-trained Distillation", "ties are named as ties");
  assert.equal(rows[0]["teacher (%)"], "80.0");
  assert.equal(rows[1].parameters, "4.00 M");
});

test("the verdict per size: held, did not hold, tied within noise", () => {
  const lines = strategyVerdict(handMade({
    "L2-H128": { ...even(0.7, 0.72, 0.69, 0.75) },
    "L2-H256": { ...even(0.7, 0.68, 0.8, 0.7), pd: [0.76, 0.82] },
  }));
  assert.equal(lines.length, 6);
  assert.match(lines[0], /^sst2 L2-H256: Distillation beats Basic Training: did not hold \(68\.0 vs 70\.0, gap -2\.0 points\)$/);
  assert.match(lines[1], /^sst2 L2-H256: Pre-training \+ Fine-tuning beats Basic Training: held \(80\.0 vs 70\.0, gap 10\.0 points\)$/);
  assert.match(lines[2], /^sst2 L2-H256: Pre-trained Distillation is best or tied: held \(tied with Pre-training \+ Fine-tuning, within noise\) \(vs the best other, Pre-training \+ Fine-tuning: 79\.0 vs 80\.0, gap -1\.0 points, within noise: seeds' std 4\.2\)$/);
  assert.match(lines[4], /^sst2 L2-H128: Pre-training \+ Fine-tuning beats Basic Training: did not hold/);
  assert.match(lines[5], /^sst2 L2-H128: Pre-trained Distillation is best or tied: held \(best\) \(vs the best other, Distillation: 75\.0 vs 72\.0/);
  const worse = strategyVerdict(handMade({ "L2-H128": even(0.7, 0.72, 0.8, 0.75), "L2-H256": even(0.7, 0.7, 0.7, 0.7) }));
  assert.match(worse[5], /Pre-trained Distillation is best or tied: did not hold \(vs the best other, Pre-training \+ Fine-tuning: 75\.0 vs 80\.0, gap -5\.0 points\)/);
  assert.match(worse[2], /held \(tied with Basic Training\)/);
});

test("the figure: four strategies against parameters (smallest first), the slides' markers, the teacher dashed", () => {
  const fig = strategyFigure(handMade({ "L2-H128": even(0.7, 0.72, 0.74, 0.75), "L2-H256": even(0.71, 0.73, 0.75, 0.77) }), "sst2");
  assert.equal(fig.data.length, 5);
  const pd = fig.data.find((t) => t.name === "Pre-trained Distillation")!;
  assert.deepEqual(pd.x, [4, 9]);
  assert.deepEqual(pd.y, [0.75, 0.77]);
  assert.equal((pd.marker as { symbol: string }).symbol, "square");
  const teacher = fig.data[4];
  assert.equal(teacher.line?.dash, "dash");
  assert.deepEqual(teacher.y, [0.8, 0.8]);
});
