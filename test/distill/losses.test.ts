/**
 * lib/distill/losses.ts: every loss against arithmetic written out here on tiny tensors, the
 * direction of its gradient, and that padded positions never change it.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { attentionMse, distillationLoss, hiddenCosineLoss, hiddenMse, logitMse, softTargetLoss } from "../../lib/distill/losses";

before(() => initBackend({ quiet: true }));

const value = (t: tf.Scalar) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};
const close = (got: number, want: number, what: string, tol = 1e-5) => assert.ok(Math.abs(got - want) < tol, `${what}: got ${got}, want ${want}`);
const softmax = (row: number[]) => {
  const e = row.map((v) => Math.exp(v - Math.max(...row)));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
};

const student = [[2, 0, -1], [0.5, 0.5, 3]];
const teacher = [[1, 1, 0], [0, 2, 1]];

test("softTargetLoss is T² · KL(teacher_T ‖ student_T) averaged over rows, 0 when they agree", () => {
  const T = 2;
  // Row by row: p = softmax(t / T), q = softmax(s / T), KL = Σ_c p_c (ln p_c − ln q_c).
  const kl = student.map((s, i) => {
    const p = softmax(teacher[i].map((v) => v / T));
    const q = softmax(s.map((v) => v / T));
    return p.reduce((acc, pc, c) => acc + pc * (Math.log(pc) - Math.log(q[c])), 0);
  });
  const want = (T * T * (kl[0] + kl[1])) / 2;
  close(value(softTargetLoss(tf.tensor2d(student), tf.tensor2d(teacher), T)), want, "T = 2");
  close(value(softTargetLoss(tf.tensor2d(teacher), tf.tensor2d(teacher), T)), 0, "student = teacher");
  // [B, P, C] logits with a row mask [B, P]: the masked row is left out of the mean, whatever it holds.
  const masked = (junk: number) => value(softTargetLoss(tf.tensor3d([[student[0], [junk, 0, 0]]]), tf.tensor3d([[teacher[0], [0, junk, 0]]]), T, tf.tensor2d([[1, 0]])));
  close(masked(0), T * T * kl[0], "only the kept row");
  close(masked(7), masked(-3), "a masked row does not matter");
  assert.throws(() => softTargetLoss(tf.tensor2d(student), tf.tensor2d(teacher), 0), /temperature must be > 0/);
  assert.throws(() => softTargetLoss(tf.tensor2d(student), tf.tensor2d([[1, 2]]), 1), /student shape \[2,3\] differs from teacher shape \[1,2\]/);
});

test("softTargetLoss: the gradient is T · (q − p) / N, and a step against it lowers the loss", () => {
  const T = 2;
  const t = tf.tensor2d(teacher);
  const f = (s: tf.Tensor) => softTargetLoss(s, t, T);
  const grad = tf.grad(f)(tf.tensor2d(student)).arraySync() as number[][];
  grad.forEach((row, i) => {
    const p = softmax(teacher[i].map((v) => v / T));
    const q = softmax(student[i].map((v) => v / T));
    // d/ds T² KL = T² · (1/T) · (q − p), over N = 2 rows.
    row.forEach((g, c) => close(g, (T * (q[c] - p[c])) / 2, `grad[${i}][${c}]`));
  });
  // Student class 0 of row 0 is over-confident (2 vs teacher 1): its gradient is positive, so descent lowers it.
  assert.ok(grad[0][0] > 0);
  const stepped = student.map((row, i) => row.map((v, c) => v - 0.5 * grad[i][c]));
  assert.ok(value(f(tf.tensor2d(stepped))) < value(f(tf.tensor2d(student))));
});

test("distillationLoss mixes (1 − α) soft targets with α hard-label cross-entropy", () => {
  const labels = tf.tensor1d([0, 2], "int32");
  const soft = value(softTargetLoss(tf.tensor2d(student), tf.tensor2d(teacher), 3));
  // Hard CE by hand: −ln softmax(s)[label], mean over rows.
  const hard = -(Math.log(softmax(student[0])[0]) + Math.log(softmax(student[1])[2])) / 2;
  const mixed = value(distillationLoss({ studentLogits: tf.tensor2d(student), teacherLogits: tf.tensor2d(teacher), labels, temperature: 3, alpha: 0.25 }));
  close(mixed, 0.75 * soft + 0.25 * hard, "α = 0.25");
  // α = 0 needs no labels (unlabelled transfer data).
  close(value(distillationLoss({ studentLogits: tf.tensor2d(student), teacherLogits: tf.tensor2d(teacher), temperature: 3, alpha: 0 })), soft, "α = 0");
  assert.throws(() => distillationLoss({ studentLogits: tf.tensor2d(student), teacherLogits: tf.tensor2d(teacher), temperature: 3, alpha: 0.5 }), /none were given/);
  assert.throws(() => distillationLoss({ studentLogits: tf.tensor2d(student), teacherLogits: tf.tensor2d(teacher), labels, temperature: 3, alpha: 1.5 }), /alpha must be in \[0, 1\]/);
});

test("logitMse is the mean squared logit difference; its gradient 2(s − t)/(N·C) points away from the teacher", () => {
  // Differences: row 0 [1, −1, −1], row 1 [0.5, −1.5, 2] → squares 1 + 1 + 1 + 0.25 + 2.25 + 4 = 9.5, over 6 entries.
  close(value(logitMse(tf.tensor2d(student), tf.tensor2d(teacher))), 9.5 / 6, "mse");
  // Row mask keeps row 1 only: (0.25 + 2.25 + 4) / 3.
  close(value(logitMse(tf.tensor2d(student), tf.tensor2d(teacher), tf.tensor1d([0, 1]))), 6.5 / 3, "row 1");
  const grad = tf.grad((s: tf.Tensor) => logitMse(s, tf.tensor2d(teacher)))(tf.tensor2d(student)).arraySync() as number[][];
  grad.forEach((row, i) => row.forEach((g, c) => close(g, (2 * (student[i][c] - teacher[i][c])) / 6, `grad[${i}][${c}]`)));
});

// Hidden states [B = 1, T = 3, H = 2]; token 2 is padding.
const mask = () => tf.tensor2d([[1, 1, 0]]);

test("hiddenCosineLoss is the mean of 1 − cos over real tokens; padding and the widths are checked", () => {
  const s = (pad: number) => tf.tensor3d([[[1, 0], [0, 2], [pad, pad]]]);
  const t = tf.tensor3d([[[1, 1], [0, -1], [5, 5]]]);
  // Token 0: cos([1, 0], [1, 1]) = 1/√2; token 1: cos([0, 2], [0, −1]) = −1. Mean of (1 − 1/√2, 2).
  const want = (1 - Math.SQRT1_2 + 2) / 2;
  close(value(hiddenCosineLoss(s(3), t, mask())), want, "cosine loss");
  close(value(hiddenCosineLoss(s(-8), t, mask())), want, "a padded token does not matter");
  // Turning token 0 towards the teacher's direction lowers the loss (gradient step).
  const g = tf.grad((x: tf.Tensor) => hiddenCosineLoss(x as tf.Tensor3D, t, mask()))(s(0));
  const stepped = tf.sub(s(0), tf.mul(g, 0.5)) as tf.Tensor3D;
  assert.ok(value(hiddenCosineLoss(stepped, t, mask())) < want);
  assert.equal((g.arraySync() as number[][][])[0][2].join(), "0,0", "no gradient reaches a padded token");
  assert.throws(() => hiddenCosineLoss(tf.zeros([1, 3, 4]) as tf.Tensor3D, t, mask()), /student width 4 differs from teacher width 2/);
});

test("attentionMse averages squared differences over real query–key pairs and heads; unequal head counts compare head means", () => {
  // [B = 1, A = 1, T = 3, T], token 2 padded: only entries (i, j) with i, j ∈ {0, 1} count.
  const s = (pad: number) => tf.tensor4d([[[[0.5, 0.5, pad], [0.2, 0.8, pad], [pad, pad, pad]]]]);
  const t = tf.tensor4d([[[[1, 0, 0], [0.4, 0.6, 0], [0.3, 0.3, 0.4]]]]);
  // (0.5² + 0.5² + 0.2² + 0.2²) / 4 = (0.25 + 0.25 + 0.04 + 0.04) / 4 = 0.145.
  close(value(attentionMse(s(0), t, mask())), 0.145, "one head");
  close(value(attentionMse(s(0.9), t, mask())), 0.145, "padded keys and queries do not matter");
  // Two heads each: head 0 as above (0.145), head 1 identical to the teacher's head 1 (0) → mean 0.0725.
  const two = (x: tf.Tensor4D, y: tf.Tensor4D) => tf.concat([x, y], 1) as tf.Tensor4D;
  close(value(attentionMse(two(s(0), t), two(t, t), mask())), 0.0725, "head h with head h");
  // Student 2 heads vs teacher 1: the student's head mean ((s + t) / 2) against t → differences halve → 0.145 / 4.
  close(value(attentionMse(two(s(0), t), t, mask())), 0.145 / 4, "head means");
  assert.throws(() => attentionMse(s(0), tf.zeros([1, 1, 2, 2]) as tf.Tensor4D, mask()), /different batches or lengths/);
});

test("hiddenMse projects the student to the teacher's width, averages over real tokens, and trains the projection", () => {
  // Student [1, 3, 1] (H_s = 1), W [1, 2] = [[1, 2]] → projected tokens [1, 2], [−1, −2]; teacher width 2.
  const s = (pad: number) => tf.tensor3d([[[1], [-1], [pad]]]);
  const t = tf.tensor3d([[[0, 2], [-1, 0], [9, 9]]]);
  const W = tf.tensor2d([[1, 2]]);
  // Token 0: ((1−0)² + (2−2)²) / 2 = 0.5; token 1: ((−1+1)² + (−2−0)²) / 2 = 2. Mean over 2 real tokens: 1.25.
  close(value(hiddenMse(s(0), t, mask(), W)), 1.25, "projected");
  close(value(hiddenMse(s(4), t, mask(), W)), 1.25, "a padded token does not matter");
  // Equal widths need no projection. Student [[1, −1], [0, 0]] vs teacher [[0, 2], [−1, 0]]: token 0 (1 + 9) / 2, token 1 (1 + 0) / 2.
  close(value(hiddenMse(tf.tensor3d([[[1, -1], [0, 0], [7, 7]]]), t, mask())), ((1 + 9) / 2 + (1 + 0) / 2) / 2, "equal widths");
  assert.throws(() => hiddenMse(s(0), t, mask()), /student width 1 differs from teacher width 2; pass a projection \[1, 2\]/);
  assert.throws(() => hiddenMse(s(0), t, mask(), tf.zeros([2, 2]) as tf.Tensor2D), /projection \[2,2\] does not map/);
  // dL/dW: each token gives (2/H_t)·x·(xW − t) = x·(xW − t): token 0 1·[1, 0], token 1 −1·[0, −2] = [0, 2]; mean over 2 tokens → [0.5, 1].
  const grad = tf.grad((w: tf.Tensor) => hiddenMse(s(0), t, mask(), w as tf.Tensor2D))(W).arraySync() as number[][];
  close(grad[0][0], 0.5, "dL/dW[0][0]");
  close(grad[0][1], 1, "dL/dW[0][1]");
  const stepped = tf.sub(W, tf.mul(tf.tensor2d(grad), 0.1)) as tf.Tensor2D;
  assert.ok(value(hiddenMse(s(0), t, mask(), stepped)) < 1.25, "a step against the gradient lowers the loss");
});
