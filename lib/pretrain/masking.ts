/**
 * BERT's masked-language-model corruption (Devlin et al. 2019, §3.1): 15 % of the text tokens are
 * chosen for prediction; of those, 80 % become [MASK], 10 % a random token and 10 % stay as they
 * are, so the model cannot learn that only [MASK] positions matter. Special tokens ([CLS], </s>,
 * padding) are never chosen.
 */
import { Rng } from "../engine/rng";

export interface MaskingArgs {
  /** Id of the mask token. */
  maskId: number;
  /** Vocabulary size; random replacements are drawn from the non-special ids below it. */
  vocabSize: number;
  /** Ids that are never chosen or drawn (specials). */
  specialIds: ReadonlySet<number>;
  /** Fraction of text tokens to predict. Default 0.15. */
  rate?: number;
  /** At most this many predictions per sequence (BERT's max_predictions_per_seq). Default: no limit. */
  maxPredictions?: number;
}

export interface MaskedSequence {
  /** The corrupted ids fed to the model. */
  input: number[];
  /** Positions to predict, ascending. */
  positions: number[];
  /** The original ids at those positions. */
  labels: number[];
}

/** Corrupts one sequence; the same rng state gives the same result. */
export function maskSequence(ids: readonly number[], rng: Rng, args: MaskingArgs): MaskedSequence {
  const candidates = ids.map((id, i) => i).filter((i) => !args.specialIds.has(ids[i]));
  const wanted = Math.max(1, Math.round(candidates.length * (args.rate ?? 0.15)));
  const count = Math.min(wanted, candidates.length, args.maxPredictions ?? Infinity);
  const positions = rng.shuffle(candidates).slice(0, count).sort((a, b) => a - b);
  const input = [...ids];
  for (const p of positions) {
    const r = rng.uniform();
    if (r < 0.8) input[p] = args.maskId;
    else if (r < 0.9) input[p] = randomTextId(rng, args);
  }
  return { input, positions, labels: positions.map((p) => ids[p]) };
}

function randomTextId(rng: Rng, args: MaskingArgs): number {
  for (;;) {
    const id = rng.int(args.vocabSize);
    if (!args.specialIds.has(id)) return id;
  }
}
