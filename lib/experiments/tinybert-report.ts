/**
 * The TinyBERT ablation as tables, verdicts and figures, from a result file (tinybert.ts): our
 * rows beside the paper's closest row, the claims checked on our numbers, accuracy bars and the
 * attention heat map of one dev sentence before and after distillation.
 */
import { headMean } from "../distill/attention-maps";
import { Figure } from "../display/figure";
import { meanStd, percentMeanStd } from "./stats";
import { ClassificationTask } from "./tasks";
import { PAPER_ROW, TINYBERT_VARIANTS, TINYBERT_VARIANT_NAMES, TinyBertResult, TinyBertVariant } from "./tinybert";

const TASK_NAMES: Record<ClassificationTask, string> = { sst2: "SST-2", mnli: "MNLI" };

function runsOf(r: TinyBertResult, task: ClassificationTask, variant: TinyBertVariant) {
  return r.runs.filter((x) => x.task === task && x.variant === variant);
}

function accuracyStats(r: TinyBertResult, task: ClassificationTask, variant: TinyBertVariant): { mean: number; std: number; n: number } {
  const runs = runsOf(r, task, variant);
  if (runs.length === 0) throw new Error(`the result has no ${variant} runs for ${task}`);
  return { ...meanStd(runs.map((x) => x.accuracy)), n: runs.length };
}

/** Attention gaps are mean squared differences of probabilities, small numbers: shown with three significant digits. */
const sci = (gap: number) => gap.toExponential(2);

/**
 * One task: the teacher, then each variant (dev accuracy mean ± std over seeds, % of the teacher,
 * agreement with it, the attention gap on dev at the end), each beside the paper's row that trains
 * the same losses and that row's GLUE average as a share of the full TinyBERT4's.
 */
export function tinyBertTable(r: TinyBertResult, task: ClassificationTask): Record<string, string | number>[] {
  const teacher = r.teachers[task];
  if (!teacher) throw new Error(`the result has no ${task} teacher`);
  const paperAll = r.paper.find((p) => p.row === "TinyBERT4")!.avg;
  const rows: Record<string, string | number>[] = [{
    model: `teacher (${r.models.teacher.name}, fine-tuned)`, "dev accuracy (%)": (100 * teacher.accuracy).toFixed(1), "% of teacher": "100.0", "agrees with teacher (%)": "",
    "attention gap (MSE)": "", "paper row": "", "paper GLUE avg": "", "paper % of TinyBERT4": "",
  }];
  for (const variant of TINYBERT_VARIANTS) {
    const runs = runsOf(r, task, variant);
    if (runs.length === 0) continue;
    const paper = r.paper.find((p) => p.row === PAPER_ROW[variant]);
    rows.push({
      model: TINYBERT_VARIANT_NAMES[variant], "dev accuracy (%)": percentMeanStd(runs.map((x) => x.accuracy)),
      "% of teacher": (100 * meanStd(runs.map((x) => x.accuracy)).mean / teacher.accuracy).toFixed(1),
      "agrees with teacher (%)": (100 * meanStd(runs.map((x) => x.agreement)).mean).toFixed(1),
      "attention gap (MSE)": sci(meanStd(runs.map((x) => x.gap.final)).mean),
      "paper row": paper?.row ?? "", "paper GLUE avg": paper ? paper.avg.toFixed(1) : "", "paper % of TinyBERT4": paper ? (100 * paper.avg / paperAll).toFixed(1) : "",
    });
  }
  return rows;
}

/** The paper's whole ablation table (paper numbers), with each row's share of TinyBERT4. */
export function paperAblationTable(r: TinyBertResult): Record<string, string | number>[] {
  const all = r.paper.find((p) => p.row === "TinyBERT4")!.avg;
  const f = (v: number) => v.toFixed(1);
  return r.paper.map((p) => ({ "paper row (Jiao et al. 2020)": p.row, "MNLI-m": f(p["MNLI-m"]), "MNLI-mm": f(p["MNLI-mm"]), MRPC: f(p.MRPC), CoLA: f(p.CoLA), avg: f(p.avg), "% of TinyBERT4": f(100 * p.avg / all) }));
}

/** The attention gap (TinyBERT's attention MSE on dev) per variant: before distillation, after stage 1 and at the end (mean over seeds). */
export function attentionGapTable(r: TinyBertResult, task: ClassificationTask): Record<string, string | number>[] {
  const before = r.gapBefore[task];
  if (before === undefined) throw new Error(`the result has no attention gap for ${task}`);
  return TINYBERT_VARIANTS.filter((v) => runsOf(r, task, v).length > 0).map((variant) => {
    const runs = runsOf(r, task, variant);
    const stage1 = runs.map((x) => x.gap.afterStage1).filter((g): g is number => g !== undefined);
    return {
      model: TINYBERT_VARIANT_NAMES[variant], "before": sci(before), "after stage 1": stage1.length ? sci(meanStd(stage1).mean) : "—",
      "at the end": sci(meanStd(runs.map((x) => x.gap.final)).mean),
    };
  });
}

/** "a vs b, gap g points" plus a noise flag when the gap is within the larger of the two seeds' stds. */
function comparison(a: { mean: number; std: number }, b: { mean: number; std: number }): { text: string; gap: number; noisy: boolean } {
  const gap = a.mean - b.mean;
  const noise = Math.max(a.std, b.std);
  const noisy = Math.abs(gap) < noise;
  return { text: `${(100 * a.mean).toFixed(1)} vs ${(100 * b.mean).toFixed(1)}, gap ${(100 * gap).toFixed(1)} points${noisy ? `, within noise: seeds' std ${(100 * noise).toFixed(1)}` : ""}`, gap, noisy };
}

/**
 * The claims, from our numbers, per task: (1) each distilled student beats the same student trained
 * alone; (2) the full recipe is the best of the ablation, or tied with the best within the seeds'
 * noise (paper: every "w/o" row is below TinyBERT4); (3) attention distillation matters more than
 * hidden-state distillation, + attention beats + hidden (paper: w/o Attn 71.0 < w/o Hidn 72.9);
 * (4) stage 1 brings the student's attention closer to the teacher's (the dev gap falls, for the
 * variants that distil attention).
 */
export function tinyBertVerdict(r: TinyBertResult): string[] {
  const lines: string[] = [];
  for (const task of r.size.tasks) {
    if (!r.teachers[task]) continue;
    const stats = (v: TinyBertVariant) => accuracyStats(r, task, v);
    const alone = stats("alone");
    for (const variant of ["logits", "hidden", "attention", "all"] as TinyBertVariant[]) {
      const c = comparison(stats(variant), alone);
      lines.push(`${task}: ${TINYBERT_VARIANT_NAMES[variant]} beats the student trained alone: ${c.gap > 0 ? "held" : "did not hold"} (${c.text})`);
    }
    const distilled = (["logits", "hidden", "attention"] as TinyBertVariant[]).map((v) => ({ v, s: stats(v) }));
    const best = distilled.reduce((a, b) => (b.s.mean > a.s.mean ? b : a));
    const all = stats("all");
    const vsBest = comparison(all, best.s);
    const allVerdict = vsBest.gap > 0 ? "held (best)" : vsBest.gap === 0 ? `held (tied with ${best.v})` : vsBest.noisy ? `held (tied with ${best.v}, within noise)` : "did not hold";
    lines.push(`${task}: the full recipe (all) is the best of the ablation: ${allVerdict} (all vs the best other, ${best.v}: ${vsBest.text})`);
    const attn = comparison(stats("attention"), stats("hidden"));
    lines.push(`${task}: attention matters more than hidden states (+ attention beats + hidden; paper: w/o Attn 71.0 < w/o Hidn 72.9): ${attn.gap > 0 ? "held" : "did not hold"} (${attn.text})`);
    const before = r.gapBefore[task]!;
    const after = (["attention", "all"] as TinyBertVariant[]).map((v) => ({ v, gap: meanStd(runsOf(r, task, v).map((x) => x.gap.afterStage1 ?? NaN)).mean }));
    const closer = after.every((a) => a.gap < before);
    lines.push(`${task}: stage 1 brings the student's attention closer to the teacher's (dev attention gap, MSE): ${closer ? "held" : "did not hold"} (before ${sci(before)}; after stage 1: ${after.map((a) => `${a.v} ${sci(a.gap)}`).join(", ")})`);
  }
  return lines;
}

/** Dev accuracy of every variant (mean ± std over seeds), the teacher as a dashed line. */
export function tinyBertFigure(r: TinyBertResult, task: ClassificationTask): Figure {
  const variants = TINYBERT_VARIANTS.filter((v) => runsOf(r, task, v).length > 0);
  const names = variants.map((v) => TINYBERT_VARIANT_NAMES[v].replace(/ \(.*\)$/, ""));
  const stats = variants.map((v) => accuracyStats(r, task, v));
  const teacher = r.teachers[task]!.accuracy;
  return {
    data: [
      { type: "bar", name: `L${r.models.student.layers}-H${r.models.student.hidden} student`, x: names, y: stats.map((s) => s.mean), error_y: { type: "data", array: stats.map((s) => s.std), visible: true } },
      { type: "scatter", mode: "lines", name: `teacher (${r.models.teacher.name})`, x: names, y: names.map(() => teacher), line: { dash: "dash", color: "#444" } },
    ],
    layout: {
      title: `TinyBERT ablation, ${TASK_NAMES[task]} dev (${r.preset}; mean ± std over ${r.size.seeds.length} seeds)`,
      xaxis: { type: "category", title: "stage 1 losses (every student but the first then gets stage 2)" }, yaxis: { title: "dev accuracy" },
    },
  };
}

/**
 * Heat maps of the probe sentence's attention: the teacher's layer paired with the student's last
 * layer, and that student layer before distillation, after stage 1 and after stage 2 (the `all`
 * run of the first seed). Default: the mean over heads, which is what the loss compares when the
 * head counts differ; `head` picks one head of each model instead.
 */
export function attentionHeatmapFigure(r: TinyBertResult, task: ClassificationTask, head?: number): Figure {
  const p = r.probes[task];
  if (!p) throw new Error(`the result has no attention probe for ${task}`);
  const pick = (maps: number[][][], who: string) => {
    if (head === undefined) return headMean(maps);
    if (!(head >= 0 && head < maps.length)) throw new Error(`head ${head}: the ${who} has heads 0..${maps.length - 1}`);
    return maps[head];
  };
  const panels: [string, number[][]][] = [
    [`teacher, layer ${p.teacherLayer}`, pick(p.teacher, "teacher")],
    [`student layer ${p.studentLayer}, before`, pick(p.before, "student")],
    ["after stage 1", pick(p.afterStage1, "student")],
    ["after stage 2", pick(p.final, "student")],
  ];
  const ticks = p.tokens.map((_, i) => i);
  const zmax = Math.max(...panels.flatMap(([, z]) => z.flat()));
  const gap = 0.05;
  const width = (1 - 3 * gap) / panels.length;
  const layout: Record<string, unknown> = {
    title: `${TASK_NAMES[task]} dev: "${p.text}": attention (${head === undefined ? "mean over heads" : `head ${head}`}; rows query, columns key)`,
    height: 420, width: 1200,
  };
  const data = panels.map(([name, z], i) => {
    const suffix = i === 0 ? "" : String(i + 1);
    layout[`xaxis${suffix}`] = { domain: [i * (width + gap), i * (width + gap) + width], tickvals: ticks, ticktext: p.tokens, tickangle: -60, anchor: `y${suffix}`, title: { text: name } };
    layout[`yaxis${suffix}`] = { tickvals: ticks, ticktext: i === 0 ? p.tokens : ticks.map(() => ""), autorange: "reversed", anchor: `x${suffix}` };
    return { type: "heatmap", name, x: ticks, y: ticks, z, zmin: 0, zmax, colorscale: "Viridis", showscale: i === panels.length - 1, xaxis: `x${suffix}`, yaxis: `y${suffix}` };
  });
  return { data, layout };
}
