/**
 * Per-key defenses over real HTTP, on a tiny model behind the coalescing wrapper `npm run serve`
 * uses: keys-file validation (every message names the key and the fix), a watermarked key (answers,
 * record file, log), each perturbation, and a membership-gated key — each checked against the
 * same defense in-process — plus the start-up errors of a gate that cannot work.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { localVictimFeatures } from "../../lib/defend/features";
import { GatedVictim } from "../../lib/defend/gate";
import { saveMembershipClassifier, trainMembership } from "../../lib/defend/membership";
import { perturbAnswer, Perturbation } from "../../lib/defend/perturb";
import { readWatermarks } from "../../lib/defend/watermark";
import { initBackend } from "../../lib/engine/backend";
import { Rng } from "../../lib/engine/rng";
import { LocalVictim } from "../../lib/extract/local-victim";
import { VictimAnswer } from "../../lib/extract/victim";
import { Prediction, toPrediction } from "../../lib/serve/api";
import { CoalescingVictim } from "../../lib/serve/coalesce";
import { watermarkFile } from "../../lib/serve/defenses";
import { addKey, readKeys, validateKeys } from "../../lib/serve/keys";
import { readQueryLog } from "../../lib/serve/query-log";
import { FakeVictim, getJson, LABELS, makeTinyModel, predict, RunningServer, sentences, startServer, tempDir, testKey } from "./fixtures";

const TMP = tempDir("defenses");
let local: LocalVictim;
const running: RunningServer[] = [];
before(async () => {
  await initBackend({ quiet: true });
  local = await LocalVictim.load(await makeTinyModel(path.join(TMP, "model")));
});
after(async () => {
  for (const r of running) await r.close().catch(() => undefined);
  local?.dispose();
  fs.rmSync(TMP, { recursive: true, force: true });
});

async function serve(keys: ReturnType<typeof testKey>[], name: string): Promise<RunningServer> {
  const r = await startServer({ victim: new CoalescingVictim(local), model: "tiny", keys: keys.map((k) => k.entry) }, fs.mkdtempSync(path.join(TMP, `${name}-`)));
  running.push(r);
  return r;
}

const asPrediction = (a: VictimAnswer, withProbabilities = true): Prediction => toPrediction(a, LABELS, withProbabilities);

function gibberish(n: number, seed: number): string[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: 3 + rng.int(6) }, () => Array.from({ length: 3 + rng.int(5) }, () => "qxzjvkw"[rng.int(7)]).join("")).join(" "));
}

test("a key's defense in the keys file: each bad one fails naming the key and showing the fix; good ones round-trip", () => {
  const base = { id: "eve", key_sha256: "0".repeat(64), budget: 1, rate_per_minute: 1 };
  const cases: [unknown, RegExp][] = [
    ["watermark", /keys\[0\] \(eve\): "defense" must be an object such as \{"kind": "watermark", "seed": 7/],
    [{ kind: "noise" }, /keys\[0\] \(eve\): "defense"\.kind must be one of "watermark", "perturb", "membership-gate"; got "noise"/],
    [{ kind: "watermark" }, /\(eve\): "defense": "seed" must be an integer \(keep it secret.*write it as \{"kind": "watermark"/],
    [{ kind: "watermark", seed: 1, fraction: 2 }, /"fraction" must be a number in \(0, 1\]/],
    [{ kind: "watermark", seed: 1, rate: 0.1 }, /\(eve\): "defense" has an unknown field "rate" for kind "watermark"/],
    [{ kind: "perturb", method: "blur" }, /"method" must be one of labels, round, top-k, reverse-sigmoid; got "blur"/],
    [{ kind: "perturb", method: "round" }, /\(eve\): "defense": "decimals" must be an integer from 0 to 15; got undefined; write it as \{"kind": "perturb", "method": "round"/],
    [{ kind: "perturb", method: "top-k", k: 1, decimals: 2 }, /"decimals" does not apply to method "top-k"/],
    [{ kind: "perturb", method: "reverse-sigmoid", beta: 0 }, /"beta" must be a positive number/],
    [{ kind: "membership-gate" }, /"classifier" must be the path of a membership classifier file/],
    [{ kind: "membership-gate", classifier: "c.json", seed: "x" }, /"seed" must be an integer/],
  ];
  for (const [defense, message] of cases) assert.throws(() => validateKeys([{ ...base, defense }], "keys"), message, JSON.stringify(defense));
  const file = path.join(TMP, "keys.json");
  const defenses = [
    { kind: "watermark", seed: 5, fraction: 0.01 },
    { kind: "perturb", method: "reverse-sigmoid", beta: 0.5 },
    { kind: "membership-gate", classifier: "c.json" },
  ] as const;
  defenses.forEach((defense, i) => addKey(file, { id: `k${i}`, defense }));
  addKey(file, { id: "plain" });
  const keys = readKeys(file);
  assert.deepEqual(keys.map((k) => k.defense), [...defenses, undefined]);
  assert.ok(!("defense" in keys[3]), "a key without a defense has no defense field");
});

test("a watermarked key: watermarked answers carry another label, the record holds them with the truth, the log says which", async () => {
  const marked = testKey("marked", { defense: { kind: "watermark", seed: 21, fraction: 0.3 } });
  const plain = testKey("plain");
  const r = await serve([marked, plain], "watermark");
  const texts = sentences(32, 40);
  const truth = await local.query(texts);
  const res = await predict(r.url, marked.token, { inputs: texts });
  assert.equal(res.status, 200);
  const watermarked = res.body.predictions.flatMap((p: Prediction, i: number) => (p.label_id !== truth[i].label ? [i] : []));
  assert.ok(watermarked.length >= 3 && watermarked.length <= 20, `${watermarked.length} of 32 watermarked at 30 %`);
  res.body.predictions.forEach((p: Prediction, i: number) => {
    if (!watermarked.includes(i)) return assert.deepEqual(p, asPrediction(truth[i]));
    assert.deepEqual(p.probabilities, { negative: truth[i].probabilities![1], positive: truth[i].probabilities![0] }, "the flipped distribution");
  });
  const { entries } = readWatermarks(watermarkFile(r.dir, "marked"));
  assert.deepEqual(entries.map((e) => e.query), watermarked.map((i: number) => texts[i]), "stored before the answer was sent");
  assert.deepEqual(entries.map((e) => e.truth), watermarked.map((i: number) => truth[i]));
  const again = await predict(r.url, marked.token, { inputs: texts });
  assert.deepEqual(again.body.predictions, res.body.predictions, "a repeated query, the same answers");
  const honest = await predict(r.url, plain.token, { inputs: texts });
  assert.deepEqual(honest.body.predictions, truth.map((a) => asPrediction(a)), "another key on the same server is not watermarked");
  await r.close();
  const { records } = readQueryLog(r.logFile);
  assert.deepEqual(records[0].defense, { kind: "watermark", watermarked });
  assert.equal(records[2].defense, undefined);
  assert.ok(!fs.existsSync(watermarkFile(r.dir, "plain")));
});

test("perturbed keys: labels only (and /v1/key says so), rounded, top-1, reverse sigmoid — each as the in-process function gives it, logged", async () => {
  const perturbations: Perturbation[] = [{ method: "labels" }, { method: "round", decimals: 1 }, { method: "top-k", k: 1 }, { method: "reverse-sigmoid", beta: 0.8, gamma: 0.2 }];
  const keys = perturbations.map((p, i) => testKey(`p${i}`, { probabilities: true, defense: { kind: "perturb", ...p } }));
  const r = await serve(keys, "perturb");
  const texts = sentences(20, 41);
  const truth = await local.query(texts);
  for (const [i, p] of perturbations.entries()) {
    const res = await predict(r.url, keys[i].token, { inputs: texts });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.predictions, truth.map((a) => asPrediction(perturbAnswer(a, p), p.method !== "labels")), p.method);
    assert.deepEqual(res.body.predictions.map((x: Prediction) => x.label_id), truth.map((a) => a.label), `${p.method} keeps the label`);
    for (const x of res.body.predictions as Prediction[]) {
      if (x.probabilities) assert.ok(Math.abs(x.probabilities.negative + x.probabilities.positive - 1) < 1e-6);
    }
    assert.equal((await getJson(`${r.url}/v1/key`, keys[i].token)).probabilities, p.method !== "labels");
  }
  await r.close();
  assert.deepEqual(readQueryLog(r.logFile).records.map((x) => x.defense), [
    { kind: "perturb", method: "labels" }, { kind: "perturb", method: "round-1" }, { kind: "perturb", method: "top-1" }, { kind: "perturb", method: "reverse-sigmoid(β=0.8, γ=0.2)" },
  ]);
});

test("a membership-gated key: out-of-distribution inputs get the gate's random answers, the others the model's; the log has the gated inputs and scores", async () => {
  const features = localVictimFeatures(local);
  const classifier = trainMembership({ extractor: features, features: "both", members: sentences(150, 50), nonMembers: gibberish(150, 51) });
  const file = path.join(TMP, "gate", "classifier.json");
  saveMembershipClassifier(file, classifier);
  const gated = testKey("gated", { defense: { kind: "membership-gate", classifier: file, seed: 9 } });
  const r = await serve([gated], "gate");
  const inputs = [...sentences(8, 52), ...gibberish(8, 53)];
  const res = await predict(r.url, gated.token, { inputs });
  assert.equal(res.status, 200);
  const expected = await new GatedVictim(local, features, classifier, { seed: 9 }).answer(inputs);
  assert.ok(expected.report.gated.length >= 6 && expected.report.gated.every((i) => i >= 4), `gated ${expected.report.gated}: mostly the gibberish`);
  assert.ok(expected.report.gated.length < 16, "real sentences pass");
  assert.deepEqual(res.body.predictions, expected.answers.map((a) => asPrediction(a)));
  // Inputs that pass get the model's answer (up to float32 noise: the gate sends the model a batch without the gated ones, padded differently).
  const truth = await local.query(inputs);
  res.body.predictions.forEach((p: Prediction, i: number) => {
    if (expected.report.gated.includes(i)) return;
    assert.equal(p.label_id, truth[i].label);
    assert.ok(Math.abs(p.probabilities!.positive - truth[i].probabilities![1]) < 1e-5);
  });
  await r.close();
  const [record] = readQueryLog(r.logFile).records;
  assert.deepEqual(record.defense, expected.report);
});

test("a gate that cannot work stops the server at start, naming the key: missing classifier, another model's classifier, a victim without features", async () => {
  const missing = testKey("lost", { defense: { kind: "membership-gate", classifier: path.join(TMP, "nope.json") } });
  await assert.rejects(serve([missing], "missing"), /key "lost": defense\.classifier: .*nope\.json: no such membership classifier/);
  const wide = path.join(TMP, "wide.json");
  saveMembershipClassifier(wide, { version: 1, features: "both", threshold: 0.5, model: { mean: [0, 0, 0], std: [1, 1, 1], weights: [1, 1, 1], bias: 0 } });
  const other = testKey("other", { defense: { kind: "membership-gate", classifier: wide } });
  await assert.rejects(serve([other], "wide"), /key "other": the classifier .*wide\.json reads 3 "both" features but the served model gives 18/);
  await assert.rejects(startServer({ victim: new FakeVictim(), keys: [other.entry] }, fs.mkdtempSync(path.join(TMP, "fake-"))), /key "other": a membership-gate defense needs the served model's features, and this victim is not a LocalVictim/);
});
