/** The distillation report on a hand-made result: means, % of the teacher, speed ratio, and the verdict's held / did not hold / within noise. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { DISTILLATION_SIZES, DistillationResult, PAPER_DISTILBERT, StudentRun, StudentVariant, distillationTable, distillationVerdict } from "../../lib/experiments/distillation";

function result(accuracies: Record<StudentVariant, number[]>): DistillationResult {
  const runs: StudentRun[] = [];
  for (const task of ["sst2", "mnli"] as const) {
    for (const [variant, values] of Object.entries(accuracies) as [StudentVariant, number[]][]) {
      values.forEach((accuracy, seed) => runs.push({ task, variant, seed, accuracy, agreement: 0.9, steps: 10, wallSeconds: 1 }));
    }
  }
  return {
    experiment: "distillation", preset: "small", backend: "tensorflow", engine: "test", size: DISTILLATION_SIZES.small,
    teachers: { sst2: { accuracy: 0.8, wallSeconds: 1 }, mnli: { accuracy: 0.8, wallSeconds: 1 } },
    distilbert: { teacherMlm: 0.3, studentMlm: 0.2, steps: 10, wallSeconds: 1 },
    models: { teacher: { parameters: 1000, layers: 4, hidden: 8, inferTokensPerSecond: 100 }, student: { parameters: 600, layers: 2, hidden: 8, inferTokensPerSecond: 180 } },
    runs, paper: PAPER_DISTILBERT, wallSeconds: 1,
  };
}

test("the table: mean ± std over seeds, % of the teacher, the speed ratio, then the paper's rows", () => {
  const rows = distillationTable(result({ "alone-random": [0.6, 0.62], "alone-teacher-layers": [0.7, 0.7], "task-distilled": [0.74, 0.76], distilbert: [0.72, 0.72] }), "sst2");
  assert.equal(rows.length, 1 + 4 + 2);
  assert.equal(rows[0]["dev accuracy (%)"], "80.0");
  const distilled = rows.find((r) => String(r.model).startsWith("task distillation"))!;
  assert.equal(distilled["dev accuracy (%)"], "75.0 ± 1.4");
  assert.equal(distilled["% of teacher"], "93.8");
  assert.equal(distilled["inference (× teacher)"], "1.80");
  assert.equal(rows[6]["% of teacher"], (100 * 91.3 / 92.7).toFixed(1), "DistilBERT's share of BERT-base, from the paper's numbers");
});

test("the verdict: held, did not hold, and gaps within the seeds' noise", () => {
  const lines = distillationVerdict(result({ "alone-random": [0.5, 0.5], "alone-teacher-layers": [0.7, 0.7], "task-distilled": [0.74, 0.76], distilbert: [0.69, 0.73] }));
  assert.match(lines[0], /^sst2: task distillation .*: held \(75\.0 vs 70\.0, gap 5\.0 points\)$/);
  assert.match(lines[1], /^sst2: DistilBERT-style .*: held \(71\.0 vs 70\.0, gap 1\.0 points, within noise: seeds' std 2\.8\)$/);
  assert.match(lines[2], /keeps ≥ 90 % of the teacher: did not hold \(88\.8 %; paper 98\.5 %\)/);
  const worse = distillationVerdict(result({ "alone-random": [0.5], "alone-teacher-layers": [0.75], "task-distilled": [0.7], distilbert: [0.76] }));
  assert.match(worse[0], /did not hold \(70\.0 vs 75\.0, gap -5\.0 points\)/);
  assert.match(worse[2], /held \(95\.0 %/);
});
