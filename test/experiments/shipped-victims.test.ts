/**
 * Shipped victims: a trained victim folder copied as float16 into models/victims/ is found only
 * under the settings key it was shipped with, keeps its victim.json, is half the size, and
 * answers as the float32 victim does.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { initBackend } from "../../lib/engine/backend";
import { findShippedVictim, shipVictim, shippedVictimDir } from "../../lib/experiments/shipped-victims";
import { LocalVictim } from "../../lib/extract/local-victim";
import { queryAll } from "../../lib/extract/extract";
import { makeTinyModel, sentences, tempDir } from "../serve/fixtures";

const ROOT = tempDir("shipped");
let trained: string;
before(async () => {
  await initBackend({ quiet: true });
  trained = await makeTinyModel(path.join(ROOT, "results", "runs", "abc123", "victim-sst2", "model"));
  fs.writeFileSync(path.join(trained, "victim.json"), JSON.stringify({ task: "sst2", devAccuracy: 0.75 }));
});
after(() => fs.rmSync(ROOT, { recursive: true, force: true }));

test("a shipped victim is found under its own key only", () => {
  assert.equal(findShippedVictim("small", "sst2", "abc123", ROOT), undefined, "nothing shipped yet");
  const dir = shipVictim(trained, "small", "sst2", "abc123", ROOT);
  assert.equal(dir, shippedVictimDir("small", "sst2", ROOT));
  assert.equal(findShippedVictim("small", "sst2", "abc123", ROOT), dir);
  assert.equal(findShippedVictim("small", "sst2", "other-key", ROOT), undefined, "changed settings must train anew");
  assert.equal(findShippedVictim("small", "mnli", "abc123", ROOT), undefined);
  const info = JSON.parse(fs.readFileSync(path.join(dir, "victim.json"), "utf8"));
  assert.equal(info.devAccuracy, 0.75);
  assert.equal(info.key, "abc123");
  assert.throws(() => shipVictim(dir, "small", "sst2", "models", ROOT), /is the shipped copy itself/);
});

test("the float16 copy is half the weights and answers as the victim does", async () => {
  const dir = shipVictim(trained, "small", "sst2", "abc123", ROOT);
  const size = (d: string) => fs.statSync(path.join(d, "model.safetensors")).size;
  assert.ok(size(dir) < 0.6 * size(trained), `${size(dir)} vs ${size(trained)} bytes`);
  const [a, b] = [await LocalVictim.load(trained), await LocalVictim.load(dir)];
  const inputs = sentences(40);
  const [x, y] = [await queryAll(a, inputs), await queryAll(b, inputs)];
  a.dispose();
  b.dispose();
  x.forEach((answer, i) => {
    assert.equal(y[i].label, answer.label, inputs[i]);
    answer.probabilities!.forEach((p, k) => assert.ok(Math.abs(p - y[i].probabilities![k]) < 2e-3, `${inputs[i]}: ${p} vs ${y[i].probabilities![k]}`));
  });
});
