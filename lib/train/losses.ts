/** The task losses, each the mean over its examples. */
import * as tf from "@tensorflow/tfjs";

/**
 * Cross-entropy of integer labels under logits [N, C]; labels equal to `ignoreIndex` (default -100,
 * as in transformers) do not count, e.g. unmasked MLM positions.
 */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor, ignoreIndex = -100): tf.Scalar {
  return tf.tidy(() => {
    const C = logits.shape[logits.shape.length - 1];
    const flatLogits = tf.reshape(logits, [-1, C]); // [N, C]
    const flatLabels = tf.reshape(tf.cast(labels, "int32"), [-1]); // [N]
    const keep = tf.cast(tf.notEqual(flatLabels, tf.scalar(ignoreIndex, "int32")), "float32"); // [N]
    const safeLabels = tf.mul(flatLabels, tf.cast(keep, "int32"));
    const picked = tf.sum(tf.mul(tf.logSoftmax(flatLogits), tf.oneHot(safeLabels, C)), -1); // [N]
    return tf.div(tf.neg(tf.sum(tf.mul(picked, keep))), tf.maximum(tf.sum(keep), 1)) as tf.Scalar;
  });
}

/** Cross-entropy against target distributions: −Σ_c t_c log softmax(z)_c, averaged over rows (Hinton's soft targets at T = 1). */
export function softCrossEntropy(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const C = logits.shape[logits.shape.length - 1];
    const flatLogits = tf.reshape(logits, [-1, C]); // [N, C]
    const flatTargets = tf.reshape(targets, [-1, C]); // [N, C]
    return tf.neg(tf.mean(tf.sum(tf.mul(flatTargets, tf.logSoftmax(flatLogits)), -1))) as tf.Scalar;
  });
}

/** Span extraction loss (SQuAD): mean of the start and end cross-entropies over positions. */
export function spanLoss(startLogits: tf.Tensor2D, endLogits: tf.Tensor2D, startPositions: tf.Tensor1D, endPositions: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.div(tf.add(crossEntropy(startLogits, startPositions), crossEntropy(endLogits, endPositions)), 2) as tf.Scalar);
}

/** Mean squared error of predictions [N] or [N, 1] against targets [N] (regression heads: STS-B, as transformers' MSELoss for num_labels = 1). */
export function mseLoss(predictions: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(tf.reshape(predictions, [-1]), tf.reshape(tf.cast(targets, "float32"), [-1])))) as tf.Scalar);
}
