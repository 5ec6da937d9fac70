/**
 * Checkpoints move both ways between this code and Hugging Face `transformers`:
 *   a. models `transformers` wrote (test/fixtures/hf, from scripts/make_hf_fixtures.py) load
 *      completely and compute what `transformers` computed, padding included;
 *   b. save → load here is bit-exact, and safetensors bytes survive parse → serialize;
 *   c. models written here load in `transformers` (scripts/hf_forward.py) and compute the same;
 *   d. broken folders fail with a message naming the file and the problem.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { Rng } from "../../lib/engine/rng";
import { EncoderConfig, ModelType, makeConfig, withLabels } from "../../lib/model/config";
import { EncoderModel, Task } from "../../lib/model/encoder";
import { CONFIG_FILE, WEIGHTS_FILE, loadModel, saveModel } from "../../lib/model/io";
import { parseSafetensors, serializeSafetensors } from "../../lib/model/safetensors";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "test", "fixtures", "hf");
const HF_FORWARD = path.join(ROOT, "scripts", "hf_forward.py");
const TOLERANCE = 1e-4;
const TASKS: Task[] = ["base", "sequence-classification", "question-answering", "masked-lm"];
const FAMILIES: ModelType[] = ["bert", "roberta", "xlm-roberta"];

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-hf-interop-"));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));
const tmp = (label: string) => fs.mkdtempSync(path.join(TMP, `${label}-`));
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

// ---------------------------------------------------------------- outputs as plain arrays

type Nested = number | Nested[];

interface Inputs {
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids?: number[][];
  /** masked-lm only: logits are taken at these positions [B, P]. */
  mlm_positions?: number[][];
}

/** Outputs in transformers' names, as expected.json and hf_forward.py write them. */
interface Outputs {
  logits?: Nested;
  start_logits?: Nested;
  end_logits?: Nested;
  last_hidden_state: Nested;
  hidden_states: Nested[];
  attentions: Nested[];
}

function toTensors(inputs: Inputs) {
  const int = (rows: number[][]) => tf.tensor2d(rows, undefined, "int32");
  return {
    inputIds: int(inputs.input_ids),
    attentionMask: int(inputs.attention_mask),
    tokenTypeIds: inputs.token_type_ids && int(inputs.token_type_ids),
    mlmPositions: inputs.mlm_positions && int(inputs.mlm_positions),
  };
}

/** Our forward pass (eval mode, every hidden state and attention map) as plain arrays. */
function ourOutputs(model: EncoderModel, inputs: Inputs): Outputs {
  let result: Outputs | undefined;
  tf.tidy(() => {
    const out = model.forward(toTensors(inputs), { outputHiddenStates: true, outputAttentions: true });
    result = {
      last_hidden_state: out.lastHidden.arraySync(),
      hidden_states: out.hiddenStates!.map((h) => h.arraySync()),
      attentions: out.attentions!.map((a) => a.arraySync()),
    };
    if (out.logits) result.logits = out.logits.arraySync() as Nested;
    if (out.startLogits) result.start_logits = out.startLogits.arraySync();
    if (out.endLogits) result.end_logits = out.endLogits.arraySync();
  });
  return result!;
}

function shapeOf(x: Nested): number[] {
  return Array.isArray(x) ? [x.length, ...(x.length ? shapeOf(x[0]) : [])] : [];
}

function flatten(x: Nested): number[] {
  return Array.isArray(x) ? x.flatMap(flatten) : [x];
}

/** Asserts equal shapes and |a − b| ≤ tolerance everywhere; returns max |a − b|. */
function assertClose(actual: Nested, expected: Nested, what: string, tolerance = TOLERANCE): number {
  assert.deepEqual(shapeOf(actual), shapeOf(expected), `${what}: shape`);
  const a = flatten(actual);
  const e = flatten(expected);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    if (!(d <= worst)) [worst, at] = [d, i]; // NaN counts as worst
  }
  assert.ok(worst <= tolerance, `${what}: max |Δ| ${worst} at flat index ${at} (ours ${a[at]}, expected ${e[at]}) exceeds ${tolerance}`);
  return worst;
}

/** Compares every output both sides have; the keys must agree. Returns max |Δ| per output kind. */
function compareOutputs(ours: Outputs, theirs: Outputs, label: string): Record<string, number> {
  const keys = (o: Outputs) => Object.keys(o).filter((k) => o[k as keyof Outputs] !== undefined).sort();
  assert.deepEqual(keys(ours), keys(theirs), `${label}: output kinds`);
  const worst: Record<string, number> = {};
  for (const key of keys(theirs) as (keyof Outputs)[]) {
    if (key === "hidden_states" || key === "attentions") {
      assert.equal(ours[key].length, theirs[key].length, `${label}: number of ${key}`);
      worst[key] = Math.max(...theirs[key].map((t, l) => assertClose(ours[key][l], t, `${label}: ${key}[${l}]`)));
    } else {
      worst[key] = assertClose(ours[key]!, theirs[key]!, `${label}: ${key}`);
    }
  }
  return worst;
}

const describeDiffs = (worst: Record<string, number>) =>
  Object.entries(worst)
    .map(([k, v]) => `${k} ${v.toExponential(1)}`)
    .join(", ");

// ---------------------------------------------------------------- a. transformers' checkpoints here

interface Expected {
  transformers_version: string;
  architecture: string;
  stored_dtype: string;
  inputs: Inputs;
  outputs: Outputs;
}

const fixtureNames = fs.readdirSync(FIXTURES).filter((d) => fs.existsSync(path.join(FIXTURES, d, "expected.json"))).sort();

test("the transformers fixtures are present", () => {
  assert.ok(fixtureNames.length >= 8, `expected the fixtures of scripts/make_hf_fixtures.py in ${FIXTURES}, found ${fixtureNames}`);
});

for (const name of fixtureNames) {
  test(`transformers checkpoint ${name} loads completely and computes what transformers computed`, async (t) => {
    await initBackend({ quiet: true });
    const dir = path.join(FIXTURES, name);
    const expected: Expected = readJson(path.join(dir, "expected.json"));
    const { model, report } = loadModel(dir);
    try {
      assert.deepEqual(report.initialized, [], "every parameter comes from the checkpoint");
      assert.deepEqual(report.unused, [], "every checkpoint entry is used");
      assert.equal(model.architecture, expected.architecture);
      const worst = compareOutputs(ourOutputs(model, expected.inputs), expected.outputs, name);
      t.diagnostic(`${name} (${expected.stored_dtype}, transformers ${expected.transformers_version}): max |Δ| ${describeDiffs(worst)}`);
      checkPadding(model, expected, name);
    } finally {
      model.dispose();
    }
  });
}

/** Inputs with only row `b`, cut to `length` tokens. */
function row(inputs: Inputs, b: number, length: number): Inputs {
  const cut = (rows?: number[][]) => rows && [rows[b].slice(0, length)];
  return {
    input_ids: cut(inputs.input_ids)!,
    attention_mask: cut(inputs.attention_mask)!,
    token_type_ids: cut(inputs.token_type_ids),
    mlm_positions: inputs.mlm_positions && [inputs.mlm_positions[b]],
  };
}

/** The rows' real tokens (row b, first `length` positions) of a [B, T, …] output. */
const realPart = (x: Nested, b: number, length: number) => ((x as Nested[])[b] as Nested[]).slice(0, length);

/**
 * The padded row: no attention reaches its padding (in transformers' outputs and ours), its real
 * tokens compute what they compute without the padding, and what the padding holds is irrelevant.
 */
function checkPadding(model: EncoderModel, expected: Expected, name: string): void {
  const { inputs } = expected;
  const b = inputs.attention_mask.findIndex((mask) => mask.includes(0));
  assert.ok(b >= 0, `${name}: the fixture inputs need a padded row`);
  const length = inputs.attention_mask[b].indexOf(0);
  const padded = ourOutputs(model, inputs);
  for (const [who, outputs] of [["transformers", expected.outputs], ["ours", padded]] as const) {
    outputs.attentions.forEach((attention, l) => {
      const probs = flatten(((attention as Nested[])[b] as Nested[]).map((head) => (head as number[][]).map((q) => q.slice(length))));
      assert.ok(Math.max(...probs) < 1e-6, `${name} (${who}): layer ${l} puts attention on padding`);
    });
  }

  const alone = ourOutputs(model, row(inputs, b, length));
  const otherPadding: Inputs = {
    ...inputs,
    input_ids: inputs.input_ids.map((ids, r) => (r === b ? ids.map((id, i) => (i < length ? id : 7)) : ids)),
    token_type_ids: inputs.token_type_ids?.map((types, r) => (r === b ? types.map((tt, i) => (i < length ? tt : 1)) : types)),
  };
  const repadded = ourOutputs(model, otherPadding);
  for (const [label, other] of [["without padding", alone], ["with other padding tokens", repadded]] as const) {
    const ob = other === alone ? 0 : b;
    padded.hidden_states.forEach((h, l) => assertClose(realPart(other.hidden_states[l], ob, length), realPart(h, b, length), `${name} ${label}: hidden_states[${l}]`));
    if (padded.start_logits) {
      assertClose(realPart(other.start_logits!, ob, length), realPart(padded.start_logits, b, length), `${name} ${label}: start_logits`);
      assertClose(realPart(other.end_logits!, ob, length), realPart(padded.end_logits!, b, length), `${name} ${label}: end_logits`);
    } else if (padded.logits) {
      // Classification logits [B, C]; masked-lm logits [B, P, V] at positions inside the real tokens.
      assertClose((other.logits as Nested[])[ob], (padded.logits as Nested[])[b], `${name} ${label}: logits`);
    }
  }
}

// ---------------------------------------------------------------- models built here

/** Tiny configs, one per family; hidden_act varies so each activation path meets transformers. */
function tinyConfig(family: ModelType, task: Task): EncoderConfig {
  const bert = family === "bert";
  const config = makeConfig({
    model_type: family,
    vocab_size: 50,
    hidden_size: 16,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    intermediate_size: 32,
    max_position_embeddings: bert ? 24 : 26,
    hidden_act: ({ bert: "gelu_pytorch_tanh", roberta: "gelu", "xlm-roberta": "gelu_new" } as const)[family],
  });
  return task === "sequence-classification" ? withLabels(config, ["negative", "neutral", "positive"]) : config;
}

/**
 * Replaces every parameter with seeded values far from the initialiser's (weights N(0, 0.3),
 * biases N(0, 0.1), LayerNorm scales N(1, 0.1)), so attention is not uniform and no parameter
 * is a no-op: a wrongly wired one then shows in the outputs.
 */
function perturb(model: EncoderModel, seed: number): void {
  const rng = Rng.derive(seed, "perturb");
  for (const name of [...model.params.keys()].sort()) {
    const v = model.params.get(name)!;
    const layerNormScale = /(LayerNorm|layer_norm)\.weight$/.test(name);
    const values = rng.normalArray(v.size, v.rank === 1 ? 0.1 : 0.3);
    if (layerNormScale) for (let i = 0; i < values.length; i++) values[i] += 1;
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  }
}

function builtModel(family: ModelType, task: Task, seed: number): EncoderModel {
  const model = EncoderModel.create(tinyConfig(family, task), task, seed);
  perturb(model, seed);
  return model;
}

/** Three rows, two of them padded; BERT pads with 0 and has segments, RoBERTa / XLM-R pad with 1. */
function familyInputs(family: ModelType): Inputs {
  if (family === "bert") {
    return {
      input_ids: [[2, 11, 12, 13, 3, 21, 22, 3], [2, 31, 32, 3, 41, 3, 0, 0], [2, 5, 3, 0, 0, 0, 0, 0]],
      attention_mask: [[1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0, 0, 0]],
      token_type_ids: [[0, 0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]],
    };
  }
  return {
    input_ids: [[0, 11, 12, 13, 2, 2, 22, 2], [0, 31, 32, 2, 2, 41, 1, 1], [0, 5, 2, 1, 1, 1, 1, 1]],
    attention_mask: [[1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0, 0, 0]],
  };
}

const CASES = FAMILIES.flatMap((family) => TASKS.map((task, i) => ({ family, task, seed: 100 + 10 * FAMILIES.indexOf(family) + i })));

const bytesOf = (v: tf.Tensor) => Buffer.from((v.dataSync() as Float32Array).slice().buffer);

// ---------------------------------------------------------------- b. round trip here

for (const { family, task, seed } of CASES) {
  test(`round trip ${family} ${task}: save → load is bit-exact, save again writes the same bytes`, async () => {
    await initBackend({ quiet: true });
    const model = builtModel(family, task, seed);
    const dir = tmp(`roundtrip-${family}-${task}`);
    saveModel(model, dir);
    const { model: loaded, report } = loadModel(dir);
    try {
      assert.deepEqual(report, { initialized: [], unused: [] });
      assert.equal(loaded.task, task);
      assert.deepEqual({ ...loaded.config, architectures: undefined }, { ...model.config, architectures: undefined });
      assert.deepEqual([...loaded.params.keys()].sort(), [...model.params.keys()].sort());
      for (const [name, v] of model.params) assert.ok(bytesOf(loaded.params.get(name)!).equals(bytesOf(v)), `parameter ${name} is not bit-identical`);

      const inputs = familyInputs(family);
      assert.deepEqual(ourOutputs(loaded, inputs), ourOutputs(model, inputs), "outputs are bit-identical");

      const bytes = fs.readFileSync(path.join(dir, WEIGHTS_FILE));
      const parsed = parseSafetensors(bytes, WEIGHTS_FILE);
      assert.ok(serializeSafetensors(parsed.tensors, parsed.metadata).equals(bytes), "parse → serialize reproduces the file");

      const again = tmp(`roundtrip-again-${family}-${task}`);
      saveModel(loaded, again);
      for (const file of [WEIGHTS_FILE, CONFIG_FILE]) {
        assert.ok(fs.readFileSync(path.join(again, file)).equals(fs.readFileSync(path.join(dir, file))), `${file} differs after load → save`);
      }
    } finally {
      model.dispose();
      loaded.dispose();
    }
  });
}

test("float32 safetensors files written by transformers survive parse → serialize byte for byte", () => {
  const f32 = fixtureNames.filter((name) => readJson(path.join(FIXTURES, name, "expected.json")).stored_dtype === "float32");
  assert.ok(f32.length > 0);
  for (const name of f32) {
    const file = path.join(FIXTURES, name, WEIGHTS_FILE);
    const bytes = fs.readFileSync(file);
    const parsed = parseSafetensors(bytes, file);
    assert.ok(serializeSafetensors(parsed.tensors, parsed.metadata).equals(bytes), `${name}: bytes differ`);
  }
});

// ---------------------------------------------------------------- c. our checkpoints in transformers

const GET_PYTHON = "python3 -m venv .venv && .venv/bin/pip install torch transformers safetensors";

/** A Python with torch + transformers + safetensors: $THIEVES_PYTHON, else .venv/bin/python; or why there is none. */
function findPython(): { python: string } | { problem: string } {
  const candidates = process.env.THIEVES_PYTHON ? [process.env.THIEVES_PYTHON] : [path.join(ROOT, ".venv", "bin", "python")];
  const python = candidates[0];
  if (!process.env.THIEVES_PYTHON && !fs.existsSync(python)) return { problem: `THIEVES_PYTHON is not set and ${python} does not exist` };
  const probe = spawnSync(python, ["-c", "import torch, transformers, safetensors"], { encoding: "utf8" });
  if (probe.status !== 0) {
    const why = probe.error ? probe.error.message : probe.stderr.trim().split("\n").pop();
    return { problem: `${python} cannot import torch, transformers and safetensors (${why})` };
  }
  return { python };
}

interface HfResult {
  model_dir: string;
  architecture: string;
  /** The precision transformers loaded the weights in by default. */
  dtype: string;
  transformers_version: string;
  loading_info: { missing_keys: string[]; unexpected_keys: string[]; mismatched_keys: string[] };
  outputs: Outputs;
}

function runHfForward(python: string, dirs: string[], inputs: Inputs): HfResult[] {
  const r = spawnSync(python, [HF_FORWARD, ...dirs], { input: JSON.stringify(inputs), encoding: "utf8", maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, `scripts/hf_forward.py failed:\n${r.stderr}`);
  return r.stdout.trim().split("\n").map((line) => JSON.parse(line));
}

test("checkpoints written here load in transformers and compute the same", async (t) => {
  const found = findPython();
  if ("problem" in found) {
    if (process.env.THIEVES_SKIP_PYTHON_INTEROP === "1") {
      t.skip(`THIEVES_SKIP_PYTHON_INTEROP=1 and no usable Python: ${found.problem}`);
      return;
    }
    assert.fail(
      `this test runs our checkpoints through Hugging Face transformers and needs a Python with it: ${found.problem}. ` +
        `Create one with \`${GET_PYTHON}\` (or point THIEVES_PYTHON at one), or set THIEVES_SKIP_PYTHON_INTEROP=1 to skip this test explicitly.`,
    );
  }
  await initBackend({ quiet: true });
  for (const family of FAMILIES) {
    await t.test(family, (t) => {
      const inputs = familyInputs(family);
      const cases = CASES.filter((c) => c.family === family);
      const models = cases.map(({ task, seed }) => builtModel(family, task, seed));
      try {
        const dirs = models.map((model) => {
          const dir = tmp(`to-hf-${family}-${model.task}`);
          saveModel(model, dir);
          return dir;
        });
        const results = runHfForward(found.python, dirs, inputs);
        results.forEach((result, i) => {
          const model = models[i];
          const label = `${family} ${model.task}`;
          assert.equal(result.architecture, model.architecture, `${label}: transformers built another class`);
          assert.equal(result.dtype, "float32", `${label}: transformers loads our float32 weights as ${result.dtype}`);
          assert.deepEqual(result.loading_info, { missing_keys: [], unexpected_keys: [], mismatched_keys: [] }, `${label}: transformers' loading report`);
          const worst = compareOutputs(ourOutputs(model, inputs), result.outputs, label);
          t.diagnostic(`${label} (transformers ${result.transformers_version}): max |Δ| ${describeDiffs(worst)}`);
        });
      } finally {
        for (const model of models) model.dispose();
      }
    });
  }

  // Weights are always written in float32, so config.json must not keep the source's half precision.
  await t.test("half-precision transformers checkpoints re-saved here", () => {
    const halves = fixtureNames.filter((name) => readJson(path.join(FIXTURES, name, "expected.json")).stored_dtype !== "float32");
    assert.ok(halves.length > 0);
    for (const name of halves) {
      const expected: Expected = readJson(path.join(FIXTURES, name, "expected.json"));
      const { model } = loadModel(path.join(FIXTURES, name));
      const dir = tmp(`resaved-${name}`);
      saveModel(model, dir);
      model.dispose();
      const [result] = runHfForward(found.python, [dir], expected.inputs);
      assert.equal(result.dtype, "float32", `${name} (${expected.stored_dtype}) re-saved here: transformers loads its float32 weights as ${result.dtype}`);
      assert.equal(expected.inputs.mlm_positions, undefined, "masked-lm fixtures keep logits at a few positions only");
      const worst = compareOutputs(result.outputs, expected.outputs, `${name} re-saved`);
      t.diagnostic(`${name} re-saved here, in transformers: max |Δ| ${describeDiffs(worst)}`);
    }
  });
});

// ---------------------------------------------------------------- d. broken folders

const BROKEN: { problem: string; file: string; breakIt: (dir: string) => void; message: RegExp }[] = [
  {
    problem: "a safetensors file cut inside its header",
    file: WEIGHTS_FILE,
    breakIt: (dir) => truncate(path.join(dir, WEIGHTS_FILE), 100),
    message: /header length \d+ exceeds the file size; the file is truncated/,
  },
  {
    problem: "a safetensors file cut inside its data",
    file: WEIGHTS_FILE,
    breakIt: (dir) => truncate(path.join(dir, WEIGHTS_FILE), fs.statSync(path.join(dir, WEIGHTS_FILE)).size - 10),
    message: /tensor \S+ \(F32 \[[\d,]+\]\) has offsets \[\d+, \d+\] that do not fit; the file is corrupt/,
  },
  {
    problem: "no model.safetensors",
    file: WEIGHTS_FILE,
    breakIt: (dir) => fs.rmSync(path.join(dir, WEIGHTS_FILE)),
    message: /no such file/,
  },
  {
    problem: "config.json without hidden_size",
    file: CONFIG_FILE,
    breakIt: (dir) => editConfig(dir, (c) => delete c.hidden_size),
    message: /missing required field "hidden_size"/,
  },
  {
    problem: "config.json that is not JSON",
    file: CONFIG_FILE,
    breakIt: (dir) => fs.writeFileSync(path.join(dir, CONFIG_FILE), '{"model_type": "bert",'),
    message: /not valid JSON/,
  },
  {
    problem: "weights whose shapes disagree with config.json",
    file: WEIGHTS_FILE,
    breakIt: (dir) => editConfig(dir, (c) => (c.hidden_size = 8)),
    message: /bert\.embeddings\.word_embeddings\.weight has shape \[50,16\] but config\.json implies \[50,8\]; the config and weights do not belong together/,
  },
  {
    problem: "a classifier whose labels disagree with config.json",
    file: WEIGHTS_FILE,
    breakIt: (dir) => editConfig(dir, (c) => Object.assign(c, withLabels(c as unknown as EncoderConfig, ["no", "yes"]))),
    message: /classifier\.weight has shape \[3,16\] but config\.json implies \[2,16\]/,
  },
  {
    problem: "weights without an encoder parameter",
    file: WEIGHTS_FILE,
    breakIt: (dir) => dropTensor(path.join(dir, WEIGHTS_FILE), "bert.encoder.layer.1.output.dense.weight"),
    message: /encoder parameter bert\.encoder\.layer\.1\.output\.dense\.weight is missing; the file is incomplete or not a bert checkpoint/,
  },
];

function dropTensor(file: string, name: string): void {
  const { tensors, metadata } = parseSafetensors(fs.readFileSync(file), file);
  assert.ok(tensors.delete(name));
  fs.writeFileSync(file, serializeSafetensors(tensors, metadata));
}

function truncate(file: string, size: number): void {
  fs.writeFileSync(file, fs.readFileSync(file).subarray(0, size));
}

function editConfig(dir: string, edit: (config: Record<string, unknown>) => void): void {
  const file = path.join(dir, CONFIG_FILE);
  const config = readJson(file);
  edit(config);
  fs.writeFileSync(file, JSON.stringify(config));
}

for (const { problem, file, breakIt, message } of BROKEN) {
  test(`loadModel on ${problem} throws naming ${file} and the problem`, async () => {
    await initBackend({ quiet: true });
    const model = builtModel("bert", "sequence-classification", 7);
    const dir = tmp("broken");
    saveModel(model, dir);
    model.dispose();
    breakIt(dir);
    assert.throws(
      () => loadModel(dir),
      (err: unknown) => {
        const text = (err as Error).message;
        assert.ok(text.startsWith(`${path.join(dir, file)}: `), `the message names ${file} first: ${text}`);
        assert.match(text, message);
        return true;
      },
    );
  });
}

test(
  "a load that fails part-way disposes the variables it already made",
  async () => {
    await initBackend({ quiet: true });
    const model = builtModel("bert", "sequence-classification", 7);
    const dir = tmp("broken-late");
    saveModel(model, dir);
    model.dispose();
    editConfig(dir, (c) => Object.assign(c, withLabels(c as unknown as EncoderConfig, ["no", "yes"])));
    const before = tf.memory().numTensors;
    assert.throws(() => loadModel(dir), /classifier\.weight has shape/);
    assert.equal(tf.memory().numTensors - before, 0, "tensors left behind by the failed load");
  },
);
