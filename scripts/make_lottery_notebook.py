"""Writes notebooks/06-lottery.ipynb (kept as a script so the notebook's text is reviewable as code)."""
from notebook_writer import write_notebook

cells = [
    ("markdown", """# 06 — Lottery tickets for BERT: pruning a pre-trained encoder

**The claim** (Chen et al. 2020, "The Lottery Ticket Hypothesis for Pre-trained BERT Networks"; the last
compression slide of `../shared/papers/000_e75a87f8620dc864.txt`): inside pre-trained BERT there are
subnetworks — *winning tickets* — that, fine-tuned on their own from the pre-trained weights, match the
full fine-tuned model at 40–90 % sparsity. A random subnetwork of the same sparsity falls far behind.

The Lottery Ticket Hypothesis (Frankle & Carbin 2019), as the slide states it: a dense network
$f(x; \\theta_0)$ contains a subnetwork $f(x; m \\odot \\theta_0)$, with a 0/1 *mask* $m$, that trained in
isolation matches the accuracy of the full network. Finding it:

1. start from $\\theta_0$ (for BERT: the **pre-trained** weights, not a random initialisation);
2. train (fine-tune) to $\\theta_j$;
3. prune $p\\,\\%$ of the weights — those of lowest magnitude $|\\theta_j|$ — giving the mask $m$;
4. reset the survivors to $\\theta_0$ (*rewinding*) and go back to 2 until the target sparsity.

**The claims checked at the end, from this run:**
1. The ticket $f(x; m_{\\text{IMP}} \\odot \\theta_0)$ matches the full model at the slide's sparsity for each task.
2. Random pruning $f(x; m_{\\text{RP}} \\odot \\theta_0)$ — same per-matrix sparsities, random positions — is clearly below the ticket.
3. Rewinding matters: the ticket's mask on a *random re-initialisation* $\\theta'$ is clearly below the ticket.
4. Beyond the slide: the ticket found with the MLM objective transfers to SST-2 and MNLI.

**Our cast.** $\\theta_0$ is our pretrained `en-L2-H128` miniature (it plays BERT-base). Every column of the
slide's table we have data for, each with its own metric:

| column | data | metric |
|---|---|---|
| MNLI | 39k-pair training sample → dev matched | accuracy |
| STS-B | GLUE train → dev | Pearson correlation (a one-output regression head, MSE loss) |
| WNLI, MRPC, RTE | GLUE train → dev | accuracy |
| SST-2 | train → dev | accuracy |
| CoLA | GLUE train → dev | Matthews correlation |
| SQuAD | SQuAD dev split by article: 38 articles train, 10 held out | F1 |
| MLM | WikiText-2 train → valid | masked-token accuracy |
| QQP, QNLI | no training data here | — |"""),
    ("markdown", """## 1. Run size and backend

`tiny` is a plumbing check (a one-layer, 32-wide miniature, a few steps per fine-tuning, two IMP rounds
at most — the numbers mean nothing); `small` is the committed run; `paper` the paper's schedule on a
bigger miniature. Each IMP round is a whole fine-tuning, so the number of rounds decides the cost:
round $k$ has sparsity $\\min(s_{\\text{final}},\\, k \\cdot \\text{rate})$ of the *original* prunable weights."""),
    ("code", """import { initBackend } from "../lib/engine/backend";
import { LOTTERY_SIZES, LOTTERY_SPARSITY, LOTTERY_TASKS } from "../lib/experiments/lottery";
import { roundsToReach } from "../lib/prune/schedule";

const preset = process.env.THIEVES_PRESET ?? "small";
const backend = await initBackend();
const size = LOTTERY_SIZES[preset as "tiny" | "small" | "paper"];
console.log(`preset ${preset}; backend ${backend.name}; θ0 = ${size.miniature}; seeds ${size.seeds.join(", ")}; ${size.scope} magnitude pruning, ${100 * size.rate} % per round`);
for (const t of LOTTERY_TASKS) {
  const rounds = roundsToReach(LOTTERY_SPARSITY[t], size.rate);
  console.log(`  ${t}: ${100 * LOTTERY_SPARSITY[t]} % in ${rounds} pruning round${rounds > 1 ? "s" : ""} (${rounds + 1} fine-tunings + 2 baselines per seed), ${size.tasks[t].steps} steps each`);
}"""),
    ("markdown", """## 2. Masks, and where the threshold is drawn

A mask is a 0/1 tensor per prunable matrix (the query, key, value, attention-output, intermediate and
output matrices of every layer, and the pooler; embeddings and task heads stay dense). The model computes
with $m \\odot \\theta$, and training keeps pruned weights — and their AdamW moments — at exactly zero.

*Which* weights go depends on where the magnitude threshold is drawn. **Per matrix** (the slide's "in each
layer"): every matrix loses the same share. **Global** (one threshold over all prunable matrices, as
lottery-ticket code commonly prunes, and as this experiment does): matrices with many small weights lose more.
Two hand-made 2 × 2 matrices, pruned to 50 %:"""),
    ("code", """import * as tf from "@tensorflow/tfjs";
import { showTable } from "../lib/display";
import { magnitudePrune } from "../lib/prune/prune";

const values: Record<string, number[][]> = { A: [[0.1, -2], [0.5, 0.05]], B: [[3, -4], [5, 0.2]] };
const weights = new Map(Object.entries(values).map(([name, w]) => [name, tf.tensor2d(w)]));
const masksOf = (scope: "matrix" | "global") => magnitudePrune(weights, { sparsity: 0.5, scope });
const [perMatrix, global] = [masksOf("matrix"), masksOf("global")];
showTable(Object.keys(values).map((name) => ({
  matrix: name, weights: JSON.stringify(values[name]),
  "mask, per matrix": JSON.stringify(perMatrix.get(name)!.arraySync()), "mask, global": JSON.stringify(global.get(name)!.arraySync()),
})));
tf.dispose([...weights.values(), ...perMatrix.values(), ...global.values()]);"""),
    ("markdown", """## 3. Run IMP and its baselines on every task

For each task and seed, `runLottery` runs iterative magnitude pruning with rewinding: round 0 fine-tunes
$\\theta_0$ dense (the **full model**), then each round prunes to the next sparsity by the fine-tuned
magnitudes, rewinds the survivors to $\\theta_0$ (the task head re-initialised from its fixed seed) and
fine-tunes again. The last round is the **ticket**. Then, at the ticket's sparsity: **random pruning**
(a random mask with exactly as many zeros in each matrix as the ticket) and **random re-init** (the ticket's
mask on freshly initialised weights); on seed 0 random pruning also runs at every round, for the curves.
Every fine-tuning checkpoints, so a killed run resumes at its last finished round. A finished task leaves a
small part in `results/lottery/parts-<preset>/` (its runs, and for MLM its tickets), read from there afterwards;
from a shell, `npm run reproduce -- lottery --task mlm` runs one task at a time. Saved results are reused
(delete `results/lottery/lottery-<preset>.json` to collect again)."""),
    ("code", """import { runLottery } from "../lib/experiments/lottery";

const result = await runLottery({ preset: preset, reuse: true, progress: preset !== "tiny" });
console.log(`${result.runs.length} fine-tunings on ${result.tasks.length} tasks; their time: ${(result.computeSeconds / 60).toFixed(1)} min (backend ${result.backend})`);"""),
    ("markdown", """## 4. The table, beside the slide's

Each cell is the task's metric in percent, mean ± standard deviation over seeds. ✓ marks a ticket that
*matches* the full model in Chen et al.'s sense: its mean is within one standard deviation of the full
model's, $\\bar m_{\\text{IMP}} \\ge \\bar m_{\\text{full}} - s_{\\text{full}}$. The last three rows are the
paper's numbers: BERT-base has 110 M parameters, 85 M of them in prunable matrices; our `en-L2-H128` has
4.4 M, of which only 0.4 M are prunable (most of it is the embedding matrix, never pruned)."""),
    ("code", """import { lotteryTable } from "../lib/experiments/lottery";

showTable(lotteryTable(result));"""),
    ("markdown", """## 5. Sparsity against the metric

Every IMP round is a point: how the metric falls as more weights go, for the rewound ticket and for
random pruning at the same per-matrix sparsities (seed 0 only between 0 % and the ticket, all seeds at the
ticket). Chen et al.'s picture: the IMP curve stays flat up to the task's sparsity while random pruning
drops from the first round."""),
    ("code", """import { showFigure } from "../lib/display";
import { lotteryCurveFigure } from "../lib/experiments/lottery";

for (const task of result.tasks) showFigure(lotteryCurveFigure(result, task));"""),
    ("markdown", """## 6. Where a ticket is sparse

With one global threshold, the sparsity of each matrix is whatever the magnitudes decide. The heat map
shows the MNLI ticket (seed 0): share of each matrix pruned, by layer and matrix type. (The static preview
of a notebook cannot draw a heat map; the table below it holds the same numbers.)"""),
    ("code", """import { ticketHeatmapFigure, ticketRows } from "../lib/experiments/lottery";

showFigure(ticketHeatmapFigure(result, "mnli"));
showTable(ticketRows(result.tickets.mnli!), { digits: 1 });"""),
    ("markdown", """## 7. Does the MLM ticket transfer?

Chen et al. found that tickets found with the pre-training objective (MLM) transfer to downstream tasks.
We carry the MLM ticket's mask (seed by seed) to $\\theta_0$ with an SST-2 or MNLI head and fine-tune, against
the task's own ticket and a random mask with the MLM ticket's per-matrix sparsities. An MLM model has no
pooler, so the pooler stays dense under the transferred mask: its overall sparsity is a little below 70 %."""),
    ("code", """import { transferTable } from "../lib/experiments/lottery";

showTable(transferTable(result));"""),
    ("markdown", """## 8. What held

Computed from the results above, not typed in. "Clearly" means the gap is larger than the larger of the two
standard deviations over seeds; a smaller positive gap is reported as within noise."""),
    ("code", """import { lotteryVerdict } from "../lib/experiments/lottery";

for (const line of lotteryVerdict(result)) console.log(line);
if (preset === "tiny") console.log("(tiny preset: a plumbing check; the numbers mean nothing)");"""),
]

write_notebook("06-lottery.ipynb", cells)
