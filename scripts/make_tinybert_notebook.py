"""Writes notebooks/03-tinybert.ipynb (kept as a script so the notebook's text is reviewable as code)."""
from notebook_writer import write_notebook

cells = [
    ("markdown", """# 03 — TinyBERT: distilling what the teacher computes, not only what it answers

Notebook 02 distilled the teacher's *answers* (its output distribution). A transformer computes much more
on the way: in every layer an **attention map** (which token looks at which) and a **hidden state** per
token. TinyBERT (Jiao et al. 2020, "TinyBERT: Distilling BERT for Natural Language Understanding"; the
slides, `../shared/papers/000_e75a87f8620dc864.txt`, show its Transformer-layer losses) teaches a small
student to reproduce those too, in two stages:

- **Stage 1, intermediate-layer distillation.** Student layer $m$ learns from teacher layer $g(m)$, with
  the *uniform* map $g(m) = m \\cdot L_t / L_s$ (and the embeddings, layer 0, from the embeddings). Three
  mean-squared-error losses, weight 1 each:
  - attention: $\\mathcal{L}_{attn} = \\frac{1}{h}\\sum_{i=1}^{h} \\mathrm{MSE}(A_i^S, A_i^T)$ over the $h$ heads' $T \\times T$ maps;
  - hidden states: $\\mathcal{L}_{hidn} = \\mathrm{MSE}(H^S W_h, H^T)$, where $W_h$ is a learned projection
    from the student's width to the teacher's (trained with the student, thrown away afterwards);
  - embeddings: $\\mathcal{L}_{embd} = \\mathrm{MSE}(E^S W_e, E^T)$, its own projection $W_e$.
- **Stage 2, prediction-layer distillation.** Soft cross-entropy between the two models' logits at
  temperature 1, no hard labels.

**The ablation** (the paper's table of distillation objectives): keep stage 2, change what stage 1 distils.

| our row | stage 1 distils | the paper's row that trains the same losses |
|---|---|---|
| student alone | — (no teacher at all: hard labels) | — |
| logits only | nothing (stage 2 only) | "w/o Trm" (which keeps the embedding loss) |
| + hidden | embeddings + hidden states | "w/o Attn" |
| + attention | embeddings + attention | "w/o Hidn" |
| all | embeddings + hidden states + attention | TinyBERT4 |

**The claims checked at the end, from this run:**
1. Every distilled student beats the same student trained alone on the labels.
2. The full recipe (all) is the best row of the ablation, or tied with the best within noise.
3. Attention matters more than hidden states (paper: "w/o Attn" loses more than "w/o Hidn").
4. Stage 1 brings the student's attention closer to the teacher's (measured on dev sentences).

**Our cast, and what differs from the paper.** The teacher is notebook 02's: our pretrained `en-L4-H256`
miniature fine-tuned on the task (it plays BERT-base). The student is our pretrained `en-L2-H128` (half the
depth, half the width). TinyBERT first runs stage 1 on Wikipedia from the *pretrained* teacher (*general
distillation*) and augments the task data twenty-fold; we run neither and start the student from MLM
pretraining instead, which plays the part of the general TinyBERT. The student has 2 attention heads and
the teacher 4, so there is no head-to-head pairing: the attention loss compares the maps averaged over
heads (`lib/distill/losses.ts`). Our loss compares attention *probabilities*; the paper's code compares
the scores before the softmax."""),
    ("markdown", """## 1. Run size and backend

`tiny` is a plumbing check (CI; every miniature has one layer and width 32 there, so teacher and student
are the same size and the numbers mean nothing), `small` the committed outputs (SST-2; MNLI's longer pairs
would triple the cost, so it runs at `paper`), `paper` larger runs. Saved results are reused; delete
`results/distill/tinybert-<preset>.json` to collect again (finished runs under `results/runs/` are kept)."""),
    ("code", """import { initBackend } from "../lib/engine/backend";
import { DISTILLATION_SIZES } from "../lib/experiments/distillation";
import { TINYBERT_SIZES } from "../lib/experiments/tinybert";

const preset = (process.env.THIEVES_PRESET ?? "small") as "tiny" | "small" | "paper";
const backend = await initBackend();
const size = TINYBERT_SIZES[preset];
const data = DISTILLATION_SIZES[preset];
console.log(`preset ${preset}; backend ${backend.name}; teacher ${data.teacher} (notebook 02's), student ${size.student}; tasks ${size.tasks.join(", ")}`);
console.log(`stage 1: ${size.stage1Steps} steps, stage 2: ${size.stage2Steps} steps (T = ${size.temperature}), learning rate ${size.learningRate}, batch ${data.batchSize}; seeds ${size.seeds.join(", ")}`);"""),
    ("markdown", """## 2. Which layer learns from which, and with which losses

The uniform map pairs student layer $m$ with teacher layer $m \\cdot L_t / L_s$; index 0 is the embeddings.
A recipe is data: a list of losses by name, each with a weight. These are the four stage-1 recipes of the
ablation (the "logits only" and "alone" rows have no stage 1)."""),
    ("code", """import { showTable } from "../lib/display";
import { layerMap } from "../lib/distill/layer-map";
import { STAGE1_RECIPES, TINYBERT_VARIANTS, TINYBERT_VARIANT_NAMES } from "../lib/experiments/tinybert";

console.log("student 2 layers, teacher 4 layers:", layerMap(2, 4).map((p) => `student ${p.student} ← teacher ${p.teacher}`).join(", "));
showTable(TINYBERT_VARIANTS.map((v) => ({ row: TINYBERT_VARIANT_NAMES[v], "stage 1 recipe": STAGE1_RECIPES[v]?.map((t) => `${t.loss} × ${t.weight}`).join(" + ") ?? "—", "stage 2": v === "alone" ? "hard-label cross-entropy" : "soft-ce × 1 (T = 1)" })));"""),
    ("markdown", """## 3. Train every row

`runTinyBert` takes notebook 02's teacher (fine-tuned once, shared by notebooks 02–04), computes its logits on
the training inputs once, measures the pretrained student's attention gap, then trains each row for each
seed: stage 1 on the training inputs (the teacher runs beside the student, outside the gradient), stage 2 on
the cached logits. Dev accuracy is scored once per run, at the end; nothing is chosen on it. Every finished
run is kept, so an interrupted run resumes where it stopped."""),
    ("code", """import { runTinyBert } from "../lib/experiments/tinybert";

const result = await runTinyBert({ preset: preset, reuse: true });
for (const task of result.size.tasks) console.log(`${task}: teacher ${(100 * result.teachers[task]!.accuracy).toFixed(1)} % on ${result.data.devExamples[task]} dev examples`);
console.log(`${result.runs.length} student runs; compute ${(result.computeSeconds / 60).toFixed(1)} min; layer map ${result.layerMap.map((p) => `${p.student}↔${p.teacher}`).join(", ")}`);"""),
    ("markdown", """## 4. The ablation, beside the paper's

Dev accuracy (%), mean ± standard deviation over seeds; "% of teacher" is the mean over the teacher's
accuracy; "agrees with teacher" is the share of dev examples where the student gives the teacher's label.
The attention gap is the attention loss on dev examples at the end of training (lower: closer to the
teacher). "Student alone" and "logits only" are the same trainings as notebook 04's Pre-training +
Fine-tuning and Pre-trained Distillation of L2-H128, and show the same numbers there. The paper columns are **paper numbers**: the GLUE dev average (MNLI-m, MNLI-mm, MRPC, CoLA) of the
paper's row that trains the same losses, and its share of the full TinyBERT4. The paper's teacher (BERT-base,
110 M parameters) is about ten times ours, its tasks are not ours, and it augments the data: compare the
*pattern* (which losses matter), not the numbers. The TinyBERT paper (Jiao et al., arXiv:1909.10351) is not
in `../shared/papers/`, so its numbers here are quoted from the paper and could not be checked against a copy in this repository."""),
    ("code", """import { showFigure } from "../lib/display";
import { tinyBertFigure, tinyBertTable } from "../lib/experiments/tinybert-report";

for (const task of result.size.tasks) {
  showTable(tinyBertTable(result, task), { caption: `${task} dev` });
  showFigure(tinyBertFigure(result, task));
}"""),
    ("markdown", """The paper's whole table (paper numbers; Jiao et al. 2020, TinyBERT4 distilled from BERT-base, GLUE dev).
Each "w/o" row drops one loss from both stages; "w/o Pred" drops stage 2's, "w/o Trm" attention and hidden
states together."""),
    ("code", """import { paperAblationTable } from "../lib/experiments/tinybert-report";

showTable(paperAblationTable(result));"""),
    ("markdown", """## 5. Does stage 1 move the student's attention towards the teacher's?

The attention gap is TinyBERT's own attention loss, measured without dropout on the first dev examples:
for the pretrained student before any distillation, after stage 1 and at the end. Stage 2 trains on logits
only, so it can move the attention back a little."""),
    ("code", """import { attentionGapTable } from "../lib/experiments/tinybert-report";

for (const task of result.size.tasks) showTable(attentionGapTable(result, task), { caption: `${task}: attention gap (MSE of probabilities), mean over seeds` });"""),
    ("markdown", """One dev sentence, seen by the teacher's layer that the student's last layer learns from, and by that
student layer before distillation, after stage 1 and after stage 2 (the "all" row, first seed). Rows are
queries, columns keys; each row sums to 1. First the mean over heads (what the loss compares here), then
head 0 of each model on its own. (A notebook's static preview cannot draw a heat map; run it in JupyterLab.)"""),
    ("code", """import { attentionHeatmapFigure } from "../lib/experiments/tinybert-report";

const heatTask = result.size.tasks[0];
showFigure(attentionHeatmapFigure(result, heatTask));
showFigure(attentionHeatmapFigure(result, heatTask, 0));"""),
    ("markdown", """## 6. What held

Computed from the results above, not typed in. A gap smaller than the larger of the two rows' standard
deviations over seeds is flagged as within noise; for claim 2 such a gap counts as a tie."""),
    ("code", """import { tinyBertVerdict } from "../lib/experiments/tinybert-report";

for (const line of tinyBertVerdict(result)) console.log(line);
if (preset === "tiny") console.log("(tiny preset: a plumbing check; the numbers mean nothing)");"""),
]

write_notebook("03-tinybert.ipynb", cells)
