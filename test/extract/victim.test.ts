/**
 * Victims: LocalVictim on a tiny random model folder (answers = the model's softmax, pairs,
 * truncation, a folder without a classifier head refused), and HttpVictim against a live server
 * serving that LocalVictim — the same answers, batches cut to the server's limit, labels-only
 * keys, a spent budget reported with what was answered, 429s waited out and retried (bounded).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { initBackend } from "../../lib/engine/backend";
import { BudgetExhaustedError, HttpVictim, retryAfterSeconds, VictimApiError } from "../../lib/extract/http-victim";
import { LocalVictim } from "../../lib/extract/local-victim";
import { VictimAnswer, VictimInput } from "../../lib/extract/victim";
import { makeConfig } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";
import { saveModel } from "../../lib/model/io";
import { CoalescingVictim } from "../../lib/serve/coalesce";
import { readQueryLog } from "../../lib/serve/query-log";
import { argmax, predictProbabilities } from "../../lib/train/classify";
import { LABELS, makeTinyModel, RunningServer, sentences, startServer, tempDir, testKey } from "../serve/fixtures";

const TMP = tempDir("victim");
let modelDir: string;
let local: LocalVictim;
const servers: RunningServer[] = [];
before(async () => {
  await initBackend({ quiet: true });
  modelDir = await makeTinyModel(path.join(TMP, "model"));
  local = await LocalVictim.load(modelDir);
});
after(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
  local?.dispose();
  fs.rmSync(TMP, { recursive: true, force: true });
});

const PAIRS: VictimInput[] = [
  { premise: "the film was good", hypothesis: "the film was bad" },
  { premise: "a boring plot", hypothesis: "not very funny" },
  { premise: "warm and sharp", hypothesis: "the actor was brilliant and the story was slow" },
];

function assertSameAnswers(actual: VictimAnswer[], expected: VictimAnswer[], withProbabilities: boolean): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => {
    assert.equal(a.label, expected[i].label, `answer ${i}: label`);
    if (!withProbabilities) return assert.equal(a.probabilities, undefined, `answer ${i} has probabilities`);
    assert.equal(a.probabilities!.length, expected[i].probabilities!.length);
    a.probabilities!.forEach((p, j) => assert.ok(Math.abs(p - expected[i].probabilities![j]) < 1e-6, `answer ${i}, class ${j}: ${p} vs ${expected[i].probabilities![j]}`));
  });
}

test("LocalVictim answers with the model's softmax: labels from id2label, argmax labels, pairs, long inputs cut", async () => {
  assert.deepEqual(local.labels, LABELS);
  assert.equal(local.exposesProbabilities, true);
  assert.equal(local.maxLength, 64);
  const texts = sentences(12, 5);
  const answers = await local.query(texts);
  const direct = predictProbabilities(local.model, texts.map((x) => local.tokenizer.encode(x, undefined, { maxLength: 64 })));
  answers.forEach((a, i) => {
    assert.deepEqual(a.probabilities, Array.from(direct[i]));
    assert.equal(a.label, argmax(direct[i]));
    assert.ok(Math.abs(a.probabilities!.reduce((s, p) => s + p, 0) - 1) < 1e-5);
  });
  assert.ok(new Set(answers.map((a) => a.probabilities![0].toFixed(4))).size > 1, "different texts, different answers");

  const paired = await local.query(PAIRS);
  const pairDirect = predictProbabilities(local.model, PAIRS.map((p) => local.tokenizer.encode((p as { premise: string }).premise, (p as { hypothesis: string }).hypothesis, { maxLength: 64 })));
  paired.forEach((a, i) => assert.deepEqual(a.probabilities, Array.from(pairDirect[i])));
  const long = await local.query([new Array(500).fill("good").join(" ")]);
  assert.equal(long.length, 1, "a text far over 64 tokens is cut, not refused");
  assert.deepEqual(await local.query([]), []);

  const labelsOnly = new LocalVictim(local.model, local.tokenizer, { exposesProbabilities: false });
  assertSameAnswers(await labelsOnly.query(texts), answers, false);
});

test("LocalVictim refuses a folder with no classifier head, naming the file and the fix", async () => {
  const dir = path.join(TMP, "base");
  fs.cpSync(modelDir, dir, { recursive: true });
  const config = JSON.parse(fs.readFileSync(path.join(modelDir, "config.json"), "utf8"));
  const base = EncoderModel.create(makeConfig(config), "base", 1);
  saveModel(base, dir);
  base.dispose();
  await assert.rejects(LocalVictim.load(dir), /model\.safetensors has no classifier head \(classifier\.weight, classifier\.bias\); serve a fine-tuned sequence-classification model/);
  fs.rmSync(path.join(dir, "tokenizer.json"));
  fs.cpSync(path.join(modelDir, "model.safetensors"), path.join(dir, "model.safetensors"));
  fs.cpSync(path.join(modelDir, "config.json"), path.join(dir, "config.json"));
  await assert.rejects(LocalVictim.load(dir), /no tokenizer\.json/);
});

async function serve(keys: ReturnType<typeof testKey>[], maxBatch = 4): Promise<RunningServer> {
  // As `npm run serve` runs it: concurrent requests share forward passes.
  const s = await startServer({ keys: keys.map((k) => k.entry), victim: new CoalescingVictim(local), model: "tiny", maxBatch }, fs.mkdtempSync(path.join(TMP, "srv-")));
  servers.push(s);
  return s;
}

test("HttpVictim against a live server gives the LocalVictim's answers, in batches of the server's max_batch", async () => {
  const key = testKey("thief", { probabilities: true });
  const s = await serve([key]);
  const remote = await HttpVictim.connect(s.url, key.token);
  assert.deepEqual(remote.labels, LABELS);
  assert.equal(remote.exposesProbabilities, true);
  assert.equal(remote.model, "tiny");
  const texts = sentences(10, 11);
  assertSameAnswers(await remote.query(texts), await local.query(texts), true);
  assertSameAnswers(await remote.query(PAIRS), await local.query(PAIRS), true);
  assert.equal(remote.queriesLeft, 1000 - 13);
  const { records } = readQueryLog(s.logFile);
  assert.deepEqual(records.map((r) => r.inputs.length), [4, 4, 2, 3], "batches of at most max_batch 4");
  // Queries from several clients at once are coalesced on the server and still answered right.
  const many = await Promise.all([0, 1, 2].map((i) => remote.query(sentences(6, 20 + i))));
  for (let i = 0; i < 3; i++) assertSameAnswers(many[i], await local.query(sentences(6, 20 + i)), true);
});

test("HttpVictim halves a batch that is over the server's body limit (413) instead of failing", async () => {
  const key = testKey("verbose");
  const s = await startServer({ keys: [key.entry], victim: local, model: "tiny", maxBatch: 8, maxBodyBytes: 400 }, fs.mkdtempSync(path.join(TMP, "srv-")));
  servers.push(s);
  const texts = sentences(8, 7).map((x) => `${x} ${"good ".repeat(8)}`.slice(0, 60).padEnd(60, "."));
  assert.ok(JSON.stringify({ inputs: texts }).length > 400, "the full batch is over the limit");
  const remote = await HttpVictim.connect(s.url, key.token);
  assertSameAnswers(await remote.query(texts), await local.query(texts), true);
  assert.deepEqual(readQueryLog(s.logFile).records.map((r) => r.inputs.length), [4, 4]);
});

test("HttpVictim with a labels-only key: exposesProbabilities is false and answers carry labels only", async () => {
  const key = testKey("labels-only", { probabilities: false });
  const s = await serve([key]);
  const remote = await HttpVictim.connect(s.url, key.token, { batchSize: 2 });
  assert.equal(remote.exposesProbabilities, false);
  const texts = sentences(5, 3);
  assertSameAnswers(await remote.query(texts), await local.query(texts), false);
  assert.deepEqual(readQueryLog(s.logFile).records.map((r) => r.inputs.length), [2, 2, 1], "batchSize below the server's limit is kept");
});

test("HttpVictim on a spent budget throws BudgetExhaustedError saying how many were answered, with those answers", async () => {
  const key = testKey("poor", { budget: 5 });
  const s = await serve([key]);
  const remote = await HttpVictim.connect(s.url, key.token);
  const texts = sentences(12, 4);
  const err = await remote.query(texts).then(
    () => assert.fail("expected the budget to run out"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof BudgetExhaustedError, String(err));
  assert.match(err.message, /query budget is exhausted .*5 of the 12 inputs of this query were answered/);
  assert.equal(err.answered.length, 5, "the batch of 4, then the 1 left");
  assertSameAnswers(err.answered, await local.query(texts.slice(0, 5)), true);
  assert.equal(err.queriesLeft, 0);
  assert.equal(remote.queriesLeft, 0);
  await assert.rejects(remote.query(["more"]), (e: unknown) => e instanceof BudgetExhaustedError && /0 of the 1 inputs/.test(e.message));
});

test("HttpVictim.connect with an unknown token fails with the status and a hint", async () => {
  const s = await serve([testKey("someone")]);
  await assert.rejects(HttpVictim.connect(s.url, "tl_wrong"), (e: unknown) => e instanceof VictimApiError && e.status === 401 && /unknown API key.*check the token given to HttpVictim\.connect/.test(e.message));
  await assert.rejects(HttpVictim.connect("http://127.0.0.1:9", "x"), /cannot reach the victim API at http:\/\/127\.0\.0\.1:9\/healthz/);
});

/** A stand-in API on 127.0.0.1 that answers predict with 429 (Retry-After `retryAfter`) `failures` times, then 200. */
async function flakyApi(failures: number, retryAfter: string): Promise<{ url: string; predictCalls: () => number; close: () => Promise<void> }> {
  let calls = 0;
  const server = http.createServer((req, res) => {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.url === "/healthz") return json(200, { status: "ok", model: "stub", labels: LABELS, uptime: 1, limits: { max_batch: 8, max_chars: 100, max_body_bytes: 1000 } });
    if (req.url === "/v1/key") return json(200, { id: "k", budget: 10, used: 0, queries_left: 10, rate_per_minute: 1, probabilities: false });
    req.resume();
    req.on("end", () => {
      calls++;
      if (calls <= failures) return json(429, { error: "rate_limited", message: "slow down" }, { "retry-after": retryAfter });
      json(200, { predictions: [{ label: "positive", label_id: 1 }], queries_left: 9 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, predictCalls: () => calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test("HttpVictim waits out Retry-After on 429 and retries; it gives up after maxRetries or on too long a wait", async () => {
  const once = await flakyApi(1, "1");
  try {
    const remote = await HttpVictim.connect(once.url, "t");
    const t0 = Date.now();
    assert.deepEqual(await remote.query(["x"]), [{ label: 1 }]);
    assert.ok(Date.now() - t0 >= 950, `waited only ${Date.now() - t0} ms of the 1 s Retry-After`);
    assert.equal(remote.retries, 1);
    assert.equal(once.predictCalls(), 2);
  } finally {
    await once.close();
  }
  const always = await flakyApi(100, "0");
  try {
    const remote = await HttpVictim.connect(always.url, "t", { maxRetries: 2 });
    await assert.rejects(remote.query(["x"]), /still answered 429 after 2 retries; slow down or raise the key's rate_per_minute/);
    assert.equal(always.predictCalls(), 3, "one try and 2 retries");
  } finally {
    await always.close();
  }
  const long = await flakyApi(1, "600");
  try {
    const remote = await HttpVictim.connect(long.url, "t", { maxWaitSeconds: 5 });
    await assert.rejects(remote.query(["x"]), /asks to wait 600 s \(Retry-After\), more than maxWaitSeconds 5/);
  } finally {
    await long.close();
  }
});

test("retryAfterSeconds reads seconds and HTTP dates", () => {
  assert.equal(retryAfterSeconds("7"), 7);
  assert.equal(retryAfterSeconds(null), 1);
  assert.equal(retryAfterSeconds("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT")), 10);
  assert.equal(retryAfterSeconds("soon"), 1);
});
