/**
 * Load on 127.0.0.1: autocannon with 50 connections for a few seconds against the tiny real
 * model (batched across requests, as `npm run serve` runs it), a key with a huge budget and rate. Valid traffic gets no errors and no non-2xx, and every
 * answered request is in the log and charged. Throughput and p99 latency are printed, not asserted
 * (the machine is shared).
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import autocannon from "autocannon";
import { initBackend } from "../../lib/engine/backend";
import { LocalVictim } from "../../lib/extract/local-victim";
import { CoalescingVictim } from "../../lib/serve/coalesce";
import { readQueryLog } from "../../lib/serve/query-log";
import { makeTinyModel, sentences, startServer, tempDir, testKey } from "./fixtures";

const TMP = tempDir("load");
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

const CONNECTIONS = 50;
const SECONDS = 5;
const BATCH = 4;

test(`${CONNECTIONS} connections for ${SECONDS} s: zero errors and non-2xx, every answer logged and charged`, async (t) => {
  await initBackend({ quiet: true });
  const victim = await LocalVictim.load(await makeTinyModel(path.join(TMP, "model")));
  const key = testKey("load", { budget: 1e12, rate_per_minute: 1e9, probabilities: true });
  // As `npm run serve` does: concurrent requests share forward passes.
  const r = await startServer({ keys: [key.entry], victim: new CoalescingVictim(victim), model: "tiny" }, fs.mkdtempSync(path.join(TMP, "run-")));
  let closed = false;
  try {
    const result = await autocannon({
      url: `${r.url}/v1/predict`,
      connections: CONNECTIONS,
      duration: SECONDS,
      method: "POST",
      headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json" },
      body: JSON.stringify({ inputs: sentences(BATCH, 9) }),
      timeout: 30,
    });
    const line = `load: ${result.requests.average.toFixed(0)} requests/s (${(result.requests.average * BATCH).toFixed(0)} inputs/s), latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; ${result["2xx"]} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`;
    t.diagnostic(line);
    assert.ok(result["2xx"] > 0, "some requests were answered");
    assert.equal(result.errors, 0, "connection errors");
    assert.equal(result.timeouts, 0, "timeouts");
    assert.equal(result.non2xx, 0, "non-2xx answers to valid requests");

    await r.close();
    closed = true;
    const { records, badLines } = readQueryLog(r.logFile);
    assert.deepEqual(badLines, []);
    // Requests cut off when autocannon stops may still be answered and logged, so ≥, not =.
    assert.ok(records.length >= result["2xx"], `${records.length} log records for ${result["2xx"]} answered requests`);
    const used = JSON.parse(fs.readFileSync(r.stateFile, "utf8")).used.load;
    assert.equal(used, records.length * BATCH, "every logged request charged, and only those");
  } finally {
    if (!closed) await r.close();
    victim.dispose();
  }
});
