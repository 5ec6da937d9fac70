/**
 * lib/distill/recipes.ts on masked-language-model teachers: DistilBERT's triple loss into a fresh
 * student and one made by initStudent, and TinyBERT's general (stage 1) distillation into a
 * narrower MLM student. Each run: the loss falls, tf.memory().numTensors is flat across steps, nothing is
 * left behind, and a second run with the same seed is identical.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { Rng } from "../../lib/engine/rng";
import { makeConfig } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";
import { MlmDataArgs, mlmScore, mlmTask } from "../../lib/pretrain/mlm";
import { train } from "../../lib/train/trainer";
import { DistilBertArgs, distilbertPretrain, tinybertIntermediate } from "../../lib/distill/recipes";
import { initStudent } from "../../lib/distill/student";
import { assertHealthy, recorder, tmp, watchTeacher } from "./fixtures";

const V = 40;
const masking: MlmDataArgs = { maskId: 4, vocabSize: V, specialIds: new Set([0, 1, 2, 3, 4]), padId: 0, seed: 11 };
const teacherConfig = makeConfig({ model_type: "bert", vocab_size: V, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 64 });

/** [CLS] text [SEP], the text a random mix of two ids picked per sequence: the other tokens tell a masked one, so an MLM can learn it. */
function sequences(n: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const [a, b] = [5 + rng.int(V - 5), 5 + rng.int(V - 5)];
    return [2, ...Array.from({ length: 6 + rng.int(14) }, () => (rng.uniform() < 0.5 ? a : b)), 3];
  });
}
const corpus = sequences(256, 1);
const common = { steps: 30, batchSize: 16, learningRate: 1e-2, logEvery: 5, evalEvery: 6, progress: false, seed: 4 };
let teacher: EncoderModel;

before(async () => {
  await initBackend({ quiet: true });
  teacher = EncoderModel.create(teacherConfig, "masked-lm", 1);
  const { data, hooks } = mlmTask(teacher, corpus, masking);
  await train(teacher, data, hooks, { outDir: tmp("mlm-teacher"), batchSize: 16, maxSteps: 60, epochs: 100, learningRate: 1e-2, progress: false });
  const { loss } = mlmScore(teacher, sequences(64, 2), masking);
  // Far from the ln 2 it could reach, but better than guessing among the 35 text ids: its soft targets carry something.
  assert.ok(loss < Math.log(V - 5) - 0.15, `the teacher should beat uniform guessing, MLM loss ${loss} vs ln 35 = ${Math.log(V - 5)}`);
});

/** A fresh 1-layer student of the teacher's width (seed 7). */
const fresh = () => EncoderModel.create({ ...teacherConfig, num_hidden_layers: 1 }, "masked-lm", 7);

/** DistilBERT into the student `make` builds; the record and each term's value per step. */
async function distilbert(args: Partial<DistilBertArgs> = {}, make = fresh) {
  const student = make();
  const rec = recorder();
  const series: Record<string, number[]> = {};
  const before = tf.memory().numTensors;
  const { run } = await distilbertPretrain(teacher, student, corpus, {
    ...common, masking, outDir: tmp("distilbert"), evaluate: rec.evaluate,
    onTerms: (t) => Object.entries(t).forEach(([k, v]) => (series[k] = [...(series[k] ?? []), v])), ...args,
  });
  assert.equal(tf.memory().numTensors, before, "the run leaves no tensor behind");
  const record = { ...rec.record(run, student), terms: Object.keys(series), series };
  student.dispose();
  return record;
}

test("distilbertPretrain: soft MLM targets + MLM + hidden cosine fall together; same seed, same run", async () => {
  const watch = watchTeacher(teacher);
  const a = await distilbert();
  assert.equal(watch.calls(), common.steps, "one teacher forward per batch");
  watch.stop();
  assertHealthy(a, "distilbert", 0.9);
  // The teacher-matching terms fall faster than the MLM loss: mean of the first 5 steps vs the last 5.
  const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  for (const [term, factor] of [["soft-ce", 0.75], ["hidden-cos", 0.6]] as const) {
    const [first, last] = [mean(a.series[term].slice(0, 5)), mean(a.series[term].slice(-5))];
    assert.ok(last < first * factor, `${term}: ${first} → ${last}`);
  }
  assert.deepEqual(a.terms, ["soft-ce", "mlm", "hidden-cos"]);
  assert.deepEqual(await distilbert(), a, "a second run with the same seed is identical");
  const mlmOnly = await distilbert({ steps: 6, evalEvery: 2, alphaCe: 0, alphaCos: 0 });
  assert.deepEqual(mlmOnly.terms, ["mlm"], "weights of 0 switch terms off");
  // DistilBERT's initialisation (teacher layer 0, embeddings and head) starts the student far closer to the teacher.
  const copied = await distilbert({ steps: 6, evalEvery: 2 }, () => initStudent(teacher).model);
  for (const term of ["soft-ce", "hidden-cos"]) {
    assert.ok(copied.series[term][0] < a.series[term][0] / 2, `${term} at step 1: ${copied.series[term][0]} from the teacher's layers, ${a.series[term][0]} fresh`);
  }
});

test("distilbertPretrain refuses other tasks, other vocabularies and (with the cosine loss) other widths", async () => {
  const args = { ...common, masking, outDir: tmp("bad") };
  const narrow = EncoderModel.create({ ...teacherConfig, hidden_size: 8, intermediate_size: 16 }, "masked-lm", 1);
  await assert.rejects(distilbertPretrain(teacher, narrow, corpus, args), /the cosine loss needs equal widths \(teacher 16, student 8\); set alphaCos 0/);
  const otherVocab = EncoderModel.create({ ...teacherConfig, vocab_size: 50 }, "masked-lm", 1);
  await assert.rejects(distilbertPretrain(teacher, otherVocab, corpus, args), /vocabularies differ \(teacher 40, student 50\)/);
  const classifier = EncoderModel.create(teacherConfig, "sequence-classification", 1);
  await assert.rejects(distilbertPretrain(classifier, narrow, corpus, args), /the teacher must be a masked-lm model, got sequence-classification/);
  await assert.rejects(distilbertPretrain(teacher, classifier, corpus, args), /MLM needs a masked-lm model, got sequence-classification/);
  [narrow, otherVocab, classifier].forEach((m) => m.dispose());
});

test("TinyBERT general distillation from an MLM teacher into a narrower MLM student", async () => {
  const run = async () => {
    const student = EncoderModel.create({ ...teacherConfig, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1 }, "masked-lm", 7);
    const rec = recorder();
    const before = tf.memory().numTensors;
    const { run, projections } = await tinybertIntermediate(teacher, student, corpus.map((ids) => ({ ids })), { ...common, outDir: tmp("general"), evaluate: rec.evaluate });
    assert.ok(projections);
    const after = tf.memory().numTensors - projections.params.size;
    assert.equal(after, before, "the run leaves no tensor behind");
    projections.dispose();
    const record = rec.record(run, student);
    student.dispose();
    return record;
  };
  const a = await run();
  assertHealthy(a, "general distillation", 0.8);
  assert.deepEqual(await run(), a, "a second run with the same seed is identical");
});
