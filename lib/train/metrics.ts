/**
 * The GLUE metrics beyond accuracy (Wang et al. 2018): Matthews correlation (CoLA) and Pearson
 * correlation (STS-B), computed as scikit-learn and scipy do, on plain arrays.
 */

/**
 * Matthews correlation coefficient of predicted vs true class indices, in [−1, 1]; for two
 * classes (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)). The multiclass form (Gorodkin 2004,
 * as sklearn.metrics.matthews_corrcoef) for more. 0 when the denominator is 0 (one class
 * predicted, or only one in the labels), as scikit-learn returns.
 */
export function matthewsCorrelation(predicted: readonly number[], labels: readonly number[]): number {
  if (predicted.length !== labels.length) throw new Error(`matthewsCorrelation: ${predicted.length} predictions but ${labels.length} labels`);
  const n = labels.length;
  if (n === 0) throw new Error("matthewsCorrelation needs at least one example");
  const classes = Math.max(...predicted, ...labels) + 1;
  const truth = new Array(classes).fill(0); // t_k: times class k occurs
  const guess = new Array(classes).fill(0); // p_k: times class k is predicted
  let correct = 0;
  for (let i = 0; i < n; i++) {
    truth[labels[i]]++;
    guess[predicted[i]]++;
    if (predicted[i] === labels[i]) correct++;
  }
  const dot = (a: number[], b: number[]) => a.reduce((s, v, k) => s + v * b[k], 0);
  const numerator = correct * n - dot(truth, guess);
  const denominator = Math.sqrt((n * n - dot(guess, guess)) * (n * n - dot(truth, truth)));
  return denominator === 0 ? 0 : numerator / denominator;
}

/**
 * Pearson correlation of two equally long series, in [−1, 1]. 0 when either is constant (a
 * collapsed regressor predicting one value; scipy would return NaN, which no mean over seeds survives).
 */
export function pearsonCorrelation(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new Error(`pearsonCorrelation: ${x.length} vs ${y.length} values`);
  if (x.length < 2) throw new Error("pearsonCorrelation needs at least two values");
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const [mx, my] = [mean(x), mean(y)];
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    const [dx, dy] = [x[i] - mx, y[i] - my];
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}
