/**
 * Logistic regression, the membership classifier's model: features standardised by the training
 * set's mean and standard deviation, weights fit by full-batch Adam on the class-balanced
 * cross-entropy with an L2 penalty (convex, so zero initial weights and a fixed number of steps
 * make the fit deterministic). Scoring is plain arithmetic, so a server gates without tensors.
 */
import * as tf from "@tensorflow/tfjs";

export interface LogisticModel {
  /** Per-feature mean and standard deviation of the training set (standardisation). */
  mean: number[];
  std: number[];
  weights: number[];
  bias: number;
}

export interface LogisticArgs {
  /** Adam steps over the whole training set. Default 300. */
  steps?: number;
  /** Default 0.05. */
  learningRate?: number;
  /** L2 penalty on the weights (standardised units). Default 1e-3. */
  l2?: number;
}

function columnStats(x: number[][]): { mean: number[]; std: number[] } {
  const d = x[0].length;
  const mean = new Array(d).fill(0);
  const sq = new Array(d).fill(0);
  for (const row of x) row.forEach((v, j) => (mean[j] += v));
  mean.forEach((_, j) => (mean[j] /= x.length));
  for (const row of x) row.forEach((v, j) => (sq[j] += (v - mean[j]) ** 2));
  // A constant feature carries nothing; std 1 keeps it from dividing by zero.
  return { mean, std: sq.map((s) => Math.sqrt(s / x.length) || 1) };
}

/** Fits P(y = 1 | x) on rows `x` with labels `y` in {0, 1}; each class weighs half of the loss. */
export function fitLogistic(x: number[][], y: number[], args: LogisticArgs = {}): LogisticModel {
  if (x.length === 0 || x.length !== y.length) throw new Error(`fitLogistic: ${x.length} rows and ${y.length} labels; need as many, at least one`);
  const d = x[0].length;
  if (x.some((row) => row.length !== d)) throw new Error(`fitLogistic: rows of different widths (the first has ${d})`);
  const positives = y.filter((v) => v === 1).length;
  if (y.some((v) => v !== 0 && v !== 1) || positives === 0 || positives === y.length) throw new Error("fitLogistic: labels must be 0 or 1, with both present");
  const { mean, std } = columnStats(x);
  const [w, b] = [[d, 1], [1]].map((shape) => {
    const zeros = tf.zeros(shape);
    const v = tf.variable(zeros); // a variable keeps its own copy: the zeros are released here
    zeros.dispose();
    return v;
  });
  const optimizer = tf.train.adam(args.learningRate ?? 0.05);
  const l2 = args.l2 ?? 1e-3;
  const data = tf.tidy(() => tf.div(tf.sub(tf.tensor2d(x), tf.tensor1d(mean)), tf.tensor1d(std))); // [N, d]
  const labels = tf.tensor2d(y, [y.length, 1]);
  const sampleWeights = tf.tensor2d(y.map((v) => y.length / (2 * (v === 1 ? positives : y.length - positives))), [y.length, 1]);
  try {
    for (let step = 0; step < (args.steps ?? 300); step++) {
      optimizer.minimize(() => {
        const logits = tf.add(tf.matMul(data, w), b); // [N, 1]
        const loss = tf.losses.sigmoidCrossEntropy(labels, logits, sampleWeights, undefined, tf.Reduction.MEAN);
        return tf.add(loss, tf.mul(l2, tf.sum(tf.square(w)))) as tf.Scalar;
      });
    }
    return { mean, std, weights: Array.from(w.dataSync()), bias: b.dataSync()[0] };
  } finally {
    tf.dispose([w, b, data, labels, sampleWeights]);
    optimizer.dispose();
  }
}

/** P(y = 1) of every row. */
export function logisticScores(model: LogisticModel, x: readonly number[][]): number[] {
  return x.map((row) => {
    if (row.length !== model.weights.length) throw new Error(`logisticScores: a row of ${row.length} features for a model of ${model.weights.length}`);
    let z = model.bias;
    row.forEach((v, j) => (z += ((v - model.mean[j]) / model.std[j]) * model.weights[j]));
    return 1 / (1 + Math.exp(-z));
  });
}
