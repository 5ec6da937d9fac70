/**
 * `pretrainMiniature` end to end at the tiny preset, in a subprocess, into temporary folders:
 * the model folder has the Hugging Face layout and loads as a masked-lm model, and a run killed
 * with SIGKILL after its first checkpoint and started again ends exactly like an uninterrupted one.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadModel } from "../../lib/model/io";
import { modelDir, PretrainResult, readPretrainResult, tokenizerDir } from "../../lib/pretrain/pretrain";
import { pretrainSize, miniature, tokenizerSize } from "../../lib/pretrain/miniatures";
import { TextTokenizer } from "../../lib/tokenize/tokenizer";
import { killAtCheckpoint } from "../helpers/kill";

const NAME = "en-L2-H128";
const SCRIPT = path.join(__dirname, "..", "fixtures", "pretrain-tiny.ts");
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-pretrain-"));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

interface Roots {
  models: string;
  runs: string;
}
const roots = (label: string): Roots => ({ models: path.join(TMP, label, "models"), runs: path.join(TMP, label, "runs") });
const runDir = (r: Roots) => path.join(r.runs, "pretrain-tiny", `${NAME}-seed0`);
const args = (r: Roots) => ["--import", "tsx", SCRIPT, r.models, r.runs, NAME];

function pretrain(r: Roots): void {
  const p = spawnSync(process.execPath, args(r), { encoding: "utf8" });
  assert.equal(p.status, 0, `tiny pretraining failed:\n${p.stderr}`);
}

/** The record without what differs between any two runs (wall time, date, throughput). */
function comparable(r: PretrainResult) {
  const { wallSeconds, createdAt, log, ...rest } = r;
  return { ...rest, log: log.map(({ tokens_per_s, ...entry }) => entry) };
}

const straight = roots("straight");
let straightResult: PretrainResult;

test("a tiny run writes a Hugging Face model folder (weights, config, tokenizer, card, record) that loads as a masked-lm model", async () => {
  pretrain(straight);

  const dir = modelDir(NAME, "tiny", straight.models);
  assert.equal(dir, path.join(straight.models, "tiny", NAME));
  assert.equal(modelDir(NAME, "tiny"), path.join(__dirname, "..", "..", "models", "tiny", NAME), "the default is the project's models/");
  for (const file of ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "README.md", "pretraining.json"]) {
    assert.ok(fs.existsSync(path.join(dir, file)), `${file} is missing from ${dir}`);
  }
  const tokDir = tokenizerDir("en", "tiny", straight.models);
  assert.equal(tokDir, path.join(straight.models, "tiny", "tokenizers", "en-wordpiece"), "the tokenizer follows modelsRoot");
  assert.ok(fs.existsSync(path.join(tokDir, "tokenizer.json")) && fs.existsSync(path.join(tokDir, "training.json")));
  assert.ok(fs.readFileSync(path.join(tokDir, "tokenizer.json")).equals(fs.readFileSync(path.join(dir, "tokenizer.json"))), "the model folder carries the family tokenizer");
  assert.ok(fs.existsSync(path.join(runDir(straight), "metrics.jsonl")), "the run checkpoints under runsRoot");

  const size = pretrainSize(miniature(NAME), "tiny");
  const { model, report } = loadModel(dir);
  try {
    assert.equal(model.task, "masked-lm");
    assert.deepEqual(report, { initialized: [], unused: [] });
    assert.equal(model.config.model_type, "bert");
    assert.equal(model.config.num_hidden_layers, size.layers);
    assert.equal(model.config.hidden_size, size.hidden);
    const tok = await TextTokenizer.load(dir);
    assert.equal(model.config.vocab_size, tok.vocabSize);
    assert.equal(tok.vocabSize, tokenizerSize("tiny").vocabSize);
    assert.equal(model.config.pad_token_id, tok.padId);
  } finally {
    model.dispose();
  }

  const r = readPretrainResult(NAME, "tiny", straight.models)!;
  straightResult = r;
  assert.equal(r.name, NAME);
  assert.equal(r.preset, "tiny");
  assert.equal(r.data.trainSequences, size.maxSequences);
  assert.deepEqual(Object.keys(r.heldOut), ["en"]);
  const { accuracy, loss, predictions } = r.heldOut.en;
  assert.ok(accuracy >= 0 && accuracy <= 1 && Number.isFinite(loss) && predictions > 0, JSON.stringify(r.heldOut));
  assert.equal(Math.max(...r.log.map((e) => e.step)), size.steps);
  assert.ok(r.log.some((e) => e.eval?.mlm_accuracy !== undefined && e.step === size.evalEvery), "an evaluation at evalEvery");
  const card = fs.readFileSync(path.join(dir, "README.md"), "utf8");
  assert.ok(card.startsWith(`# ${NAME}\n`) && card.includes("--preset tiny") && card.includes("MLM accuracy"), card);

  // A finished miniature is not trained again.
  const weights = fs.statSync(path.join(dir, "model.safetensors")).mtimeMs;
  pretrain(straight);
  assert.equal(fs.statSync(path.join(dir, "model.safetensors")).mtimeMs, weights, "the finished model was trained again");
});

test("a run killed with SIGKILL after its first checkpoint and started again ends exactly like the uninterrupted run", async () => {
  assert.ok(straightResult, "needs the uninterrupted run of the test above");
  const killed = roots("killed");
  // The Rust WordPiece trainer is not deterministic (see test/tokenize/wordpiece.test.ts), so both
  // runs use the same tokenizer; the run would otherwise train its own first.
  fs.cpSync(tokenizerDir("en", "tiny", straight.models), tokenizerDir("en", "tiny", killed.models), { recursive: true });

  const size = pretrainSize(miniature(NAME), "tiny");
  const child = spawn(process.execPath, args(killed), { stdio: "ignore" });
  await killAtCheckpoint(child, path.join(runDir(killed), "checkpoints"), size.evalEvery);
  const dir = modelDir(NAME, "tiny", killed.models);
  assert.ok(!fs.existsSync(path.join(dir, "pretraining.json")), "the killed run must not have finished");
  // A marker in the metrics log: a resumed run keeps the entries up to its checkpoint, a restarted one deletes them.
  const marker = { step: 0, epoch: 0, marker: "written before the restart" };
  fs.appendFileSync(path.join(runDir(killed), "metrics.jsonl"), JSON.stringify(marker) + "\n");

  pretrain(killed);
  const resumed = readPretrainResult(NAME, "tiny", killed.models)!;
  assert.ok(resumed, "the restarted run did not finish");
  assert.deepEqual(resumed.log.filter((e) => "marker" in e), [marker], "the run started over instead of resuming");
  resumed.log = resumed.log.filter((e) => !("marker" in e));

  assert.deepEqual(resumed.heldOut, straightResult.heldOut, "held-out MLM scores");
  assert.deepEqual(comparable(resumed), comparable(straightResult), "the record (log included) differs");
  const straightDir = modelDir(NAME, "tiny", straight.models);
  for (const file of ["model.safetensors", "config.json", "tokenizer.json"]) {
    assert.ok(fs.readFileSync(path.join(dir, file)).equals(fs.readFileSync(path.join(straightDir, file))), `${file} differs from the uninterrupted run's`);
  }
});

test("two processes asking for the same missing miniature at once train it once; the second reads the first one's record", async () => {
  const shared = roots("shared");
  const run = () => new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args(shared), { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`tiny pretraining failed:\n${err}`))));
  });
  const made = (await Promise.all([run(), run()])).map((out) => /createdAt (\S+)/.exec(out)?.[1]);
  const r = readPretrainResult(NAME, "tiny", shared.models)!;
  assert.deepEqual(made, [r.createdAt, r.createdAt], "each process got a record of its own training: the miniature was trained twice");
  assert.ok(!fs.existsSync(path.join(shared.runs, "pretrain-tiny", "en-family.lock")), "the lock was left behind");
});
