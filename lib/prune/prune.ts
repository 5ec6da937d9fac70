/**
 * Pruning methods that turn weights (or shapes) into masks, all deterministic: magnitude pruning
 * per matrix or with one global threshold, and seeded random pruning at given per-matrix
 * sparsities. Sparsity always counts against the ORIGINAL number of weights, and the number of
 * zeros is exact: round(sparsity × count), ties between equal magnitudes broken by position.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../engine/rng";
import { Masks } from "./masks";
import { countZeros } from "./sparsity";

/**
 * "matrix": the lowest-magnitude share of each matrix (the slide's "lowest magnitudes in each
 * layer"); "global": one threshold over all matrices together, so matrices end up unequally sparse.
 */
export type PruneScope = "matrix" | "global";

export interface MagnitudePruneArgs {
  /** Share of the original weights that is zero afterwards (per matrix or over all, by scope), in [0, 1]. */
  sparsity: number;
  scope: PruneScope;
  /** Masks in force: their zeros stay zeros, count towards `sparsity`, and only survivors are candidates. Default: none (dense). */
  masks?: Masks;
}

/** One matrix under pruning: |w| flat, and its mask being written (1 alive, 0 pruned). */
interface Group {
  name: string;
  abs: Float32Array;
  keep: Float32Array;
}

function checkSparsity(sparsity: number, what: string): void {
  if (!(sparsity >= 0 && sparsity <= 1)) throw new Error(`${what}: sparsity ${sparsity} is not in [0, 1]`);
}

/**
 * Prunes exactly `k` alive entries of `groups` with the smallest |w|. Equal magnitudes at the
 * threshold go in position order (earlier group, then earlier index), so the result is exact and
 * deterministic; a typed-array sort finds the threshold (fast enough for millions of weights).
 */
function pruneSmallest(groups: Group[], k: number): void {
  if (k === 0) return;
  const alive = groups.reduce((n, g) => n + g.keep.reduce((a, x) => a + x, 0), 0);
  if (k > alive) throw new Error(`cannot prune ${k} weights: only ${alive} are alive`);
  const values = new Float32Array(alive);
  let n = 0;
  for (const g of groups) for (let i = 0; i < g.abs.length; i++) if (g.keep[i]) values[n++] = g.abs[i];
  values.sort();
  const threshold = values[k - 1];
  let atThreshold = k - values.findIndex((v) => v === threshold); // how many entries equal to the threshold to prune
  for (const g of groups) {
    for (let i = 0; i < g.abs.length; i++) {
      if (!g.keep[i]) continue;
      if (g.abs[i] < threshold) g.keep[i] = 0;
      else if (g.abs[i] === threshold && atThreshold > 0) {
        g.keep[i] = 0;
        atThreshold--;
      }
    }
  }
}

/** Masks that prune the smallest-magnitude weights to `args.sparsity` of the original count. */
export function magnitudePrune(weights: Map<string, tf.Tensor>, args: MagnitudePruneArgs): Masks {
  checkSparsity(args.sparsity, "magnitudePrune");
  const groups: Group[] = [...weights].map(([name, w]) => {
    const prior = args.masks?.get(name);
    if (args.masks && !prior) throw new Error(`magnitudePrune: the masks in force have none for ${name}`);
    if (prior && prior.shape.join() !== w.shape.join()) throw new Error(`magnitudePrune: mask for ${name} has shape [${prior.shape}], the weight [${w.shape}]`);
    const abs = Float32Array.from(w.dataSync() as Float32Array, Math.abs);
    const keep = prior ? Float32Array.from(prior.dataSync() as Float32Array) : new Float32Array(abs.length).fill(1);
    return { name, abs, keep };
  });
  const toPrune = (members: Group[]) => {
    const total = members.reduce((n, g) => n + g.abs.length, 0);
    const zeros = members.reduce((n, g) => n + countZeros(g.keep), 0);
    const target = Math.round(args.sparsity * total);
    if (zeros > target) throw new Error(`magnitudePrune: ${members.map((g) => g.name).join(", ")} already ${zeros} of ${total} pruned, more than the target ${target} (sparsity ${args.sparsity})`);
    return target - zeros;
  };
  if (args.scope === "global") pruneSmallest(groups, toPrune(groups));
  else for (const g of groups) pruneSmallest([g], toPrune([g]));
  return new Map(groups.map((g) => [g.name, tf.tensor(g.keep, weights.get(g.name)!.shape, "float32")]));
}

/** A mask of `shape` with exactly `zeros` zeros at seeded random positions (partial Fisher–Yates). */
function randomMask(shape: number[], zeros: number, rng: Rng): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const order = Uint32Array.from({ length: size }, (_, i) => i);
  const keep = new Float32Array(size).fill(1);
  for (let i = 0; i < zeros; i++) {
    const j = i + rng.int(size - i);
    [order[i], order[j]] = [order[j], order[i]];
    keep[order[i]] = 0;
  }
  return tf.tensor(keep, shape, "float32");
}

/**
 * Random masks over `weights` (only their shapes are used): round(s × size) zeros in each matrix,
 * s one sparsity for all or one per matrix. Each matrix has its own stream derived from `seed`
 * and its name, so a matrix's mask does not depend on which others are pruned with it.
 */
export function randomPrune(weights: Map<string, tf.Tensor>, sparsity: number | Map<string, number>, seed: number): Masks {
  return new Map([...weights].map(([name, w]) => {
    const s = typeof sparsity === "number" ? sparsity : sparsity.get(name);
    if (s === undefined) throw new Error(`randomPrune: no sparsity given for ${name}`);
    checkSparsity(s, `randomPrune ${name}`);
    return [name, randomMask(w.shape, Math.round(s * w.size), Rng.derive(seed, `random-prune:${name}`))];
  }));
}

/** Random masks with exactly as many zeros in each matrix as `masks` (the random-pruning baseline of a ticket). */
export function randomPruneLike(masks: Masks, seed: number): Masks {
  return new Map([...masks].map(([name, m]) => [name, randomMask(m.shape, countZeros(m.dataSync()), Rng.derive(seed, `random-prune:${name}`))]));
}
