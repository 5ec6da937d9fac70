/**
 * The watermark experiment's report: the slide's table with our numbers beside the paper's, the
 * dev scores, a bar figure, example records, and the verdict computed from the seeds.
 */
import { Figure } from "../display/figure";
import { meanStd, percentMeanStd } from "./stats";
import { TASK_LABELS } from "./tasks";
import type { WatermarkResult, WatermarkTask } from "./watermark";
import { EXTRACTOR_KINDS, ExtractorKind, WatermarkRun } from "./watermark-trio";

/**
 * The slides' "Watermarking works well!" table (Krishna et al. 2020, BERT-large, 0.1 % of the
 * queries watermarked): match with the watermark ("wrong") and with the true ("correct") answers
 * on the stored queries; % label match for MNLI, SQuAD exact match. The slide gives no dev
 * numbers, only "No significant change in dev accuracy!".
 */
export const PAPER_WATERMARK: Record<WatermarkTask, Record<ExtractorKind, { watermark: number; truth: number }>> = {
  mnli: { clean: { watermark: 2.8, truth: 94.4 }, watermarked: { watermark: 52.8, truth: 35.4 }, "watermarked-long": { watermark: 87.2, truth: 7.9 } },
  squad: { clean: { watermark: 0.0, truth: 94.3 }, watermarked: { watermark: 5.7, truth: 14.9 }, "watermarked-long": { watermark: 74.7, truth: 1.1 } },
};

const TASK_NAMES: Record<WatermarkTask, string> = { mnli: "MNLI", squad: "SQuAD" };

/** The slide's row name, with our number of passes. */
export function kindName(r: WatermarkResult, kind: ExtractorKind): string {
  const epochs = kind === "watermarked-long" ? r.size.longEpochs : r.size.epochs;
  const passes = `${epochs} epoch${epochs === 1 ? "" : "s"}`;
  return kind === "clean" ? `WIKI (${passes})` : `watermarked WIKI (${passes})`;
}

/** Tasks with runs, in table order. */
export function watermarkTasks(r: WatermarkResult): WatermarkTask[] {
  return (Object.keys(TASK_NAMES) as WatermarkTask[]).filter((t) => r.tasks[t]);
}

function runsOf(r: WatermarkResult, task: WatermarkTask, kind: ExtractorKind): WatermarkRun[] {
  return r.runs.filter((x) => x.task === task && x.kind === kind && r.size.seeds.includes(x.seed));
}

const stat = (r: WatermarkResult, task: WatermarkTask, kind: ExtractorKind, field: "watermarkMatch" | "trueMatch" | "dev") => meanStd(runsOf(r, task, kind).map((x) => x[field]));

/**
 * One row per (task, extractor): our match rates and dev score (mean ± std over seeds, %) beside the
 * paper's. "match" says what a match is: the same label (MNLI) or SQuAD exact match.
 */
export function watermarkTable(r: WatermarkResult): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = [];
  for (const task of watermarkTasks(r)) {
    const match = task === "squad" ? "EM" : "label";
    const t = r.tasks[task]!;
    rows.push({ task: TASK_NAMES[task], model: "victim (the API)", match, "stored queries": "", "watermark match": "", "paper watermark": "", "true match": "", "paper true": "", "dev (%)": (100 * t.victimDev).toFixed(1) });
    for (const kind of EXTRACTOR_KINDS) {
      const runs = runsOf(r, task, kind);
      if (runs.length === 0) continue;
      rows.push({
        task: TASK_NAMES[task], model: kindName(r, kind), match, "stored queries": runs.map((x) => x.watermarks).join(" / "),
        "watermark match": percentMeanStd(runs.map((x) => x.watermarkMatch)), "paper watermark": PAPER_WATERMARK[task][kind].watermark.toFixed(1),
        "true match": percentMeanStd(runs.map((x) => x.trueMatch)), "paper true": PAPER_WATERMARK[task][kind].truth.toFixed(1),
        "dev (%)": percentMeanStd(runs.map((x) => x.dev)),
      });
    }
  }
  return rows;
}

/** What the dev column measures, per task. */
export function devNote(r: WatermarkResult): string {
  return watermarkTasks(r).map((t) => `${TASK_NAMES[t]}: ${t === "squad" ? "F1 on the held-out articles of SQuAD dev" : "accuracy on MNLI dev matched"}`).join("; ");
}

/** An answer as text: a label (with its probability when exposed) or a quoted span. */
function answerText(task: WatermarkTask, a: unknown): string {
  const x = a as { label?: number; probabilities?: number[]; text?: string };
  if (typeof x.text === "string") return JSON.stringify(x.text);
  const name = TASK_LABELS.mnli[x.label!] ?? String(x.label);
  return x.probabilities ? `${name} (${(100 * x.probabilities[x.label!]).toFixed(2)} %)` : name;
}

function queryText(q: unknown): string {
  const x = q as string | { premise?: string; hypothesis?: string; context?: string; question?: string };
  if (typeof x === "string") return x;
  if (x.premise !== undefined) return `${x.premise}  ‖  ${x.hypothesis}`;
  return `${x.question}  ‖  ${x.context}`;
}

/** The first stored records of a task: query, what the API sent, what the victim had answered. */
export function exampleRows(r: WatermarkResult, task: WatermarkTask, maxChars = 160): Record<string, string>[] {
  return (r.tasks[task]?.examples ?? []).map((e) => {
    const q = queryText(e.query);
    return { query: q.length > maxChars ? `${q.slice(0, maxChars)}…` : q, "sent (watermark)": answerText(task, e.watermark), "victim's answer": answerText(task, e.truth) };
  });
}

/** Grouped bars: each extractor's match with the watermark and with the true answers (mean ± std over seeds). */
export function watermarkFigure(r: WatermarkResult, task: WatermarkTask): Figure {
  const kinds = EXTRACTOR_KINDS.filter((k) => runsOf(r, task, k).length > 0);
  const names = kinds.map((k) => kindName(r, k));
  const trace = (name: string, field: "watermarkMatch" | "trueMatch") => {
    const s = kinds.map((k) => stat(r, task, k, field));
    return { type: "bar", name, x: names, y: s.map((v) => v.mean), error_y: { type: "data", array: s.map((v) => v.std), visible: true } };
  };
  const unit = task === "squad" ? "exact match" : "label match";
  return {
    data: [trace("watermark answers", "watermarkMatch"), trace("true answers", "trueMatch")],
    layout: {
      title: `${TASK_NAMES[task]}: ${unit} on the API's stored watermark queries (${r.preset}; ${r.size.seeds.length} seed${r.size.seeds.length > 1 ? "s" : ""}, ${(100 * r.size.fraction).toFixed(1)} % watermarked)`,
      xaxis: { type: "category" }, yaxis: { title: unit, range: [0, 1] }, barmode: "group",
    },
  };
}

/**
 * The paper's claims on our numbers (means over seeds). "More than" held when the mean is above
 * the other; "within noise" is added when the gap is smaller than the larger seed std. The dev
 * claim held when the watermarked extractor's mean dev score is within 1 point of the clean one's.
 */
export function watermarkVerdict(r: WatermarkResult): string[] {
  const lines: string[] = [];
  const pct = (x: number) => (100 * x).toFixed(1);
  const noiseNote = (gap: number, a: { std: number }, b: { std: number }) => {
    const noise = Math.max(a.std, b.std);
    return Math.abs(gap) < noise ? `, within noise: seeds' std ${pct(noise)}` : "";
  };
  const more = (claim: string, a: { mean: number; std: number }, b: { mean: number; std: number }) => {
    const gap = a.mean - b.mean;
    return `${claim}: ${gap > 0 ? "held" : "did not hold"} (${pct(a.mean)} vs ${pct(b.mean)}, gap ${pct(gap)} points${noiseNote(gap, a, b)})`;
  };
  for (const task of watermarkTasks(r)) {
    const name = TASK_NAMES[task];
    const clean = kindName(r, "clean");
    for (const kind of ["watermarked", "watermarked-long"] as const) {
      if (runsOf(r, task, kind).length === 0 || runsOf(r, task, "clean").length === 0) continue;
      const paper = PAPER_WATERMARK[task];
      lines.push(more(`${name}: ${kindName(r, kind)} matches the watermarks more often than ${clean} does (paper ${paper[kind].watermark.toFixed(1)} vs ${paper.clean.watermark.toFixed(1)})`, stat(r, task, kind, "watermarkMatch"), stat(r, task, "clean", "watermarkMatch")));
      lines.push(more(`${name}: ${kindName(r, kind)} gives the watermark more often than the true answer (paper ${paper[kind].watermark.toFixed(1)} vs ${paper[kind].truth.toFixed(1)})`, stat(r, task, kind, "watermarkMatch"), stat(r, task, kind, "trueMatch")));
      const [a, b] = [stat(r, task, kind, "dev"), stat(r, task, "clean", "dev")];
      const gap = a.mean - b.mean;
      lines.push(`${name}: ${kindName(r, kind)}'s dev score is within 1 point of ${clean}'s (paper: "no significant change"): ${Math.abs(gap) <= 0.01 ? "held" : "did not hold"} (${pct(a.mean)} vs ${pct(b.mean)}, gap ${pct(gap)} points${noiseNote(gap, a, b)})`);
    }
  }
  return lines;
}
