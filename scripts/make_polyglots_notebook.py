"""Writes notebooks/07-polyglots.ipynb (kept as a script so the notebook's text is reviewable as code)."""
from notebook_writer import write_notebook

cells = [
    ("markdown", """# 07 — The Thieves on Sesame Street are Polyglots

Keskar et al. (2020), "The Thieves on Sesame Street are Polyglots — Extracting Multilingual Models from
Monolingual APIs" (`../shared/papers/003_eebc7433d2573e4a.txt`). Notebook 05 stole an English classifier by
querying it with gibberish. Here the victim is an **English-only NLI model**, the queries are **English
gibberish**, and the thief's model is **multilingual** (XLM-R in the paper). Fine-tuned only on the victim's
labels for nonsense, the stolen model answers NLI questions in the 14 other XNLI languages — without ever
seeing a well-formed sentence, labelled or not, in any language.

**The paper's claims, checked at the end from this run:**
1. The multilingual extractor beats the English victim on the non-English XNLI languages (the victim
   cannot read them; the extractor inherits cross-lingual transfer from its pretraining).
2. With 5 % of the victim's real training data used *after* extraction (a further fine-tuning stage), the
   extractor comes close to a model trained on 100 % of it.
3. Real data used *after* extraction beats the same data mixed into the gibberish *during* extraction.
4. Gibberish drawn from a different domain's vocabulary (CORD-19, COVID-19 abstracts) drops extraction to
   chance: the queries must look like the victim's inputs.

**Our cast** (our own pretrained miniatures; the paper's are ~100–500× larger):

| role | paper | here |
|---|---|---|
| victim | RoBERTa-Large fine-tuned on MNLI | `en-L4-H256` fine-tuned on our 39k-pair MNLI train sample, hard labels only |
| English extractor, victim's size | RoBERTa-Large | `en-L4-H256` |
| English extractor, smaller | RoBERTa-Base | `en-L2-H128` |
| multilingual extractor | XLMR-Large (and XLMR-Base) | `xx-L4-H256` — the only multilingual miniature; there is no smaller one |
| non-pretrained baseline | BiLSTM (Conneau et al. 2018) | `xx-L4-H256`'s architecture from random init |"""),
    ("markdown", """## 1. Run size and backend

`tiny` is a plumbing check (every miniature has one layer of width 32 there and trains for a few steps:
the numbers sit at chance and mean nothing), `small` gives the committed results, `paper` is larger. Saved
results are reused: delete `results/polyglots/polyglots-<preset>.json` to collect again (finished runs under
`results/runs/polyglots-<preset>/` are kept and not trained again)."""),
    ("code", """import { initBackend } from "../lib/engine/backend";
import { POLYGLOTS_SIZES } from "../lib/experiments/polyglots";

const preset = process.env.THIEVES_PRESET ?? "small";
const backend = await initBackend();
const size = POLYGLOTS_SIZES[preset as "tiny" | "small" | "paper"];
console.log(`preset ${preset}; backend ${backend.name}; victim ${size.victim}; extractors ${[size.victim, size.smallerEnglish, ...size.multilingual].join(", ")}`);
console.log(`queries = ${size.scale} × the victim's training set; ${size.extractorSteps} extraction steps; seeds ${size.seeds.join(", ")} (side rows ${size.sideSeeds.join(", ")}); XNLI ${size.xnliExamples ?? 5010} pairs per language`);"""),
    ("markdown", """## 2. Gibberish NLI queries

An NLI input is a pair. Following the paper (§2), the attacker makes the **hypothesis** $h$ first: a length
$n$ drawn from WikiText's sentence-length distribution, then $n$ words drawn uniformly from WikiText's
10,000 most frequent word types $V$:

$$n \\sim p_{\\text{WikiText}}(\\text{length}), \\qquad h = (w_1, \\dots, w_n), \\quad w_i \\sim \\text{Uniform}(V).$$

The **premise** $p$ is $h$ with exactly three positions $S$ ($|S| = 3$, distinct) swapped for other random
words, so the two sentences overlap heavily, as real NLI pairs do:

$$p_i = h_i \\ (i \\notin S), \\qquad p_i \\sim \\text{Uniform}(V \\setminus \\{h_i\\}) \\ (i \\in S).$$

(A drawn length below 3 is drawn again, so exactly three positions can differ.) The victim labels each pair
entailment / neutral / contradiction; those hard labels are all the attacker keeps. The ablation draws the
words from the CORD-19 abstracts' top 10,000 instead, with WikiText's lengths: only the vocabulary changes."""),
    ("code", """import { buildQuerySource } from "../lib/extract/wikitext-source";
import { buildCord19Source, distinctiveWords, vocabularyOverlap } from "../lib/extract/cord19-source";
import { gibberishNliPairs } from "../lib/extract/queries";
import { showTable } from "../lib/display";

const wikitext = buildQuerySource();
const cord19 = buildCord19Source({ wikitextLengths: wikitext.sentenceLengths });
const differ = (a: string, b: string) => a.split(" ").filter((w, i) => w !== b.split(" ")[i]).length;
const short = (s: string) => (s.length > 110 ? s.slice(0, 110) + " …" : s);
showTable([
  ...gibberishNliPairs(2, 0, wikitext).map((q) => ({ vocabulary: "WikiText", hypothesis: short(q.hypothesis), premise: short(q.premise), "positions differing": differ(q.premise, q.hypothesis) })),
  ...gibberishNliPairs(2, 0, cord19).map((q) => ({ vocabulary: "CORD-19", hypothesis: short(q.hypothesis), premise: short(q.premise), "positions differing": differ(q.premise, q.hypothesis) })),
]);
console.log(`CORD-19's 10k vocabulary shares ${(100 * vocabularyOverlap(cord19, wikitext)).toFixed(0)} % of its words with WikiText's; its most frequent words that WikiText's lacks: ${distinctiveWords(cord19, wikitext, 12).join(", ")}`);"""),
    ("markdown", """## 3. Train the victim, steal it, score everything

`runPolyglots` does the whole experiment and keeps every finished piece beside its checkpoints, so an
interrupted run resumes where it stopped (from a shell, `npm run reproduce -- polyglots --shard 1/2` and
`--shard 2/2` share the runs between two cores, and this cell then only collects them):

1. **Victim**: `en-L4-H256` fine-tuned on the victim's training set (MNLI), served in-process with hard labels only.
2. **Queries**: for each seed, as many gibberish pairs as `scale` × the victim's training set, labelled by the
   victim once (the answers are kept and reused by every extractor of that seed).
3. **Extractors** (Table 1 and the 0 % row of Table 2): each miniature fine-tuned on (query, victim label) pairs.
4. **Real data** $D_p$, $p \\in \\{1, 5, 10\\}\\,\\%$ of the victim's training set, drawn per seed (nested:
   $D_1 \\subset D_5 \\subset D_{10}$), with gold labels:
   - *during*: the extractor trains on gibberish $\\cup\\ D_p$ for the same number of steps;
   - *after*: the 0 % extractor of the same seed is fine-tuned further on $D_p$ alone.
5. **Baselines**: `xx-L4-H256` fine-tuned on 100 % of the real data, and the same architecture from random init.
6. **Scores**: MNLI dev matched (accuracy, and agreement with the victim), and XNLI test in 15 languages on a
   label-stratified subset with the same ids in every language (all 5,010 at `paper`)."""),
    ("code", """import { runPolyglots } from "../lib/experiments/polyglots";

const result = await runPolyglots({ preset: preset, reuse: true });
console.log(`victim: MNLI dev ${(100 * result.victim.mnliDev).toFixed(1)} % after ${result.victim.steps} steps on ${result.data.trainExamples.toLocaleString("en-US")} pairs`);
console.log(`${result.runs.length} runs; ${result.data.queries.toLocaleString("en-US")} queries each; compute ${(result.computeSeconds / 60).toFixed(1)} min (this call ${(result.wallSeconds / 60).toFixed(1)} min) on ${result.backend}`);"""),
    ("markdown", """## 4. Table 1: extraction into English and multilingual models

MNLI dev matched accuracy (%), mean ± standard deviation over seeds; agreement is the share of dev pairs
where the extractor's label equals the victim's. The paper's row for each of ours is beside it (its
numbers, RoBERTa / XLM-R on full MNLI). The paper finds the multilingual extractor only a few points below
the same-size English one (78.6 vs 84.3). The paper's smaller multilingual extractor (XLMR-Base) has no
counterpart here: no multilingual miniature smaller than `xx-L4-H256` exists."""),
    ("code", """import { table1Rows } from "../lib/experiments/polyglots";

showTable(table1Rows(result));"""),
    ("markdown", """## 5. Table 2: zero-shot cross-lingual transfer (XNLI test)

Accuracy (%) per language, mean over seeds; the last columns are the average over the 15 languages, mean ±
std over seeds, and the number of seeds. Only English was ever labelled — by the victim for gibberish, or
gold for the real subsets. The English victim's row shows what it does with text it cannot read (its
WordPiece vocabulary is English). Percentages are of the victim's training set, as stated under the table."""),
    ("code", """import { table2Note, table2Rows } from "../lib/experiments/polyglots";

showTable(table2Rows(result));
console.log(table2Note(result));"""),
    ("markdown", """The paper's Table 2, for comparison (its numbers; the average column is computed here from them)."""),
    ("code", """import { table2PaperRows } from "../lib/experiments/polyglots";

showTable(table2PaperRows(result));"""),
    ("markdown", """The same table as a heat map: rows are settings, columns languages (English first, then the paper's
order), colour the accuracy. Read it across a row for how transfer degrades with distance from English, and
down a column for what real data buys."""),
    ("code", """import { showFigure } from "../lib/display";
import { xnliHeatmapFigure } from "../lib/experiments/polyglots";

showFigure(xnliHeatmapFigure(result));"""),
    ("markdown", """## 6. The vocabulary ablation

The 0 %-real multilingual extractor again, its gibberish drawn from the CORD-19 abstracts' vocabulary
instead of WikiText's. The paper: 78.6 → random chance. Chance here is the share of the most frequent label
in the dev subset (what a constant answer scores). The column of the victim's answers shows how it labelled
each vocabulary's gibberish: an extractor learns only the distinctions those labels make, so a victim that
gives nearly one answer to gibberish teaches little more than that answer."""),
    ("code", """import { ablationRows } from "../lib/experiments/polyglots";

showTable(ablationRows(result));"""),
    ("markdown", """## 7. Figure 2: can a pretrained encoder tell gibberish from real inputs?

The paper's explanation: a pretrained encoder maps gibberish to embeddings not far from those of real
inputs, so the victim's decisions on gibberish carry information about real inputs. For an input $x$ with
real tokens $t = 1 \\dots T$ and last-layer states $h_t \\in \\mathbb{R}^H$ of the **pretrained, not
fine-tuned** English miniature, the embedding is the max-pool $e(x)_j = \\max_t h_{t,j}$; the inner-product
distance is $d(x, y) = -\\langle e(x), e(y) \\rangle$, and the distance to the MNLI training sample $R$ is

$$D(x, R) = \\min_{y \\in R} d(x, y) = -\\max_{y \\in R} \\langle e(x), e(y) \\rangle .$$

Smaller is closer (embeddings are not normalised, so norms count too). We compute $D$ for MNLI dev pairs
and for gibberish pairs, and summarise how separable the two histograms are by the AUC of a threshold on
$D$: the probability that a random gibberish pair lies farther than a random dev pair (ties ½). 0.5: a
threshold cannot tell them apart; 1: it separates them perfectly. A worked example first — reference
$R = \\{(1, 0), (0, 2)\\}$, $x = (3, 1)$: inner products 3 and 2, so $D = -3$."""),
    ("code", """import { minInnerProductDistances, separationAuc } from "../lib/analysis/nearest-distance";
import { figureSummary } from "../lib/experiments/polyglots";

console.log(`worked example: D = ${minInnerProductDistances([Float32Array.from([3, 1])], [Float32Array.from([1, 0]), Float32Array.from([0, 2])])[0]}; AUC of [1, 3] vs [2, 4] = ${separationAuc([1, 3], [2, 4])}`);
showTable(figureSummary(result));"""),
    ("markdown", """The overlaid histograms of $D(x, R)$: MNLI dev, WikiText gibberish, and CORD-19 gibberish (the
ablation's queries). Overlap means the encoder alone does not tell real from fake; the CORD-19 queries
sitting apart would be consistent with the ablation's failure."""),
    ("code", """import { distanceHistogramFigure } from "../lib/experiments/polyglots";

showFigure(distanceHistogramFigure(result));"""),
    ("markdown", """## 8. What held

Computed from the results above, not typed in. A gap smaller than the seeds' standard deviation is flagged
as within noise; a claim whose reference point is itself at chance is reported as not testable rather than
as held."""),
    ("code", """import { polyglotsVerdict } from "../lib/experiments/polyglots";

for (const line of polyglotsVerdict(result)) console.log(line);
console.log(`total compute ${(result.computeSeconds / 60).toFixed(1)} min on ${result.backend}`);
if (preset === "tiny") console.log("(tiny preset: a plumbing check; the numbers mean nothing)");"""),
]

write_notebook("07-polyglots.ipynb", cells)
