/**
 * `serve` as a child process on a tiny model folder: killed with SIGKILL under load and restarted,
 * no acknowledged request is missing from the log and no acknowledged input from the budget; on
 * SIGTERM it stops accepting connections, answers the request in flight, and exits 0.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { initBackend } from "../../lib/engine/backend";
import { readQueryLog } from "../../lib/serve/query-log";
import { getJson, makeTinyModel, predict, ServerProcess, spawnServer, tempDir, testKey } from "./fixtures";

const TMP = tempDir("process");
const children: ServerProcess[] = [];
after(() => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
  fs.rmSync(TMP, { recursive: true, force: true });
});

let modelDir: string;
before(async () => {
  await initBackend({ quiet: true });
  modelDir = await makeTinyModel(path.join(TMP, "model"));
});

/** A keys file with one key; returns its token and the server arguments for files under `dir`. */
function setup(name: string, budget = 1_000_000): { token: string; dir: string; args: string[]; stateFile: string; logFile: string } {
  const dir = fs.mkdtempSync(path.join(TMP, `${name}-`));
  const key = testKey(name, { budget, rate_per_minute: 1_000_000 });
  const keysFile = path.join(dir, "keys.json");
  fs.writeFileSync(keysFile, JSON.stringify([key.entry]));
  const stateFile = path.join(dir, "state.json");
  const logFile = path.join(dir, "queries.jsonl");
  return { token: key.token, dir, stateFile, logFile, args: ["--model", modelDir, "--keys", keysFile, "--state", stateFile, "--log", logFile] };
}

async function start(args: string[]): Promise<ServerProcess> {
  const p = await spawnServer(args);
  children.push(p);
  return p;
}

async function used(url: string, token: string): Promise<number> {
  return (await getJson(`${url}/v1/key`, token)).used;
}

test("SIGKILL under load, then restart: every acknowledged request is in the log and charged", async (t) => {
  const s = setup("crash");
  const first = await start(s.args);
  const acked: string[] = []; // unique first input of every request that got a 2xx
  let ackedInputs = 0;
  let sent = 0;
  let stop = false;
  const worker = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const inputs = [`probe ${w} ${i} a`, `probe ${w} ${i} b`];
      sent++;
      try {
        const res = await predict(first.url, s.token, { inputs });
        if (res.status >= 200 && res.status < 300) {
          acked.push(inputs[0]);
          ackedInputs += inputs.length;
        } else assert.fail(`valid request answered ${res.status}: ${JSON.stringify(res.body)}`);
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        return; // the server is gone
      }
    }
  };
  assert.equal((await predict(first.url, s.token, { inputs: ["warm-up"] })).status, 200);
  acked.push("warm-up");
  ackedInputs += 1;
  const workers = Array.from({ length: 24 }, (_, w) => worker(w));
  // Kill mid-stream once plenty were answered (by count, not time: the machine may be busy).
  const deadline = Date.now() + 20_000;
  while (acked.length < 150 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  first.child.kill("SIGKILL");
  assert.equal(await first.exited, "SIGKILL");
  stop = true;
  await Promise.all(workers);
  t.diagnostic(`${sent} requests sent, ${acked.length} acknowledged before SIGKILL`);
  assert.ok(acked.length >= 150, `only ${acked.length} requests were acknowledged in 20 s before the kill`);

  const { records, badLines } = readQueryLog(s.logFile);
  assert.deepEqual(badLines, [], "no torn lines");
  const logged = new Set(records.map((r) => r.inputs[0] as string));
  const missing = acked.filter((x) => !logged.has(x));
  assert.deepEqual(missing, [], "acknowledged requests missing from the log");
  const loggedInputs = records.reduce((n, r) => n + r.inputs.length, 0);

  const second = await start(s.args);
  const charged = await used(second.url, s.token);
  assert.ok(charged >= ackedInputs, `budget used ${charged} < ${ackedInputs} acknowledged inputs (reset?)`);
  assert.ok(charged >= loggedInputs, `budget used ${charged} < ${loggedInputs} logged inputs`);
  // The restarted server goes on appending to the same log.
  assert.equal((await predict(second.url, s.token, { inputs: ["after the crash"] })).status, 200);
  second.child.kill("SIGTERM");
  assert.equal(await second.exited, 0);
  const after = readQueryLog(s.logFile);
  assert.deepEqual(after.badLines, []);
  assert.equal(after.records.length, records.length + 1);
  assert.deepEqual(after.records.at(-1)!.inputs, ["after the crash"]);
});

test("SIGTERM: new connections are refused, the request in flight is answered and logged, exit 0", async () => {
  const s = setup("term");
  const server = await start(s.args);
  const { port } = new URL(server.url);
  const body = JSON.stringify({ inputs: ["in flight when the signal came", "second"] });
  // Send the headers and half the body, so the request is in flight when SIGTERM arrives.
  const response = new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/v1/predict", headers: { authorization: `Bearer ${s.token}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, connection: res.headers.connection }));
    });
    req.on("error", reject);
    req.write(body.slice(0, 20));
    setTimeout(() => {
      server.child.kill("SIGTERM");
      setTimeout(async () => {
        try {
          assert.equal(server.child.exitCode, null, "the server waits for the request in flight");
          await assert.rejects(fetch(`${server.url}/healthz`), "new connections are refused after SIGTERM");
          req.end(body.slice(20));
        } catch (err) {
          reject(err);
        }
      }, 700);
    }, 500);
  });
  const res = await response;
  assert.equal(res.status, 200, res.body);
  assert.equal(JSON.parse(res.body).predictions.length, 2);
  assert.equal(res.connection, "close", "a keep-alive connection would hold the shutdown open until it times out");
  assert.equal(await server.exited, 0, server.stderr());
  assert.match(server.stderr(), /SIGTERM: no new connections; finishing requests in flight[\s\S]*stopped; state and log flushed/);
  const { records } = readQueryLog(s.logFile);
  assert.equal(records.length, 1);
  assert.equal(records[0].inputs[0], "in flight when the signal came");
  assert.deepEqual(JSON.parse(fs.readFileSync(s.stateFile, "utf8")).used, { term: 2 });
});
