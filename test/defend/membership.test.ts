/**
 * lib/defend/features.ts, logistic.ts, auc.ts and membership.ts: feature shapes and values on a
 * tiny classifier and a tiny QA model (no tensor left behind), AUC on hand-made cases, the
 * logistic classifier separating two clearly different distributions (and not two equal ones),
 * evaluation, and the classifier file.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { Rng } from "../../lib/engine/rng";
import { rocAuc } from "../../lib/defend/auc";
import { classifierFeatures, FeatureExtractor, localQaVictimFeatures, localVictimFeatures } from "../../lib/defend/features";
import { fitLogistic, logisticScores } from "../../lib/defend/logistic";
import { evaluateMembership, loadMembershipClassifier, saveMembershipClassifier, trainMembership } from "../../lib/defend/membership";
import { LocalQaVictim } from "../../lib/extract/local-qa-victim";
import { LocalVictim } from "../../lib/extract/local-victim";
import { encodeInput } from "../../lib/extract/victim";
import { collate } from "../../lib/train/classify";
import { makeTinyModel, sentences, tempDir } from "../serve/fixtures";
import { makeTinyQaModel, qaQueries } from "./fixtures";

const TMP = tempDir("membership");
let classifier: LocalVictim;
let qa: LocalQaVictim;
before(async () => {
  await initBackend({ quiet: true });
  classifier = await LocalVictim.load(await makeTinyModel(path.join(TMP, "classifier")));
  qa = await LocalQaVictim.load(await makeTinyQaModel(path.join(TMP, "qa")));
});
after(() => {
  classifier?.dispose();
  qa?.dispose();
  fs.rmSync(TMP, { recursive: true, force: true });
});

/** Rows of d Gaussian features around `centre`. */
function cloud(n: number, d: number, centre: number, rng: Rng): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, (_, j) => (j < 3 ? centre : 0) + rng.normal()));
}

test("classifier features: [CLS] of the last layer [H], logits [C], both [H + C], equal to the model's own outputs", () => {
  const texts = sentences(10, 3);
  const features = localVictimFeatures(classifier, 4);
  const before = tf.memory().numTensors;
  const last = features(texts, "last-layer");
  const logits = features(texts, "logits");
  const both = features(texts, "both");
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  assert.deepEqual([last.length, last[0].length, logits[0].length, both[0].length], [10, 16, 2, 18]);
  both.forEach((row, i) => assert.deepEqual(row, [...last[i], ...logits[i]]));
  // Against one direct forward pass of the third text alone (no padding).
  const direct = tf.tidy(() => {
    const out = classifier.model.forward(collate([encodeInput(classifier.tokenizer, texts[2], classifier.maxLength)], classifier.model.config.pad_token_id));
    return { cls: Array.from(out.lastHidden.slice([0, 0, 0], [1, 1, 16]).dataSync()), logits: Array.from(out.logits!.dataSync()) };
  });
  last[2].forEach((v, j) => assert.ok(Math.abs(v - direct.cls[j]) < 1e-4, `cls ${j}: ${v} vs ${direct.cls[j]}`));
  logits[2].forEach((v, j) => assert.ok(Math.abs(v - direct.logits[j]) < 1e-4));
  assert.throws(() => classifierFeatures(qa.model, [], "both"), /needs a sequence-classification model/);
});

test("QA features: [CLS] [H], the top-5 start and end logits over the context sorted [10], both [26]", () => {
  const inputs = qaQueries(9);
  const features = localQaVictimFeatures(qa);
  const before = tf.memory().numTensors;
  const last = features(inputs, "last-layer");
  const logits = features(inputs, "logits");
  const both = features(inputs, "both");
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  assert.deepEqual([last.length, last[0].length, logits[0].length, both[0].length], [9, 16, 10, 26]);
  both.forEach((row, i) => assert.deepEqual(row, [...last[i], ...logits[i]]));
  for (const row of logits) {
    for (const half of [row.slice(0, 5), row.slice(5)]) for (let j = 1; j < 5; j++) assert.ok(half[j] <= half[j - 1], "sorted, largest first");
  }
  // A one-word context has one start logit: it fills all five.
  const [tiny] = features([{ context: "good", question: "what" }], "logits");
  assert.deepEqual(new Set(tiny.slice(0, 5)).size, 1);
});

test("rocAuc: perfect, reversed, ties, a mixed case", () => {
  assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1);
  assert.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0);
  assert.equal(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]), 0.5);
  assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  assert.throws(() => rocAuc([0.1], [1]), /needs both/);
});

test("logistic regression separates two clearly different distributions and not two equal ones; no tensor leaks", () => {
  const rng = new Rng(7);
  const x = [...cloud(200, 8, 2, rng), ...cloud(300, 8, -2, rng)];
  const y = [...new Array(200).fill(1), ...new Array(300).fill(0)];
  const before = tf.memory().numTensors;
  const model = fitLogistic(x, y);
  assert.equal(tf.memory().numTensors, before);
  const fresh = [...cloud(200, 8, 2, rng), ...cloud(200, 8, -2, rng)];
  const labels = [...new Array(200).fill(1), ...new Array(200).fill(0)];
  const scores = logisticScores(model, fresh);
  assert.ok(rocAuc(scores, labels) > 0.99, `AUC ${rocAuc(scores, labels)}`);
  assert.ok(scores.filter((s, i) => (s >= 0.5 ? 1 : 0) === labels[i]).length / 400 > 0.97);
  assert.deepEqual(fitLogistic(x, y), model, "deterministic");
  const same = fitLogistic([...cloud(200, 8, 0, rng), ...cloud(200, 8, 0, rng)], labels);
  const chance = rocAuc(logisticScores(same, [...cloud(200, 8, 0, rng), ...cloud(200, 8, 0, rng)]), labels);
  assert.ok(Math.abs(chance - 0.5) < 0.1, `AUC ${chance} on equal distributions`);
  assert.throws(() => fitLogistic(x, new Array(500).fill(1)), /both present/);
});

test("trainMembership / evaluateMembership on a synthetic feature extractor; the classifier file round-trips and bad files are refused", () => {
  // In-distribution inputs get features near +1.5, attack queries near −1.5; the extractor reads the tag.
  const rng = new Rng(9);
  const extractor: FeatureExtractor<string> = (inputs, kind) => {
    assert.equal(kind, "both");
    return inputs.map((x) => Array.from({ length: 6 }, (_, j) => (j < 3 ? (x.startsWith("in") ? 1.5 : -1.5) : 0) + rng.normal()));
  };
  const tagged = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag} ${i}`);
  const membership = trainMembership({ extractor, features: "both", members: tagged("in", 150), nonMembers: tagged("out", 150) });
  const evaluation = evaluateMembership(membership, extractor, tagged("in-dev", 100), tagged("out-random", 300));
  assert.ok(evaluation.auc > 0.98 && evaluation.accuracy > 0.9 && evaluation.realKept > 0.9 && evaluation.attackCaught > 0.9, JSON.stringify(evaluation));
  assert.deepEqual([evaluation.real, evaluation.attack], [100, 300]);

  const file = path.join(TMP, "files", "membership.json");
  saveMembershipClassifier(file, membership);
  assert.deepEqual(loadMembershipClassifier(file), membership);
  assert.throws(() => loadMembershipClassifier(path.join(TMP, "missing.json")), /no such membership classifier; train one/);
  fs.writeFileSync(path.join(TMP, "bad.json"), JSON.stringify({ ...membership, features: "pixels" }));
  assert.throws(() => loadMembershipClassifier(path.join(TMP, "bad.json")), /not a membership classifier/);
  fs.writeFileSync(path.join(TMP, "short.json"), JSON.stringify({ ...membership, model: { ...membership.model, mean: [0] } }));
  assert.throws(() => loadMembershipClassifier(path.join(TMP, "short.json")), /not a membership classifier/);
});

test("on the tiny classifier, the last layer tells its own vocabulary's sentences from gibberish", () => {
  const gibberish = (n: number, seed: number) => {
    const rng = new Rng(seed);
    return Array.from({ length: n }, () => Array.from({ length: 4 + rng.int(8) }, () => Array.from({ length: 3 + rng.int(6) }, () => "qxzjvkw"[rng.int(7)]).join("")).join(" "));
  };
  const features = localVictimFeatures(classifier);
  const membership = trainMembership({ extractor: features, features: "last-layer", members: sentences(150, 11), nonMembers: gibberish(150, 12) });
  const evaluation = evaluateMembership(membership, features, sentences(100, 13), gibberish(100, 14));
  assert.ok(evaluation.auc > 0.95, JSON.stringify(evaluation));
});
