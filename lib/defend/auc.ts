/** Threshold-free quality of a binary scorer, for the membership classifier's table. */

/**
 * Area under the ROC curve: the probability that a random positive (label 1) scores above a
 * random negative, ties counting half — the Mann–Whitney U statistic from mid-ranks.
 */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  if (scores.length !== labels.length) throw new Error(`rocAuc: ${scores.length} scores for ${labels.length} labels`);
  const positives = labels.filter((l) => l === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) throw new Error("rocAuc needs both positives (label 1) and negatives (label 0)");
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const midRank = (i + j) / 2 + 1; // 1-based ranks i+1 … j+1 share their mean
    for (let t = i; t <= j; t++) if (labels[order[t]] === 1) rankSum += midRank;
    i = j + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * The ROC curve of scores (positives: label 1), from (0, 0) to (1, 1): one point per distinct
 * threshold, thinned to at most `maxPoints` (evenly along the curve's steps, both ends kept) so
 * results files stay small.
 */
export function rocCurve(scores: readonly number[], labels: readonly number[], maxPoints = 101): { fpr: number[]; tpr: number[] } {
  if (scores.length !== labels.length) throw new Error(`rocCurve: ${scores.length} scores for ${labels.length} labels`);
  const positives = labels.filter((l) => l === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) throw new Error("rocCurve needs both positives (label 1) and negatives (label 0)");
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const fpr = [0];
  const tpr = [0];
  let [tp, fp] = [0, 0];
  for (let i = 0; i < order.length; i++) {
    if (labels[order[i]] === 1) tp++;
    else fp++;
    // Tied scores pass a threshold together: one point after the last of them.
    if (i + 1 === order.length || scores[order[i + 1]] !== scores[order[i]]) {
      fpr.push(fp / negatives);
      tpr.push(tp / positives);
    }
  }
  if (fpr.length <= maxPoints) return { fpr, tpr };
  const keep = Array.from({ length: maxPoints }, (_, k) => Math.round((k * (fpr.length - 1)) / (maxPoints - 1)));
  return { fpr: keep.map((i) => fpr[i]), tpr: keep.map((i) => tpr[i]) };
}
