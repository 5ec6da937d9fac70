/**
 * lib/distill/recipes.ts, distillTask on the toy classification task, labelled and unlabelled:
 * the student comes to agree with the teacher, the loss falls, tf.memory().numTensors is flat
 * across steps, nothing is left behind, and a second run with the same seed is identical.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { EncoderModel } from "../../lib/model/encoder";
import { EncodedExample, predictLabels } from "../../lib/train/classify";
import { DistillTaskArgs, distillTask } from "../../lib/distill/recipes";
import { teacherLogits } from "../../lib/distill/cache";
import { RunRecord, assertHealthy, dev, recorder, studentConfig, trainSet, trainedTeacher, tmp, watchTeacher } from "./fixtures";

let teacher: EncoderModel;
const common = { batchSize: 16, learningRate: 1e-2, logEvery: 5, progress: false, seed: 4 };

before(async () => {
  await initBackend({ quiet: true });
  teacher = await trainedTeacher();
});

/** Distils a fresh student (seed 7) with `args`: the run's record, its term names and the student's dev agreement with the teacher. */
async function distilled(examples: EncodedExample[], args: Partial<DistillTaskArgs> & { steps: number }): Promise<RunRecord & { agreement: number; terms: string[] }> {
  const student = EncoderModel.create(studentConfig, "sequence-classification", 7);
  const rec = recorder();
  const terms = new Set<string>();
  const before = tf.memory().numTensors;
  const { run } = await distillTask(teacher, student, examples, {
    ...common, outDir: tmp("task"), evaluate: rec.evaluate, evalEvery: Math.floor(args.steps / 4), onTerms: (t) => Object.keys(t).forEach((k) => terms.add(k)), ...args,
  });
  assert.equal(tf.memory().numTensors, before, "the run leaves no tensor behind");
  const theirs = predictLabels(teacher, dev);
  const agreement = predictLabels(student, dev).filter((p, i) => p === theirs[i]).length / dev.length;
  const record = { ...rec.record(run, student), agreement, terms: [...terms] };
  student.dispose();
  return record;
}

test("distillTask: soft targets at T = 2 mixed with labels teach the narrower student the teacher's answers", async () => {
  const r = await distilled(trainSet, { steps: 120, learningRate: 2e-2, temperature: 2, alpha: 0.3 });
  assertHealthy(r, "distillTask", 0.6);
  assert.deepEqual(r.terms, ["soft-ce", "hard-ce"]);
  assert.ok(r.agreement > 0.8, `the student agrees with the teacher on ${r.agreement} of dev`);
});

test("distillTask: the teacher runs once per example up front, is never changed; the same seed gives the same run", async () => {
  const watch = watchTeacher(teacher);
  const a = await distilled(trainSet, { steps: 16, temperature: 2, alpha: 0.3 });
  // 512 examples in batches of 64, then the dev agreement's pass over 100 examples (2 batches).
  assert.equal(watch.calls(), 8 + 2, "teacher logits are computed once and cached");
  watch.stop();
  const b = await distilled(trainSet, { steps: 16, temperature: 2, alpha: 0.3 });
  assert.deepEqual(b, a);
  const c = await distilled(trainSet, { steps: 16, temperature: 2, alpha: 0.3, seed: 5 });
  assert.notDeepEqual(c.losses, a.losses, "another seed, another data order");
});

test("distillTask on unlabelled text (pre-trained distillation): alpha defaults to 0; alpha > 0 is refused", async () => {
  const unlabelled = trainSet.map(({ ids }) => ({ ids }));
  const r = await distilled(unlabelled, { steps: 40 });
  assertHealthy(r, "unlabelled");
  assert.deepEqual(r.terms, ["soft-ce"]);
  const student = EncoderModel.create(studentConfig, "sequence-classification", 7);
  const args = { ...common, steps: 4, outDir: tmp("bad") };
  await assert.rejects(distillTask(teacher, student, unlabelled, { ...args, alpha: 0.5 }), /alpha 0.5 weighs hard labels, but 512 of 512 examples have none; use alpha 0/);
  await assert.rejects(distillTask(teacher, student, trainSet, { ...args, recipe: [{ loss: "hidden-mse", weight: 1 }] }), /caches the teacher's logits only; hidden-mse needs its hidden states/);
  await assert.rejects(distillTask(teacher, student, trainSet, { ...args, alpha: 0.2, recipe: [{ loss: "soft-ce", weight: 1 }] }), /give alpha or a recipe, not both/);
  const mlm = EncoderModel.create(studentConfig, "masked-lm", 1);
  await assert.rejects(distillTask(teacher, mlm, trainSet, args), /the student must be a sequence-classification model, got masked-lm/);
  [student, mlm].forEach((m) => m.dispose());
});

test("distillTask with the teacher's logits passed in: the teacher is not run, the run is the one it computes itself; wrong rows are refused", async () => {
  const logits = teacherLogits(teacher, trainSet);
  const own = await distilled(trainSet, { steps: 8, temperature: 2, alpha: 0.3 });
  const watch = watchTeacher(teacher);
  const given = await distilled(trainSet, { steps: 8, temperature: 2, alpha: 0.3, teacherLogits: logits });
  assert.equal(watch.calls(), 2, "only the dev agreement's 2 batches run the teacher");
  watch.stop();
  assert.deepEqual(given, own);
  const student = EncoderModel.create(studentConfig, "sequence-classification", 7);
  const args = { ...common, steps: 4, outDir: tmp("bad") };
  await assert.rejects(distillTask(teacher, student, trainSet, { ...args, teacherLogits: logits.slice(1) }), /teacherLogits must hold 2 logits for each of the 512 examples, got 511 rows/);
  student.dispose();
});
