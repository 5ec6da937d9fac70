"""Writes notebooks/04-pretrained-distillation.ipynb (kept as a script so the notebook's text is reviewable as code)."""
from notebook_writer import write_notebook

cells = [
    ("markdown", """# 04 — Well-read students: pre-training a compact model, then distilling it

Turc et al. 2019 ("Well-Read Students Learn Better: On the Importance of Pre-training Compact Models")
asked a plain question: to get the best *small* model for a task, what should it start from, and what
should it learn from? The slides (`../shared/papers/000_e75a87f8620dc864.txt`, "Distillation helps
significantly over just training the small model from scratch") show their answer as one figure per task:
accuracy against student size, four lines and the teacher dashed.

| strategy (the slides' legend) | the student starts from | it learns from |
|---|---|---|
| × Basic Training | random weights | the labelled training set |
| ▲ Distillation | random weights | the teacher's soft targets on unlabelled task-domain text |
| ◆ Pre-training + Fine-tuning | MLM pre-training | the labelled training set |
| ■ Pre-trained Distillation | MLM pre-training | the teacher's soft targets on unlabelled task-domain text |

Distillation here is the standard kind (notebook 02): the student minimises the KL divergence from the
teacher's class distribution, at temperature 1, on text nobody labelled. The paper follows Pre-trained
Distillation with an optional fine-tuning on the labels; we stop after distillation.

**The claims checked at the end, from this run, at each student size:**
1. Distillation beats Basic Training (the slides' title).
2. Pre-training + Fine-tuning beats Basic Training (pre-training matters for compact models too).
3. Pre-trained Distillation is the best of the four, or tied with the best within noise.

**Our sizes, and why fewer.** The paper trains 24 students, L ∈ {2, 4, 6, 8, 10, 12} layers × H ∈ {128,
256, 512, 768}, each pre-trained like BERT, on MNLI, RTE, SST-2 and Amazon Book Reviews. A fair
pre-trained student needs a pre-trained checkpoint *of its size*, and each of ours costs up to an hour of
MLM pretraining here. We have two students smaller than the teacher that can be pre-trained fairly:

- **L2-H128**: our `en-L2-H128` miniature, MLM-pretrained at exactly this size (the paper's case);
- **L2-H256**: every other layer of our MLM-pretrained `en-L4-H256` (DistilBERT's initialisation). It is
  pre-trained, but as half of a deeper network, not as a compact model in its own right.

Both share the teacher's WordPiece vocabulary. The teacher is notebook 02's: `en-L4-H256` fine-tuned on the
task. The **unlabelled task-domain text** is the task's training inputs with their labels dropped: the
same sentences the labelled strategies see with labels, so the four strategies differ only in init and in
what they learn from. Every run trains for the same number of steps."""),
    ("markdown", """## 1. Run size and backend

`tiny` is a plumbing check (CI; every miniature is one layer of width 32 there, so both students and the
teacher are the same size and the numbers mean nothing), `small` the committed outputs (SST-2; MNLI's
longer pairs would triple the cost, so it runs at `paper`), `paper` larger runs. Saved results are reused;
delete `results/distill/pretrained-distillation-<preset>.json` to collect again (finished runs under
`results/runs/` are kept)."""),
    ("code", """import { initBackend } from "../lib/engine/backend";
import { DISTILLATION_SIZES } from "../lib/experiments/distillation";
import { PRETRAINED_DISTILLATION_SIZES, STRATEGIES, STRATEGY_NAMES } from "../lib/experiments/pretrained-distillation";

const preset = (process.env.THIEVES_PRESET ?? "small") as "tiny" | "small" | "paper";
const backend = await initBackend();
const size = PRETRAINED_DISTILLATION_SIZES[preset];
const data = DISTILLATION_SIZES[preset];
console.log(`preset ${preset}; backend ${backend.name}; teacher ${data.teacher} (notebook 02's); tasks ${size.tasks.join(", ")}; seeds ${size.seeds.join(", ")}`);
console.log(`students ${size.students.map((s) => `${s.id} (learning rate ${s.learningRate})`).join(", ")}; ${STRATEGIES.length} strategies (${STRATEGIES.map((s) => STRATEGY_NAMES[s]).join(", ")}), ${size.steps} steps each, batch ${data.batchSize}`);"""),
    ("markdown", """## 2. Train every size with every strategy

`runPretrainedDistillation` loads (or, the first time, fine-tunes) notebook 02's teacher, computes its logits
on the unlabelled transfer text once per task, then trains each size × strategy × seed and scores it once on
the dev set, at the end. Finished runs are kept, so an interrupted run resumes where it stopped."""),
    ("code", """import { runPretrainedDistillation } from "../lib/experiments/pretrained-distillation";

const result = await runPretrainedDistillation({ preset: preset, reuse: true });
for (const task of result.size.tasks) console.log(`${task}: teacher ${(100 * result.teachers[task]!.accuracy).toFixed(1)} % on ${result.data.devExamples[task]} dev examples; ${result.data.transferExamples[task]} unlabelled transfer inputs`);
console.log(`${result.runs.length} student runs; compute ${(result.computeSeconds / 60).toFixed(1)} min`);"""),
    ("markdown", """## 3. What "unlabelled text" gives a student

For the distilled strategies the training sentences come without labels; what the student sees instead is
the teacher's distribution over the classes. Here are the first few transfer inputs with the label the
distilled students never see, and the soft target they learn from (kept in the result when the teacher
was trained, so this cell loads no model). A confident-but-wrong teacher passes
its mistake on; an unsure one passes on its doubt."""),
    ("code", """import { showTable } from "../lib/display";
import { TASK_LABELS } from "../lib/experiments/tasks";

for (const task of result.size.tasks) {
  const examples = result.teachers[task]!.softTargets;
  if (!examples) throw new Error(`results/distill/pretrained-distillation-${preset}.json predates the kept soft targets; delete it and run this notebook again (finished runs are reused)`);
  showTable(examples.map((e) => ({
    "transfer input": e.input, "its label (not used)": e.label,
    ...Object.fromEntries(TASK_LABELS[task].map((label, c) => [`teacher p(${label})`, e.probabilities[c].toFixed(3)])),
  })), { caption: `${task}: the first ${examples.length} transfer inputs` });
}"""),
    ("markdown", """## 4. The setup beside the paper's

The slides print no numbers (the figure is a plot), so the paper side is what it trained and what it
claims, and our side is what this run did."""),
    ("code", """import { setupTable } from "../lib/experiments/pretrained-distillation-report";

showTable(setupTable(result));"""),
    ("markdown", """## 5. The four strategies at each size

Dev accuracy (%), mean ± standard deviation over seeds, and the teacher's. The L2-H128 student's Pre-training +
Fine-tuning and Pre-trained Distillation runs are the very trainings of notebook 03's "student alone" and
"logits only" rows (same init, data, steps, learning rate and seeds), so both notebooks show the same
numbers for them. Then the slides' figure from our
runs: accuracy against the student's parameter count (most of a small model's parameters are its
30,000-word embedding matrix), the slides' markers, error bars one standard deviation over seeds, the
teacher dashed."""),
    ("code", """import { showFigure } from "../lib/display";
import { strategyFigure, strategyTable } from "../lib/experiments/pretrained-distillation-report";

for (const task of result.size.tasks) {
  showTable(strategyTable(result, task), { caption: `${task} dev` });
  showFigure(strategyFigure(result, task));
}"""),
    ("markdown", """## 6. What held

Computed from the results above, not typed in. A gap smaller than the larger of the two strategies' standard
deviations over seeds is flagged as within noise; for claim 3 such a gap counts as a tie."""),
    ("code", """import { strategyVerdict } from "../lib/experiments/pretrained-distillation-report";

for (const line of strategyVerdict(result)) console.log(line);
if (preset === "tiny") console.log("(tiny preset: a plumbing check; the numbers mean nothing)");"""),
]

write_notebook("04-pretrained-distillation.ipynb", cells)
