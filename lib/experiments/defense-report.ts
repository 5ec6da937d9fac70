/**
 * The defense frontier's report (results of ./defenses.ts): per defense, honest-user accuracy
 * against extractor accuracy; the frontier figure, the table and the verdict.
 *
 * The frontier score of a defense d (computed, never typed in):
 *   drop(d)  = mean over the generators g of [ extractor(none, g) − extractor(d, g) ]   (points)
 *   loss(d)  = honest(none) − honest(d)                                                (points)
 *   score(d) = drop(d) / max(loss(d), one dev example)
 * means over seeds throughout: extractor points taken from the attacker per honest point given
 * up. The floor of one dev example (100 / dev examples points) is the smallest loss the dev set
 * can measure, so a defense that costs honest users nothing scores its drop in those units
 * rather than infinity, and such defenses rank by their drop.
 */
import { Figure, PLOTLY_COLORS, Trace } from "../display/figure";
import { GeneratorName } from "../extract/queries";
import { DefenseArm } from "./defense-arms";
import { DefenseRun, DefensesResult } from "./defenses";
import { meanStd, percentMeanStd } from "./stats";
import { ClassificationTask } from "./tasks";

export interface ArmSummary {
  defense: string;
  arm: DefenseArm;
  targets: string;
  /** Honest-user accuracy over seeds (and generators: it does not depend on them). */
  honest: { mean: number; std: number };
  extractor: Partial<Record<GeneratorName, { mean: number; std: number; n: number }>>;
  /** Fractions (0.012 = 1.2 points); `dropSe` is the standard error of `drop` from the seeds' spread. */
  drop: number;
  dropSe: number;
  loss: number;
  score: number;
  attackLabelsChanged: number;
  honestLabelsChanged: number;
  watermark?: { stored: number; watermarkMatch: number; trueMatch: number };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function runsOf(r: DefensesResult, task: ClassificationTask): DefenseRun[] {
  const runs = r.runs.filter((x) => x.task === task);
  if (runs.length === 0) throw new Error(`the defenses result (${r.preset}) has no runs for ${task}`);
  return runs;
}

/** One summary per defense, in the result's order; the first is the baseline ("none"). */
export function defenseSummaries(r: DefensesResult, task: ClassificationTask): ArmSummary[] {
  const runs = runsOf(r, task);
  const names = [...new Set(runs.map((x) => x.defense))];
  if (names[0] !== "none") throw new Error(`the defenses result (${r.preset}, ${task}) has no undefended baseline ("none") first`);
  const floor = 1 / r.victims[task]!.devExamples;
  const stats = (name: string) => {
    const mine = runs.filter((x) => x.defense === name);
    const extractor: ArmSummary["extractor"] = {};
    for (const g of r.size.generators) {
      const accs = mine.filter((x) => x.generator === g).map((x) => x.extractorAccuracy);
      if (accs.length > 0) extractor[g] = { ...meanStd(accs), n: accs.length };
    }
    return { mine, extractor, honest: meanStd(mine.map((x) => x.honestAccuracy)) };
  };
  const base = stats("none");
  return names.map((name) => {
    const { mine, extractor, honest } = stats(name);
    const gens = r.size.generators.filter((g) => extractor[g] && base.extractor[g]);
    const drop = mean(gens.map((g) => base.extractor[g]!.mean - extractor[g]!.mean));
    const dropSe = Math.sqrt(gens.reduce((s, g) => s + base.extractor[g]!.std ** 2 / base.extractor[g]!.n + extractor[g]!.std ** 2 / extractor[g]!.n, 0)) / gens.length;
    const loss = base.honest.mean - honest.mean;
    const marks = mine.flatMap((x) => (x.watermark ? [x.watermark] : []));
    return {
      defense: name, arm: mine[0].arm, targets: [...new Set(mine.map((x) => x.targets))].join("/"), honest, extractor, drop, dropSe, loss,
      score: name === "none" ? 0 : drop / Math.max(loss, floor),
      attackLabelsChanged: mean(mine.map((x) => x.attackLabelsChanged)), honestLabelsChanged: mean(mine.map((x) => x.honestLabelsChanged)),
      ...(marks.length > 0 ? { watermark: { stored: marks.reduce((n, m) => n + m.stored, 0), watermarkMatch: weighted(marks, "watermarkMatch"), trueMatch: weighted(marks, "trueMatch") } } : {}),
    };
  });
}

function weighted(marks: { stored: number; watermarkMatch: number; trueMatch: number }[], field: "watermarkMatch" | "trueMatch"): number {
  const n = marks.reduce((s, m) => s + m.stored, 0);
  return n === 0 ? 0 : marks.reduce((s, m) => s + m.stored * m[field], 0) / n;
}

const points = (x: number, digits = 1) => (100 * x).toFixed(digits);

/** Accuracy (%, mean ± std over seeds) for honest users and the extractors, the drop, the loss and the score per defense. */
export function defenseTable(r: DefensesResult, task: ClassificationTask): Record<string, string | number>[] {
  const runs = runsOf(r, task);
  return defenseSummaries(r, task).map((s) => {
    const mine = runs.filter((x) => x.defense === s.defense);
    const row: Record<string, string | number> = { defense: s.defense, "attacker trains on": s.targets === "soft" ? "probabilities" : s.targets === "hard" ? "labels" : s.targets, "honest users (%)": percentMeanStd(mine.map((x) => x.honestAccuracy)) };
    for (const g of r.size.generators) row[`${g} ${r.size.multiple}x (%)`] = percentMeanStd(mine.filter((x) => x.generator === g).map((x) => x.extractorAccuracy));
    row["extractor drop (points)"] = s.defense === "none" ? "" : `${points(s.drop)} ± ${points(s.dropSe)}`;
    row["honest loss (points)"] = s.defense === "none" ? "" : points(s.loss);
    row.score = s.defense === "none" ? "" : s.score.toFixed(1);
    row["attack labels changed (%)"] = points(s.attackLabelsChanged);
    row["honest labels changed (%)"] = points(s.honestLabelsChanged);
    return row;
  });
}

const SYMBOLS: Record<string, string> = { RANDOM: "circle", WIKI: "diamond", SHUFFLE: "square" };

/** x: honest-user accuracy, y: extractor accuracy; one point per defense × generator, error bars one std over seeds; dashed: the majority class. */
export function frontierFigure(r: DefensesResult, task: ClassificationTask): Figure {
  const summaries = defenseSummaries(r, task);
  const gens = r.size.generators;
  const data: Trace[] = summaries.map((s, i) => {
    const present = gens.filter((g) => s.extractor[g]);
    return {
      type: "scatter", mode: "markers", name: s.defense,
      x: present.map(() => s.honest.mean), y: present.map((g) => s.extractor[g]!.mean), text: present.map((g) => `${s.defense}, ${g}`),
      marker: { color: PLOTLY_COLORS[i % PLOTLY_COLORS.length], size: 11, symbol: present.map((g) => SYMBOLS[g] ?? "circle") },
      error_x: { type: "data", array: present.map(() => s.honest.std), visible: true },
      error_y: { type: "data", array: present.map((g) => s.extractor[g]!.std), visible: true },
    };
  });
  const majority = r.victims[task]!.majority;
  const [low, high] = [Math.min(...summaries.map((s) => s.honest.mean - s.honest.std)), Math.max(...summaries.map((s) => s.honest.mean + s.honest.std))];
  data.push({ type: "scatter", mode: "lines", name: "majority class", x: [low - 0.01, high + 0.01], y: [majority, majority], line: { dash: "dash", color: "#000000", width: 1 } });
  return {
    data,
    layout: {
      title: { text: `${task === "sst2" ? "SST-2" : "MNLI"}: the defense frontier (${r.preset}; ${gens.map((g) => `${g} ${SYMBOLS[g] === "circle" ? "●" : "◆"}`).join(", ")} at ${r.size.multiple}x)` },
      xaxis: { title: { text: "honest users' dev accuracy through the API" } },
      yaxis: { title: { text: "extractor dev accuracy" } },
      height: 460,
      margin: { t: 60 },
    },
  };
}

/** What the numbers say, computed: the definition, the best frontier, what held for each kind of defense. */
export function defenseVerdict(r: DefensesResult, task: ClassificationTask): string[] {
  const all = defenseSummaries(r, task);
  const [base, ...arms] = all;
  const devN = r.victims[task]!.devExamples;
  const lines: string[] = [];
  const gens = r.size.generators.join(" and ");
  lines.push(`${task}: score = extractor accuracy dropped (mean over ${gens} at ${r.size.multiple}x, points) ÷ honest accuracy lost (points, at least one dev example = ${points(1 / devN, 2)}); undefended: honest ${points(base.honest.mean)} %, extractors ${r.size.generators.map((g) => `${g} ${points(base.extractor[g]!.mean)} %`).join(", ")}`);
  const beyond = (s: ArmSummary) => s.drop > 2 * s.dropSe;
  const best = [...arms].sort((a, b) => b.score - a.score || b.drop - a.drop)[0];
  const describe = (s: ArmSummary) => `extractors −${points(s.drop)} ± ${points(s.dropSe)} points (${r.size.generators.map((g) => `${g} ${points(s.extractor[g]!.mean)} %`).join(", ")}) for ${points(s.loss)} honest points, score ${s.score.toFixed(1)}`;
  if (best && best.score <= 0) lines.push(`${task}: best frontier: none of the defenses — no defense lowered the extractors' mean accuracy (highest score ${best.score.toFixed(1)}, ${best.defense})`);
  else if (best) lines.push(`${task}: best frontier: ${best.defense}: ${describe(best)}${beyond(best) ? "" : " — within noise (the drop is under 2 standard errors of the seeds)"}`);
  if (best) {
    const real = arms.filter(beyond);
    lines.push(real.length > 0 ? `${task}: drops beyond 2 standard errors: ${real.map((s) => `${s.defense} (${points(s.drop)} points)`).join(", ")}` : `${task}: no defense moved the extractors by more than 2 standard errors of the seeds at this size`);
  }
  const perturbs = arms.filter((s) => s.arm.kind === "perturb");
  if (perturbs.length > 0) {
    const same = perturbs.every((s) => s.honest.mean === base.honest.mean && s.honestLabelsChanged === 0);
    lines.push(`${task}: the perturbations keep every label, so honest users lose nothing: ${same ? "held" : "did not hold"} (${perturbs.map((s) => `${s.defense} ${points(s.honest.mean)} %`).join(", ")} vs ${points(base.honest.mean)} %)`);
    const labels = perturbs.find((s) => s.arm.kind === "perturb" && s.arm.method === "labels");
    if (labels) lines.push(`${task}: an attacker who ignores the probabilities and trains on the labels a perturbation keeps gets the "labels" row (${r.size.generators.map((g) => `${g} ${points(labels.extractor[g]!.mean)} %`).join(", ")}), so against that attacker no argmax-keeping perturbation does better than labels only`);
    const topOne = perturbs.find((s) => s.arm.kind === "perturb" && s.arm.method === "top-k" && s.arm.k === 1);
    if (topOne && labels && task === "sst2") lines.push(`${task}: with 2 labels top-1 sends the one-hot label, the same information as labels only (${points(topOne.extractor[r.size.generators[0]]!.mean)} vs ${points(labels.extractor[r.size.generators[0]]!.mean)} % on ${r.size.generators[0]})`);
  }
  for (const s of arms.filter((a) => a.arm.kind === "watermark")) {
    const w = s.watermark;
    lines.push(`${task}: ${s.defense}: ${points(s.attackLabelsChanged, 2)} % of attack answers and ${points(s.honestLabelsChanged, 2)} % of honest ones watermarked; ${w && w.stored > 0 ? `the extractors give ${points(w.watermarkMatch, 0)} % of their ${w.stored} stored watermark labels (the true label ${points(w.trueMatch, 0)} %)` : "no attack query was watermarked, so there is nothing to verify at this budget"}`);
  }
  for (const s of arms.filter((a) => a.arm.kind === "membership-gate")) {
    const runs = runsOf(r, task).filter((x) => x.defense === s.defense);
    const byGen = r.size.generators.map((g) => `${g} ${points(mean(runs.filter((x) => x.generator === g).map((x) => x.attackLabelsChanged)))} %`).join(", ");
    lines.push(`${task}: ${s.defense}: attack labels changed by the gate's random answers ${byGen} (about half the gated ones keep their label by chance), honest labels ${points(s.honestLabelsChanged)} %`);
  }
  return lines;
}

/** One paragraph of what was run, for RESULTS.md and the notebook. */
export function defenseSetup(r: DefensesResult, task: ClassificationTask): string {
  const v = r.victims[task]!;
  const g = r.gates[task];
  const steps = [...new Set(r.runs.filter((x) => x.task === task).map((x) => x.steps))].join("/");
  const gate = g
    ? ` The gate's classifier is the membership experiment's (seed 0, "${g.features}" features, threshold ${g.threshold}); on its held-out sets it let ${(100 * Object.values(g.cells)[0].realKept).toFixed(0)} % of real inputs through and caught ${Object.entries(g.cells).map(([gen, c]) => `${(100 * c.attackCaught).toFixed(0)} % of ${gen}`).join(", ")} queries.`
    : "";
  return `Victim: the extraction experiment's \`${r.extraction.miniature}\` fine-tuned on ${task === "sst2" ? "SST-2" : "MNLI"} (dev accuracy ${(100 * v.devAccuracy).toFixed(1)} %, majority class ${(100 * v.majority).toFixed(1)} %), answering with probabilities; every defense wraps it the way a key's \`defense\` does in the API server. Attacks: ${r.size.generators.join(" and ")} at ${r.size.multiple}x = ${(v.oneX * r.size.multiple).toLocaleString("en-US")} queries (budget scale ${r.extraction.scale}); extractors from the same miniature, ${steps} steps, trained on the API's probabilities when it sends them, else its labels. Honest users: the ${v.devExamples.toLocaleString("en-US")} dev examples through the same defended API.${gate} Seeds ${r.size.seeds.join(", ")} (mean ± std; a seed draws the queries, the extractor, and the watermark's and the gate's randomness); backend \`${r.backend}\`; compute ${(r.computeSeconds / 60).toFixed(1)} min.`;
}
