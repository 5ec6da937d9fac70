"""Writes notebooks/02-distillation.ipynb (kept as a script so the notebook's text is reviewable as code)."""
from notebook_writer import write_notebook

cells = [
    ("markdown", """# 02 — Knowledge distillation: a small student taught by a bigger teacher

A big fine-tuned model is accurate but slow. **Distillation** trains a smaller *student* to imitate it.
Two papers from the slides (`../shared/papers/000_e75a87f8620dc864.txt`):

- **Soft targets** (Hinton et al. 2015): instead of the one-hot label, the student learns the teacher's
  whole output distribution, softened by a temperature $T$:
  $p_i^{(T)} = \\frac{\\exp(z_i / T)}{\\sum_j \\exp(z_j / T)}$. The loss is
  $T^2 \\, \\mathrm{KL}(p_{\\text{teacher}}^{(T)} \\,\\|\\, p_{\\text{student}}^{(T)})$, mixed with the usual
  hard-label cross-entropy. The relative size of the wrong answers' probabilities ("this negative review
  is a bit positive") is information a label does not carry.
- **DistilBERT** (Sanh et al. 2019): a student with half of BERT's layers, *initialised from every other
  teacher layer*, distilled during pretraining with three losses — soft MLM targets (weight 5), the MLM
  loss itself (2) and a cosine loss pulling the student's last hidden states towards the teacher's (1) —
  then fine-tuned like BERT. The slides' table: DistilBERT keeps 97 % of BERT's GLUE score.

**The claims checked at the end, from this run:**
1. A distilled student beats the same student trained alone.
2. The DistilBERT-style student keeps at least 90 % of its teacher's accuracy.

**Our cast.** The teacher is our pretrained `en-L4-H256` miniature fine-tuned on the task (it plays
BERT-base). The students have half its layers (L2-H256). Four students, each fine-tuned on the same task
data for the same number of steps:

| student | starts from | trained on |
|---|---|---|
| alone, random init | random weights | hard labels |
| alone, teacher layers | every other layer of the pretrained teacher | hard labels |
| task distillation | every other layer of the pretrained teacher | the fine-tuned teacher's soft targets + hard labels |
| DistilBERT-style | every other layer, then distilled MLM pretraining | hard labels |"""),
    ("markdown", """## 1. Run size and backend

`tiny` is a plumbing check (CI; every miniature has one layer there, so teacher and student are the
same size and the numbers mean nothing), `small` the committed outputs, `paper` larger runs. Saved
results are reused; delete `results/distill/distillation-<preset>.json` to rerun (finished runs under
`results/runs/` are kept and not trained again)."""),
    ("code", """import { initBackend } from "../lib/engine/backend";
import { DISTILLATION_SIZES } from "../lib/experiments/distillation";

const preset = process.env.THIEVES_PRESET ?? "small";
const backend = await initBackend();
const size = DISTILLATION_SIZES[preset as "tiny" | "small" | "paper"];
console.log(`preset ${preset}; backend ${backend.name}; teacher ${size.teacher}; seeds ${size.seeds.join(", ")}; T = ${size.temperature}, hard-label weight ${size.alpha}`);"""),
    ("markdown", """## 2. The losses, on numbers you can check by hand

Two classes; the teacher's logits are (2, 0), the student's (0.5, 0). At $T = 1$ the teacher says
88 % / 12 %; at $T = 2$ it says 73 % / 27 % — the softened targets show more of what the teacher
"thinks" about the wrong class. The soft-target loss is 0 only when the student's softened
distribution equals the teacher's."""),
    ("code", """import * as tf from "@tensorflow/tfjs";
import { softTargetLoss } from "../lib/distill/losses";
import { showTable } from "../lib/display";

const teacherLogits = tf.tensor2d([[2, 0]]);
const rows = [1, 2, 4].map((T) => {
  const soft = tf.tidy(() => tf.softmax(tf.div(teacherLogits, T)).dataSync());
  const student = tf.tensor2d([[0.5, 0]]);
  const loss = softTargetLoss(student, teacherLogits, T);
  const same = softTargetLoss(teacherLogits, teacherLogits, T);
  const row = { T, "teacher p(class 0)": soft[0], "teacher p(class 1)": soft[1], "loss, student (0.5, 0)": loss.dataSync()[0], "loss, student = teacher": same.dataSync()[0] };
  tf.dispose([student, loss, same]);
  return row;
});
teacherLogits.dispose();
showTable(rows, { digits: 3 });"""),
    ("markdown", """## 3. Train the teacher and the students

`runDistillation` fine-tunes the teacher on each task, runs the DistilBERT-style pretraining once
(student initialised from teacher layers 0 and 2; WikiText-2, the teacher's own pretraining corpus),
then trains every student for every seed. Each finished run is kept beside its checkpoints, so an
interrupted run resumes where it stopped; from a shell, `npm run reproduce -- distill --task sst2` and
`--task mnli` run the two tasks on two cores (the pretraining is done once), and this cell then only
collects them. Dev sets (SST-2 dev, MNLI dev matched) are scored once per
model, at the end of its training; nothing is chosen on them."""),
    ("code", """import { runDistillation } from "../lib/experiments/distillation";

const result = await runDistillation({ preset: preset, reuse: true });
const d = result.distilbert;
console.log(`teachers: SST-2 ${(100 * result.teachers.sst2.accuracy).toFixed(1)} %, MNLI ${(100 * result.teachers.mnli.accuracy).toFixed(1)} %; ${result.runs.length} student runs`);
console.log(`DistilBERT-style pretraining: ${d.steps} steps in ${(d.wallSeconds / 60).toFixed(1)} min; held-out MLM accuracy: student ${(100 * d.studentMlm).toFixed(1)} %, teacher ${(100 * d.teacherMlm).toFixed(1)} %`);"""),
    ("markdown", """## 4. Results beside the paper's

Dev accuracy (%), mean ± standard deviation over seeds. "% of teacher" is the student's mean over the
teacher's accuracy — the number DistilBERT's abstract quotes. Inference speed is measured here, in this
process, on the same dev batches for both models (best of three alternating rounds). The paper rows are
BERT-base and DistilBERT from the slides' table; their models are about 500 times larger than ours."""),
    ("code", """import { distillationTable } from "../lib/experiments/distillation";

console.log("SST-2 dev");
showTable(distillationTable(result, "sst2"));"""),
    ("code", """console.log("MNLI dev matched");
showTable(distillationTable(result, "mnli"));"""),
    ("code", """import { showFigure } from "../lib/display";
import { distillationFigure } from "../lib/experiments/distillation";

showFigure(distillationFigure(result));"""),
    ("markdown", """## 5. What held

Computed from the results above, not typed in. A gap smaller than the seeds' standard deviation is
flagged as within noise."""),
    ("code", """import { distillationVerdict } from "../lib/experiments/distillation";

for (const line of distillationVerdict(result)) console.log(line);
if (preset === "tiny") console.log("(tiny preset: a plumbing check)");"""),
]

write_notebook("02-distillation.ipynb", cells)
