/**
 * Distillation losses: pure functions of student and teacher tensors, each a scalar mean over
 * what it compares. Masks are 1 for real tokens and 0 for padding; padded positions never count,
 * so the loss of a batch does not depend on how much padding it has.
 *
 *   Hinton et al. 2015, "Distilling the Knowledge in a Neural Network" (arXiv:1503.02531);
 *   Sanh et al. 2019, "DistilBERT" (arXiv:1910.01108); Jiao et al. 2020, "TinyBERT" (arXiv:1909.10351).
 *
 * Shapes: B batch, T tokens, C classes (or V vocabulary), H width, A heads, N rows.
 */
import * as tf from "@tensorflow/tfjs";
import { crossEntropy } from "../train/losses";

function sameShape(what: string, a: tf.Tensor, b: tf.Tensor): void {
  if (a.shape.join() !== b.shape.join()) throw new Error(`${what}: student shape [${a.shape}] differs from teacher shape [${b.shape}]`);
}

/** Mean of `values` [N] over rows whose `keep` [N] is 1 (all rows when absent). */
function maskedMean(values: tf.Tensor1D, keep?: tf.Tensor): tf.Scalar {
  if (!keep) return tf.mean(values) as tf.Scalar;
  const k = tf.reshape(tf.cast(keep, "float32"), [-1]); // [N]
  return tf.div(tf.sum(tf.mul(values, k)), tf.maximum(tf.sum(k), 1)) as tf.Scalar;
}

/**
 * Hinton's soft-target loss: T² · KL(softmax(t / T) ‖ softmax(s / T)), averaged over rows.
 * KL rather than soft cross-entropy: the two differ by the teacher's entropy, a constant, so the
 * gradients are the same, but KL is 0 when the student matches and reads as "how far off". The
 * T² keeps the gradient's size independent of T (Hinton §2). Logits [..., C]; `rowMask` has the
 * logits' shape without the class axis (e.g. [B, P] to skip padded MLM prediction slots).
 */
export function softTargetLoss(studentLogits: tf.Tensor, teacherLogits: tf.Tensor, temperature: number, rowMask?: tf.Tensor): tf.Scalar {
  if (!(temperature > 0)) throw new Error(`softTargetLoss: temperature must be > 0, got ${temperature}`);
  sameShape("softTargetLoss", studentLogits, teacherLogits);
  return tf.tidy(() => {
    const C = studentLogits.shape[studentLogits.shape.length - 1];
    const s = tf.div(tf.reshape(studentLogits, [-1, C]), temperature); // [N, C]
    const t = tf.div(tf.reshape(teacherLogits, [-1, C]), temperature); // [N, C]
    const logPt = tf.logSoftmax(t);
    const kl = tf.sum(tf.mul(tf.exp(logPt), tf.sub(logPt, tf.logSoftmax(s))), -1) as tf.Tensor1D; // [N]
    return tf.mul(maskedMean(kl, rowMask), temperature * temperature) as tf.Scalar;
  });
}

export interface DistillationLossArgs {
  studentLogits: tf.Tensor;
  teacherLogits: tf.Tensor;
  /** Hard labels (−100 = none); needed only when alpha > 0. */
  labels?: tf.Tensor;
  temperature: number;
  /** Weight of the hard-label cross-entropy; the soft-target loss gets 1 − alpha. */
  alpha: number;
}

/** (1 − α) · softTargetLoss + α · cross-entropy with the hard labels (Hinton's weighted average). */
export function distillationLoss(args: DistillationLossArgs): tf.Scalar {
  const { alpha } = args;
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`distillationLoss: alpha must be in [0, 1], got ${alpha}`);
  if (alpha > 0 && !args.labels) throw new Error(`distillationLoss: alpha ${alpha} weighs hard labels, but none were given; use alpha 0 for unlabelled data`);
  return tf.tidy(() => {
    const soft = tf.mul(softTargetLoss(args.studentLogits, args.teacherLogits, args.temperature), 1 - alpha);
    return (alpha > 0 ? tf.add(soft, tf.mul(crossEntropy(args.studentLogits, args.labels!), alpha)) : soft) as tf.Scalar;
  });
}

/** Mean squared difference of logits (Ba & Caruana 2014), over the classes of the kept rows. */
export function logitMse(student: tf.Tensor, teacher: tf.Tensor, rowMask?: tf.Tensor): tf.Scalar {
  sameShape("logitMse", student, teacher);
  return tf.tidy(() => {
    const C = student.shape[student.shape.length - 1];
    const perRow = tf.mean(tf.square(tf.sub(tf.reshape(student, [-1, C]), tf.reshape(teacher, [-1, C]))), -1) as tf.Tensor1D; // [N]
    return maskedMean(perRow, rowMask);
  });
}

/**
 * DistilBERT's cosine embedding loss: 1 − cos(student, teacher) of each real token's hidden state
 * [B, T, H], averaged over real tokens. It aligns directions, not sizes, so it needs equal widths.
 */
export function hiddenCosineLoss(studentHidden: tf.Tensor3D, teacherHidden: tf.Tensor3D, attentionMask: tf.Tensor2D): tf.Scalar {
  if (studentHidden.shape[2] !== teacherHidden.shape[2]) {
    throw new Error(`hiddenCosineLoss: student width ${studentHidden.shape[2]} differs from teacher width ${teacherHidden.shape[2]}; the cosine loss compares hidden states directly (use hiddenMse with a projection)`);
  }
  sameShape("hiddenCosineLoss", studentHidden, teacherHidden);
  return tf.tidy(() => {
    const dot = tf.sum(tf.mul(studentHidden, teacherHidden), -1); // [B, T]
    // As torch's cosine_embedding_loss: dot / √((‖s‖² + ε)(‖t‖² + ε)).
    const norms = tf.sqrt(tf.mul(tf.add(tf.sum(tf.square(studentHidden), -1), 1e-12), tf.add(tf.sum(tf.square(teacherHidden), -1), 1e-12))); // [B, T]
    const oneMinusCos = tf.reshape(tf.sub(1, tf.div(dot, norms)), [-1]) as tf.Tensor1D; // [B·T]
    return maskedMean(oneMinusCos, attentionMask);
  });
}

/**
 * TinyBERT's attention loss: mean squared difference of attention probabilities [B, A, T, T]
 * over the entries whose query and key are both real tokens, averaged over heads. With equal head
 * counts head h learns from head h, as in TinyBERT; with different counts both sides are first
 * averaged over their heads (still a distribution per query), since no head-to-head map exists.
 */
export function attentionMse(studentProbs: tf.Tensor4D, teacherProbs: tf.Tensor4D, attentionMask: tf.Tensor2D): tf.Scalar {
  const [B, As, T] = studentProbs.shape;
  const [Bt, At, Tt] = teacherProbs.shape;
  if (B !== Bt || T !== Tt) throw new Error(`attentionMse: student attention [${studentProbs.shape}] and teacher attention [${teacherProbs.shape}] cover different batches or lengths`);
  return tf.tidy(() => {
    const s = As === At ? studentProbs : tf.mean(studentProbs, 1, true); // [B, A', T, T]
    const t = As === At ? teacherProbs : tf.mean(teacherProbs, 1, true);
    const m = tf.cast(attentionMask, "float32"); // [B, T]
    const pairs = tf.mul(tf.reshape(m, [B, 1, T, 1]), tf.reshape(m, [B, 1, 1, T])); // [B, 1, T, T] query and key both real
    const sq = tf.mul(tf.square(tf.sub(s, t)), pairs); // [B, A', T, T]
    return tf.div(tf.sum(sq), tf.mul(tf.maximum(tf.sum(pairs), 1), As === At ? As : 1)) as tf.Scalar;
  });
}

/**
 * TinyBERT's hidden-state (and embedding) loss: mean squared difference of the real tokens'
 * states, the student's [B, T, Hs] first mapped to the teacher's width by `projection` W [Hs, Ht]
 * (learned with the student; see DistillProjections) when the widths differ.
 */
export function hiddenMse(studentHidden: tf.Tensor3D, teacherHidden: tf.Tensor3D, attentionMask: tf.Tensor2D, projection?: tf.Tensor2D): tf.Scalar {
  const [B, T, Hs] = studentHidden.shape;
  const Ht = teacherHidden.shape[2];
  if (projection && (projection.shape[0] !== Hs || projection.shape[1] !== Ht)) {
    throw new Error(`hiddenMse: projection [${projection.shape}] does not map the student width ${Hs} to the teacher width ${Ht}`);
  }
  if (!projection && Hs !== Ht) throw new Error(`hiddenMse: student width ${Hs} differs from teacher width ${Ht}; pass a projection [${Hs}, ${Ht}] (DistillProjections)`);
  return tf.tidy(() => {
    const s = projection ? tf.reshape(tf.matMul(tf.reshape(studentHidden, [-1, Hs]), projection), [B, T, Ht]) : studentHidden; // [B, T, Ht]
    sameShape("hiddenMse", s, teacherHidden);
    const perToken = tf.reshape(tf.mean(tf.square(tf.sub(s, teacherHidden)), -1), [-1]) as tf.Tensor1D; // [B·T]
    return maskedMean(perToken, attentionMask);
  });
}
