"""Writes notebooks/05-extraction.ipynb (kept as a script so the notebook's text is reviewable as code)."""
from notebook_writer import write_notebook

cells = [
    ("markdown", """# 05 — Thieves on Sesame Street: stealing a BERT classifier with gibberish

Krishna et al. (2020), "Thieves on Sesame Street! Model Extraction of BERT-based APIs" (slides in
`../shared/papers/000_e75a87f8620dc864.txt`): a model behind an API can be copied by an attacker who has
**no task data at all**. The attacker sends queries — random sequences of words (RANDOM) or
sentences from Wikipedia (WIKI) — collects the API's answers, and fine-tunes their own pretrained
model on those (query, answer) pairs. The copy works on real inputs.

**The paper's claims, checked at the end from this run:**
1. RANDOM queries already reach a large share of the victim's accuracy (SST-2 90.1 vs 93.1).
2. WIKI queries, closer to real text, do better than RANDOM.
3. More queries (up to 10x the victim's training-set size) do better than 1x.
4. The attack is cheap: an SST-2-sized attack costs about $62 at public API prices.
5. A question-answering API is stolen the same way: QA extraction reaches a large share of the victim's
   F1 (paper, SQuAD: victim 90.6; RANDOM 79.1 at 1x, 85.8 at up to 10x; WIKI 86.1 and 89.4).

**What this notebook does.** Trains a victim (one of our pretrained miniatures fine-tuned on SST-2,
and one on MNLI), attacks each with RANDOM and WIKI queries at several budgets and seeds, shows the
results table beside the paper's, the accuracy-vs-queries curve, the cost table, and finally attacks a
live HTTP API (the project's `npm run serve`) until its query budget runs out. Section 8 does the same to a
question-answering API: the table's SQuAD column."""),
    ("markdown", """## 1. Run size and backend

`tiny` is a plumbing check (CI; numbers mean nothing), `small` the committed outputs, `paper` the
paper's sizes. **Budgets are scaled:** at `small`, "1x" is a fraction (the `scale` printed next to every
number) of the victim's training-set size, so the whole table fits on a laptop CPU."""),
    ("code", """import { initBackend } from "../lib/engine/backend";
import { EXTRACTION_SIZES } from "../lib/experiments/extraction";

const preset = process.env.THIEVES_PRESET ?? "small";
const backend = await initBackend();
const size = EXTRACTION_SIZES[preset as "tiny" | "small" | "paper"];
console.log(`preset ${preset}; backend ${backend.name}; victim and extractors start from ${size.miniature}; budget scale ${size.scale}; seeds ${size.seeds.join(", ")}`);"""),
    ("markdown", """## 2. What the attacker sends

RANDOM draws words uniformly from the 10,000 most frequent WikiText word types, with sentence lengths
drawn from WikiText's own. WIKI takes real WikiText sentences of at most 50 words. For NLI, which needs a
premise and a hypothesis, the hypothesis is the premise with three words replaced at random, so the two
are related, as in the paper. None of this is task data."""),
    ("code", """import { buildQuerySource } from "../lib/extract/wikitext-source";
import { generateQueries } from "../lib/extract/queries";
import { showTable } from "../lib/display";

const source = buildQuerySource();
const show = (q: any) => (typeof q === "string" ? q : `${q.premise}  ‖  ${q.hypothesis}`).slice(0, 150);
showTable([
  ...generateQueries({ generator: "RANDOM", shape: "single", count: 2, seed: 0, source: source }).map((q) => ({ generator: "RANDOM", task: "SST-2", query: show(q) })),
  ...generateQueries({ generator: "WIKI", shape: "single", count: 2, seed: 0, source: source }).map((q) => ({ generator: "WIKI", task: "SST-2", query: show(q) })),
  ...generateQueries({ generator: "RANDOM", shape: "pair", count: 1, seed: 0, source: source }).map((q) => ({ generator: "RANDOM", task: "MNLI", query: show(q) })),
  ...generateQueries({ generator: "WIKI", shape: "pair", count: 1, seed: 0, source: source }).map((q) => ({ generator: "WIKI", task: "MNLI", query: show(q) })),
]);"""),
    ("markdown", """## 3. What an attack costs

The slides price attacks with the cloud price calculator: units beyond the free tier times the price
per block of units, $\\text{cost} = \\max(0, n - n_{\\text{free}}) \\cdot p / b$. One price model with a free
tier reproduces all three rows; the paper's prices are shown beside the computed ones."""),
    ("code", """import { PAPER_COST_TABLE, slideCostTable } from "../lib/extract/cost";

showTable(slideCostTable().map((row, i) => ({ ...row, "paper price ($)": PAPER_COST_TABLE[i]["paper price ($)"] })), { digits: 2 });"""),
    ("markdown", """## 4. Train the victims and run the attacks

For each task, `runExtraction` fine-tunes the victim on the real training set (SST-2 train; the 39k-pair
MNLI train sample, which is therefore MNLI's "1x"), then for each generator, budget and seed: generates
the queries, asks the victim, and fine-tunes an extractor from the same pretrained miniature on the
victim's labels. Extractors are scored once on the real dev sets (SST-2 dev, MNLI dev matched):
accuracy against the gold labels, and agreement with the victim.

Each extractor makes two passes over its queries, but never fewer than `extractorMinSteps` steps
(300 at `small`): otherwise a 0.1x budget would also be a barely trained model, and the curve would
measure training length instead of query count. Every finished extraction is kept beside its
checkpoints, so an interrupted run resumes where it stopped; from a shell,
`npm run reproduce -- extract --task sst2` and `--task mnli` run the two tasks on two cores, and a
last `npm run reproduce -- extract` collects them. Saved results are reused here if present."""),
    ("code", """import { runExtraction } from "../lib/experiments/extraction";

const result = await runExtraction({ preset: preset, reuse: true });
console.log(`${result.runs.length} extractions; victims: SST-2 ${(100 * result.victims.sst2.devAccuracy).toFixed(1)} %, MNLI ${(100 * result.victims.mnli.devAccuracy).toFixed(1)} %`);"""),
    ("markdown", """### What the victims answer to gibberish

Before looking at the extractors: the share of each label the victims give to 1,000 queries of each
kind. An attack can only copy the decision boundary the answers reveal; if a victim calls nearly every
gibberish sentence "positive", the extractor learns little more than that."""),
    ("code", """import { victimAnswerShares } from "../lib/experiments/extraction";

showTable(await victimAnswerShares(preset), { digits: 3 });"""),
    ("markdown", """## 5. The results table

Dev accuracy (%), mean ± standard deviation over seeds, ours beside the paper's (BERT-large victims
and extractors, full budgets). Our models are far smaller and our budgets scaled, so compare the
*pattern* — how close each attack comes to its victim — rather than the absolute numbers."""),
    ("code", """import { extractionTable } from "../lib/experiments/extraction";

showTable(extractionTable(result));"""),
    ("markdown", """## 6. Accuracy against the number of queries

One extraction per budget (seed 0), from 0.1x to 10x. The dashed line is the victim."""),
    ("code", """import { showFigure } from "../lib/display";
import { extractionCurveFigure } from "../lib/experiments/extraction";

showFigure(extractionCurveFigure(result, "sst2"));
showFigure(extractionCurveFigure(result, "mnli"));"""),
    ("markdown", """What our own attacks would have cost at the Natural Language API's price ($1.00 per 1,000 calls
after 5,000 free). At `small`, budgets are scaled down, so most fit in the free tier."""),
    ("code", """import { attackCostRows } from "../lib/experiments/extraction";

showTable(attackCostRows(result), { digits: 2 });"""),
    ("markdown", """## 7. Attacking a live API

The same attack over HTTP: the SST-2 victim is served by the project's API server on 127.0.0.1 (bearer
key, per-key query budget, rate limit, a query log the provider keeps). The attacker's key has a budget
of 200 queries; we send 300 WIKI queries and watch the API refuse (HTTP 402) once the budget is spent.
Every answered query is in the provider's log — which is what the defenses in a later notebook use."""),
    ("code", """import { trainVictim } from "../lib/experiments/extraction";
import { attackLiveServer } from "../lib/extract/live-attack";

const victimDir = await trainVictim("sst2", preset as "tiny" | "small" | "paper");
const live = await attackLiveServer(victimDir, generateQueries({ generator: "WIKI", shape: "single", count: 300, seed: 7, source: source }), { budget: 200, maxLength: size.maxLength });
console.log(`server ${live.url}: sent ${live.sent}, answered ${live.answered} (budget ${live.budget}); the provider logged ${live.loggedQueries}`);
console.log(`refusal: ${live.refusal ?? "none"}`);
showTable(live.sample);"""),
    ("markdown", """## 8. The SQuAD column: stealing a question-answering API

A reading-comprehension API takes a paragraph and a question and answers with a **span of the paragraph**.
The attacker needs both inputs, and they must be related, or no span answers anything: RANDOM draws a
paragraph of WikiText words by their frequency, WIKI takes a real WikiText paragraph, and the question is a
question word ("What", "Who" …) followed by words drawn from that paragraph and a "?", as on the slide
("What's Kazim Kazim further as and Glowworm …?"). The victim's answer — its text and where it starts — is
the training label: the extractor, the same pretrained miniature with a fresh span head, learns to point
at the span the victim pointed at. A query the victim answers with an empty span teaches nothing and is
dropped (and counted).

SQuAD train is not vendored, so the victim trains on 38 of the 48 articles of SQuAD dev and everything is
scored on the other 10 (a split by article: no paragraph is on both sides). 1x is `scale` × the victim's
training questions. Beside the victim sits a trivial **floor**: answering the paragraph's first few words
whatever the question (the best of 1–5 words, computed on the same questions). Below: what the victim
answers to a few queries of each kind."""),
    ("code", """import { runSquadExtraction, squadQueryExamples } from "../lib/experiments/squad-extraction";

const squad = await runSquadExtraction({ preset: preset, reuse: true });
showTable(await squadQueryExamples(preset));
console.log(`${squad.runs.length} QA extractions; victim F1 ${(100 * squad.victim.f1).toFixed(1)} on ${squad.data.evalQuestions} held-out questions; 1x = ${squad.victim.oneX} queries`);"""),
    ("markdown", """SQuAD exact match and F1 (%, mean ± std over seeds) against the gold answers, ours beside the paper's F1
(BERT-large, full budgets), and the extractors' F1 against the victim's own answers (agreement). The
paper also attacks BoolQ, a yes/no question-answering task; it is not vendored here, and the line under the table says
where its files go."""),
    ("code", """import { boolqNote, squadExtractionTable } from "../lib/experiments/squad-extraction";

showTable(squadExtractionTable(squad));
console.log(boolqNote());"""),
    ("markdown", """## 9. What held

Computed from the results above, not typed in. On `tiny` the victims barely train and the lines mean
nothing; on `small` they are the project's measured answer."""),
    ("code", """import { extractionVerdict } from "../lib/experiments/extraction";
import { squadExtractionVerdict } from "../lib/experiments/squad-extraction";

for (const line of [...extractionVerdict(result), ...squadExtractionVerdict(squad)]) console.log(line);
if (preset === "tiny") console.log("(tiny preset: a plumbing check)");"""),
]

write_notebook("05-extraction.ipynb", cells)
