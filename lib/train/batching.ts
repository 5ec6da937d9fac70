/**
 * Epoch orders and length-bucketed batches. Each epoch's order is a pure function of
 * (seed, epoch), so a resumed run needs only (epoch, batch index) to continue exactly.
 */
import { Rng } from "../engine/rng";

export interface BatchingArgs {
  /** Examples per batch. */
  batchSize: number;
  /** Sort windows of this many batches by length so padding is small (1 = no bucketing). Default 50. */
  bucketWindow?: number;
  /** Drop the last incomplete batch. Default false. */
  dropLast?: boolean;
}

/**
 * The batches of one epoch, as lists of example indices: shuffled, then within windows of
 * `bucketWindow` batches sorted by length, then the batch order shuffled again.
 */
export function epochBatches(lengths: ArrayLike<number>, args: BatchingArgs, seed: number, epoch: number): number[][] {
  const rng = Rng.derive(seed, `epoch-${epoch}`);
  const order = rng.shuffle(Array.from({ length: lengths.length }, (_, i) => i));
  const window = args.batchSize * Math.max(1, args.bucketWindow ?? 50);
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += window) {
    const chunk = order.slice(start, start + window);
    if ((args.bucketWindow ?? 50) > 1) chunk.sort((a, b) => lengths[a] - lengths[b]);
    for (let b = 0; b < chunk.length; b += args.batchSize) batches.push(chunk.slice(b, b + args.batchSize));
  }
  const complete = args.dropLast ? batches.filter((b) => b.length === args.batchSize) : batches;
  return rng.shuffle(complete);
}

/** Number of batches per epoch. */
export function batchesPerEpoch(n: number, args: BatchingArgs): number {
  const window = args.batchSize * Math.max(1, args.bucketWindow ?? 50);
  let count = 0;
  for (let start = 0; start < n; start += window) {
    const size = Math.min(window, n - start);
    count += args.dropLast ? Math.floor(size / args.batchSize) : Math.ceil(size / args.batchSize);
  }
  return count;
}
