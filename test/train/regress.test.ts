/** lib/train/regress.ts: a one-output sequence-classification head trained with MSE (STS-B), float targets kept, Pearson on a toy target. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { withLabels } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";
import { EncodedExample } from "../../lib/train/classify";
import { mseLoss } from "../../lib/train/losses";
import { collateRegression, fineTuneRegressor, predictValues } from "../../lib/train/regress";
import { toyConfig, toyExamples } from "../fixtures/toy-task";

const regressorConfig = withLabels(toyConfig, ["score"]);
/** The toy task as regression: the target is (count of token 5) − (count of token 6), a real number. */
const toyScores = (n: number, seed: number): EncodedExample[] =>
  toyExamples(n, seed).map((e) => ({ ids: e.ids, label: e.ids.filter((t) => t === 5).length - e.ids.filter((t) => t === 6).length + 0.5 }));

test("one label gives a one-output head; MSE by hand; targets stay real numbers in the batch", async () => {
  await initBackend({ quiet: true });
  const model = EncoderModel.create(regressorConfig, "sequence-classification", 0);
  const batch = collateRegression([{ ids: [2, 5, 3], label: 2.5 }, { ids: [2, 6, 6, 3], label: -1.25 }], 0);
  assert.equal(batch.labels.dtype, "float32");
  assert.deepEqual(Array.from(batch.labels.dataSync()), [2.5, -1.25]);
  const logits = model.forward(batch).logits!;
  assert.deepEqual(logits.shape, [2, 1]);
  const loss = mseLoss(tf.tensor2d([[1], [3]]), tf.tensor1d([2, -1])).dataSync()[0];
  assert.ok(Math.abs(loss - (1 + 16) / 2) < 1e-6, `MSE ${loss}`);
  tf.dispose([batch.inputIds, batch.attentionMask, batch.tokenTypeIds, batch.labels, logits]);
  model.dispose();
  const twoLabels = EncoderModel.create(toyConfig, "sequence-classification", 0);
  assert.throws(() => predictValues(twoLabels, toyScores(2, 1)), /one label/);
  twoLabels.dispose();
});

test("fine-tuning the regressor with MSE learns a toy target (held-out Pearson > 0.5) and reports its MSE", async () => {
  await initBackend({ quiet: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "regress-"));
  const model = EncoderModel.create(regressorConfig, "sequence-classification", 3);
  const dev = toyScores(64, 2);
  const before = predictValues(model, dev);
  const r = await fineTuneRegressor(model, toyScores(256, 1), dev, { outDir: dir, steps: 120, batchSize: 16, learningRate: 3e-3, seed: 1, progress: false });
  assert.ok(r.pearson > 0.5, `Pearson ${r.pearson}`);
  const mseBefore = before.reduce((s, p, i) => s + (p - dev[i].label!) ** 2, 0) / dev.length;
  assert.ok(r.mse < mseBefore, `MSE ${r.mse} vs ${mseBefore} untrained`);
  assert.equal(r.predictions.length, dev.length);
  model.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});
