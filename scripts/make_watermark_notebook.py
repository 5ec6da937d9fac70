"""Writes notebooks/08-watermark.ipynb (kept as a script so the notebook's text is reviewable as code)."""
from notebook_writer import write_notebook

cells = [
    ("markdown", """# 08 — Watermarking an API against extraction

Krishna et al. (2020), "Thieves on Sesame Street!", §6.2 (slides in `../shared/papers/000_e75a87f8620dc864.txt`).
Notebook 05 showed that anyone who can query a model can copy it. This notebook is the API owner's answer:
**watermarking**. For a small fraction of queries (0.1 % on the slide), the API returns a *wrong* output and
stores the triple (query, wrong output, true output) — the watermark. A copy trained on the API's answers
learns those wrong answers too: deep models have the capacity to memorise them. If a suspect model is later
released with query access, the owner asks it the stored queries. A model stolen from the API gives the
watermark answers; an honest model (or one stolen from an unwatermarked API) gives the true ones.

**The paper's claims, checked at the end from this run:**
1. An extractor trained on the watermarked API's answers matches the stored watermarks far more often than
   one trained on the clean API's answers (MNLI 52.8 % vs 2.8 %; SQuAD 5.7 vs 0.0 EM).
2. The longer it trains, the more it memorises (10 epochs: MNLI 87.2 %, SQuAD 74.7 EM), until it gives the
   watermark far more often than the true answer.
3. The watermarked extractor's dev score barely moves (the slide: "No significant change in dev accuracy!").

**What this notebook does.** Takes the victims of the extraction experiments — an MNLI classifier (notebook
05) and a SQuAD reader (our miniature fine-tuned on 38 articles of SQuAD dev, since SQuAD train is not
vendored; scored on the 10 held-out articles) — puts each behind a watermarked API, and for several seeds
trains three extractors on the same WIKI queries: *WIKI* (the clean API's answers), *watermarked WIKI*, and
*watermarked WIKI* trained for 10 epochs. Each is verified on the API's stored watermark queries and scored
on the real dev set."""),
    ("markdown", """## 1. Run size and backend

`tiny` is a plumbing check (CI; its victims barely train, and the numbers mean nothing), `small` gives the
committed outputs, `paper` the paper's share of 0.1 %.

**The watermarked share is raised at our budgets.** 0.1 % of the paper's budgets (1x of full MNLI and
SQuAD, hundreds of thousands of queries) stores hundreds of watermarks; 0.1 % of our scaled budgets would
store one or two, and a match rate over one query is meaningless. So at `small` the API watermarks 10 % of
the queries — tens of stored watermarks per seed. That is also 10 % label noise in the thief's training
data, a harsher test of claim 3 than the paper's 0.1 %."""),
    ("code", """import { initBackend } from "../lib/engine/backend";
import { WATERMARK_SIZES } from "../lib/experiments/watermark";
import { EXTRACTION_SIZES } from "../lib/experiments/extraction";

const preset = (process.env.THIEVES_PRESET ?? "small") as "tiny" | "small" | "paper";
const backend = await initBackend();
const size = WATERMARK_SIZES[preset];
console.log(`preset ${preset}; backend ${backend.name}; extractors start from ${EXTRACTION_SIZES[preset].miniature}`);
console.log(`${(100 * size.fraction).toFixed(1)} % of the queries watermarked; ${size.epochs} and ${size.longEpochs} epochs; seeds ${size.seeds.join(", ")}`);"""),
    ("markdown", """## 2. A watermark up close

The victim is the extraction experiment's MNLI model: our pretrained miniature fine-tuned on the real MNLI
training sample (trained once and cached). Here we put it behind a watermarked API that marks *every* query
(fraction 1), just to see what a watermark looks like: the label changes to another one, chosen at random
among the others, and the probabilities of the true and the watermark label swap — the slide's
"29.58 % positive → 70.42 % positive". Which queries are marked, and how, is decided by a hash of the query
and the owner's secret seed, so a repeated query always gets the same answer: the thief cannot average the
watermark away or spot it by asking twice."""),
    ("code", """import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { WatermarkRecord, WatermarkedVictim, readWatermarks } from "../lib/defend/watermark";
import { trainVictim } from "../lib/experiments/extraction";
import { LocalVictim } from "../lib/extract/local-victim";
import { generateQueries } from "../lib/extract/queries";
import { buildQuerySource } from "../lib/extract/wikitext-source";
import { showTable } from "../lib/display";

const victim = await LocalVictim.load(await trainVictim("mnli", preset), { maxLength: EXTRACTION_SIZES[preset].maxLength });
const demoDir = fs.mkdtempSync(path.join(os.tmpdir(), "watermark-demo-"));
const record = await WatermarkRecord.open(path.join(demoDir, "record.jsonl"));
const api = new WatermarkedVictim(victim, record, { seed: 1, fraction: 1 });
const [query] = generateQueries({ generator: "WIKI", shape: "pair", count: 1, seed: 42, source: buildQuerySource() });
const [sent] = await api.query([query]);
await record.close();
const [entry] = readWatermarks(record.file).entries;
const probs = (p?: number[]) => (p ?? []).map((x, i) => `${victim.labels[i]} ${(100 * x).toFixed(2)} %`).join(", ");
showTable([
  { "": "query", value: typeof query === "string" ? query : `${query.premise}  ‖  ${query.hypothesis}` },
  { "": "victim's answer (stored as truth)", value: `${victim.labels[entry.truth.label]} (${probs(entry.truth.probabilities)})` },
  { "": "what the API sent (stored as watermark)", value: `${victim.labels[sent.label]} (${probs(sent.probabilities)})` },
]);
victim.dispose();
fs.rmSync(demoDir, { recursive: true, force: true });"""),
    ("markdown", """## 3. The three extractors

For each task and seed, `runWatermark`:

1. generates the attacker's WIKI queries (real Wikipedia sentences; for MNLI the hypothesis is the premise
   with three words replaced; for SQuAD a Wikipedia paragraph and a question made from its words),
2. asks the victim once; the watermarked API answers a seeded `fraction` of the queries wrongly — another
   label, or for SQuAD another span of the paragraph, as long as the true answer — and appends each
   (query, watermark, truth) to its record, fsynced before the answer leaves,
3. trains three extractors from the same pretrained miniature on the same queries:
   **WIKI** on the clean answers, **watermarked WIKI** on the watermarked answers for the same number of
   passes, and **watermarked WIKI (10 epochs)**,
4. verifies each: asks it the stored watermark queries and counts how often its answer matches the
   watermark, and how often the true answer (label agreement; SQuAD exact match), and scores it on the real
   dev set (MNLI accuracy; SQuAD F1).

The clean extractor is the control: trained on exactly the same queries, it shows how often a model that
never saw the watermarks happens to agree with them. Every finished extractor is kept beside its
checkpoints, so an interrupted run resumes; from a shell, `npm run reproduce -- watermark --task mnli` and
`--task squad` run the two tasks on two cores. A saved result is reused here if present."""),
    ("code", """import { runWatermark } from "../lib/experiments/watermark";

const result = await runWatermark({ preset: preset, reuse: true });
for (const [task, t] of Object.entries(result.tasks)) console.log(`${task}: victim dev ${(100 * t!.victimDev).toFixed(1)} %; ${t!.queries} queries per extractor; stored watermarks per seed: ${t!.watermarks.join(", ")}`);
console.log(`${result.runs.length} extractors, ${(result.computeSeconds / 60).toFixed(1)} min of training`);"""),
    ("markdown", """## 4. What the API stored

The first records of the owner's watermark store (seed 0): the attacker's query, the wrong answer the API
sent, and what the victim had really answered. This file is all the owner needs to verify a suspect later."""),
    ("code", """import { exampleRows, watermarkTasks } from "../lib/experiments/watermark-report";

for (const task of watermarkTasks(result)) showTable(exampleRows(result, task));"""),
    ("markdown", """## 5. The watermark table

Match with the stored watermark answers and with the true answers, on each seed's stored queries (mean ±
standard deviation over seeds, %; `match` says what counts as one: the same label, or SQuAD exact match), and
each extractor's dev score (MNLI accuracy, SQuAD F1), beside the slide's numbers (BERT-large; the slide gives
no dev numbers, only "no significant change"). "Stored queries" is the number of watermarks each seed's
record holds: the match rates are over those, so with ~100 stored queries a rate is known to about ±5 points.

Two things to keep in mind when reading it. The clean WIKI extractor is trained on the very same queries, so
its "true match" is how well it fits its own training answers, and its "watermark match" is the chance
agreement a thief who never saw a watermark would show. And our extractors are far weaker than the paper's
(see notebook 05: MNLI extractors near the majority class at these budgets), so a dev score "within a point"
says less here than on the slide."""),
    ("code", """import { devNote, watermarkTable } from "../lib/experiments/watermark-report";

showTable(watermarkTable(result));
console.log(`dev: ${devNote(result)}`);"""),
    ("markdown", """## 6. Watermark answers against true answers

For each extractor, the two bars are its match with the watermarks and with the truth on the same stored
queries. A model that memorised the watermarks has the first bar high and the second low; the clean control
the reverse. The error bars are the standard deviation over seeds."""),
    ("code", """import { showFigure } from "../lib/display";
import { watermarkFigure } from "../lib/experiments/watermark-report";

for (const task of watermarkTasks(result)) showFigure(watermarkFigure(result, task));"""),
    ("markdown", """## 7. What held

Computed from the results above, not typed in: each claim with our means, the gap, and whether it is
within the seeds' noise. The slide also names the method's limits, which no run here can lift: verification
needs query access to the stolen model, and a thief can counter with differentially private training or by
extracting a second time from the first copy."""),
    ("code", """import { watermarkVerdict } from "../lib/experiments/watermark-report";

for (const line of watermarkVerdict(result)) console.log(line);
if (preset === "tiny") console.log("(tiny preset: a plumbing check)");"""),
]

write_notebook("08-watermark.ipynb", cells)
