/**
 * IMP's sparsity schedule as BERT-Tickets states it: each round prunes `rate` of the ORIGINAL
 * prunable weights (not of the survivors), so round k is at min(final, k × rate) — 10 %, 20 %, …
 * for rate 0.1 — and the last round lands exactly on the final sparsity.
 */

/** Sparsity after `round` pruning rounds (round 0 is the dense model). */
export function targetSparsity(round: number, rate: number, final: number): number {
  if (!(rate > 0 && rate <= 1)) throw new Error(`pruning rate ${rate} is not in (0, 1]`);
  if (!(final >= 0 && final <= 1)) throw new Error(`final sparsity ${final} is not in [0, 1]`);
  // Rounded to 12 digits so 3 × 0.1 is 0.3, not 0.30000000000000004: the value written to metrics.json is the one used.
  return Math.min(final, Math.round(round * rate * 1e12) / 1e12);
}

/** Pruning rounds needed to reach `final`: the first k with targetSparsity(k) = final. */
export function roundsToReach(final: number, rate: number): number {
  let k = 0;
  while (targetSparsity(k, rate, final) < final) k++;
  return k;
}
