/**
 * The four-strategy comparison as tables, verdicts and the slides' figure (accuracy vs student
 * size, one line per strategy, the teacher dashed), from a result file (pretrained-distillation.ts).
 */
import { Figure } from "../display/figure";
import { STRATEGIES, STRATEGY_NAMES, Strategy, PretrainedDistillationResult } from "./pretrained-distillation";
import { meanStd, percentMeanStd } from "./stats";
import { ClassificationTask } from "./tasks";

const TASK_NAMES: Record<ClassificationTask, string> = { sst2: "SST-2", mnli: "MNLI" };

/** The slides' markers: ■ Pre-trained Distillation, ◆ Pre-training + Fine-tuning, ▲ Distillation, × Basic Training. */
const SYMBOLS: Record<Strategy, string> = { pd: "square", "pt-ft": "diamond", distill: "triangle-up", basic: "x" };

function stats(r: PretrainedDistillationResult, task: ClassificationTask, student: string, strategy: Strategy): { mean: number; std: number } {
  const values = r.runs.filter((x) => x.task === task && x.student === student && x.strategy === strategy).map((x) => x.accuracy);
  if (values.length === 0) throw new Error(`the result has no ${strategy} runs of ${student} on ${task}`);
  return meanStd(values);
}

const millions = (n: number) => `${(n / 1e6).toFixed(2)} M`;

/** One task: a row per student size: dev accuracy mean ± std over seeds for each strategy, the best of them, and the teacher (the dashed line). */
export function strategyTable(r: PretrainedDistillationResult, task: ClassificationTask): Record<string, string | number>[] {
  const teacher = r.teachers[task];
  if (!teacher) throw new Error(`the result has no ${task} teacher`);
  return Object.entries(r.students).map(([id, s]) => {
    const row: Record<string, string | number> = { student: id, architecture: `L${s.layers}-H${s.hidden}, ${s.heads} heads`, parameters: millions(s.parameters) };
    for (const strategy of STRATEGIES) {
      row[`${STRATEGY_NAMES[strategy]} (%)`] = percentMeanStd(r.runs.filter((x) => x.task === task && x.student === id && x.strategy === strategy).map((x) => x.accuracy));
    }
    const top = Math.max(...STRATEGIES.map((x) => stats(r, task, id, x).mean));
    row.best = STRATEGIES.filter((x) => stats(r, task, id, x).mean === top).map((x) => STRATEGY_NAMES[x]).join(" = ");
    row["teacher (%)"] = (100 * teacher.accuracy).toFixed(1);
    return row;
  });
}

/** What the paper ran beside what this run did. */
export function setupTable(r: PretrainedDistillationResult): Record<string, string>[] {
  const students = Object.entries(r.students).map(([id, s]) => `${id} (${millions(s.parameters)}; pre-trained: ${s.pretrainedFrom})`).join("; ");
  return [
    { "": "tasks", paper: r.paper.tasks.join(", "), ours: r.size.tasks.map((t) => TASK_NAMES[t]).join(", ") },
    { "": "student sizes", paper: r.paper.studentSizes, ours: students },
    { "": "teacher", paper: "a fine-tuned BERT far larger than every student", ours: `${r.data.teacher} fine-tuned ${r.data.teacherSteps} steps (notebook 02's teacher)` },
    { "": "pre-training", paper: "MLM on general-domain text (the released BERT miniatures)", ours: "MLM on WikiText-2 (our miniatures, models/)" },
    { "": "unlabelled transfer text", paper: "task-domain text without labels", ours: `the ${r.data.trainExamples.toLocaleString("en-US")} training inputs, labels dropped` },
  ];
}

function comparison(a: { mean: number; std: number }, b: { mean: number; std: number }): { text: string; gap: number; noisy: boolean } {
  const gap = a.mean - b.mean;
  const noise = Math.max(a.std, b.std);
  const noisy = Math.abs(gap) < noise;
  return { text: `${(100 * a.mean).toFixed(1)} vs ${(100 * b.mean).toFixed(1)}, gap ${(100 * gap).toFixed(1)} points${noisy ? `, within noise: seeds' std ${(100 * noise).toFixed(1)}` : ""}`, gap, noisy };
}

/**
 * The claims, from our numbers, per task and student size: (1) Distillation beats Basic Training
 * (the slides: "distillation helps significantly over just training the small model from scratch");
 * (2) Pre-training + Fine-tuning beats Basic Training (pre-training matters for compact models too);
 * (3) Pre-trained Distillation is the best of the four, or tied with the best within the seeds' noise.
 */
export function strategyVerdict(r: PretrainedDistillationResult): string[] {
  const lines: string[] = [];
  for (const task of r.size.tasks) {
    if (!r.teachers[task]) continue;
    for (const student of Object.keys(r.students)) {
      const s = (strategy: Strategy) => stats(r, task, student, strategy);
      const basic = s("basic");
      for (const strategy of ["distill", "pt-ft"] as Strategy[]) {
        const c = comparison(s(strategy), basic);
        lines.push(`${task} ${student}: ${STRATEGY_NAMES[strategy]} beats Basic Training: ${c.gap > 0 ? "held" : "did not hold"} (${c.text})`);
      }
      const others = (["basic", "distill", "pt-ft"] as Strategy[]).map((x) => ({ x, st: s(x) }));
      const best = others.reduce((a, b) => (b.st.mean > a.st.mean ? b : a));
      const c = comparison(s("pd"), best.st);
      const verdict = c.gap > 0 ? "held (best)" : c.gap === 0 ? `held (tied with ${STRATEGY_NAMES[best.x]})` : c.noisy ? `held (tied with ${STRATEGY_NAMES[best.x]}, within noise)` : "did not hold";
      lines.push(`${task} ${student}: Pre-trained Distillation is best or tied: ${verdict} (vs the best other, ${STRATEGY_NAMES[best.x]}: ${c.text})`);
    }
  }
  return lines;
}

/** The slides' figure for one task: dev accuracy vs student parameters, a line per strategy (mean ± std over seeds), the teacher dashed. */
export function strategyFigure(r: PretrainedDistillationResult, task: ClassificationTask): Figure {
  const teacher = r.teachers[task];
  if (!teacher) throw new Error(`the result has no ${task} teacher`);
  const students = Object.entries(r.students).sort((a, b) => a[1].parameters - b[1].parameters);
  const x = students.map(([, s]) => s.parameters / 1e6);
  const traces = STRATEGIES.map((strategy) => {
    const st = students.map(([id]) => stats(r, task, id, strategy));
    return {
      type: "scatter", mode: "lines+markers", name: STRATEGY_NAMES[strategy], x, y: st.map((v) => v.mean),
      text: students.map(([id]) => id), marker: { symbol: SYMBOLS[strategy], size: 10 }, error_y: { type: "data", array: st.map((v) => v.std), visible: true },
    };
  });
  const span = [Math.min(...x) * 0.9, Math.max(...x) * 1.1];
  return {
    data: [...traces, { type: "scatter", mode: "lines", name: `Teacher (${r.data.teacher})`, x: span, y: span.map(() => teacher.accuracy), line: { dash: "dash", color: "#444" } }],
    layout: {
      title: `${TASK_NAMES[task]} dev: four ways to train a compact student (${r.preset}; mean ± std over ${r.size.seeds.length} seeds)`,
      xaxis: { title: "student parameters (millions)" }, yaxis: { title: "dev accuracy" },
    },
  };
}
