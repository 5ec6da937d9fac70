/** lib/prune/transfer.ts: an MLM ticket carried to a classifier of the same encoder — shared masks by name, the pooler dense and named, other encoders refused. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { initBackend } from "../../lib/engine/backend";
import { makeConfig } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";
import { MASKS_FILE, saveMasks } from "../../lib/prune/mask-file";
import { disposeMasks, prunableParameters } from "../../lib/prune/masks";
import { magnitudePrune } from "../../lib/prune/prune";
import { transferMasks } from "../../lib/prune/transfer";
import { toyConfig } from "../fixtures/toy-task";

test("the MLM ticket's masks carry over by name; the classifier's pooler, which the MLM model lacks, stays dense", async () => {
  await initBackend({ quiet: true });
  const mlm = EncoderModel.create(toyConfig, "masked-lm", 1);
  const ticket = magnitudePrune(prunableParameters(mlm), { sparsity: 0.7, scope: "global" });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "thieves-transfer-")), MASKS_FILE);
  saveMasks(file, ticket);
  const classifier = EncoderModel.create(toyConfig, "sequence-classification", 2);
  const { masks, filledDense } = transferMasks(file, classifier);
  assert.deepEqual(filledDense, ["bert.pooler.dense.weight"]);
  assert.deepEqual([...masks.keys()].sort(), [...prunableParameters(classifier).keys()].sort());
  for (const [name, m] of ticket) assert.deepEqual(Array.from(masks.get(name)!.dataSync()), Array.from(m.dataSync()), name);
  assert.ok(Array.from(masks.get("bert.pooler.dense.weight")!.dataSync()).every((x) => x === 1));

  const wider = EncoderModel.create(makeConfig({ ...toyConfig, hidden_size: 24, intermediate_size: 32 }), "sequence-classification", 1);
  assert.throws(() => transferMasks(file, wider), /has shape \[16,16\] but the weight has \[24,24\]; the ticket belongs to another encoder/);
  [ticket, masks].forEach(disposeMasks);
  [mlm, classifier, wider].forEach((m) => m.dispose());
});
