/**
 * Fixtures for the victim API tests: a tiny random classifier folder (WordPiece tokenizer trained
 * on a few hundred synthetic lines + a 1-layer BERT saved with saveModel), a deterministic fake
 * victim, key files, and a server started on 127.0.0.1 with its files in a temporary folder.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Victim, VictimAnswer, VictimInput } from "../../lib/extract/victim";
import { makeConfig } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";
import { saveModel } from "../../lib/model/io";
import { ApiKey, newKeyEntry } from "../../lib/serve/keys";
import { createVictimServer, VictimServer, VictimServerArgs } from "../../lib/serve/server";
import { TextTokenizer } from "../../lib/tokenize/tokenizer";
import { trainTokenizer } from "../../lib/tokenize/train";

export const LABELS = ["negative", "positive"];

const WORDS = "the a film movie story actor plot was is good bad great awful boring funny dull brilliant slow sharp warm cold and but not very quite rather".split(" ");

/** Deterministic synthetic sentences (no dataset needed). */
export function sentences(n: number, seed = 1): string[] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, () => Array.from({ length: 4 + Math.floor(next() * 10) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(" "));
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `thieves-${prefix}-`));
}

/** Writes a tiny random 2-label classifier folder (config.json, model.safetensors, tokenizer files) to `dir`. */
export async function makeTinyModel(dir: string): Promise<string> {
  trainTokenizer({ kind: "wordpiece", texts: sentences(300), outDir: dir, modelMaxLength: 64 });
  const tokenizer = await TextTokenizer.load(dir);
  const config = makeConfig({
    model_type: "bert", vocab_size: tokenizer.vocabSize, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2,
    intermediate_size: 32, max_position_embeddings: 64, pad_token_id: tokenizer.padId,
    id2label: { "0": LABELS[0], "1": LABELS[1] }, label2id: { [LABELS[0]]: 0, [LABELS[1]]: 1 },
  });
  // Weights large enough that the random head does not answer ~0.5 for everything.
  const model = EncoderModel.create({ ...config, initializer_range: 0.5 }, "sequence-classification", 3);
  saveModel(model, dir);
  model.dispose();
  return dir;
}

/** A victim whose answers depend only on the input: label = length parity, probabilities from the length. */
export class FakeVictim implements Victim {
  readonly labels = LABELS;
  calls = 0;
  constructor(readonly exposesProbabilities = true, private readonly delayMs = 0) {}
  async query(inputs: VictimInput[]): Promise<VictimAnswer[]> {
    this.calls++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    return inputs.map((x) => {
      const n = typeof x === "string" ? x.length : x.premise.length + 2 * x.hypothesis.length;
      const p = (n % 7) / 10 + 0.2;
      const label = n % 2;
      return { label, probabilities: label === 1 ? [1 - Math.max(p, 0.5), Math.max(p, 0.5)] : [Math.max(p, 0.5), 1 - Math.max(p, 0.5)] };
    });
  }
}

export interface TestKey {
  token: string;
  entry: ApiKey;
}

/** A key entry and its token. */
export function testKey(id: string, options: Partial<Omit<ApiKey, "id" | "key_sha256">> = {}): TestKey {
  return newKeyEntry({ id, budget: options.budget ?? 1000, rate_per_minute: options.rate_per_minute ?? 10_000, probabilities: options.probabilities ?? true, defense: options.defense });
}

export interface RunningServer {
  server: VictimServer;
  url: string;
  dir: string;
  stateFile: string;
  logFile: string;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 (a free port); its state and log go to `dir` (a new temp folder by default). */
export async function startServer(args: Partial<VictimServerArgs> & { keys: ApiKey[] }, dir = tempDir("serve")): Promise<RunningServer> {
  const stateFile = args.stateFile ?? path.join(dir, "state.json");
  const logFile = args.logFile ?? path.join(dir, "queries.jsonl");
  const server = await createVictimServer({ victim: new FakeVictim(), model: "fake", ...args, stateFile, logFile });
  const url = await server.listen({ host: "127.0.0.1", port: 0 });
  return { server, url, dir, stateFile, logFile, close: () => server.close() };
}

/** GET a JSON route, with a bearer token if given. */
export async function getJson(url: string, token?: string): Promise<any> {
  const res = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  return res.json();
}

/** POST /v1/predict with a bearer token (or none); returns status, headers and the parsed body. */
export async function predict(url: string, token: string | undefined, body: unknown, init: { raw?: string; contentType?: string } = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { "content-type": init.contentType ?? "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}/v1/predict`, { method: "POST", headers, body: init.raw ?? JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
}

const ROOT = path.join(__dirname, "..", "..");

/** Runs `node --import tsx lib/cli/serve.ts args…` on 127.0.0.1, port 0, and waits for its URL. */
export async function spawnServer(args: string[], timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "lib/cli/serve.ts", "--host", "127.0.0.1", "--port", "0", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? "?")));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening; stderr:\n${err}`));
    });
  });
  return { child, url, stderr: () => err, exited };
}
