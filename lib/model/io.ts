/**
 * Model folders in the Hugging Face layout: `config.json` + `model.safetensors`, parameter names
 * and [out, in] layouts exactly as `transformers` writes them, so checkpoints move both ways.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../engine/rng";
import { EncoderConfig, readConfig, withLabels } from "./config";
import { EncoderModel, Task, initialValue, parameterSpec, taskOfArchitecture } from "./encoder";
import { NamedArray, readSafetensors, writeFileAtomic, writeSafetensors } from "./safetensors";

export const CONFIG_FILE = "config.json";
export const WEIGHTS_FILE = "model.safetensors";

export interface LoadOptions {
  /** Task head to build; default: the one config.json's "architectures" names, else "base". */
  task?: Task;
  /** Classification labels; replaces the checkpoint's head (re-initialised) if they differ. */
  labels?: string[];
  /** Seed for parameters the checkpoint lacks (a new task head). Default 0. */
  seed?: number;
}

export interface LoadReport {
  /** Parameters not in the checkpoint, freshly initialised (a new head, say). */
  initialized: string[];
  /** Checkpoint entries this model has no use for (another task's head, buffers). */
  unused: string[];
}

/** Old TF-converted checkpoints name LayerNorm parameters gamma / beta. */
function canonicalName(name: string): string {
  return name.replace(/LayerNorm\.gamma$/, "LayerNorm.weight").replace(/LayerNorm\.beta$/, "LayerNorm.bias");
}

/** Weights of a bare BertModel / RobertaModel have no "bert." / "roberta." prefix. */
function withPrefix(name: string, prefix: string): string {
  return /^(embeddings|encoder|pooler)\./.test(name) ? prefix + name : name;
}

/** Tied or aliased entries: the MLM decoder is the word-embedding matrix; its bias is the head's bias. */
function aliasOf(name: string, prefix: string): string | undefined {
  const aliases: Record<string, string> = {
    "cls.predictions.decoder.weight": `${prefix}embeddings.word_embeddings.weight`,
    "lm_head.decoder.weight": `${prefix}embeddings.word_embeddings.weight`,
    "cls.predictions.decoder.bias": "cls.predictions.bias",
    "lm_head.decoder.bias": "lm_head.bias",
  };
  return aliases[name];
}

export function loadModel(dir: string, options: LoadOptions = {}): { model: EncoderModel; report: LoadReport } {
  let config: EncoderConfig = readConfig(path.join(dir, CONFIG_FILE));
  const task = options.task ?? taskOfArchitecture(config.architectures?.[0] ?? "") ?? "base";
  const oldLabels = JSON.stringify(config.id2label ?? null);
  if (options.labels) config = withLabels(config, options.labels);
  const labelsChanged = options.labels !== undefined && JSON.stringify(config.id2label) !== oldLabels;
  const prefix = config.model_type === "bert" ? "bert." : "roberta.";
  const weightsFile = path.join(dir, WEIGHTS_FILE);
  const file = readSafetensors(weightsFile);
  const stored = new Map<string, NamedArray>();
  for (const [name, value] of file.tensors) stored.set(withPrefix(canonicalName(name), prefix), value);

  const report: LoadReport = { initialized: [], unused: [] };
  const spec = parameterSpec(config, task);
  const isHead = (name: string) => !name.startsWith(prefix) || name.startsWith(`${prefix}pooler.`);
  const rng = Rng.derive(options.seed ?? 0, "init-missing");
  // Check every parameter before allocating any, so a bad file leaves no tensors behind.
  const plan: [string, number[], NamedArray | undefined, Parameters<typeof initialValue>[2]][] = [];
  for (const [name, [shape, init]] of spec) {
    let value = stored.get(name);
    if (!value) {
      for (const [other, v] of stored) if (aliasOf(other, prefix) === name) value = v;
    }
    if (labelsChanged && name.startsWith("classifier")) value = undefined; // new labels: a new head
    if (value && value.shape.join() !== shape.join()) {
      throw new Error(`${weightsFile}: ${name} has shape [${value.shape}] but ${CONFIG_FILE} implies [${shape}]; the config and weights do not belong together`);
    }
    if (!value && !isHead(name)) throw new Error(`${weightsFile}: encoder parameter ${name} is missing; the file is incomplete or not a ${config.model_type} checkpoint`);
    plan.push([name, shape, value, init]);
  }
  const params = new Map<string, tf.Variable>();
  for (const [name, shape, value, init] of plan) {
    const initial = value ? tf.tensor(value.data, shape, "float32") : initialValue(name, shape, init, config, rng);
    params.set(name, tf.variable(initial, true));
    initial.dispose();
    if (!value) report.initialized.push(name);
  }
  for (const name of stored.keys()) {
    if (!spec.has(name) && !spec.has(aliasOf(name, prefix) ?? "")) report.unused.push(name);
  }
  return { model: new EncoderModel(config, task, params), report };
}

export interface SaveOptions {
  /** How float weights are stored. "float16" halves the file (for shipped checkpoints); loading widens back to float32. Default "float32". */
  precision?: "float32" | "float16";
}

/** Writes `dir/config.json` and `dir/model.safetensors` (each atomically). */
export function saveModel(model: EncoderModel, dir: string, metadata: Record<string, string> = {}, options: SaveOptions = {}): void {
  fs.mkdirSync(dir, { recursive: true });
  const tensors = new Map<string, NamedArray>();
  for (const [name, v] of model.params) {
    // transformers' bare BertModel / RobertaModel files carry no prefix.
    const stored = model.task === "base" ? name.slice(model.prefix.length) : name;
    tensors.set(stored, { dtype: options.precision ?? "float32", shape: v.shape, data: v.dataSync() as Float32Array });
  }
  writeSafetensors(path.join(dir, WEIGHTS_FILE), tensors, { format: "pt", ...metadata });
  // Computation is float32 whatever the file holds; a "dtype": "float16" in config.json would make transformers compute in half precision.
  const precision = Object.fromEntries(["dtype", "torch_dtype"].filter((key) => key in model.config).map((key) => [key, "float32"]));
  const config = { ...model.config, ...precision, architectures: [model.architecture] };
  writeFileAtomic(path.join(dir, CONFIG_FILE), JSON.stringify(config, null, 2) + "\n");
}
