"""Writes notebooks/10-defenses.ipynb (kept as a script so the notebook's text is reviewable as code)."""
from notebook_writer import write_notebook

cells = [
    ("markdown", """# 10 — The defense frontier: what each API defense costs the thief, and the honest user

Notebook 05 copied a classifier through its API with gibberish queries; notebooks 08 (watermarking) and 09
(membership classification) looked at the paper's two defenses one at a time. This notebook puts **every defense of the victim API side by side**
(issue #10, beyond the slides) and asks one question: *how much accuracy does a defense take away from an
extractor, per point of accuracy it takes away from the people the API is for?*

The defenses, all in `lib/defend/`, all usable per API key in the server (`lib/serve`):

| defense | what the API sends |
|---|---|
| none | the label and the class probabilities |
| labels | the label only (Krishna et al.'s argmax-only API) |
| round-k | probabilities rounded to k decimals (still summing to 1) |
| top-k | the k largest probabilities, renormalised, the rest 0 |
| reverse sigmoid | Lee et al. 2019's deceptive perturbation of the probabilities, label kept |
| watermark | for a secret, seeded 0.1 % of queries a wrong answer, stored to recognise a stolen copy later |
| membership gate | a random answer to inputs a membership classifier judges out of distribution |

For each defense and seed we attack the defended API with RANDOM and WIKI queries at 1x, and send the real dev
set through **the same** defended API, as an honest user would. One point per defense and generator:
x = what honest users get, y = what the thief gets. Up and to the right is bad for the owner; a good defense
moves points *down* without moving them *left*."""),
    ("markdown", """## 1. Run size and backend

`tiny` is a plumbing check (CI; its victim barely trains, and the numbers mean nothing), `small` gives the
committed outputs. The victim is the extraction experiment's (notebook 05), reused from its cache; the 1x
budget is the same scaled one (the `scale` printed below × the victim's training-set size)."""),
    ("code", """import { initBackend } from "../lib/engine/backend";
import { DEFENSE_SIZES } from "../lib/experiments/defenses";
import { EXTRACTION_SIZES } from "../lib/experiments/extraction";
import { armName } from "../lib/experiments/defense-arms";

const preset = (process.env.THIEVES_PRESET ?? "small") as "tiny" | "small" | "paper";
const backend = await initBackend();
const size = DEFENSE_SIZES[preset];
console.log(`preset ${preset}; backend ${backend.name}; victim and extractors from ${EXTRACTION_SIZES[preset].miniature}; budget scale ${EXTRACTION_SIZES[preset].scale}`);
console.log(`tasks ${size.tasks.join(", ")}; ${size.generators.join(" and ")} at ${size.multiple}x; seeds ${size.seeds.join(", ")}`);
console.log(`defenses: ${size.arms.map(armName).join(" | ")}`);"""),
    ("markdown", """## 2. What each defense does to one answer

Two inputs — a real SST-2 dev sentence and an attacker's RANDOM query — answered by the victim under every
defense. Things to look for:

- **labels, round, top-k, reverse sigmoid never change the label**: every perturbation in `lib/defend/perturb.ts`
  keeps the argmax (reverse sigmoid swaps entries back when its formula would move it). Honest users who only
  read the label lose nothing; the thief loses the *confidence* information that soft-label extraction learns from.
- **top-1 on a two-label task is labels only** with a one-hot vector attached.
- **rounding** can tie the two classes (0.52 / 0.48 → 0.5 / 0.5): close calls stop being visible.
- **the watermark** is shown here marking *every* answer (fraction 1) so that you can see one: the label
  flips and the two probabilities swap. In the experiment it marks 0.1 %.
- **the gate** answers an input it judges out of distribution with a random label and random probabilities;
  a real sentence should pass untouched."""),
    ("code", """import { defenseExamples } from "../lib/experiments/defense-examples";
import { showTable } from "../lib/display";

showTable(await defenseExamples({ preset: preset }));"""),
    ("markdown", """## 3. Run the attacks

`runDefenses` loads the victim and, for each defense × seed × generator: generates the attacker's queries,
sends them and then the dev set through the defended victim (built by the same `defendVictim` the API server
uses for a key's `defense`), and fine-tunes an extractor from the pretrained miniature on the answers — on the
probabilities when the defended API still sends them (that is what the perturbations attack), else on the
labels. The gate's classifier is the membership experiment's for this victim (notebook 09, `membershipGateFor`). Each finished point
is kept beside its checkpoints, so an interrupted run resumes; a saved result is reused here if present."""),
    ("code", """import { runDefenses } from "../lib/experiments/defenses";
import { defenseSetup } from "../lib/experiments/defense-report";

const result = await runDefenses({ preset: preset, reuse: true });
const tasks = result.size.tasks.filter((t) => result.victims[t]);
for (const task of tasks) console.log(defenseSetup(result, task));
console.log(`${result.runs.length} points, ${(result.computeSeconds / 60).toFixed(1)} min of compute`);"""),
    ("markdown", """## 4. The frontier

One marker per defense and generator (● RANDOM, ◆ WIKI), mean over seeds, error bars one standard deviation.
The dashed line is the majority class: an extractor that always answers the most common label. Every
perturbation sits at the same x as "none" (honest users keep every label); only the gate and the watermark
can move left."""),
    ("code", """import { showFigure } from "../lib/display";
import { frontierFigure } from "../lib/experiments/defense-report";

for (const task of tasks) showFigure(frontierFigure(result, task));"""),
    ("markdown", """## 5. The table

Accuracy (%, mean ± std over seeds). *Extractor drop* is the mean over the generators of "none" minus this
defense (± its standard error from the seeds), *honest loss* the dev accuracy honest users lose, and the
**score** their ratio:

$$\\text{score} = \\frac{\\text{drop (points)}}{\\max(\\text{honest loss (points)},\\ \\text{one dev example})}$$

The floor of one dev example is the smallest loss the dev set can measure, so a defense that costs honest
users nothing scores its drop in those units instead of infinity. The last two columns say how many labels the
defense changed, for the attacker's queries and for the honest dev set."""),
    ("code", """import { defenseTable } from "../lib/experiments/defense-report";

for (const task of tasks) showTable(defenseTable(result, task));"""),
    ("markdown", """## 6. The verdict

Computed from the table, not typed in: the best frontier (highest score), whether its drop is beyond two
standard errors of the seeds, and what held for each kind of defense. On `tiny` it means nothing."""),
    ("code", """import { defenseVerdict } from "../lib/experiments/defense-report";

for (const task of tasks) for (const line of defenseVerdict(result, task)) console.log(line);
if (preset === "tiny") console.log("(tiny preset: a plumbing check)");"""),
    ("markdown", """## 7. A per-key defense over HTTP

The owner does not have to defend everyone: in the API server a key's entry can carry a `defense`. Here the
victim is served on 127.0.0.1 with two keys — an honest user's, undefended, and a suspect's behind the
membership gate (`{"kind": "membership-gate", "classifier": "<file>", "seed": 0}` in the keys file). The
attacker runs one point of the experiment (WIKI, seed 0) through an `HttpVictim` on the suspect's key, then
sends the dev set through it; the honest user sends the dev set through their own key. The point over HTTP
should be the in-process point exactly: the server builds the key's defense with the same `defendVictim`."""),
    ("code", """import { attackDefendedApi } from "../lib/experiments/defense-live";

const live = await attackDefendedApi({ preset: preset, arm: { kind: "membership-gate" }, generator: "WIKI", seed: 0 });
console.log(`server ${live.url}; the suspect's key: ${JSON.stringify({ ...live.keyDefense, classifier: "…" })}`);
const row = (via: string, x: { honestAccuracy: number; extractorAccuracy: number; attackLabelsChanged: number; targets: string }) => ({
  via, "attacker trains on": x.targets, "suspect key, dev (%)": (100 * x.honestAccuracy).toFixed(1), "extractor (%)": (100 * x.extractorAccuracy).toFixed(1), "attack labels changed (%)": (100 * x.attackLabelsChanged).toFixed(1),
});
showTable([row("HTTP, suspect's key", live.http), row("in-process", live.inProcess)]);
console.log(`the honest user's undefended key: dev accuracy ${(100 * live.honestKeyAccuracy).toFixed(1)} %`);
console.log(`the provider's query log: ${Object.entries(live.logged).map(([k, v]) => `${k} ${v.inputs} inputs in ${v.requests} requests`).join("; ")}; suspect's requests logged with: ${live.defenseReports.join(", ")}`);"""),
    ("markdown", """## What this does not show

- **An adaptive attacker.** The extractors here train on whatever the API sends. A thief facing an
  argmax-keeping perturbation can ignore the probabilities and train on the labels, which every perturbation
  keeps: against that thief no perturbation does better than the "labels" row.
- **Small budgets.** At `small` the 1x extractors reach only a few points above the majority class (notebook 05),
  so there is little for any defense to take away, and seed noise is of the same size as most drops.
- **The gate's classifier** was trained on WIKI sentences drawn from the same corpus as the attacker's WIKI
  queries (with other seeds): the defender knows the attacker's distribution, which favours the gate on WIKI.
- **Watermarking** is not meant to lower the thief's accuracy: its value is recognising a stolen model
  afterwards (notebook 08), which this frontier does not score."""),
]

write_notebook("10-defenses.ipynb", cells)
