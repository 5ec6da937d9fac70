"""Writes notebooks/01-pretraining.ipynb (kept as a script so the notebook's text is reviewable as code)."""
from notebook_writer import write_notebook

cells = [
    ("markdown", """# 01 — Pretraining our own miniatures, and whether it helps

Every paper reproduced here starts from a *pretrained* encoder: BERT, RoBERTa, XLM-R. No checkpoint
can be downloaded on the machines this project runs on, so it pretrains its own small ones, in the
Hugging Face layout, with the same code that would fine-tune a real Hub checkpoint.

**The claim** (Devlin et al. 2019, "BERT"; Turc et al. 2019, "Well-Read Students Learn Better" for
small models): masked-language-model pretraining on unlabelled text makes the *same* network better at
downstream tasks than training it from random initialisation.

**What this notebook shows.**
1. How the two tokenizers (English WordPiece, 15-language byte-level BPE) cut text.
2. The masked-language-model objective, on a real sentence.
3. Held-out MLM accuracy during pretraining, per miniature and per language.
4. SST-2 and MNLI dev accuracy of each miniature fine-tuned from its pretrained weights vs from random
   initialisation, with the same recipe, data and seed — and whether the claim held here."""),
    ("markdown", """## 1. Run size and backend

`preset` picks the run size: `tiny` (seconds; what CI runs; a plumbing check whose numbers mean
nothing), `small` (the committed outputs) or `paper`. If this preset's results were saved before,
the notebook shows them instead of training again; delete `results/pretraining-<preset>.json` to rerun."""),
    ("code", """import { initBackend } from "../lib/engine/backend";

const preset = process.env.THIEVES_PRESET ?? "small";
const backend = await initBackend();
console.log(`preset ${preset}; backend ${backend.name} (${backend.engine})`);"""),
    ("markdown", """## 2. Pretrain (or load) the miniatures and fine-tune them

`runPretraining` first makes sure each miniature exists in `models/` — pretraining it with `npm run pretrain`'s
code if not (the `small` checkpoints are committed, so this loads them) — then fine-tunes each one twice
per task: from its pretrained weights and from a fresh random initialisation of the same architecture.

Fine-tuning minimises the cross-entropy of the labels under a new classification head on the `[CLS]`
(or `<s>`) state, $\\mathcal{L} = -\\frac{1}{N}\\sum_i \\log p_\\theta(y_i \\mid x_i)$, with AdamW, linear
warmup and decay, for a fixed number of steps. Each run tries a small grid of learning rates (those
recommended for BERT miniatures) and keeps the one that scores best on a slice of the *training* file
held out for that purpose; only the kept run is scored on the dev set, once. The dev set never chooses a
checkpoint or a setting."""),
    ("code", """import { runPretraining } from "../lib/experiments/pretraining";

const result = await runPretraining({ preset: preset, reuse: true });
console.log(`models: ${result.size.models.join(", ")}; ${result.rows.length} (model, task, init) rows, each the best of ${result.size.learningRates.length} learning rates; backend ${result.backend}`);"""),
    ("markdown", """## 3. Tokenizers

The English miniatures use a lower-cased **WordPiece** vocabulary learned from WikiText-2 (30,000
pieces; `##` marks a piece that continues a word). The multilingual one uses **byte-level BPE** learned
from the 15-language corpus: text is first mapped to bytes, so any string in any script encodes and
nothing is ever unknown, and frequent byte sequences merge into pieces. Below, the same sentence in
five scripts through both (pieces are shown decoded; a Thai or Chinese piece may be part of a character)."""),
    ("code", """import { tokenizerShowcase } from "../lib/experiments/pretraining";
import { showTable } from "../lib/display";

showTable(await tokenizerShowcase(preset, {
  en: "The model learns to predict the missing words.",
  de: "Das Modell lernt, die fehlenden Wörter vorherzusagen.",
  ru: "Модель учится предсказывать пропущенные слова.",
  hi: "मॉडल छूटे हुए शब्दों का अनुमान लगाना सीखता है।",
  zh: "模型学习预测缺失的词。",
}));"""),
    ("markdown", """## 4. The masked-language-model objective

BERT picks 15 % of the text tokens at random; of those, 80 % are replaced by `[MASK]`, 10 % by a random
token and 10 % are left as they are. The model must predict the original token at every picked
position: $\\mathcal{L}_{MLM} = -\\sum_{i \\in \\text{picked}} \\log p_\\theta(x_i \\mid \\tilde{x})$.
Leaving some picked tokens unchanged means the model cannot assume only `[MASK]` positions matter.
Sequences are packed from running text to exactly 128 tokens (`small`), so no compute goes to padding.

The curve is the share of masked held-out tokens whose original is the model's top prediction
(WikiText-2 valid for English; the held-out 2 % of each language for the multilingual model),
measured every few hundred steps with the same masks for every model."""),
    ("code", """import { showFigure } from "../lib/display";
import { mlmCurveFigure } from "../lib/experiments/pretraining";

showFigure(mlmCurveFigure(result));"""),
    ("markdown", """Held-out MLM accuracy at the end, per language for the multilingual miniature. Languages with less
text in the corpus (Urdu, Swahili, Bulgarian) and scripts that byte-level BPE cuts finely (Thai,
Chinese) are expected to differ; `all` is the mean over every masked token."""),
    ("code", """import { heldOutRows } from "../lib/experiments/pretraining";

showTable(heldOutRows(result), { digits: 4 });"""),
    ("markdown", """## 5. Pretrained vs random initialisation

The same architecture, recipe, data and seed; only the starting weights differ (each picks its own
learning rate on validation, shown in the last column). `margin` is in accuracy points; `majority` is
the accuracy of always answering the most frequent dev label. The multilingual miniature is fine-tuned
on the same English data, through its own tokenizer.

At `small` one miniature's twelve fine-tunes (2 tasks × 2 inits × 3 learning rates) take one to two
hours on 2 cores, so the table grows a miniature at a time: `npm run reproduce -- pretraining --models
<names>` fine-tunes those and keeps the saved rows of the others, but only rows made with the same
recipe from the checkpoint that is in `models/` now. The line under the table names any miniature not
fine-tuned yet."""),
    ("code", """import { notFineTuned, pretrainingTable } from "../lib/experiments/pretraining";

showTable(pretrainingTable(result), { digits: { pretrained: 3, random: 3, "margin (points)": 1, "p (McNemar)": 3, majority: 3 } });
const missing = notFineTuned(result);
console.log(missing.models.length ? `Not fine-tuned yet: ${missing.models.join(", ")} (${missing.command})` : "Every miniature of this preset is in the table.");"""),
    ("markdown", """## 6. What held

Computed from the table above, not typed in. One run per init and one dev set make a small margin
easy to get by chance, so each margin is checked with a paired test: both runs answered the same dev
examples, and the exact **McNemar test** asks whether the examples only one of them got right split
more unevenly than fair coin flips would. With $b$ examples only the pretrained run got right and $c$
only the random-init one, $p = \\min\\left(1,\\ 2 \\sum_{i \\le \\min(b,c)} \\binom{b+c}{i} 2^{-(b+c)}\\right)$.
A margin with $p \\ge 0.05$ is reported as *within noise*, neither held nor not held. On `tiny` the runs
are a few steps long and the verdict means nothing; on `small` it is the project's measured answer."""),
    ("code", """import { pretrainingVerdict } from "../lib/experiments/pretraining";

const verdict = pretrainingVerdict(result);
for (const line of verdict.lines) console.log(line);
console.log(verdict.held ? "The claim held on every model and task." : "The claim did not hold everywhere (see the lines above).");
if (preset === "tiny") console.log("(tiny preset: a plumbing check, too short to learn anything)");"""),
]

write_notebook("01-pretraining.ipynb", cells)
