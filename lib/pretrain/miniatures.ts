/**
 * The pretrained miniatures the experiments start from, in the spirit of Google's BERT miniatures
 * (Turc et al. 2019: L ∈ {2,4,6,…}, H ∈ {128,256,512,…}, A = H / 64, I = 4H): an English family
 * pretrained on WikiText-2 with a WordPiece vocabulary, and a multilingual one on the 15 XNLI
 * languages with a byte-level BPE vocabulary. One place for every size and schedule.
 */
import { Preset } from "../experiments/presets";
import { TokenizerKind } from "../tokenize/train";

export type Family = "en" | "xx";

export interface MiniatureSpec {
  family: Family;
  layers: number;
  hidden: number;
  /** Optimizer steps at the `small` preset (each 32 sequences of 128 tokens). */
  smallSteps: number;
}

export const MINIATURES: Record<string, MiniatureSpec> = {
  "en-L2-H128": { family: "en", layers: 2, hidden: 128, smallSteps: 4000 },
  "en-L4-H256": { family: "en", layers: 4, hidden: 256, smallSteps: 1000 },
  "en-L6-H256": { family: "en", layers: 6, hidden: 256, smallSteps: 800 },
  "xx-L4-H256": { family: "xx", layers: 4, hidden: 256, smallSteps: 1000 },
};

export const FAMILY_TOKENIZER: Record<Family, { kind: TokenizerKind; name: string; modelType: "bert" | "xlm-roberta" }> = {
  en: { kind: "wordpiece", name: "en-wordpiece", modelType: "bert" },
  xx: { kind: "byte-bpe", name: "xx-byte-bpe", modelType: "xlm-roberta" },
};

export interface PretrainSize {
  layers: number;
  hidden: number;
  heads: number;
  seqLen: number;
  batchSize: number;
  steps: number;
  evalEvery: number;
  learningRate: number;
  /** Training sequences kept per corpus (per language for xx); undefined: all. */
  maxSequences?: number;
  /** Held-out sequences scored during training (per language for xx at the end). */
  evalSequences: number;
}

export interface TokenizerSize {
  /** Lines the tokenizer is trained on (per language for xx); undefined: all. */
  tokenizerLines?: number;
  /** Vocabulary size; undefined: all the trainer learns (30,000 + specials). */
  vocabSize?: number;
}

/** How a family's tokenizer is trained at a preset: `tiny` on a few lines, the others on the whole corpus. */
export function tokenizerSize(preset: Preset): TokenizerSize {
  return preset === "tiny" ? { tokenizerLines: 1500, vocabSize: 1200 } : {};
}

/** Sizes of a miniature at a preset: `tiny` shrinks everything to seconds (plumbing only). */
export function pretrainSize(spec: MiniatureSpec, preset: Preset): PretrainSize {
  if (preset === "tiny") {
    return { layers: 1, hidden: 32, heads: 2, seqLen: 32, batchSize: 8, steps: 12, evalEvery: 6, learningRate: 1e-3, maxSequences: 200, evalSequences: 16 };
  }
  const heads = Math.max(2, spec.hidden / 64);
  const steps = preset === "small" ? spec.smallSteps : spec.smallSteps * 20;
  return { layers: spec.layers, hidden: spec.hidden, heads, seqLen: 128, batchSize: 32, steps, evalEvery: Math.max(100, Math.round(steps / 10)), learningRate: spec.hidden <= 128 ? 1e-3 : 5e-4, evalSequences: 256 };
}

export function miniature(name: string): MiniatureSpec {
  const spec = MINIATURES[name];
  if (!spec) throw new Error(`unknown miniature "${name}"; the miniatures are ${Object.keys(MINIATURES).join(", ")}`);
  return spec;
}
