/** The README.md of a pretrained miniature: what it is, what it saw, how well it fills masks, how to remake it. */
import { tableToMarkdown } from "../display/table-markdown";
import type { PretrainResult } from "./pretrain";

const DATA: Record<string, string> = {
  en: "WikiText-2 train (Merity et al. 2016; CC BY-SA 3.0), headings dropped; held out: WikiText-2 valid.",
  xx: "The 15-language corpus of `datasets/multilingual/` (see its MANIFEST.md for sources and licenses; it contains no XNLI or MNLI text), SQuAD v1.1 dev paragraphs and questions removed from English; held out: the last 2 % of each language's lines.",
};

export function modelCard(r: PretrainResult): string {
  const minutes = (r.wallSeconds / 60).toFixed(1);
  const scores = Object.entries(r.heldOut).map(([language, s]) => ({ language, "MLM accuracy": s.accuracy, "MLM loss": s.loss, "masked tokens": s.predictions }));
  return [
    `# ${r.name}`,
    "",
    `A miniature ${r.spec.family === "en" ? "English BERT" : "multilingual XLM-R-style encoder"} pretrained from scratch by thieves-lab with masked-language modelling`,
    `(15 % of tokens chosen; 80 % [MASK], 10 % random, 10 % kept). Hugging Face layout: it loads with`,
    "`transformers` (`AutoModelForMaskedLM.from_pretrained(<this folder>)`) and with `loadModel` from `lib/model/io`.",
    "",
    "| | |",
    "|---|---|",
    `| architecture | L=${r.size.layers}, H=${r.size.hidden}, A=${r.size.heads}, I=${4 * r.size.hidden} (${r.parameters.toLocaleString("en-US")} parameters with the MLM head) |`,
    `| tokenizer | ${r.tokenizer.kind}, ${r.tokenizer.vocabSize.toLocaleString("en-US")} tokens (\`tokenizer.json\`) |`,
    `| data | ${DATA[r.spec.family]} |`,
    `| training | ${r.log.filter((e) => e.loss !== undefined).pop()?.step ?? 0} steps × ${r.size.batchSize} sequences × ${r.size.seqLen} tokens (${r.data.tokensSeen.toLocaleString("en-US")} tokens seen, from ${r.data.trainSequences.toLocaleString("en-US")} packed sequences), AdamW, peak LR ${r.size.learningRate}, seed ${r.seed} |`,
    `| wall time | ${minutes} min on the \`${r.backend}\` backend (${r.engine}) |`,
    `| preset | \`${r.preset}\` |`,
    `| weights | ${r.preset === "small" ? "float16 safetensors (loading widens to float32)" : "float32 safetensors"} |`,
    "",
    "## Held-out masked-token accuracy",
    "",
    "Every held-out sequence masked once with a fixed seed; accuracy is the share of masked tokens whose original is the top prediction.",
    "",
    tableToMarkdown(scores, { digits: { "MLM accuracy": 4, "MLM loss": 3 } }),
    "",
    "## Remake it",
    "",
    "```bash",
    `npm run pretrain -- ${r.name} --preset ${r.preset} --force`,
    "```",
    "",
    `Made ${r.createdAt.slice(0, 10)}. This file and \`pretraining.json\` are written by the code; nothing in them is typed in.`,
    "",
  ].join("\n");
}
