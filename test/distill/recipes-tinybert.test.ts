/**
 * lib/distill/recipes.ts, TinyBERT's two stages on the toy task with a narrower, shallower
 * student: stage 1 trains the student and its projections on attentions, hidden states and
 * embeddings; stage 2 on the teacher's logits. Each run: the loss falls, tf.memory().numTensors is
 * flat across steps, nothing is left behind, and a second run with the same seed is identical.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { EncoderModel } from "../../lib/model/encoder";
import { DistillProjections, projectionName } from "../../lib/distill/projections";
import { TinyBertArgs, tinybertIntermediate, tinybertPrediction } from "../../lib/distill/recipes";
import { assertHealthy, recorder, studentConfig, trainSet, trainedTeacher, tmp, watchTeacher } from "./fixtures";

let teacher: EncoderModel;
const common = { steps: 30, batchSize: 16, learningRate: 1e-2, logEvery: 5, evalEvery: 6, progress: false, seed: 4 };
const arrays = (params: Map<string, tf.Variable>) => Object.fromEntries([...params].map(([n, p]) => [n, Array.from(p.dataSync())]));

before(async () => {
  await initBackend({ quiet: true });
  teacher = await trainedTeacher();
});

/** Stage 1 on a fresh student (seed 7): the record, the trained projections' values and the term names. */
async function stage1(args: Partial<TinyBertArgs> = {}) {
  const student = EncoderModel.create(studentConfig, "sequence-classification", 7);
  const rec = recorder();
  const terms = new Set<string>();
  const before = tf.memory().numTensors;
  const { run, projections } = await tinybertIntermediate(teacher, student, trainSet, {
    ...common, outDir: tmp("tiny1"), evaluate: rec.evaluate, onTerms: (t) => Object.keys(t).forEach((k) => terms.add(k)), ...args,
  });
  assert.ok(projections, "widths 8 and 16 differ: projections are made");
  const after = tf.memory().numTensors - projections.params.size;
  assert.equal(after, before, "the run leaves no tensor behind");
  const record = { ...rec.record(run, student), projections: arrays(projections.params), terms: [...terms] };
  projections.dispose();
  return { record, student };
}

test("TinyBERT stage 1: attention, hidden and embedding losses fall; the projections are trained; same seed, same run", async () => {
  const watch = watchTeacher(teacher);
  const { record: a, student } = await stage1();
  assert.equal(watch.calls(), common.steps, "one teacher forward per batch");
  watch.stop();
  assertHealthy(a, "stage 1", 0.8);
  assert.deepEqual(a.terms, ["attention-mse", "hidden-mse", "embedding-mse"]);
  // The projections moved from where the same seed starts them.
  const initial = DistillProjections.create(8, 16, ["hidden", "embedding"], common.seed, studentConfig.initializer_range);
  for (const kind of ["hidden", "embedding"] as const) {
    const name = projectionName(kind);
    const start = initial.params.get(name)!.dataSync();
    const moved = a.projections[name].reduce((s, v, i) => s + Math.abs(v - start[i]), 0);
    assert.ok(moved > 1e-2, `${kind} projection moved by ${moved}`);
  }
  initial.dispose();
  student.dispose();
  const again = await stage1();
  assert.deepEqual(again.record, a, "a second run with the same seed is identical");
  again.student.dispose();
});

test("TinyBERT stage 1 takes a recipe (hidden states only) and refuses a depth the uniform map cannot pair", async () => {
  const { record, student } = await stage1({ steps: 12, evalEvery: 4, recipe: [{ loss: "hidden-mse", weight: 1 }] });
  assert.deepEqual(record.terms, ["hidden-mse"]);
  assert.deepEqual(Object.keys(record.projections), [projectionName("hidden")], "no embedding projection when embedding-mse is not used");
  student.dispose();
  const deep = EncoderModel.create({ ...studentConfig, num_hidden_layers: 3 }, "sequence-classification", 1);
  await assert.rejects(tinybertIntermediate(teacher, deep, trainSet, { ...common, outDir: tmp("bad") }), /student has more layers \(3\) than the teacher \(2\)/);
  deep.dispose();
});

test("TinyBERT stage 2 after stage 1: soft cross-entropy on the logits falls", async () => {
  const { student } = await stage1({ steps: 12, evalEvery: 4 });
  const rec = recorder();
  const terms = new Set<string>();
  const { run } = await tinybertPrediction(teacher, student, trainSet, { ...common, outDir: tmp("tiny2"), evaluate: rec.evaluate, onTerms: (t) => Object.keys(t).forEach((k) => terms.add(k)) });
  assertHealthy(rec.record(run, student), "stage 2");
  assert.deepEqual([...terms], ["soft-ce"]);
  student.dispose();
});
