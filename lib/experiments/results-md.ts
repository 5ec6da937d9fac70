/**
 * RESULTS.md is generated from results/*.json, never edited by hand: each experiment that has a
 * result file contributes its section.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../data/paths";
import { figureImageMarkdown, tableToMarkdown, writeFigure } from "../display/index";
import { Figure } from "../display/figure";
import { QuickstartResult, quickstartAccuracyRows, quickstartLossFigure } from "./quickstart";
import { ExtractionResult, attackCostRows, extractionCurveFigure, extractionTable, extractionVerdict } from "./extraction";
import { SquadExtractionResult, boolqNote, readSquadExtractionResult, squadExtractionTable, squadExtractionVerdict } from "./squad-extraction";
import { PretrainingResult, heldOutRows, mlmCurveFigure, notFineTuned, pretrainingTable, pretrainingVerdict, VERDICT_ALPHA } from "./pretraining";
import { DistillationResult, distillationFigure, distillationTable, distillationVerdict, readDistillationResult } from "./distillation";
import { TinyBertResult, readTinyBertResult } from "./tinybert";
import { attentionGapTable, attentionHeatmapFigure, paperAblationTable, tinyBertFigure, tinyBertTable, tinyBertVerdict } from "./tinybert-report";
import { PretrainedDistillationResult, readPretrainedDistillationResult } from "./pretrained-distillation";
import { setupTable, strategyFigure, strategyTable, strategyVerdict } from "./pretrained-distillation-report";
import { LOTTERY_TASKS, LotteryResult, MISSING_TASKS, lotteryCurveFigure, lotteryTable, lotteryVerdict, readLotteryResult, ticketHeatmapFigure, ticketRows, transferTable } from "./lottery";
import { PolyglotsResult, ablationRows, distanceHistogramFigure, figureSummary, polyglotsVerdict, readPolyglotsResult, table1Rows, table2Note, table2PaperRows, table2Rows, xnliHeatmapFigure } from "./polyglots";
import { MembershipResult, readMembershipResult } from "./membership";
import { membershipHistogramFigure, membershipRocFigure, membershipSetup, membershipTable, membershipVerdict } from "./membership-report";
import { readWatermarkResult, WatermarkResult } from "./watermark";
import { DefensesResult, readDefensesResult } from "./defenses";
import { defenseSetup, defenseTable, defenseVerdict, frontierFigure } from "./defense-report";
import { devNote, exampleRows, watermarkFigure, watermarkTable, watermarkTasks, watermarkVerdict } from "./watermark-report";
import { writeFileAtomic } from "../model/safetensors";

/**
 * Writes results/figures/<name>.html (+ .svg, and .png where Chromium is installed, unless `png`
 * is false) and returns the Markdown image of it, relative to `page`: the SVG, or the PNG when
 * `format` asks for it and it was made (plotly draws trace types the SVG renderer does not).
 */
function figure(fig: Figure, name: string, page: string, options: { format?: "svg" | "png"; png?: boolean } = {}): string {
  const html = writeFigure(fig, path.join(PROJECT_ROOT, "results", "figures", `${name}.html`), { png: options.png });
  return figureImageMarkdown(html, { from: path.dirname(page), title: name, format: options.format });
}

function quickstartSection(r: QuickstartResult, page: string): string {
  return [
    `## Quickstart (preset \`${r.preset}\`)`,
    "",
    `A ${r.model.num_hidden_layers}-layer, H=${r.model.hidden_size} BERT encoder (${r.parameters.toLocaleString("en-US")} parameters) trained from scratch`,
    `on ${r.dataset.train.toLocaleString("en-US")} SST-2 training sentences (word vocabulary of ${r.dataset.vocab}), seed ${r.seed}, on the \`${r.backend}\` backend`,
    `(${r.engine}) in ${r.wallSeconds.toFixed(0)} s. No paper number applies: this checks the stack, not a claim.`,
    "",
    tableToMarkdown(quickstartAccuracyRows(r)),
    "",
    figure(quickstartLossFigure(r), `quickstart-loss-${r.preset}`, page),
    "",
  ].join("\n");
}

function pretrainingSection(r: PretrainingResult, page: string): string {
  const models = Object.entries(r.pretraining).map(
    ([name, p]) => `| ${name} | L=${p.size.layers} H=${p.size.hidden} | ${p.parameters.toLocaleString("en-US")} | ${p.data.tokensSeen.toLocaleString("en-US")} | ${(p.wallSeconds / 60).toFixed(1)} | ${(100 * (p.heldOut.all ?? p.heldOut.en).accuracy).toFixed(2)} % |`,
  );
  const missing = notFineTuned(r);
  return [
    `## Pretraining our miniatures (preset \`${r.preset}\`)`,
    "",
    "Claim (Devlin et al. 2019; Turc et al. 2019): MLM pretraining makes the same network better downstream than random initialisation.",
    `Each miniature fine-tuned ${r.size.steps} steps (batch ${r.size.batchSize}, ${r.dataset.sst2.train.toLocaleString("en-US")} SST-2 / ${r.dataset.mnli.train.toLocaleString("en-US")} MNLI training examples), seed ${r.seed}, on \`${r.backend}\`; the learning rate (of ${r.size.learningRates.join(", ")}) chosen per run on ${r.size.validationExamples.toLocaleString("en-US")} held-out training examples, dev sets scored once, for the chosen run only. A margin counts as held or not held only where the exact McNemar test of the two runs' dev answers gives p < ${VERDICT_ALPHA}; otherwise it is within noise. Notebook: \`notebooks/01-pretraining.ipynb\`.`,
    "",
    "| miniature | size | parameters (MLM) | tokens seen | pretraining min | held-out MLM accuracy |",
    "|---|---|---:|---:|---:|---:|",
    ...models,
    "",
    tableToMarkdown(pretrainingTable(r), { digits: { pretrained: 3, random: 3, "margin (points)": 1, "p (McNemar)": 3, majority: 3 } }),
    ...(missing.models.length ? ["", `Not fine-tuned yet: ${missing.models.join(", ")} (\`${missing.command}\` adds ${missing.models.length > 1 ? "them" : "it"} and keeps the rows above).`] : []),
    "",
    ...pretrainingVerdict(r).lines.map((l) => `- ${l}`),
    "",
    figure(mlmCurveFigure(r), `pretraining-mlm-${r.preset}`, page),
    "",
    "<details><summary>Held-out MLM accuracy per language</summary>",
    "",
    tableToMarkdown(heldOutRows(r), { digits: 4 }),
    "",
    "</details>",
    "",
  ].join("\n");
}

function extractionSection(r: ExtractionResult, page: string): string {
  return [
    `## Model extraction: Thieves on Sesame Street (preset \`${r.preset}\`)`,
    "",
    `Victims and extractors start from \`${r.size.miniature}\`; budgets scaled by ${r.size.scale} (1x = ${r.size.scale} × the victim's training set: SST-2 ${r.victims.sst2.oneX.toLocaleString("en-US")}, MNLI ${r.victims.mnli.oneX.toLocaleString("en-US")} queries); seeds ${r.size.seeds.join(", ")}; backend \`${r.backend}\`. Paper columns: Krishna et al. 2020 (BERT-large, full budgets). Notebook: \`notebooks/05-extraction.ipynb\`.`,
    "",
    tableToMarkdown(extractionTable(r)),
    "",
    ...extractionVerdict(r).map((l) => `- ${l}`),
    "",
    tableToMarkdown(attackCostRows(r), { digits: 2 }),
    "",
    figure(extractionCurveFigure(r, "sst2"), `extract-curve-sst2-${r.preset}`, page),
    "",
    figure(extractionCurveFigure(r, "mnli"), `extract-curve-mnli-${r.preset}`, page),
    "",
  ].join("\n");
}

function squadExtractionSection(r: SquadExtractionResult): string {
  return [
    `### The SQuAD column: stealing a question-answering API (preset \`${r.preset}\`)`,
    "",
    `Victim: \`${r.size.miniature}\` fine-tuned ${r.victim.steps} steps on ${r.data.trainQuestions.toLocaleString("en-US")} questions from ${r.data.trainArticles} articles of SQuAD dev (SQuAD train is not vendored); everything scored on ${r.data.evalQuestions.toLocaleString("en-US")} questions of the ${r.data.evalTitles.length} held-out articles. Extractors start from the same miniature with a fresh span head and train only on the victim's answer spans to RANDOM / WIKI paragraph + question queries; 1x = ${r.size.scale} × the victim's training questions = ${r.victim.oneX.toLocaleString("en-US")} queries; seeds ${r.size.seeds.join(", ")}; backend \`${r.backend}\`; compute ${(r.computeSeconds / 60).toFixed(1)} min. Paper column: Krishna et al. 2020 (BERT-large, SQuAD F1, full budgets).`,
    "",
    tableToMarkdown(squadExtractionTable(r)),
    "",
    boolqNote(),
    "",
    ...squadExtractionVerdict(r).map((l) => `- ${l}`),
    "",
  ].join("\n");
}

function distillationSection(r: DistillationResult, page: string): string {
  const d = r.distilbert;
  return [
    `## Knowledge distillation: DistilBERT-style students (preset \`${r.preset}\`)`,
    "",
    `Teacher: \`${r.size.teacher}\` fine-tuned ${r.size.teacherSteps} steps. Students: L${r.models.student.layers}-H${r.models.student.hidden}, ${r.size.studentSteps} steps, seeds ${r.size.seeds.join(", ")}; task distillation at T = ${r.size.temperature}, hard-label weight ${r.size.alpha}; the DistilBERT-style student was distilled for ${d.steps} MLM steps (held-out MLM accuracy ${(100 * d.studentMlm).toFixed(1)} % vs the teacher's ${(100 * d.teacherMlm).toFixed(1)} %). ${r.size.trainExamples.toLocaleString("en-US")} training examples per task; backend \`${r.backend}\`. Paper rows: the slides' DistilBERT table. Notebook: \`notebooks/02-distillation.ipynb\`.`,
    "",
    "### SST-2 dev",
    "",
    tableToMarkdown(distillationTable(r, "sst2")),
    "",
    "### MNLI dev matched",
    "",
    tableToMarkdown(distillationTable(r, "mnli")),
    "",
    ...distillationVerdict(r).map((l) => `- ${l}`),
    "",
    figure(distillationFigure(r), `distillation-${r.preset}`, page),
    "",
  ].join("\n");
}

const TASK_TITLES = { sst2: "SST-2 dev", mnli: "MNLI dev matched" } as const;

function tinyBertSection(r: TinyBertResult, page: string): string {
  const s = r.size;
  const m = r.models;
  return [
    `## TinyBERT: intermediate-layer distillation and its ablation (preset \`${r.preset}\`)`,
    "",
    "Claim (Jiao et al. 2020): distilling the teacher's attention maps, hidden states and embeddings (stage 1) before its logits (stage 2) makes a better small student than its logits alone; every loss counts, attention most.",
    `Teacher: \`${m.teacher.name}\` (L${m.teacher.layers}-H${m.teacher.hidden}, ${m.teacher.heads} heads) fine-tuned ${r.data.teacherSteps} steps, notebook 02's. Student: \`${m.student.name}\` (L${m.student.layers}-H${m.student.hidden}, ${m.student.heads} heads), MLM-pretrained: our stand-in for TinyBERT's general distillation, which is not run. Layer map ${r.layerMap.map((p) => `${p.student}↔${p.teacher}`).join(", ")}; stage 1 ${s.stage1Steps} steps, stage 2 ${s.stage2Steps} steps (soft cross-entropy, T = ${s.temperature}), the student alone ${s.stage2Steps} steps on the hard labels; learning rate ${s.learningRate}, batch ${r.data.batchSize}, ${r.data.trainExamples.toLocaleString("en-US")} training examples; seeds ${s.seeds.join(", ")} (mean ± std); backend \`${r.backend}\`; compute ${(r.computeSeconds / 60).toFixed(1)} min.${m.student.heads !== m.teacher.heads ? " The head counts differ, so the attention loss compares maps averaged over heads." : ""} Attention gap: TinyBERT's attention loss on the first ${s.gapExamples} dev examples. Paper columns: the paper's row that trains the same losses (TinyBERT4 from BERT-base, GLUE dev average; paper numbers, not ours). Notebook: \`notebooks/03-tinybert.ipynb\`.`,
    "",
    ...s.tasks.filter((t) => r.teachers[t]).flatMap((t) => [
      `### ${TASK_TITLES[t]}`,
      "",
      tableToMarkdown(tinyBertTable(r, t)),
      "",
      tableToMarkdown(attentionGapTable(r, t)),
      "",
      figure(tinyBertFigure(r, t), `tinybert-${t}-${r.preset}`, page),
      "",
      ...(r.probes[t] ? [figure(attentionHeatmapFigure(r, t), `tinybert-attention-${t}-${r.preset}`, page, { format: "png" }), ""] : []),
    ]),
    ...tinyBertVerdict(r).map((l) => `- ${l}`),
    "",
    "<details><summary>The paper's ablation table (Jiao et al. 2020, GLUE dev; paper numbers)</summary>",
    "",
    tableToMarkdown(paperAblationTable(r)),
    "",
    "</details>",
    "",
  ].join("\n");
}

function pretrainedDistillationSection(r: PretrainedDistillationResult, page: string): string {
  return [
    `## Pre-trained distillation: four ways to train a compact student (preset \`${r.preset}\`)`,
    "",
    `Claim (Turc et al. 2019, the slides' figure): distillation beats training the small model from scratch, and a pre-trained student distilled on unlabelled task text (Pre-trained Distillation) is the best of the four at every size. Every run ${r.size.steps} steps at batch ${r.data.batchSize}; soft targets at T = ${r.size.temperature}; seeds ${r.size.seeds.join(", ")} (mean ± std); backend \`${r.backend}\`; compute ${(r.computeSeconds / 60).toFixed(1)} min. The slides print no numbers, so the paper side is its setup and its claim. Notebook: \`notebooks/04-pretrained-distillation.ipynb\`.`,
    "",
    tableToMarkdown(setupTable(r)),
    "",
    ...r.size.tasks.filter((t) => r.teachers[t]).flatMap((t) => [
      `### ${TASK_TITLES[t]}`,
      "",
      tableToMarkdown(strategyTable(r, t)),
      "",
      figure(strategyFigure(r, t), `pretrained-distillation-${t}-${r.preset}`, page),
      "",
    ]),
    ...strategyVerdict(r).map((l) => `- ${l}`),
    "",
  ].join("\n");
}

function lotterySection(r: LotteryResult, page: string): string {
  const heat = (["mnli", ...LOTTERY_TASKS] as const).find((t) => r.tickets[t])!;
  return [
    `## Lottery tickets for BERT: IMP with rewinding vs random pruning (preset \`${r.preset}\`)`,
    "",
    "Claim (Chen et al. 2020, the slides' table): a subnetwork found by iterative magnitude pruning (IMP) and rewound to the pre-trained weights θ0 matches the full fine-tuned model at 40–90 % sparsity; a random mask of the same sparsity falls far behind.",
    `θ0 = our pretrained \`${r.miniature.name}\` (L${r.miniature.layers}-H${r.miniature.hidden}). IMP prunes ${(100 * r.size.rate).toFixed(0)} % of the original prunable weights per round (${r.size.scope} magnitude; the paper: 10 %), rewinds the survivors to θ0 and fine-tunes again, down to the slide's sparsity per task; random pruning copies the ticket's per-matrix sparsities; random re-init puts the ticket's mask on fresh weights. Seeds ${r.size.seeds.join(", ")} (mean ± std); backend \`${r.backend}\`; fine-tuning time of all runs ${(r.computeSeconds / 60).toFixed(1)} min. ✓: the ticket is within one std of the full model. QQP: ${MISSING_TASKS.qqp}; QNLI: ${MISSING_TASKS.qnli}. Paper rows: the slides' table (BERT-base). Notebook: \`notebooks/06-lottery.ipynb\`.`,
    "",
    tableToMarkdown(lotteryTable(r)),
    "",
    ...lotteryVerdict(r).map((l) => (l.startsWith("   ") ? `  - ${l.trim()}` : `- ${l}`)),
    "",
    "### Transfer: the MLM ticket on SST-2 and MNLI",
    "",
    tableToMarkdown(transferTable(r)),
    "",
    `### Sparsity by layer × matrix: the ${heat} ticket (seed ${r.tickets[heat]!.seed})`,
    "",
    figure(ticketHeatmapFigure(r, heat), `lottery-ticket-${heat}-${r.preset}`, page, { format: "png" }),
    "",
    tableToMarkdown(ticketRows(r.tickets[heat]!), { digits: 1 }),
    "",
    "<details><summary>Sparsity–metric curves per task (every IMP round a point)</summary>",
    "",
    // The SVG is what is linked: no PNG (a Chromium start each) for these nine.
    ...r.tasks.flatMap((t) => [figure(lotteryCurveFigure(r, t), `lottery-curve-${t}-${r.preset}`, page, { png: false }), ""]),
    "</details>",
    "",
  ].join("\n");
}

function polyglotsSection(r: PolyglotsResult, page: string): string {
  return [
    `## Polyglots: a multilingual extractor from a monolingual NLI victim (preset \`${r.preset}\`)`,
    "",
    `Claim (Keskar et al. 2020): an extractor initialised from a *multilingual* pretrained model, trained only on an English victim's hard labels for English gibberish, works in the 14 other XNLI languages — better than the victim there; 5 % real data after extraction comes close to training on all of it, and beats mixing it in during extraction; a CORD-19 vocabulary drops extraction to chance.`,
    `Victim: \`${r.size.victim}\` fine-tuned ${r.victim.steps} steps on ${r.data.trainExamples.toLocaleString("en-US")} MNLI training pairs, answering hard labels only. Queries: hypothesis = uniform WikiText-2 top-10k words with WikiText sentence lengths, premise = the hypothesis with exactly 3 words swapped; ${r.data.queries.toLocaleString("en-US")} per extraction (scale ${r.size.scale}). MNLI dev matched: ${r.data.devExamples.toLocaleString("en-US")} pairs. Seeds ${r.size.seeds.join(", ")} (side rows ${r.size.sideSeeds.join(", ")}); backend \`${r.backend}\`; compute ${(r.computeSeconds / 60).toFixed(1)} min (this call ${(r.wallSeconds / 60).toFixed(1)} min). Paper rows: Keskar et al. 2020 (RoBERTa / XLM-R, full MNLI). Notebook: \`notebooks/07-polyglots.ipynb\`.`,
    "",
    "### Table 1: MNLI dev matched",
    "",
    tableToMarkdown(table1Rows(r)),
    "",
    "### Table 2: XNLI test, zero-shot in 15 languages",
    "",
    tableToMarkdown(table2Rows(r)),
    "",
    table2Note(r),
    "",
    figure(xnliHeatmapFigure(r), `polyglots-xnli-${r.preset}`, page, { format: "png" }),
    "",
    "<details><summary>The paper's Table 2</summary>",
    "",
    tableToMarkdown(table2PaperRows(r)),
    "",
    "</details>",
    "",
    "### Vocabulary ablation",
    "",
    tableToMarkdown(ablationRows(r)),
    "",
    "### Figure 2: nearest distance to the MNLI training data",
    "",
    `D(x, train) = min over the ${r.figure.referenceExamples.toLocaleString("en-US")} training pairs y of −⟨e(x), e(y)⟩, e = max-pool over tokens of the last layer of the pretrained (not fine-tuned) \`${r.figure.miniature}\`.`,
    "",
    tableToMarkdown(figureSummary(r)),
    "",
    figure(distanceHistogramFigure(r), `polyglots-distance-${r.preset}`, page),
    "",
    ...polyglotsVerdict(r).map((l) => `- ${l}`),
    "",
  ].join("\n");
}

function watermarkSection(r: WatermarkResult, page: string): string {
  const tasks = watermarkTasks(r);
  return [
    `## Watermarking the API (preset \`${r.preset}\`)`,
    "",
    "Claim (Krishna et al. 2020, §6.2; the slides' table): an API that answers a small share of its queries wrongly and stores them can recognise a model extracted from it — the extractor matches the stored wrong answers far more than a clean one does, the more so the longer it trains — while the extractor's dev score barely moves.",
    `Victims: the extraction experiments' (${tasks.map((t) => `${t === "squad" ? "SQuAD" : "MNLI"} on \`${r.tasks[t]!.miniature}\``).join(", ")}); WIKI queries (${tasks.map((t) => `${t} ${r.tasks[t]!.queries.toLocaleString("en-US")}`).join(", ")} per extractor), ${(100 * r.size.fraction).toFixed(1)} % of them watermarked (the paper: 0.1 % of far larger budgets; 0.1 % of ours would store ${tasks.map((t) => `${(0.001 * r.tasks[t]!.queries).toFixed(1)}`).join(" / ")} queries a seed). Match rates are on each seed's stored watermark queries; dev: ${devNote(r)}. Seeds ${r.size.seeds.join(", ")} (mean ± std); backend \`${r.backend}\`; training time ${(r.computeSeconds / 60).toFixed(1)} min. Paper columns: the slides' table (BERT-large). Notebook: \`notebooks/08-watermark.ipynb\`.`,
    "",
    tableToMarkdown(watermarkTable(r)),
    "",
    ...watermarkVerdict(r).map((l) => `- ${l}`),
    "",
    ...tasks.flatMap((t) => [figure(watermarkFigure(r, t), `watermark-${t}-${r.preset}`, page), ""]),
    "<details><summary>Stored watermark records (seed " + r.size.seeds[0] + ")</summary>",
    "",
    ...tasks.flatMap((t) => [tableToMarkdown(exampleRows(r, t)), ""]),
    "</details>",
    "",
  ].join("\n");
}

function defensesSection(r: DefensesResult, page: string): string {
  const tasks = r.size.tasks.filter((t) => r.victims[t]);
  return [
    `## The defense frontier: what each API defense costs the thief and the honest user (preset \`${r.preset}\`)`,
    "",
    "Question (issue #10, beyond the slides): for output perturbations (labels only, rounding, top-k, reverse sigmoid), watermarking and the membership gate, how much extractor accuracy does each take away per point of accuracy honest users lose? Score = extractor drop (mean over generators, points) ÷ honest loss (points, at least one dev example). Notebook: `notebooks/10-defenses.ipynb`.",
    "",
    ...tasks.flatMap((t) => [defenseSetup(r, t), "", tableToMarkdown(defenseTable(r, t)), "", ...defenseVerdict(r, t).map((l) => `- ${l}`), "", figure(frontierFigure(r, t), `defenses-frontier-${t}-${r.preset}`, page, { format: "png" }), ""]),
  ].join("\n");
}

function membershipSection(r: MembershipResult, page: string): string {
  return [
    `## Membership classification: real inputs vs attack queries (preset \`${r.preset}\`)`,
    "",
    "Claim (Krishna et al. 2020, §6.1, the slides' table): a binary classifier on the victim's features (last layer, logits, both), trained on the victim's training inputs vs WIKI queries, separates real inputs from WIKI and RANDOM queries well and from SHUFFLE less well.",
    `${membershipSetup(r)} Notebook: \`notebooks/09-membership.ipynb\`.`,
    "",
    tableToMarkdown(membershipTable(r)),
    "",
    ...membershipVerdict(r).map((l) => `- ${l}`),
    "",
    ...r.tasks.flatMap((t) => [figure(membershipRocFigure(r, t), `membership-roc-${t}-${r.preset}`, page, { png: false }), "", figure(membershipHistogramFigure(r, t), `membership-scores-${t}-${r.preset}`, page, { png: false }), ""]),
  ].join("\n");
}

/**
 * Rewrites the results page of a preset from its result files: RESULTS.md for `small` (the
 * committed one), results/RESULTS-<preset>.md for the others, so a tiny run never replaces it.
 */
export function writeResultsMarkdown(preset: string): string {
  const file = preset === "small" ? path.join(PROJECT_ROOT, "RESULTS.md") : path.join(PROJECT_ROOT, "results", `RESULTS-${preset}.md`);
  const sections: string[] = ["# Results", "", "Generated by `npm run reproduce` from `results/*.json`; do not edit by hand.", ""];
  const quickstart = path.join(PROJECT_ROOT, "results", `quickstart-${preset}.json`);
  if (fs.existsSync(quickstart)) sections.push(quickstartSection(JSON.parse(fs.readFileSync(quickstart, "utf8")), file));
  const pretraining = path.join(PROJECT_ROOT, "results", `pretraining-${preset}.json`);
  if (fs.existsSync(pretraining)) sections.push(pretrainingSection(JSON.parse(fs.readFileSync(pretraining, "utf8")), file));
  const extraction = path.join(PROJECT_ROOT, "results", "extract", `extract-${preset}.json`);
  if (fs.existsSync(extraction)) sections.push(extractionSection(JSON.parse(fs.readFileSync(extraction, "utf8")), file));
  const squad = readSquadExtractionResult(preset);
  if (squad) sections.push(squadExtractionSection(squad));
  const distillation = readDistillationResult(preset);
  if (distillation) sections.push(distillationSection(distillation, file));
  const tinybert = readTinyBertResult(preset);
  if (tinybert) sections.push(tinyBertSection(tinybert, file));
  const pretrainedDistillation = readPretrainedDistillationResult(preset);
  if (pretrainedDistillation) sections.push(pretrainedDistillationSection(pretrainedDistillation, file));
  const lottery = readLotteryResult(preset);
  if (lottery) sections.push(lotterySection(lottery, file));
  const polyglots = readPolyglotsResult(preset);
  if (polyglots) sections.push(polyglotsSection(polyglots, file));
  const membership = readMembershipResult(preset);
  if (membership) sections.push(membershipSection(membership, file));
  const watermark = readWatermarkResult(preset);
  if (watermark) sections.push(watermarkSection(watermark, file));
  const defenses = readDefensesResult(preset);
  if (defenses) sections.push(defensesSection(defenses, file));
  writeFileAtomic(file, sections.join("\n"));
  return file;
}
