/** The Polyglots report on a hand-made result: Table 1, Table 2 (means, ± std of the average, paper rows), the ablation, the figures and the verdict's held / did not hold / not testable. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { XNLI_LANGUAGES, XnliLanguage } from "../../lib/data/xnli";
import {
  PAPER_POLYGLOTS_TABLE1, PAPER_POLYGLOTS_TABLE2, PAPER_VOCABULARY_ABLATION, POLYGLOTS_SIZES, PolyglotRun, PolyglotsResult,
  ablationRows, distanceHistogramFigure, polyglotSettings, polyglotsVerdict, table1Rows, table2Note, table2PaperRows, table2Rows, victimAnswerShares, xnliHeatmapFigure,
} from "../../lib/experiments/polyglots";

const uniform = (en: number, other: number) => Object.fromEntries(XNLI_LANGUAGES.map((l) => [l, l === "en" ? en : other])) as Record<XnliLanguage, number>;

/** Accuracy per setting id: [mnliDev per seed] and XNLI (English, other languages) per seed. */
function result(spec: Record<string, { dev: number[]; xnli?: [number, number][] }>, victim = { dev: 0.7, en: 0.7, other: 0.36 }): PolyglotsResult {
  const size = { ...POLYGLOTS_SIZES.small, seeds: [0, 1, 2], sideSeeds: [0] };
  const settings = polyglotSettings(size);
  const runs: PolyglotRun[] = [];
  for (const [id, s] of Object.entries(spec)) {
    s.dev.forEach((mnliDev, seed) => runs.push({
      setting: id, seed, queries: 9807, realExamples: 0, mnliDev, agreement: 0.8, ...(s.xnli ? { xnli: uniform(...s.xnli[seed]) } : {}), steps: 400, trainSeconds: 10, runSeconds: 12,
    }));
  }
  return {
    experiment: "polyglots", preset: "small", backend: "tensorflow", engine: "test", size, settings,
    miniatures: { "en-L4-H256": { createdAt: "x", parameters: 1, layers: 4, hidden: 256 }, "en-L2-H128": { createdAt: "x", parameters: 1, layers: 2, hidden: 128 }, "xx-L4-H256": { createdAt: "x", parameters: 1, layers: 4, hidden: 256 } },
    data: { trainExamples: 39226, devExamples: 2000, devMajority: 0.35, xnliExamples: 1000, xnliIds: [], queries: 9807, realExamples: { "1": 392, "5": 1961, "10": 3923 } },
    victim: { miniature: "en-L4-H256", mnliDev: victim.dev, xnli: uniform(victim.en, victim.other), steps: 1200, trainSeconds: 1, runSeconds: 1 },
    runs,
    vocabularies: { wikitext: { size: 10000, top: [] }, cord19: { size: 10000, top: [], distinctive: [], overlapWithWikitext: 0.42 } },
    figure: { miniature: "en-L4-H256", referenceExamples: 39226, dev: [1, 2, 3], gibberish: [2, 3, 4], cord19: [5, 6], auc: 0.78, aucCord19: 1, runSeconds: 1 },
    paper: { table1: PAPER_POLYGLOTS_TABLE1, table2: PAPER_POLYGLOTS_TABLE2, vocabulary: PAPER_VOCABULARY_ABLATION },
    wallSeconds: 1, computeSeconds: 100,
  };
}

const good = result({
  "extract-en-L4-H256": { dev: [0.6, 0.62, 0.64] },
  "extract-en-L2-H128": { dev: [0.5, 0.5, 0.5] },
  "extract-xx-L4-H256": { dev: [0.55, 0.55, 0.58], xnli: [[0.55, 0.45], [0.55, 0.47], [0.58, 0.49]] },
  "real-xx-L4-H256": { dev: [0.7], xnli: [[0.7, 0.5]] },
  "random-xx-L4-H256": { dev: [0.55], xnli: [[0.55, 0.34]] },
  "during-1-xx-L4-H256": { dev: [0.6], xnli: [[0.6, 0.45]] },
  "during-5-xx-L4-H256": { dev: [0.6, 0.6, 0.6], xnli: [[0.6, 0.46], [0.6, 0.46], [0.6, 0.46]] },
  "during-10-xx-L4-H256": { dev: [0.6], xnli: [[0.6, 0.5]] },
  "after-1-xx-L4-H256": { dev: [0.6], xnli: [[0.6, 0.46]] },
  "after-5-xx-L4-H256": { dev: [0.66, 0.66, 0.66], xnli: [[0.66, 0.48], [0.68, 0.48], [0.7, 0.48]] },
  "after-10-xx-L4-H256": { dev: [0.6], xnli: [[0.6, 0.49]] },
  "cord19-xx-L4-H256": { dev: [0.36] },
});

test("Table 1: the victim, each extractor's mean ± std beside its paper row, the missing smaller multilingual one said so", () => {
  const rows = table1Rows(good);
  assert.equal(rows[0]["MNLI dev (%)"], "70.0");
  assert.equal(rows[0]["paper (%)"], "90.6");
  const english = rows.find((r) => String(r.extractor).includes("the victim's size") && String(r.extractor).startsWith("en-L4"))!;
  assert.equal(english["MNLI dev (%)"], "62.0 ± 2.0");
  assert.equal(english["paper: victim → extractor"], "RoBERTa-Large → RoBERTa-Large");
  const xx = rows.find((r) => String(r.extractor).startsWith("xx-L4-H256"))!;
  assert.equal(xx["paper (%)"], "78.6");
  assert.equal(xx.seeds, 3);
  const none = rows.find((r) => String(r.extractor).includes("none"))!;
  assert.equal(none["MNLI dev (%)"], "n/a");
  assert.equal(none["paper (%)"], "69.0");
  assert.ok(rows.some((r) => r["paper (%)"] === "76.3" && r.note === "Krishna et al. 2020"));
});

test("Table 2: languages in the paper's order, means per language, the average's seed std, one row per setting; the paper's averages", () => {
  const rows = table2Rows(good);
  assert.equal(rows.length, 10, "victim, 2 baselines, 0 %, 3 during, 3 after");
  assert.deepEqual(Object.keys(rows[0]).slice(3, 18), ["en", "ar", "bg", "de", "el", "es", "fr", "hi", "ru", "sw", "th", "tr", "ur", "vi", "zh"]);
  assert.equal(rows[0].model, "English victim en-L4-H256 (L4-H256)");
  assert.equal(rows[0].ar, "36.0");
  const zero = rows.find((r) => r.stage === "extraction (gibberish only)")!;
  assert.equal(zero.en, "56.0");
  assert.equal(zero.ar, "47.0");
  // Per-seed averages: (0.55 + 14·0.45)/15 = 45.67, 47.53, 49.6 → mean 47.6, std 1.97.
  assert.equal(zero.average, "47.6 ± 2.0");
  assert.equal(rows.find((r) => r.stage.toString().startsWith("baseline") && String(r.model).includes("random"))!.average, "35.4");
  const paper = table2PaperRows(good);
  assert.equal(paper.length, 10);
  assert.equal(paper[2].average, "80.9");
  assert.match(String(paper[0].model), /^paper: BiLSTM/);
  assert.match(table2Note(good), /1 % = 392 pairs, 5 % = 1,961 pairs, 10 % = 3,923 pairs; that set is 9\.99 % of full MNLI's 392,702 pairs, so our 5 % is 0\.50 % of MNLI/);
  assert.match(table2Note(good), /label-stratified subset of 1,000 of XNLI test's 5,010 pairs, the same ids in every language/);
});

test("the ablation row and the figures", () => {
  const rows = ablationRows(good);
  assert.equal(rows[1]["MNLI dev (%)"], "36.0");
  assert.equal(rows[1]["chance: majority class (%)"], "35.0");
  assert.equal(rows[0]["paper (%)"], "78.6");
  assert.equal(rows[1]["paper (%)"], "random chance");
  const answers = Object.keys(rows[0]).find((k) => k.startsWith("victim's answers"))!;
  assert.equal(rows[0][answers], "not recorded", "a result written before the answers were recorded says so");
  // Two WikiText seeds pooled: (6 + 8) / 20, (3 + 2) / 20, (1 + 0) / 20.
  const recorded: PolyglotsResult = { ...good, victimAnswers: [{ vocabulary: "wikitext", seed: 0, counts: [6, 3, 1] }, { vocabulary: "wikitext", seed: 1, counts: [8, 2, 0] }, { vocabulary: "cord19", seed: 0, counts: [0, 10, 0] }] };
  assert.deepEqual(victimAnswerShares(recorded, "wikitext"), [0.7, 0.25, 0.05]);
  const withAnswers = ablationRows(recorded);
  assert.equal(withAnswers[0][answers], "70 / 25 / 5");
  assert.equal(withAnswers[1][answers], "0 / 100 / 0");
  assert.ok(polyglotsVerdict(recorded).some((l) => l.includes("entailment 70 %")), "the verdict states the victim's answer shares");
  const heat = xnliHeatmapFigure(good);
  assert.equal(heat.data[0].type, "heatmap");
  assert.equal((heat.data[0].z as number[][]).length, 10);
  assert.equal((heat.data[0].x as string[]).length, 16);
  const hist = distanceHistogramFigure(good);
  assert.equal(hist.data.length, 3);
  const total = (i: number) => (hist.data[i].y as number[]).reduce((a, b) => a + b, 0);
  assert.deepEqual([total(0), total(1), total(2)], [3, 3, 2]);
});

test("the verdict: held where our numbers say so", () => {
  const lines = polyglotsVerdict(good);
  assert.match(lines[0], /beats the English victim on non-English XNLI: held \(mean over the 14 other languages 47\.0 vs 36\.0, gap 11\.0 points; better in 14 of 14 languages\)/);
  // after-5 per-seed averages (0.66|0.68|0.70 + 14·0.48)/15 → 49.3 vs the baseline's (0.7 + 14·0.5)/15 = 51.3 → 96.1 %.
  assert.match(lines[1], /comes close to the 100 %-real baseline \(≥ 95 % of its mean XNLI accuracy\): held \(49\.3 vs 51\.3: 96\.1 %; paper 95\.0 %\)/);
  assert.match(lines[2], /^1 % real data: after extraction beats during: held/);
  assert.match(lines[3], /^5 % real data: after extraction beats during: held \(mean XNLI 49\.3 vs 46\.9, gap 2\.4 points; paper gap 1\.5 points\)/);
  assert.match(lines[4], /^10 % real data: after extraction beats during: did not hold/);
  assert.match(lines[5], /CORD-19 vocabulary drops the extractor to near chance \(within 5 points\): held \(MNLI dev 36\.0 with CORD-19 vs 56\.0 with WikiText; chance \(majority class\) 35\.0/);
  assert.match(lines[6], /Table 1 \(for reference\): multilingual vs same-size English extractor on MNLI dev 56\.0 vs 62\.0/);
  assert.match(lines[7], /AUC .* 0\.780/);
});

test("the verdict: did not hold, within noise, and not testable when the baselines sit at chance", () => {
  const bad = result({
    "extract-xx-L4-H256": { dev: [0.37, 0.37, 0.37], xnli: [[0.35, 0.33], [0.35, 0.34], [0.35, 0.35]] },
    "real-xx-L4-H256": { dev: [0.36], xnli: [[0.36, 0.35]] },
    "during-5-xx-L4-H256": { dev: [0.4, 0.4, 0.4], xnli: [[0.4, 0.36], [0.4, 0.36], [0.4, 0.36]] },
    "after-5-xx-L4-H256": { dev: [0.4, 0.4, 0.4], xnli: [[0.4, 0.355], [0.4, 0.37], [0.4, 0.34]] },
    "cord19-xx-L4-H256": { dev: [0.5] },
  });
  const lines = polyglotsVerdict(bad);
  assert.match(lines[0], /non-English XNLI: did not hold \(mean over the 14 other languages 34\.0 vs 36\.0, gap -2\.0 points; better in 0 of 14 languages\)/);
  assert.match(lines[1], /not testable here — the 100 %-real baseline is itself within 5 points of chance/);
  assert.match(lines.find((l) => l.startsWith("5 % real data: after"))!, /did not hold .*within noise: seeds' std 1\.4/);
  assert.match(lines.find((l) => l.startsWith("CORD-19"))!, /not testable here — the WikiText-vocabulary extractor is itself within 5 points of chance/);
  assert.ok(!lines.some((l) => l.startsWith("1 %")), "rows without runs are left out, not reported");
});
