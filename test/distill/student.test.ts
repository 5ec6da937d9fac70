/**
 * lib/distill/student.ts: the student's layers, embeddings and head are exact copies of the
 * chosen teacher parameters (and independent of them afterwards), and bad choices are refused.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { makeConfig } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";
import { collate } from "../../lib/train/classify";
import { everyOtherLayer, initStudent } from "../../lib/distill/student";
import { toyConfig, toyExamples } from "../fixtures/toy-task";

before(() => initBackend({ quiet: true }));

const teacherConfig = makeConfig({ ...toyConfig, num_hidden_layers: 4 });
const values = (v: tf.Tensor) => Array.from(v.dataSync());

/** Asserts student parameter `name` holds exactly teacher parameter `source`. */
function sameAs(student: EncoderModel, teacher: EncoderModel, name: string, source = name): void {
  assert.deepEqual(values(student.params.get(name)!), values(teacher.params.get(source)!), `${name} should equal teacher ${source}`);
}

test("initStudent copies teacher layers 0 and 2 of 4 by default, with the embeddings and the head", () => {
  assert.deepEqual(everyOtherLayer(4), [0, 2]);
  assert.deepEqual(everyOtherLayer(5), [0, 2, 4]);
  const teacher = EncoderModel.create(teacherConfig, "sequence-classification", 1);
  const { model: student, initialized } = initStudent(teacher);
  assert.equal(student.config.num_hidden_layers, 2);
  assert.deepEqual(initialized, []);
  const layer = (l: number) => `bert.encoder.layer.${l}.`;
  let copied = 0;
  for (const name of student.params.keys()) {
    const source = name.startsWith(layer(1)) ? name.replace(layer(1), layer(2)) : name;
    sameAs(student, teacher, name, source);
    copied++;
  }
  assert.equal(copied, student.params.size);
  // Layer 1 of the student is teacher layer 2, not teacher layer 1.
  assert.notDeepEqual(values(student.params.get(`${layer(1)}attention.self.query.weight`)!), values(teacher.params.get(`${layer(1)}attention.self.query.weight`)!));
  // Copies, not aliases: changing the teacher leaves the student as it was.
  const before = values(student.params.get("classifier.weight")!);
  tf.tidy(() => teacher.params.get("classifier.weight")!.assign(tf.zerosLike(teacher.params.get("classifier.weight")!)));
  assert.deepEqual(values(student.params.get("classifier.weight")!), before);
  student.dispose();
  teacher.dispose();
});

test("initStudent with every teacher layer reproduces the teacher; a chosen list is copied in its order", () => {
  const teacher = EncoderModel.create(teacherConfig, "sequence-classification", 2);
  const batch = collate(toyExamples(3, 4), 0);
  const { model: full } = initStudent(teacher, { layers: [0, 1, 2, 3] });
  const [a, b] = tf.tidy(() => [teacher.forward(batch).logits!.arraySync(), full.forward(batch).logits!.arraySync()]);
  assert.deepEqual(b, a, "same weights, same logits");
  const { model: picked } = initStudent(teacher, { layers: [3, 1] });
  for (const [s, t] of [[0, 3], [1, 1]]) {
    for (const part of ["attention.self.key.weight", "intermediate.dense.bias", "output.LayerNorm.weight"]) {
      sameAs(picked, teacher, `bert.encoder.layer.${s}.${part}`, `bert.encoder.layer.${t}.${part}`);
    }
  }
  tf.dispose(Object.values(batch).filter((v) => v instanceof tf.Tensor) as tf.Tensor[]);
  [teacher, full, picked].forEach((m) => m.dispose());
});

test("initStudent: another task keeps the encoder and initialises the new head; bad layers and widths are refused", () => {
  const teacher = EncoderModel.create(teacherConfig, "sequence-classification", 3);
  const { model: mlm, initialized } = initStudent(teacher, { task: "masked-lm", seed: 5 });
  assert.deepEqual(initialized.sort(), ["cls.predictions.bias", "cls.predictions.transform.LayerNorm.bias", "cls.predictions.transform.LayerNorm.weight", "cls.predictions.transform.dense.bias", "cls.predictions.transform.dense.weight"]);
  sameAs(mlm, teacher, "bert.embeddings.word_embeddings.weight");
  mlm.dispose();
  // Dropout may change: it is no width.
  const { model: noDropout } = initStudent(teacher, { config: { hidden_dropout_prob: 0 } });
  assert.equal(noDropout.config.hidden_dropout_prob, 0);
  noDropout.dispose();
  assert.throws(() => initStudent(teacher, { layers: [0, 4] }), /teacher layer 4 does not exist \(the teacher has layers 0..3\)/);
  assert.throws(() => initStudent(teacher, { layers: [] }), /at least one layer/);
  assert.throws(() => initStudent(teacher, { config: { hidden_size: 8 } }), /student hidden_size 8 differs from the teacher's 16; copying teacher weights needs the same widths/);
  assert.throws(() => initStudent(teacher, { config: { intermediate_size: 64 } }), /student intermediate_size 64 differs from the teacher's 32/);
  assert.throws(() => initStudent(teacher, { layers: [0, 2], config: { num_hidden_layers: 3 } }), /config asks for 3 layers but 2 teacher layers were chosen/);
  teacher.dispose();
});
