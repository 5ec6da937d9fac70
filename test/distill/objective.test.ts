/**
 * lib/distill/objective.ts: a recipe's weighted sum equals the losses computed one by one, the
 * layer-wise terms pick the pairs the layer map gives, and every malformed recipe or missing
 * output is refused with a message naming it. lib/distill/projections.ts: the trainer's view.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { makeConfig } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";
import { collate } from "../../lib/train/classify";
import { crossEntropy } from "../../lib/train/losses";
import { layerMap } from "../../lib/distill/layer-map";
import { attentionMse, hiddenCosineLoss, hiddenMse, softTargetLoss } from "../../lib/distill/losses";
import { DistillContext, DistillRecipe, distillObjective, layersNeeded, termKey, validateRecipe } from "../../lib/distill/objective";
import { DistillProjections, projectionName, withProjections } from "../../lib/distill/projections";
import { toyConfig, toyExamples } from "../fixtures/toy-task";

before(() => initBackend({ quiet: true }));

const teacherConfig = makeConfig({ ...toyConfig, num_hidden_layers: 2 });
const studentConfig = makeConfig({ ...toyConfig, hidden_size: 8, intermediate_size: 16 });
const pairsOf = (list: { student: number; teacher: number }[]) => list.map((p) => [p.student, p.teacher]);

test("termKey and the default layers of each layer-wise loss under layerMap(2, 4)", () => {
  const map = layerMap(2, 4);
  const needed = (recipe: DistillRecipe) => {
    const n = layersNeeded(recipe, map);
    return { hidden: pairsOf(n.hidden), attention: pairsOf(n.attention) };
  };
  assert.deepEqual(needed([{ loss: "hidden-mse", weight: 1 }]), { hidden: [[1, 2], [2, 4]], attention: [] });
  assert.deepEqual(needed([{ loss: "embedding-mse", weight: 1 }]), { hidden: [[0, 0]], attention: [] });
  assert.deepEqual(needed([{ loss: "attention-mse", weight: 1 }]), { hidden: [], attention: [[1, 2], [2, 4]] });
  assert.deepEqual(needed([{ loss: "hidden-cos", weight: 1 }]), { hidden: [[2, 4]], attention: [] }, "DistilBERT: last with last");
  assert.deepEqual(needed([{ loss: "hidden-mse", weight: 1, layers: [1] }, { loss: "soft-ce", weight: 1 }]), { hidden: [[1, 2]], attention: [] });
  assert.deepEqual(needed([{ loss: "hidden-mse", weight: 0 }, { loss: "soft-ce", weight: 1 }]), { hidden: [], attention: [] }, "weight 0 reads nothing");
  assert.equal(termKey({ loss: "hidden-mse", weight: 1, layers: [1, 2] }), "hidden-mse@1,2");
  assert.equal(termKey({ loss: "soft-ce", weight: 1 }), "soft-ce");
});

test("malformed recipes are refused with a message naming the term", () => {
  const bad = (recipe: unknown, message: RegExp) => assert.throws(() => validateRecipe(recipe as DistillRecipe), message);
  bad([{ loss: "soft-kl", weight: 1 }], /unknown distillation loss "soft-kl"; use one of soft-ce, hard-ce/);
  bad([{ loss: "soft-ce", weight: -1 }], /soft-ce: weight must be a finite number ≥ 0, got -1/);
  bad([{ loss: "soft-ce", weight: 1, layers: [1] }], /soft-ce compares logits; it takes no layers/);
  bad([{ loss: "hidden-mse", weight: 1 }, { loss: "hidden-mse", weight: 2 }], /the recipe has hidden-mse twice/);
  bad([{ loss: "soft-ce", weight: 0 }], /no term with a weight above 0/);
  const map = layerMap(2, 4);
  assert.throws(() => layersNeeded([{ loss: "embedding-mse", weight: 1, layers: [1] }], map), /embedding-mse compares the embeddings \(layer 0\) only/);
  assert.throws(() => layersNeeded([{ loss: "attention-mse", weight: 1, layers: [0] }], map), /attention-mse: layer 0 is the embeddings \(no attention\)/);
  assert.throws(() => layersNeeded([{ loss: "hidden-mse", weight: 1, layers: [3] }], map), /hidden-mse: student layer 3 has no teacher partner/);
});

test("distillObjective on real forward passes: Σ weight · loss, each term reported, projections and attention per layer pair", () => {
  const teacher = EncoderModel.create(teacherConfig, "sequence-classification", 1);
  const student = EncoderModel.create(studentConfig, "sequence-classification", 2);
  const projections = DistillProjections.create(8, 16, ["hidden", "embedding"], 3);
  const batch = collate(toyExamples(4, 9), 0); // lengths differ: padding in every batch row but the longest
  const before = tf.memory().numTensors;
  const recipe: DistillRecipe = [
    { loss: "soft-ce", weight: 0.5 }, { loss: "hard-ce", weight: 0.25 }, { loss: "hidden-mse", weight: 2 },
    { loss: "embedding-mse", weight: 3 }, { loss: "attention-mse", weight: 4 }, { loss: "logit-mse", weight: 0 },
  ];
  const [got, want, terms] = tf.tidy(() => {
    const s = student.forward(batch, { outputHiddenStates: true, outputAttentions: true });
    const t = teacher.forward(batch, { outputHiddenStates: true, outputAttentions: true });
    const ctx: DistillContext = { student: s, teacher: t, attentionMask: batch.attentionMask, labels: batch.labels, temperature: 2, layerMap: layerMap(1, 2), projections };
    const out = distillObjective(recipe, ctx);
    const m = batch.attentionMask;
    // By hand: student layer 1 ↔ teacher layer 2, embeddings ↔ embeddings.
    const soft = softTargetLoss(s.logits!, t.logits!, 2).dataSync()[0];
    const ce = crossEntropy(s.logits!, batch.labels).dataSync()[0];
    const hid = hiddenMse(s.hiddenStates![1], t.hiddenStates![2], m, projections.get("hidden")).dataSync()[0];
    const emb = hiddenMse(s.hiddenStates![0], t.hiddenStates![0], m, projections.get("embedding")).dataSync()[0];
    const att = attentionMse(s.attentions![0], t.attentions![1], m).dataSync()[0];
    return [out.total.dataSync()[0], 0.5 * soft + 0.25 * ce + 2 * hid + 3 * emb + 4 * att, Object.keys(out.terms)];
  });
  assert.ok(Math.abs(got - want) < 1e-5, `total ${got}, by hand ${want}`);
  assert.deepEqual(terms, ["soft-ce", "hard-ce", "hidden-mse", "embedding-mse", "attention-mse"], "weight-0 terms are not computed");
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  // The projections get gradients (they are trained with the student).
  const { grads, value } = tf.variableGrads(() => {
    const s = student.forward(batch, { outputHiddenStates: true });
    const t = teacher.forward(batch, { outputHiddenStates: true });
    return distillObjective([{ loss: "hidden-mse", weight: 1 }], { student: s, teacher: t, attentionMask: batch.attentionMask, layerMap: layerMap(1, 2), projections }).total;
  }, [projections.get("hidden")]);
  assert.ok(Math.abs(grads[projections.get("hidden").name].abs().sum().dataSync()[0]) > 0);
  tf.dispose([value, ...Object.values(grads)]);
  teacher.dispose();
  student.dispose();
  projections.dispose();
});

test("distillObjective names what a context lacks", () => {
  const h = tf.zeros([1, 2, 4]) as tf.Tensor3D;
  const m = tf.ones([1, 2]) as tf.Tensor2D;
  const logits = tf.zeros([1, 2]);
  const base: DistillContext = { student: { logits, hiddenStates: [h, h] }, teacher: { logits, hiddenStates: [h] }, attentionMask: m };
  assert.throws(() => distillObjective([{ loss: "hard-ce", weight: 1 }], base), /hard-ce needs hard labels/);
  assert.throws(() => distillObjective([{ loss: "hidden-cos", weight: 1 }], base), /hidden-cos compares layers; the context needs a layerMap/);
  assert.throws(() => distillObjective([{ loss: "hidden-cos", weight: 1 }], { ...base, layerMap: layerMap(1, 1) }), /teacher hidden state 1 was not computed/);
  assert.throws(() => distillObjective([{ loss: "attention-mse", weight: 1 }], { ...base, layerMap: layerMap(1, 1) }), /student attention of layer 1 was not computed/);
  assert.throws(() => distillObjective([{ loss: "soft-ce", weight: 1 }], { ...base, teacher: {} }), /the teacher outputs have no logits/);
  // hidden-cos works from equal-width states: 1 − cos of identical non-zero vectors is 0.
  const x = tf.ones([1, 2, 4]) as tf.Tensor3D;
  const same = distillObjective([{ loss: "hidden-cos", weight: 1 }], { ...base, student: { hiddenStates: [x, x] }, teacher: { hiddenStates: [x, x] }, layerMap: layerMap(1, 1) });
  assert.ok(Math.abs(same.total.dataSync()[0] - hiddenCosineLoss(x, x, m).dataSync()[0]) < 1e-7);
});

test("withProjections: the trainer's view holds the student's own variables plus the projections", () => {
  const student = EncoderModel.create(studentConfig, "sequence-classification", 2);
  const projections = DistillProjections.create(8, 16, ["hidden"], 3);
  const view = withProjections(student, projections);
  assert.equal(view.params.size, student.params.size + 1);
  for (const [name, v] of student.params) assert.equal(view.params.get(name), v, `${name} is the same variable`);
  assert.equal(view.params.get(projectionName("hidden")), projections.get("hidden"));
  assert.deepEqual(projections.get("hidden").shape, [8, 16]);
  assert.equal(withProjections(student, undefined), student);
  assert.throws(() => projections.get("embedding"), /no embedding projection/);
  // Same seed, same weights.
  const again = DistillProjections.create(8, 16, ["hidden"], 3);
  assert.deepEqual(again.get("hidden").dataSync(), projections.get("hidden").dataSync());
  assert.throws(() => withProjections(view, again), /student already has a parameter distill.hidden_projection.weight/);
  again.dispose();
  projections.dispose();
  student.dispose();
});
