/** The lottery report on a hand-made result: the table's cells and ✓ marks, missing columns, the paper's rows, the verdict's held / in part / within noise, transfer, curves and the heat map. */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  LOTTERY_SIZES, LOTTERY_SPARSITY, LotteryResult, LotteryRun, LotteryRunKind, LotteryTask, MATCH_MARK, PAPER_LOTTERY, PAPER_SOURCE,
  lotteryCurveFigure, lotteryTable, lotteryVerdict, matchesFull, ticketHeatmapFigure, ticketRows, transferTable,
} from "../../lib/experiments/lottery";

/** metric per seed (0, 1) for each (task, kind, round). */
const SPEC: [LotteryTask, LotteryRunKind, number, number, number[]][] = [
  // task, kind, round, target sparsity, metrics over seeds
  ["sst2", "imp", 0, 0, [0.8, 0.82]],
  ["sst2", "imp", 1, 0.3, [0.8, 0.8]],
  ["sst2", "imp", 2, 0.6, [0.8, 0.81]],
  ["sst2", "random-pruning", 1, 0.3, [0.78]],
  ["sst2", "random-pruning", 2, 0.6, [0.7, 0.72]],
  ["sst2", "random-reinit", 2, 0.6, [0.79, 0.81]],
  ["sst2", "transfer-mlm", 4, 0.7, [0.8, 0.8]],
  ["sst2", "transfer-random", 4, 0.7, [0.75, 0.75]],
  ["mnli", "imp", 0, 0, [0.6, 0.6]],
  ["mnli", "imp", 4, 0.7, [0.55, 0.57]],
  ["mnli", "random-pruning", 4, 0.7, [0.58, 0.58]],
  ["mnli", "random-reinit", 4, 0.7, [0.4, 0.42]],
  ["mnli", "transfer-mlm", 4, 0.7, [0.5, 0.52]],
  ["mnli", "transfer-random", 4, 0.7, [0.505, 0.505]],
  ["mlm", "imp", 0, 0, [0.2, 0.2]],
  ["mlm", "imp", 4, 0.7, [0.19, 0.21]],
  ["mlm", "random-pruning", 4, 0.7, [0.1, 0.1]],
  ["mlm", "random-reinit", 4, 0.7, [0, 0]],
];

function result(): LotteryResult {
  const runs: LotteryRun[] = SPEC.flatMap(([task, kind, round, target, values]) => values.map((metric, seed) => ({
    task, seed, kind, round, target, sparsity: kind.startsWith("transfer") ? 0.672 : target, metric, metrics: { x: metric }, wallSeconds: 30,
  })));
  return {
    experiment: "lottery", preset: "small", backend: "tensorflow", engine: "test", size: { ...LOTTERY_SIZES.small, seeds: [0, 1] },
    miniature: { name: "en-L2-H128", createdAt: "now", layers: 2, hidden: 128 }, tasks: ["mlm", "sst2", "mnli"], data: { mnli: { train: 8000, dev: 3000 } }, runs,
    tickets: { mnli: { task: "mnli", seed: 0, sparsity: 0.7, matrices: [{ layer: 0, type: "query", sparsity: 0.8 }, { layer: 0, type: "intermediate", sparsity: 0.65 }, { layer: 1, type: "query", sparsity: 0.75 }, { layer: "pooler", type: "pooler", sparsity: 0.5 }] } },
    prunable: {}, paper: PAPER_LOTTERY, paperSparsity: LOTTERY_SPARSITY, wallSeconds: 1, computeSeconds: runs.length * 30,
  };
}

test("matching the full model: within one std of its mean, or above", () => {
  assert.equal(matchesFull({ mean: 0.79, std: 0, n: 2, sparsity: 0.6 }, { mean: 0.8, std: 0.011, n: 2, sparsity: 0 }), true);
  assert.equal(matchesFull({ mean: 0.78, std: 0, n: 2, sparsity: 0.6 }, { mean: 0.8, std: 0.011, n: 2, sparsity: 0 }), false);
  assert.equal(matchesFull({ mean: 0.9, std: 0.2, n: 2, sparsity: 0.6 }, { mean: 0.8, std: 0, n: 2, sparsity: 0 }), true);
});

test("the table: our rows per column (✓ where the ticket matches), missing and unrun columns said so, the slide's rows labelled as the paper's", () => {
  const rows = lotteryTable(result());
  assert.equal(rows.length, 12);
  const by = (label: string) => rows.find((r) => r.row.startsWith(label))!;
  assert.equal(by("sparsity").MNLI, "70 %");
  assert.equal(by("metric").CoLA, "Matthews corr.");
  assert.equal(by("full model").source, "ours");
  assert.equal(by("full model")["SST-2"], "81.0 ± 1.4");
  assert.equal(by("f(x, m_IMP ⊙ θ0): IMP")["SST-2"], `80.5 ± 0.7 ${MATCH_MARK}`);
  assert.equal(by("f(x, m_IMP ⊙ θ0): IMP").MNLI, "56.0 ± 1.4", "below full − std: no mark");
  assert.equal(by("f(x, m_IMP ⊙ θ0): IMP").MLM, `20.0 ± 1.4 ${MATCH_MARK}`);
  assert.equal(by("f(x, m_RP ⊙ θ0): random")["SST-2"], "71.0 ± 1.4", "random pruning at the ticket's round, not the curve's earlier one");
  assert.equal(by("f(x, m_IMP ⊙ θ'): random re-init").MNLI, "41.0 ± 1.4");
  assert.equal(by("ticket's measured sparsity").MNLI, "70.0 %");
  assert.equal(by("examples").MNLI, "8000 / 3000");
  assert.equal(by("fine-tuning time").MNLI, (12 * 30 / 60).toFixed(1));
  for (const label of ["full model", "f(x, m_IMP ⊙ θ0): IMP", "f(x, m_RP ⊙ θ0): random"]) {
    assert.equal(by(label).QQP, "no training data");
    assert.equal(by(label).QNLI, "no training data");
    assert.equal(by(label)["STS-B"], "not run");
  }
  const paper = rows.filter((r) => r.source === PAPER_SOURCE);
  assert.deepEqual(paper.map((r) => r.row), ["Full BERT-base", "f(x, m_IMP ⊙ θ0)", "f(x, m_RP ⊙ θ0)"]);
  assert.deepEqual([paper[0].MNLI, paper[1].QQP, paper[2].CoLA], ["82.4 ± 0.5", "90.0 ± 0.2", "9.6"]);
});

test("the verdict: each claim held, held in part or did not hold, with the per-task numbers and noise", () => {
  const lines = lotteryVerdict(result());
  const line = (start: string) => lines.find((l) => l.trimStart().startsWith(start))!;
  assert.equal(line("1."), "1. IMP ticket ≈ full model at the slide's sparsity (within one std): held in part (2 of 3 tasks: MLM, SST-2)");
  assert.match(line("MNLI at 70 %"), /below \(ticket 56\.0 ± 1\.4 vs full 60\.0 ± 0\.0; paper 82\.6 ± 0\.2 vs 82\.4 ± 0\.5\)/);
  assert.equal(line("2."), "2. random pruning clearly below the IMP ticket: held in part (2 of 3 tasks: MLM, SST-2)");
  assert.match(line("MNLI: ticket vs random pruning"), /did not hold \(56\.0 vs 58\.0, gap -2\.0 points, seeds' std 1\.4\)/);
  assert.match(line("SST-2: ticket vs random re-init"), /within noise \(80\.5 vs 80\.0, gap 0\.5 points, seeds' std 1\.4\)/);
  assert.match(line("3."), /held in part \(2 of 3 tasks: MLM, MNLI\)/);
  assert.equal(line("4a."), "4a. the MLM ticket transfers: within one std of the task's own ticket: held in part (1 of 2 tasks: SST-2)");
  assert.equal(line("4b."), "4b. the MLM ticket beats a random mask of its sparsities, clearly: held in part (1 of 2 tasks: SST-2)");
  assert.match(line("MNLI: MLM ticket"), /51\.0 ± 1\.4 at 67 % vs own ticket 56\.0 ± 1\.4 at 70 % vs random mask 50\.5 ± 0\.0 \(within noise over random\)/);
  const noTransfer = result();
  noTransfer.runs = noTransfer.runs.filter((r) => !r.kind.startsWith("transfer"));
  assert.ok(lotteryVerdict(noTransfer).includes("4. transfer of the MLM ticket: not run (needs the mlm task's ticket)"));
});

test("the transfer table, the curves (every IMP round a point) and the heat map", () => {
  const r = result();
  const transfer = transferTable(r);
  assert.equal(transfer.length, 8);
  assert.deepEqual(transfer[2], { task: "SST-2", mask: "MLM ticket on θ0 (transfer)", "sparsity (%)": "67.2", metric: "accuracy", "score (%)": "80.0 ± 0.0" });
  const fig = lotteryCurveFigure(r, "sst2");
  assert.deepEqual(fig.data[0].x, [0, 30, 60]);
  assert.deepEqual((fig.data[0].y as number[]).map((v) => Number(v.toFixed(6))), [81, 80, 80.5]);
  assert.deepEqual((fig.data[1].y as number[]).map((v) => Number(v.toFixed(6))), [81, 78, 71], "random pruning starts at the dense model");
  assert.deepEqual(fig.data[2].y, [81, 81]);
  assert.deepEqual(ticketRows(r.tickets.mnli!), [{ layer: "layer 0", query: 80, intermediate: 65 }, { layer: "layer 1", query: 75 }, { layer: "pooler", pooler: 50 }]);
  const heat = ticketHeatmapFigure(r, "mnli");
  assert.equal(heat.data[0].type, "heatmap");
  assert.deepEqual(heat.data[0].y, ["layer 0", "layer 1", "pooler"]);
  assert.deepEqual((heat.data[0].z as (number | null)[][])[0], [80, null, null, null, 65, null, null]);
  assert.throws(() => ticketHeatmapFigure(r, "sst2"), /no ticket for sst2/);
});
