"""Writes notebooks/09-membership.ipynb (kept as a script so the notebook's text is reviewable as code)."""
from notebook_writer import write_notebook

cells = [
    ("markdown", """# 09 — Membership classification: can the API tell an attacker's queries from real inputs?

Krishna et al. (2020), "Thieves on Sesame Street!", §6.1 (slides in `../shared/papers/000_e75a87f8620dc864.txt`).
Notebook 05 stole models with RANDOM and WIKI queries — inputs no real user would send. So the provider
could try to *recognise* them: train a binary classifier on what the victim itself computes for an input
and answer the inputs it judges out of distribution with noise. The slide's pseudo-code:

```
if in-distro > out-distro:
    return argmax(y)
else:
    return random(y)
```

**The recipe (the slide):** train a binary classifier on the victim's features — its last layer and / or
its logits — to tell the victim's **training data** (in distribution) from **WIKI attack queries** (out of
distribution); evaluate it on the **dev set** against auxiliary test sets: WIKI, **RANDOM** and **SHUFFLE**
(real inputs with their words shuffled), which it never saw.

**The claim checked at the end from this run:** membership classification separates WIKI and RANDOM
queries from real inputs well, and SHUFFLE less well. The slide adds the limitation: genuine queries can
be out of distribution yet sensible, and "only works for RANDOM queries" — an attacker who sends natural
text slips through more easily."""),
    ("markdown", """## 1. Run size and backend

`tiny` is a plumbing check (the victims barely train; the numbers mean nothing), `small` gives the committed
results, `paper` uses every training and dev input. The victims are the extraction experiments' (notebook 05):
trained once, cached, reused here. Saved results are reused: delete `results/defend/membership-<preset>.json`
to collect again (finished runs under `results/runs/membership-<preset>/` are kept)."""),
    ("code", """import { initBackend } from "../lib/engine/backend";
import { MEMBERSHIP_SIZES, WELL_SEPARATED_AUC } from "../lib/experiments/membership";

const preset = process.env.THIEVES_PRESET ?? "small";
const backend = await initBackend();
const size = MEMBERSHIP_SIZES[preset as "tiny" | "small" | "paper"];
console.log(`preset ${preset}; backend ${backend.name}; per seed ${size.trainPerClass ?? "all"} training inputs vs as many WIKI queries, ${size.evalPerClass ?? "all"} held-out real inputs vs as many of each generator; seeds ${size.seeds.join(", ")}; "well" = AUC ≥ ${WELL_SEPARATED_AUC}`);"""),
    ("markdown", """## 2. What the classifier sees

For each task, the five kinds of input: the victim's training inputs (label 1 when training the classifier)
and WIKI queries (label 0) — the only two it trains on — then held-out real inputs, RANDOM queries and
SHUFFLE queries, used only for evaluation. A WIKI query is a real Wikipedia sentence (MNLI: the hypothesis is
the premise with three words replaced) or paragraph with a generated question (SQuAD); RANDOM draws words
from WikiText's vocabulary; SHUFFLE keeps a real input's words and destroys their order. SHUFFLE is the hard
case by design: same words, same length, same vocabulary as the real thing."""),
    ("code", """import { showTable } from "../lib/display";
import { MEMBERSHIP_TASKS } from "../lib/experiments/membership";
import { membershipExamples } from "../lib/experiments/membership-report";

showTable(membershipExamples(preset as "tiny" | "small" | "paper", MEMBERSHIP_TASKS));"""),
    ("markdown", """## 3. Train and score the classifiers

`runMembership` does, per task and seed:

1. draw the training **members** (a sample of the victim's training inputs) and as many **WIKI** queries;
2. run the victim once over every input and keep its features: the last layer's state at the first token
   ([CLS]), $h \\in \\mathbb{R}^H$, and the logits $z$ — MNLI's three class logits; for SQuAD, whose span
   head has a logit per token, the 5 largest start and the 5 largest end logits over the context, sorted (a
   fixed-size summary of how sure the span head is). "Both" is $[h; z]$;
3. fit a logistic regression per feature kind, $P(\\text{real} \\mid x) = \\sigma(w^\\top \\tilde{x} + b)$ on
   standardised features $\\tilde{x}$, each class weighing half of the loss;
4. score it on **held-out real inputs** (MNLI dev matched; the SQuAD victim's 10 held-out articles) against
   as many **fresh** WIKI (no sentence or paragraph shared with training), RANDOM and SHUFFLE queries.

Two numbers per cell: **AUC** — the probability that a random real input scores above a random query, so
0.5 is chance and 1 perfect, whatever the threshold — and **balanced accuracy** at the gate's threshold 0.5
(the mean of the real inputs kept and the queries caught; the slide reports accuracy). The victim is the same
for every seed; a seed redraws every sample and every query. Each classifier is saved beside its run: the
server's gate loads that file."""),
    ("code", """import { runMembership } from "../lib/experiments/membership";
import { membershipCounts, membershipSetup } from "../lib/experiments/membership-report";

const result = await runMembership({ preset: preset, reuse: true });
showTable(membershipCounts(result));
console.log(membershipSetup(result));"""),
    ("markdown", """What a feature row holds: the victim's "both" features for one held-out real MNLI input and one query of
each generator — the first few of the $H$ last-layer numbers, then the three logits."""),
    ("code", """import { featureRows, gateShares } from "../lib/experiments/membership-demo";

showTable(await featureRows("mnli", preset));"""),
    ("markdown", """## 4. The table, beside the slide's

Balanced accuracy (%) and AUC, mean ± standard deviation over seeds, per task × features × evaluation
generator; the paper's accuracy (%) beside each (BERT-large victims, the whole training and dev sets). Our
victims are far smaller and weaker (see the setup line above), so compare the *pattern* across columns:
which generators the classifier catches and which it misses."""),
    ("code", """import { membershipTable } from "../lib/experiments/membership-report";

showTable(membershipTable(result));"""),
    ("markdown", """## 5. ROC curves and score distributions

The ROC curve of the "both" classifier (first seed): for every threshold, the share of real inputs judged real
against the share of a generator's queries judged real. A curve hugging the top-left corner separates the two
completely; the dashed diagonal is chance. Below each, the distribution of $P(\\text{real})$ per group: the gate
answers everything left of 0.5 at random."""),
    ("code", """import { showFigure } from "../lib/display";
import { membershipHistogramFigure, membershipRocFigure } from "../lib/experiments/membership-report";

for (const task of result.tasks) {
  showFigure(membershipRocFigure(result, task));
  showFigure(membershipHistogramFigure(result, task));
}"""),
    ("markdown", """## 6. The gate: from the slide's pseudo-code to `lib/defend/gate.ts`

The slide's `if in-distro > out-distro: return argmax(y) else: return random(y)` is `MembershipGate.answer`:
the classifier scores the whole batch; inputs below its threshold (0.5: the two classes weighed the same in
training, so "in > out") are answered by `random`, and only the others reach the model. The random answer is
seeded by the query itself (`queryRng`), so an attacker who repeats a query gets the same noise back and cannot
average it away. Here is the method, read from the file: """),
    ("code", """import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../lib/data/paths";

const gateSource = fs.readFileSync(path.join(PROJECT_ROOT, "lib", "defend", "gate.ts"), "utf8");
const from = gateSource.indexOf("  async answer(");
console.log(gateSource.slice(from, gateSource.indexOf("\\n  }\\n", from) + 4));"""),
    ("markdown", """`GatedVictim` wraps a classifier victim with it (a random label, and random probabilities when the API
exposes them); `GatedQaVictim` answers a gated SQuAD query with a random span of its paragraph. The victim API
(`npm run serve`) puts it on a key with `{"kind": "membership-gate", "classifier": "<file>"}`;
`membershipGateFor(task, preset)` trains or loads that file — the first seed's classifier of this experiment.
The MNLI victim behind its gate, asked held-out real inputs and fresh queries (not the experiment's seeds): the
share answered at random, and the share whose answer differs from the bare victim's. Every gated real input
is an honest user who got noise."""),
    ("code", """showTable(await gateShares("mnli", preset, preset === "tiny" ? 24 : 200));"""),
    ("markdown", """## 7. What held

Computed from the table above, not typed in: per task and feature kind, whether WIKI and RANDOM are separated
well (a mean AUC of at least the bar printed first) and whether SHUFFLE is separated less well than both (a gap
smaller than the seeds' standard deviation is flagged as within noise), and what the slide's own accuracies
say of the same claim — on SQuAD the slide's SHUFFLE column is *not* below the others."""),
    ("code", """import { membershipVerdict } from "../lib/experiments/membership-report";

for (const line of membershipVerdict(result)) console.log(line);
console.log(`compute ${(result.computeSeconds / 60).toFixed(1)} min on ${result.backend}`);
if (preset === "tiny") console.log("(tiny preset: a plumbing check; the numbers mean nothing)");"""),
]

write_notebook("09-membership.ipynb", cells)
