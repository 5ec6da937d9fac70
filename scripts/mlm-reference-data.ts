/**
 * Data for scripts/mlm_reference.py (the PyTorch check of our MLM pretraining): en-L2-H128's packed
 * WikiText-2 training sequences, the exact held-out masked set its accuracy is scored on, and the
 * run's settings (from the pretraining code, so the reference follows any change to them), written
 * to results/tmp/mlm-reference-data.json. Usage: node --import tsx scripts/mlm-reference-data.ts
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../lib/data/paths";
import { pretrainingCorpus } from "../lib/pretrain/corpus";
import { miniature, pretrainSize } from "../lib/pretrain/miniatures";
import { maskedExample } from "../lib/pretrain/mlm";
import { packSequences } from "../lib/pretrain/packing";
import { PRETRAIN_WARMUP_RATIO, modelDir, pretrainingMasks } from "../lib/pretrain/pretrain";
import { TextTokenizer } from "../lib/tokenize/tokenizer";

const NAME = "en-L2-H128";

async function main() {
  const size = pretrainSize(miniature(NAME), "small");
  const tokenizer = await TextTokenizer.load(modelDir(NAME, "small"));
  const [part] = pretrainingCorpus("en");
  const train = packSequences(part.train, tokenizer, { seqLen: size.seqLen });
  const held = packSequences(part.heldOut, tokenizer, { seqLen: size.seqLen, maxSequences: size.evalSequences });
  const masks = pretrainingMasks(tokenizer, size, 0);
  const evalSet = held.map((ids, j) => maskedExample(ids, j, 0, masks.heldOut));
  const out = path.join(PROJECT_ROOT, "results", "tmp", "mlm-reference-data.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({
    vocabSize: tokenizer.vocabSize, maskId: tokenizer.maskId, padId: tokenizer.padId, specialIds: [...tokenizer.specialIds],
    maxPredictions: masks.train.maxPredictions, copies: masks.train.copies,
    steps: size.steps, warmupSteps: Math.round(PRETRAIN_WARMUP_RATIO * size.steps), learningRate: size.learningRate, batchSize: size.batchSize,
    train, eval: evalSet,
  }));
  console.log(`${path.relative(PROJECT_ROOT, out)}: train ${train.length} sequences, eval ${evalSet.length}, vocab ${tokenizer.vocabSize}, specials ${[...tokenizer.specialIds]}`);
}
main();
