/**
 * How far an input lies from a model's training data, seen through a pretrained encoder
 * (Keskar et al. 2020, §4 and Figure 2): sentence embeddings by max-pooling the last layer, the
 * minimum inner-product distance of each example to a reference set, how separable two groups are
 * by a threshold on that distance (ROC AUC), and the bins of their overlaid histograms.
 *
 * Definitions. For an input x of T real tokens (padding excluded; [CLS]/[SEP] or <s>/</s> included)
 * with last-layer hidden states h_1 … h_T ∈ ℝ^H, its embedding is the element-wise maximum
 *     e(x)_j = max_t h_{t,j}          (j = 1 … H).
 * The inner-product distance between two inputs is the negated inner product
 *     d(x, y) = −⟨e(x), e(y)⟩,
 * so the nearest neighbour under d is the maximum-inner-product neighbour (what an inner-product
 * index such as FAISS's IndexFlatIP returns). The distance of x to a reference set R is the minimum
 *     D(x, R) = min_{y ∈ R} d(x, y) = −max_{y ∈ R} ⟨e(x), e(y)⟩.
 * Smaller is closer; the embeddings are not normalised, so D also reflects their norms.
 */
import * as tf from "@tensorflow/tfjs";
import { EncoderModel } from "../model/encoder";
import { EncodedExample, collate } from "../train/classify";

/** e(x) for every example (max over each example's real tokens of the last layer), in input order; computed in length-sorted batches. */
export function maxPooledEmbeddings(model: EncoderModel, examples: EncodedExample[], batchSize = 64): Float32Array[] {
  const order = examples.map((_, i) => i).sort((a, b) => examples[a].ids.length - examples[b].ids.length);
  const out: Float32Array[] = new Array(examples.length);
  const H = model.config.hidden_size;
  for (let start = 0; start < order.length; start += batchSize) {
    const idx = order.slice(start, start + batchSize);
    const pooled = tf.tidy(() => {
      const batch = collate(idx.map((i) => examples[i]), model.config.pad_token_id);
      const hidden = model.forward(batch).lastHidden; // [B, T, H]
      const pad = tf.mul(tf.sub(1, tf.cast(batch.attentionMask, "float32")), -1e9).expandDims(2); // [B, T, 1]: −1e9 on padding
      return tf.max(tf.add(hidden, pad), 1); // [B, H]
    });
    const values = pooled.dataSync() as Float32Array;
    pooled.dispose();
    idx.forEach((i, r) => (out[i] = values.slice(r * H, (r + 1) * H)));
  }
  return out;
}

/** D(x, R) = min over r in `reference` of −⟨x, r⟩, for every x in `queries`; the reference is multiplied in chunks of `chunk` rows. */
export function minInnerProductDistances(queries: Float32Array[], reference: Float32Array[], chunk = 4096): number[] {
  if (queries.length === 0) return [];
  if (reference.length === 0) throw new Error("minInnerProductDistances needs a non-empty reference set");
  const H = queries[0].length;
  for (const v of [...queries, ...reference]) if (v.length !== H) throw new Error(`embeddings of different widths (${v.length} vs ${H})`);
  const stack = (rows: Float32Array[]) => {
    const flat = new Float32Array(rows.length * H);
    rows.forEach((r, i) => flat.set(r, i * H));
    return tf.tensor2d(flat, [rows.length, H]);
  };
  const q = stack(queries); // [Q, H]
  let best = new Float32Array(queries.length).fill(-Infinity);
  for (let start = 0; start < reference.length; start += chunk) {
    const r = stack(reference.slice(start, start + chunk)); // [C, H]
    const top = tf.tidy(() => tf.max(tf.matMul(q, r, false, true), 1)); // [Q]: max inner product in this chunk
    const values = top.dataSync() as Float32Array;
    tf.dispose([r, top]);
    best = best.map((b, i) => Math.max(b, values[i]));
  }
  q.dispose();
  return Array.from(best, (b) => -b);
}

/**
 * ROC AUC of a threshold on a score, with `positives` expected to score higher: the probability
 * that a random positive scores above a random negative, ties counting one half (the
 * Mann–Whitney statistic). 0.5: a threshold cannot tell the groups apart; 1: it separates them
 * perfectly (0: perfectly, the other way round).
 */
export function separationAuc(negatives: readonly number[], positives: readonly number[]): number {
  if (negatives.length === 0 || positives.length === 0) throw new Error("separationAuc needs at least one value in each group");
  const all = [...negatives.map((v) => ({ v, pos: false })), ...positives.map((v) => ({ v, pos: true }))].sort((a, b) => a.v - b.v);
  // Mid-ranks (1-based) of tied values; U = Σ positive ranks − P(P + 1) / 2.
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1].v === all[i].v) j++;
    const mid = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (all[k].pos) rankSum += mid;
    i = j + 1;
  }
  const P = positives.length;
  return (rankSum - (P * (P + 1)) / 2) / (P * negatives.length);
}

/** Counts of each group in `bins` equal-width bins spanning all values (the last bin closed), for overlaid histograms. */
export function histogramBins(groups: readonly (readonly number[])[], bins: number): { edges: number[]; counts: number[][] } {
  if (!(Number.isInteger(bins) && bins > 0)) throw new Error(`bins must be a positive integer, got ${bins}`);
  const values = groups.flat();
  if (values.length === 0) return { edges: [], counts: groups.map(() => []) };
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const counts = groups.map((g) => {
    const c = new Array(bins).fill(0);
    for (const v of g) c[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
    return c;
  });
  return { edges, counts };
}
