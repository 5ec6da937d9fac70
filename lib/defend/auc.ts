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
