/**
 * The encoder's configuration, in Hugging Face's `config.json` vocabulary, so a config written
 * here is read by `transformers` and one of theirs (bert-base-uncased, roberta-base,
 * xlm-roberta-base …) is read here.
 */
import * as fs from "node:fs";

export type ModelType = "bert" | "roberta" | "xlm-roberta";
export type HiddenAct = "gelu" | "gelu_new" | "gelu_pytorch_tanh" | "relu";

export interface EncoderConfig {
  /** Family: decides parameter names, position ids (RoBERTa offsets them past the pad id) and heads. */
  model_type: ModelType;
  vocab_size: number;
  /** Width H of every hidden state. */
  hidden_size: number;
  /** Number of transformer layers L. */
  num_hidden_layers: number;
  /** Attention heads A; hidden_size must be divisible by it. */
  num_attention_heads: number;
  /** Width of the feed-forward layer (4H in BERT). */
  intermediate_size: number;
  max_position_embeddings: number;
  /** Token-type (segment) vocabulary: 2 for BERT, 1 for RoBERTa / XLM-R. */
  type_vocab_size: number;
  /** Feed-forward activation. Default "gelu" (exact, erf-based). */
  hidden_act: HiddenAct;
  /** Dropout on embeddings and residual branches. Default 0.1. */
  hidden_dropout_prob: number;
  /** Dropout on attention probabilities. Default 0.1. */
  attention_probs_dropout_prob: number;
  /** Default 1e-12 (BERT); RoBERTa uses 1e-5. */
  layer_norm_eps: number;
  /** Std of the normal initialiser. Default 0.02. */
  initializer_range: number;
  pad_token_id: number;
  /** Task-head labels (sequence classification). */
  id2label?: Record<string, string>;
  label2id?: Record<string, number>;
  /** Dropout before the classifier; defaults to hidden_dropout_prob. */
  classifier_dropout?: number | null;
  /** Hugging Face class names, e.g. ["BertForSequenceClassification"]. */
  architectures?: string[];
  /** Anything else in config.json is kept and written back unchanged. */
  [extra: string]: unknown;
}

const DEFAULTS = {
  hidden_act: "gelu",
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  initializer_range: 0.02,
  type_vocab_size: 2,
  max_position_embeddings: 512,
  pad_token_id: 0,
} as const;

const REQUIRED = ["model_type", "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size"] as const;
const MODEL_TYPES: ModelType[] = ["bert", "roberta", "xlm-roberta"];
const ACTIVATIONS: HiddenAct[] = ["gelu", "gelu_new", "gelu_pytorch_tanh", "relu"];

/** Fills defaults and validates; `source` names the file in errors. */
export function makeConfig(partial: Partial<EncoderConfig> & Pick<EncoderConfig, (typeof REQUIRED)[number]>, source = "config"): EncoderConfig {
  for (const key of REQUIRED) {
    if (partial[key] === undefined) throw new Error(`${source}: missing required field "${key}"`);
  }
  if (!MODEL_TYPES.includes(partial.model_type)) {
    throw new Error(`${source}: model_type "${partial.model_type}" is not supported; use one of ${MODEL_TYPES.join(", ")}`);
  }
  const roberta = partial.model_type !== "bert";
  const config: EncoderConfig = {
    ...DEFAULTS,
    layer_norm_eps: roberta ? 1e-5 : 1e-12,
    ...(roberta ? { type_vocab_size: 1, pad_token_id: 1 } : {}),
    ...partial,
  } as EncoderConfig;
  if (!ACTIVATIONS.includes(config.hidden_act)) {
    throw new Error(`${source}: hidden_act "${config.hidden_act}" is not supported; use one of ${ACTIVATIONS.join(", ")}`);
  }
  for (const key of ["vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "max_position_embeddings", "type_vocab_size"] as const) {
    if (!Number.isInteger(config[key]) || config[key] <= 0) throw new Error(`${source}: ${key} must be a positive integer, got ${config[key]}`);
  }
  if (config.hidden_size % config.num_attention_heads !== 0) {
    throw new Error(`${source}: hidden_size ${config.hidden_size} is not divisible by num_attention_heads ${config.num_attention_heads}`);
  }
  if (config.pad_token_id < 0 || config.pad_token_id >= config.vocab_size) {
    throw new Error(`${source}: pad_token_id ${config.pad_token_id} is outside the vocabulary (size ${config.vocab_size})`);
  }
  return config;
}

export function readConfig(file: string): EncoderConfig {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file (a model folder needs config.json)`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return makeConfig(raw as EncoderConfig, file);
}

/** Labels of the classification head, in index order. */
export function labelNames(config: EncoderConfig): string[] {
  const id2label = config.id2label ?? {};
  return Object.keys(id2label)
    .map(Number)
    .sort((a, b) => a - b)
    .map((i) => id2label[String(i)]);
}

/** The config for a classification model over `labels` (id2label / label2id as transformers writes them). */
export function withLabels(config: EncoderConfig, labels: string[]): EncoderConfig {
  return {
    ...config,
    id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
  };
}

/** Parameter count of the encoder body (embeddings + layers), for tables. */
export function encoderParameterCount(c: EncoderConfig): number {
  const H = c.hidden_size;
  const emb = (c.vocab_size + c.max_position_embeddings + c.type_vocab_size) * H + 2 * H;
  const layer = 4 * (H * H + H) + 2 * H + (H * c.intermediate_size + c.intermediate_size) + (c.intermediate_size * H + H) + 2 * H;
  return emb + c.num_hidden_layers * layer;
}
