/**
 * Data for scripts/mlm_reference.py (the PyTorch check of our MLM pretraining): en-L2-H128's packed
 * WikiText-2 training sequences and the exact held-out masked set its accuracy is scored on, written
 * to results/tmp/mlm-reference-data.json. Usage: node --import tsx scripts/mlm-reference-data.ts
 */
import * as fs from "node:fs";
import { pretrainingCorpus } from "../lib/pretrain/corpus";
import { packSequences } from "../lib/pretrain/packing";
import { maskedExample, MlmDataArgs } from "../lib/pretrain/mlm";
import { TextTokenizer } from "../lib/tokenize/tokenizer";
import { PROJECT_ROOT } from "../lib/data/paths";
import * as path from "node:path";

async function main() {
  const tokenizer = await TextTokenizer.load(path.join(PROJECT_ROOT, "models", "en-L2-H128"));
  const [part] = pretrainingCorpus("en");
  const train = packSequences(part.train, tokenizer, { seqLen: 128 });
  const held = packSequences(part.heldOut, tokenizer, { seqLen: 128, maxSequences: 256 });
  const args: MlmDataArgs = { maskId: tokenizer.maskId, vocabSize: tokenizer.vocabSize, specialIds: tokenizer.specialIds, padId: tokenizer.padId, seed: 12345, copies: 10, maxPredictions: Math.round(128 * 0.15) + 1 };
  const evalSet = held.map((ids, j) => maskedExample(ids, j, 0, args));
  const out = path.join(PROJECT_ROOT, "results", "tmp", "mlm-reference-data.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({
    vocabSize: tokenizer.vocabSize, maskId: tokenizer.maskId, padId: tokenizer.padId, specialIds: [...tokenizer.specialIds], maxPredictions: args.maxPredictions,
    train, eval: evalSet,
  }));
  console.log(`${path.relative(PROJECT_ROOT, out)}: train ${train.length} sequences, eval ${evalSet.length}, vocab ${tokenizer.vocabSize}, specials ${[...tokenizer.specialIds]}`);
}
main();
