/**
 * The victim API over real HTTP on 127.0.0.1, with a fake victim: every error path (401, 400
 * variants, 413, 415, 429 with Retry-After, 402 budget), probabilities per key, pairs, the query
 * log (one record per acknowledged request), and budgets surviving a restart on the same state file.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { readQueryLog } from "../../lib/serve/query-log";
import { FakeVictim, getJson, predict, RunningServer, startServer, tempDir, testKey } from "./fixtures";

const alice = testKey("alice", { probabilities: true, budget: 1000 });
const bob = testKey("bob", { probabilities: false, budget: 1000 });
const slow = testKey("slow", { rate_per_minute: 2 });
const poor = testKey("poor", { budget: 5 });

const running: RunningServer[] = [];
const TMP = tempDir("api");
after(async () => {
  for (const r of running) await r.close().catch(() => undefined);
  fs.rmSync(TMP, { recursive: true, force: true });
});

let shared: Promise<RunningServer> | undefined;
/** One server for the stateless checks (limits: 4 inputs, 20 characters, 1 KiB bodies). */
function server(): Promise<RunningServer> {
  shared ??= startServer({ keys: [alice.entry, bob.entry, slow.entry, poor.entry], maxBatch: 4, maxChars: 20, maxBodyBytes: 1024 }, fs.mkdtempSync(path.join(TMP, "s-"))).then((r) => {
    running.push(r);
    return r;
  });
  return shared;
}

test("healthz answers without a key: status, model, labels, uptime, limits", async () => {
  const { url } = await server();
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  const body = await getJson(`${url}/healthz`);
  assert.equal(body.status, "ok");
  assert.equal(body.model, "fake");
  assert.deepEqual(body.labels, ["negative", "positive"]);
  assert.ok(typeof body.uptime === "number" && body.uptime >= 0);
  assert.deepEqual(body.limits, { max_batch: 4, max_chars: 20, max_body_bytes: 1024 });
});

test("401: no Authorization header, a malformed one, an unknown token — each with WWW-Authenticate and a message", async () => {
  const { url } = await server();
  const none = await predict(url, undefined, { inputs: ["good"] });
  assert.equal(none.status, 401);
  assert.match(none.body.message, /no Authorization header; send "Authorization: Bearer <token>"/);
  assert.equal(none.headers.get("www-authenticate"), 'Bearer realm="victim"');
  const basic = await fetch(`${url}/v1/predict`, { method: "POST", headers: { authorization: "Basic abc", "content-type": "application/json" }, body: '{"inputs":["x"]}' });
  assert.equal(basic.status, 401);
  assert.match(((await basic.json()) as { message: string }).message, /must be "Bearer <token>"/);
  const unknown = await predict(url, "tl_not-a-key", { inputs: ["good"] });
  assert.equal(unknown.status, 401);
  assert.equal(unknown.body.error, "unauthorized");
  assert.match(unknown.body.message, /unknown API key/);
  const key = await fetch(`${url}/v1/key`);
  assert.equal(key.status, 401, "GET /v1/key needs a key too");
});

test("400: malformed JSON, wrong shapes, empty and over-long texts, too large a batch — each message says what is wrong and what is expected", async () => {
  const { url } = await server();
  const cases: [string, { body?: unknown; raw?: string }, RegExp][] = [
    ["invalid JSON", { raw: '{"inputs": ["a",' }, /not valid JSON; expected \{"inputs"/],
    ["empty body", { raw: "" }, /the body is empty/],
    ["not an object", { body: ["a"] }, /the body must be a JSON object .*got an array/],
    ["no inputs", { body: { input: ["a"] } }, /unknown field "input".*"inputs"/],
    ["inputs missing", { body: {} }, /the body has no "inputs"/],
    ["inputs not an array", { body: { inputs: "a" } }, /"inputs" must be an array; got a string/],
    ["empty batch", { body: { inputs: [] } }, /"inputs" is empty; send 1 to 4 inputs/],
    ["batch too large", { body: { inputs: ["a", "b", "c", "d", "e"] } }, /holds 5 inputs; at most 4 are allowed per request, so split the batch/],
    ["a number", { body: { inputs: ["a", 3] } }, /inputs\[1\] must be a text \(string\) or a pair .*got a number/],
    ["empty text", { body: { inputs: ["a", ""] } }, /inputs\[1\] is empty; every text needs at least one non-space character/],
    ["blank text", { body: { inputs: ["   "] } }, /inputs\[0\] is empty/],
    ["over-long text", { body: { inputs: ["x".repeat(21)] } }, /inputs\[0\] has 21 characters; at most 20 are allowed per text/],
    ["over-long hypothesis", { body: { inputs: [{ premise: "p", hypothesis: "h".repeat(30) }] } }, /inputs\[0\]\.hypothesis has 30 characters/],
    ["pair without hypothesis", { body: { inputs: [{ premise: "p" }] } }, /inputs\[0\]\.hypothesis must be a string; got nothing \(the field is missing\)/],
    ["pair with an extra field", { body: { inputs: [{ premise: "p", hypothesis: "h", label: 1 }] } }, /inputs\[0\] has an unknown field "label"/],
    ["mixed texts and pairs", { body: { inputs: ["a", { premise: "p", hypothesis: "h" }] } }, /inputs\[1\] is a pair but inputs\[0\] is a text; send only texts or only pairs/],
  ];
  for (const [name, req, message] of cases) {
    const res = await predict(url, alice.token, req.body, { raw: req.raw });
    assert.equal(res.status, 400, `${name}: status ${res.status} ${JSON.stringify(res.body)}`);
    assert.match(res.body.message, message, name);
  }
  // Emoji count as one character each (code points), so 20 of them fit the 20-character limit.
  assert.equal((await predict(url, alice.token, { inputs: ["😀".repeat(20)] })).status, 200);
});

test("413 for a body over --max-body, 415 for a body that is not JSON, 404 for an unknown route", async () => {
  const { url } = await server();
  const big = await predict(url, alice.token, { inputs: ["x".repeat(2000)] });
  assert.equal(big.status, 413);
  assert.match(big.body.message, /at most 1024 bytes are accepted, so send fewer or shorter inputs/);
  const form = await predict(url, alice.token, undefined, { raw: "inputs=a", contentType: "application/x-www-form-urlencoded" });
  assert.equal(form.status, 415);
  assert.match(form.body.message, /send JSON with Content-Type: application\/json/);
  const missing = await fetch(`${url}/v1/predictions`);
  assert.equal(missing.status, 404);
  assert.match(((await missing.json()) as { message: string }).message, /POST \/v1\/predict/);
});

test("probabilities for keys that allow them, labels only for the others; pairs are answered", async () => {
  const { url } = await server();
  const texts = ["a good film", "awful"];
  const withP = await predict(url, alice.token, { inputs: texts });
  assert.equal(withP.status, 200);
  const expected = await new FakeVictim().query(texts);
  assert.deepEqual(withP.body.predictions, expected.map((a) => ({ label: ["negative", "positive"][a.label], label_id: a.label, probabilities: { negative: a.probabilities![0], positive: a.probabilities![1] } })));
  const without = await predict(url, bob.token, { inputs: texts });
  assert.equal(without.status, 200);
  assert.deepEqual(without.body.predictions, expected.map((a) => ({ label: ["negative", "positive"][a.label], label_id: a.label })));
  assert.ok(without.body.predictions.every((p: object) => !("probabilities" in p)));

  const pairs = [{ premise: "a man sleeps", hypothesis: "nobody sleeps" }, { premise: "it rains", hypothesis: "wet" }];
  const paired = await predict(url, alice.token, { inputs: pairs });
  assert.equal(paired.status, 200);
  assert.deepEqual(paired.body.predictions.map((p: { label_id: number }) => p.label_id), (await new FakeVictim().query(pairs)).map((a) => a.label));
  assert.deepEqual(await getJson(`${url}/v1/key`, bob.token), { id: "bob", budget: 1000, used: 2, queries_left: 998, rate_per_minute: 10_000, probabilities: false });
});

test("429 with Retry-After once a key sends more requests per minute than it may; other keys are not affected", async () => {
  const { url } = await server();
  assert.equal((await predict(url, slow.token, { inputs: ["one"] })).status, 200);
  assert.equal((await predict(url, slow.token, { inputs: ["two"] })).status, 200);
  const limited = await predict(url, slow.token, { inputs: ["three"] });
  assert.equal(limited.status, 429);
  const wait = Number(limited.headers.get("retry-after"));
  assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 60, `Retry-After ${limited.headers.get("retry-after")}`);
  assert.equal(limited.body.error, "rate_limited");
  assert.equal(limited.body.retry_after_seconds, wait);
  assert.match(limited.body.message, /key "slow" may send 2 requests per minute; wait \d+ s \(the Retry-After header\)/);
  assert.equal((await predict(url, alice.token, { inputs: ["fine"] })).status, 200);
  // A rate-limited request is neither answered nor charged.
  const key = await getJson(`${url}/v1/key`, slow.token);
  assert.equal(key.used, 2);
});

test("402 when a request needs more inputs than the key has left: the message says how many are left, nothing is charged", async () => {
  const { url } = await server();
  const first = await predict(url, poor.token, { inputs: ["a", "b", "c"] });
  assert.equal(first.status, 200);
  assert.equal(first.body.queries_left, 2);
  const over = await predict(url, poor.token, { inputs: ["d", "e", "f"] });
  assert.equal(over.status, 402);
  assert.equal(over.body.error, "budget_exhausted");
  assert.equal(over.body.queries_left, 2);
  assert.match(over.body.message, /holds 3 inputs but key "poor" has 2 of its 5 queries left; send at most 2 inputs/);
  const rest = await predict(url, poor.token, { inputs: ["d", "e"] });
  assert.equal(rest.status, 200, "the refused request charged nothing, so 2 still fit");
  assert.equal(rest.body.queries_left, 0);
  const spent = await predict(url, poor.token, { inputs: ["g"] });
  assert.equal(spent.status, 402);
  assert.match(spent.body.message, /has 0 of its 5 queries left; the budget is spent/);
});

test("the query log holds exactly one record per acknowledged request (key, ISO time, inputs, outputs), none for refused ones", async () => {
  const dir = fs.mkdtempSync(path.join(TMP, "log-"));
  const key = testKey("logger", { budget: 4, rate_per_minute: 5 });
  const r = await startServer({ keys: [key.entry] }, dir);
  running.push(r);
  const acknowledged: unknown[] = [];
  const attempts = [["a", "b"], [""], ["c"], [{ premise: "p", hypothesis: "h" }], ["d", "e"], ["f"], ["g"]]; // 400, then 402, then 429
  const statuses: number[] = [];
  for (const inputs of attempts) {
    const res = await predict(r.url, key.token, { inputs });
    statuses.push(res.status);
    if (res.status === 200) acknowledged.push({ inputs, outputs: res.body.predictions });
  }
  assert.deepEqual(statuses, [200, 400, 200, 200, 402, 429, 429]);
  await r.close();
  const { records, badLines } = readQueryLog(r.logFile);
  assert.deepEqual(badLines, []);
  assert.equal(records.length, 3);
  assert.deepEqual(records.map((x) => ({ inputs: x.inputs, outputs: x.outputs })), acknowledged);
  assert.ok(records.every((x) => x.key === "logger" && !Number.isNaN(Date.parse(x.time)) && x.time === new Date(x.time).toISOString()));
  assert.equal(new Set(records.map((x) => x.request)).size, 3, "request ids are unique");
});

test("budgets persist across a restart on the same state file (and the log is appended to, not replaced)", async () => {
  const dir = fs.mkdtempSync(path.join(TMP, "restart-"));
  const key = testKey("carol", { budget: 10 });
  const first = await startServer({ keys: [key.entry] }, dir);
  assert.equal((await predict(first.url, key.token, { inputs: ["a", "b", "c", "d"] })).status, 200);
  assert.equal((await predict(first.url, key.token, { inputs: ["e", "f", "g"] })).status, 200);
  await first.close();
  assert.deepEqual(JSON.parse(fs.readFileSync(first.stateFile, "utf8")), { version: 1, used: { carol: 7 } });

  const second = await startServer({ keys: [key.entry] }, dir);
  running.push(second);
  const key2 = await getJson(`${second.url}/v1/key`, key.token);
  assert.equal(key2.used, 7);
  assert.equal(key2.queries_left, 3);
  const over = await predict(second.url, key.token, { inputs: ["h", "i", "j", "k"] });
  assert.equal(over.status, 402, "the restarted server remembers the 7 used");
  assert.equal(over.body.queries_left, 3);
  assert.equal((await predict(second.url, key.token, { inputs: ["h", "i", "j"] })).body.queries_left, 0);
  await second.close();
  assert.equal(readQueryLog(second.logFile).records.length, 3);
});

test("a state file that is not JSON stops the server with a message saying how to fix it", async () => {
  const dir = fs.mkdtempSync(path.join(TMP, "bad-state-"));
  fs.writeFileSync(path.join(dir, "state.json"), "{ not json");
  await assert.rejects(startServer({ keys: [alice.entry] }, dir), /budget state is not valid JSON .*delete it to reset every key's budget/);
});

test("a victim that fails answers 500, and the inputs are not charged", async () => {
  const dir = fs.mkdtempSync(path.join(TMP, "fail-"));
  const key = testKey("dave", { budget: 10 });
  const broken = new FakeVictim();
  broken.query = async () => {
    throw new Error("boom");
  };
  const r = await startServer({ keys: [key.entry], victim: broken }, dir);
  running.push(r);
  const errors: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(args.join(" "));
  try {
    const res = await predict(r.url, key.token, { inputs: ["a", "b"] });
    assert.equal(res.status, 500);
    assert.match(res.body.message, /nothing was charged, so retrying is safe/);
  } finally {
    console.error = original;
  }
  assert.match(errors.join("\n"), /boom/);
  const k = await getJson(`${r.url}/v1/key`, key.token);
  assert.equal(k.used, 0);
});
