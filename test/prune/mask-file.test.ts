import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { makeConfig } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";
import { readSafetensors, writeSafetensors } from "../../lib/model/safetensors";
import { MASKS_FILE, loadMasks, saveMasks } from "../../lib/prune/mask-file";
import { disposeMasks, prunableParameters } from "../../lib/prune/masks";
import { randomPrune } from "../../lib/prune/prune";
import { toyConfig } from "../fixtures/toy-task";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "thieves-masks-"));

test("masks saved beside a checkpoint load back exactly, as <name>.mask entries", async () => {
  await initBackend({ quiet: true });
  const model = EncoderModel.create(toyConfig, "sequence-classification", 1);
  const masks = randomPrune(prunableParameters(model), 0.37, 5);
  const file = path.join(tmp(), MASKS_FILE);
  saveMasks(file, masks);
  assert.deepEqual([...readSafetensors(file).tensors.keys()].sort(), [...masks.keys()].map((n) => `${n}.mask`).sort());
  const loaded = loadMasks(file, model);
  assert.deepEqual([...loaded.keys()], [...masks.keys()]);
  for (const [name, m] of masks) {
    assert.deepEqual(loaded.get(name)!.shape, m.shape);
    assert.deepEqual(Array.from(loaded.get(name)!.dataSync()), Array.from(m.dataSync()), name);
  }
  disposeMasks(masks);
  disposeMasks(loaded);
  model.dispose();
});

test("a masks file that does not fit the model is refused with the file and the entry named", async () => {
  await initBackend({ quiet: true });
  const model = EncoderModel.create(toyConfig, "sequence-classification", 1);
  const dir = tmp();
  const file = (name: string) => path.join(dir, `${name}.safetensors`);
  const masks = randomPrune(prunableParameters(model), 0.5, 1);
  const query = "bert.encoder.layer.0.attention.self.query.weight";
  saveMasks(file("missing"), new Map([...masks].filter(([n]) => n !== query)));
  const wider = EncoderModel.create(makeConfig({ ...toyConfig, hidden_size: 24, intermediate_size: 32 }), "sequence-classification", 1);
  const widerMasks = randomPrune(prunableParameters(wider), 0.5, 1);
  saveMasks(file("other-model"), widerMasks);
  const head = tf.ones([2, 16]);
  saveMasks(file("head"), new Map([...masks, ["classifier.weight", head]]));
  writeSafetensors(file("not-a-mask"), new Map([[query, { dtype: "float32", shape: [16, 16], data: new Float32Array(256).fill(1) }]]));
  writeSafetensors(file("not-binary"), new Map([...masks].map(([n, m]) => [`${n}.mask`, { dtype: "float32" as const, shape: m.shape, data: new Float32Array(m.size).fill(n === query ? 0.5 : 1) }])));
  const numTensors = tf.memory().numTensors;

  assert.throws(() => loadMasks(file("missing"), model), (err: Error) => err.message.startsWith(file("missing")) && err.message.includes(`${query}.mask is missing`));
  assert.throws(() => loadMasks(file("other-model"), model), (err: Error) => err.message.startsWith(file("other-model")) && /\.weight\.mask has shape \[24,24\] but the weight has \[16,16\]/.test(err.message));
  assert.throws(() => loadMasks(file("head"), model), (err: Error) => err.message.startsWith(file("head")) && err.message.includes("classifier.weight.mask names no prunable weight"));
  assert.throws(() => loadMasks(file("not-a-mask"), model), (err: Error) => err.message.startsWith(file("not-a-mask")) && err.message.includes(`entry ${query} is not a "<weight>.mask" entry`));
  assert.throws(() => loadMasks(file("not-binary"), model), (err: Error) => err.message.startsWith(file("not-binary")) && err.message.includes(`${query}.mask holds 0.5 at index 0; a mask holds only 0 and 1`));
  assert.throws(() => loadMasks(file("absent"), model), (err: Error) => err.message === `${file("absent")}: no such file`);
  assert.equal(tf.memory().numTensors, numTensors, "a refused file allocates no tensor");
  for (const t of [masks, widerMasks]) disposeMasks(t);
  head.dispose();
  wider.dispose();
  model.dispose();
});
