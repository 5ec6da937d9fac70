/**
 * The membership experiment's table (features × {WIKI, RANDOM, SHUFFLE}, ours beside the slide's),
 * its verdict, its figures (ROC curves, score histograms) and example inputs, read from a
 * MembershipResult (./membership.ts).
 */
import { Figure } from "../display/figure";
import { lineFigure } from "../display/line-figure";
import { FeatureKind } from "../defend/features";
import { GeneratorName } from "../extract/queries";
import { MembershipInputs, MembershipTask, membershipInputs, sample } from "./membership-data";
import { EVAL_GENERATORS, MembershipResult, PAPER_MEMBERSHIP } from "./membership";
import { Preset } from "./presets";
import { meanStd } from "./stats";

/** The slide's names of the feature kinds. */
export const FEATURE_NAMES: Record<FeatureKind, string> = { both: "last layer + logits", logits: "logits", "last-layer": "last layer" };
const TASK_NAMES: Record<MembershipTask, string> = { mnli: "MNLI", squad: "SQuAD" };
// The slide's row order.
const ROW_ORDER: FeatureKind[] = ["both", "logits", "last-layer"];

/** Mean and std over seeds of one cell's metric. */
export function cellStats(r: MembershipResult, task: MembershipTask, kind: FeatureKind, generator: GeneratorName, metric: "auc" | "accuracy"): { mean: number; std: number; seeds: number } {
  const values = r.runs.filter((x) => x.task === task).map((x) => x.cells[kind][generator][metric]);
  return { ...meanStd(values), seeds: values.length };
}

const pct = (s: { mean: number; std: number; seeds: number }) => (s.seeds > 1 ? `${(100 * s.mean).toFixed(1)} ± ${(100 * s.std).toFixed(1)}` : (100 * s.mean).toFixed(1));
const auc = (s: { mean: number; std: number; seeds: number }) => (s.seeds > 1 ? `${s.mean.toFixed(3)} ± ${s.std.toFixed(3)}` : s.mean.toFixed(3));

/** One row per (task, features): per generator our balanced accuracy %, our AUC (mean ± std over seeds), and the paper's accuracy %. */
export function membershipTable(r: MembershipResult): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (const task of r.tasks) {
    for (const kind of ROW_ORDER) {
      const row: Record<string, string> = { task: TASK_NAMES[task], features: FEATURE_NAMES[kind] };
      for (const g of EVAL_GENERATORS) {
        row[`${g} acc %`] = pct(cellStats(r, task, kind, g, "accuracy"));
        row[`${g} AUC`] = auc(cellStats(r, task, kind, g, "auc"));
        row[`${g} paper acc %`] = PAPER_MEMBERSHIP[task][kind][g].toFixed(2);
      }
      rows.push(row);
    }
  }
  return rows;
}

/** What each set held per seed (the first seed's run; every seed draws the same numbers). */
export function membershipCounts(r: MembershipResult): Record<string, string | number>[] {
  return r.tasks.map((task) => {
    const run = r.runs.find((x) => x.task === task)!;
    const v = r.victims[task]!;
    return { task: TASK_NAMES[task], "training members": run.counts.members, "WIKI training queries": run.counts.nonMembers, "held-out real": run.counts.real, "WIKI / RANDOM / SHUFFLE (evaluation)": `${run.counts.WIKI} / ${run.counts.RANDOM} / ${run.counts.SHUFFLE}`, "victim's training set": v.trainInputs, "held-out pool": v.heldInputs, "tokens read": v.maxLength };
  });
}

/** One paragraph: the victims, the sizes, the seeds, the backend, the time. */
export function membershipSetup(r: MembershipResult): string {
  const victims = r.tasks.map((task) => {
    const v = r.victims[task]!;
    const rec = (v.record ?? {}) as Record<string, unknown>;
    const quality = typeof rec.devAccuracy === "number" ? `dev accuracy ${(100 * rec.devAccuracy).toFixed(1)} %` : typeof rec.f1 === "number" ? `held-out F1 ${(100 * rec.f1).toFixed(1)}` : "quality not recorded";
    return `${TASK_NAMES[task]}: \`${rec.miniature ?? "?"}\` fine-tuned on ${v.trainInputs.toLocaleString("en-US")} inputs (${quality}; ${v.maxLength} tokens read)`;
  });
  const run = (task: MembershipTask) => r.runs.find((x) => x.task === task)!.counts;
  const sets = r.tasks.map((t) => `${TASK_NAMES[t]} ${run(t).members.toLocaleString("en-US")} + ${run(t).nonMembers.toLocaleString("en-US")} to train, ${run(t).real.toLocaleString("en-US")} real + ${run(t).real.toLocaleString("en-US")} of each generator to evaluate`);
  return [
    `Victims (the extraction experiments', the same for every seed): ${victims.join("; ")}.`,
    `Per seed the classifier (logistic regression on standardised features, ${r.size.logisticSteps} full-batch Adam steps) trains on the victim's training inputs vs as many WIKI queries and is scored on held-out real inputs (MNLI dev matched; SQuAD's held-out articles) against as many fresh WIKI (no sentence or paragraph shared with training), RANDOM and SHUFFLE (the held-out inputs' words shuffled) queries: ${sets.join("; ")}.`,
    `Accuracy is balanced (the mean of real inputs kept and queries caught) at the 0.5 threshold; AUC is threshold-free. Seeds ${r.size.seeds.join(", ")} (mean ± std); backend \`${r.backend}\`; compute ${(r.computeSeconds / 60).toFixed(1)} min. Paper columns: the slides' table (Krishna et al. 2020, BERT-large, accuracy %).`,
  ].join(" ");
}

/**
 * The claim (the issue's reading of the slide): membership classification separates WIKI and
 * RANDOM well — mean AUC ≥ r.wellSeparatedAuc — and SHUFFLE less well than both (its mean AUC
 * below each of theirs; flagged "within noise" when the gap is below the larger seed std). One
 * line per task and feature kind, then what the slide's own accuracies say of the same claim.
 */
export function membershipVerdict(r: MembershipResult): string[] {
  const lines: string[] = [`"Well" means a mean AUC ≥ ${r.wellSeparatedAuc.toFixed(2)} over ${r.size.seeds.length} seeds (threshold-free; the accuracies are at the classifier's 0.5 threshold).`];
  for (const task of r.tasks) {
    for (const kind of ROW_ORDER) {
      const s = (g: GeneratorName) => cellStats(r, task, kind, g, "auc");
      const [wiki, random, shuffle] = [s("WIKI"), s("RANDOM"), s("SHUFFLE")];
      const well = wiki.mean >= r.wellSeparatedAuc && random.mean >= r.wellSeparatedAuc;
      const lower = Math.min(wiki.mean, random.mean);
      const gap = lower - shuffle.mean;
      const noise = Math.max(wiki.std, random.std, shuffle.std);
      const paper = PAPER_MEMBERSHIP[task][kind];
      const paperLess = paper.SHUFFLE < Math.min(paper.WIKI, paper.RANDOM);
      lines.push(
        `${TASK_NAMES[task]}, ${FEATURE_NAMES[kind]}: WIKI and RANDOM separated well: ${well ? "held" : "did not hold"} (AUC ${wiki.mean.toFixed(3)} and ${random.mean.toFixed(3)}); ` +
          `SHUFFLE less well than both: ${gap > 0 ? "held" : "did not hold"} (AUC ${shuffle.mean.toFixed(3)}, ${Math.abs(gap).toFixed(3)} ${gap > 0 ? "below" : "above"} the lower of the two${Math.abs(gap) < noise ? `; within noise, seeds' std ${noise.toFixed(3)}` : ""}). ` +
          `Paper (accuracy): WIKI ${paper.WIKI.toFixed(2)}, RANDOM ${paper.RANDOM.toFixed(2)}, SHUFFLE ${paper.SHUFFLE.toFixed(2)} — SHUFFLE ${paperLess ? "below both" : "not below both"} there.`,
      );
    }
  }
  return lines;
}

/** ROC curves of the "both" classifier (first seed): held-out real inputs against each generator's queries, chance dashed. */
export function membershipRocFigure(r: MembershipResult, task: MembershipTask): Figure {
  const run = r.runs.find((x) => x.task === task && x.seed === r.size.seeds[0])!;
  const series = EVAL_GENERATORS.map((g) => ({ name: `${g} (AUC ${run.cells.both[g].auc.toFixed(3)})`, x: run.curves.roc[g].fpr, y: run.curves.roc[g].tpr, markers: false }));
  return lineFigure({
    title: `${TASK_NAMES[task]}: membership classifier on last layer + logits, ROC (${r.preset}, seed ${run.seed})`,
    xTitle: "attack queries judged real (false-positive rate)", yTitle: "real inputs judged real (true-positive rate)", yRange: [0, 1],
    series: [...series, { name: "chance", x: [0, 1], y: [0, 1], dash: "dash", color: "#7f7f7f", markers: false }],
  });
}

/** Histograms of the "both" classifier's in-distribution probability (first seed), one line per group, as shares of the group; the gate's threshold is 0.5. */
export function membershipHistogramFigure(r: MembershipResult, task: MembershipTask): Figure {
  const run = r.runs.find((x) => x.task === task && x.seed === r.size.seeds[0])!;
  const { edges, counts } = run.curves.histogram;
  const centers = edges.slice(0, -1).map((e, i) => (e + edges[i + 1]) / 2);
  const groups: ("real" | GeneratorName)[] = ["real", ...EVAL_GENERATORS];
  return lineFigure({
    title: `${TASK_NAMES[task]}: P(real) from the last layer + logits classifier (${r.preset}, seed ${run.seed})`,
    xTitle: "P(real input), in bins; below 0.5 the gate answers at random", yTitle: "share of the group", yRange: [0, 1],
    series: groups.map((g) => {
      const n = counts[g].reduce((a, b) => a + b, 0);
      return { name: g === "real" ? `held-out real (${n})` : `${g} (${n})`, x: centers, y: counts[g].map((c) => c / n), dash: g === "real" ? "dash" : undefined };
    }),
  });
}

/** A few inputs of each kind the classifier sees, per task: training members, held-out real, and each generator's queries (seed 0), cut to `width` characters. */
export function membershipExamples(preset: Preset, tasks: readonly MembershipTask[], perKind = 1, width = 160): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  const cut = (s: string) => (s.length > width ? `${s.slice(0, width)} …` : s);
  for (const task of tasks) {
    const data = membershipInputs(task, preset) as MembershipInputs<any>;
    const held = sample(data.held, perKind, 0, "membership-examples");
    const add = (kind: string, inputs: any[]) => inputs.forEach((x) => rows.push({ task: TASK_NAMES[task], kind, input: cut(data.text(x)) }));
    add("victim's training input (label 1)", sample(data.train, perKind, 0, "membership-examples"));
    add("WIKI query (label 0 in training)", data.queries("WIKI", perKind, 0, []));
    add("held-out real input (evaluation)", held);
    add("RANDOM query (evaluation)", data.queries("RANDOM", perKind, 0, []));
    add("SHUFFLE of the held-out input above (evaluation)", data.queries("SHUFFLE", perKind, 0, held));
  }
  return rows;
}
