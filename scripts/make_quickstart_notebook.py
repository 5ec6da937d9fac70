"""Writes notebooks/00-quickstart.ipynb (kept as a script so the notebook's text is reviewable as code)."""
from notebook_writer import write_notebook

cells = [
    ("markdown", """# 00 — Quickstart: train a small BERT encoder in TypeScript

This notebook checks that the whole stack works on your machine before the paper experiments:
the TensorFlow backend, the BERT-family encoder, the trainer and the figures.

**What it shows.** A tiny BERT encoder, trained *from scratch* (no pretraining) on SST-2 movie-review
sentences, learns to tell positive from negative: its training loss falls and its dev accuracy rises
above the majority-class baseline. No paper claims this number; the experiments in the later notebooks
start from pretrained miniatures and compare with the papers."""),
    ("markdown", """## 1. Choose the run size and start the backend

`preset` picks the run size: `tiny` (seconds; what CI runs), `small` (a few minutes; the committed
outputs) or `paper`. The backend is chosen once: native TensorFlow when it is installed
(`npm install` builds it), otherwise WebAssembly, which is about 50 times slower to train."""),
    ("code", """import { initBackend } from "../lib/engine/backend";

const preset = process.env.THIEVES_PRESET ?? "small";
const backend = await initBackend();
console.log(`preset ${preset}; backend ${backend.name} (${backend.engine})`);"""),
    ("markdown", """## 2. Train

`runQuickstart` reads SST-2, builds a word-level vocabulary from the training sentences, creates a
BERT encoder with a classification head (the `[CLS]` state → pooler → linear layer) and trains it
with AdamW, linear warmup and decay, minimising the cross-entropy

$$\\mathcal{L} = -\\frac{1}{N}\\sum_i \\log p_\\theta(y_i \\mid x_i).$$

It evaluates on the dev set periodically, keeps checkpoints (a finished run is loaded, not retrained)
and writes `results/quickstart-<preset>.json`."""),
    ("code", """import { runQuickstart } from "../lib/experiments/quickstart";

const result = await runQuickstart({ preset: preset }) // (tslab needs "preset: preset", not the shorthand);
console.log(`${result.parameters.toLocaleString()} parameters, ${result.dataset.train} training sentences, trained in ${result.wallSeconds.toFixed(0)} s`);"""),
    ("markdown", """## 3. The loss curve

Each point is the mean training loss over the last logging window. A falling curve means the
encoder is fitting the training sentences; chance level for two balanced classes is ln 2 ≈ 0.693."""),
    ("code", """import { showFigure } from "../lib/display";
import { quickstartLossFigure } from "../lib/experiments/quickstart";

showFigure(quickstartLossFigure(result));"""),
    ("markdown", """## 4. Dev accuracy

Accuracy on SST-2 dev sentences at each evaluation, with the accuracy of always answering the
most frequent class as the floor to beat."""),
    ("code", """import { showTable } from "../lib/display";
import { quickstartAccuracyRows } from "../lib/experiments/quickstart";

showTable(quickstartAccuracyRows(result));"""),
    ("markdown", """## 5. What held

Computed from the run above, not typed in."""),
    ("code", """const losses = result.log.filter((e) => e.loss !== undefined);
const fell = losses[losses.length - 1].loss! < losses[0].loss!;
const beat = result.devAccuracy > result.majorityBaseline;
console.log(`training loss fell: ${fell ? "yes" : "no"} (${losses[0].loss!.toFixed(3)} → ${losses[losses.length - 1].loss!.toFixed(3)})`);
console.log(`dev accuracy ${result.devAccuracy.toFixed(3)} vs majority class ${result.majorityBaseline.toFixed(3)}: ${beat ? "above" : "not above"} the baseline`);
if (preset === "tiny") console.log("(tiny preset: a plumbing check, too short to learn much)");"""),
]

write_notebook("00-quickstart.ipynb", cells)
