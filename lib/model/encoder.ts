/**
 * One BERT-family encoder (BERT, RoBERTa, XLM-R) with its task heads, readable top to bottom.
 *
 *   Devlin et al. 2019, "BERT" (arXiv:1810.04805); Liu et al. 2019, "RoBERTa" (arXiv:1907.11692);
 *   Conneau et al. 2020, "XLM-R" (arXiv:1911.02116).
 *
 * Parameters are tf.Variables keyed by their Hugging Face names ("bert.encoder.layer.0.attention.
 * self.query.weight" …) and kept in PyTorch's [out, in] layout, so safetensors files move between
 * this code and `transformers` without renaming or transposing. Shapes: B batch, T tokens,
 * H hidden, A heads, D = H / A head width, I intermediate, V vocabulary, P masked positions.
 */
import * as tf from "@tensorflow/tfjs";
import { Dropout } from "../engine/dropout";
import { Rng } from "../engine/rng";
import { EncoderConfig, labelNames } from "./config";

export type Task = "base" | "sequence-classification" | "question-answering" | "masked-lm";

export interface EncoderInput {
  /** Token ids [B, T], int32. */
  inputIds: tf.Tensor2D;
  /** 1 for real tokens, 0 for padding [B, T]. */
  attentionMask: tf.Tensor2D;
  /** Segment ids [B, T] (BERT pairs); zeros when absent. */
  tokenTypeIds?: tf.Tensor2D;
  /** masked-lm only: positions [B, P] whose tokens to predict; all T positions when absent. */
  mlmPositions?: tf.Tensor2D;
}

export interface ForwardOptions {
  /** Dropout source; no dropout when absent (evaluation). */
  dropout?: Dropout;
  /** Return the embedding output and every layer's output (L + 1 tensors [B, T, H]). */
  outputHiddenStates?: boolean;
  /** Return every layer's attention probabilities (L tensors [B, A, T, T]). */
  outputAttentions?: boolean;
}

export interface EncoderOutput {
  /** Last layer [B, T, H]. */
  lastHidden: tf.Tensor3D;
  hiddenStates?: tf.Tensor3D[];
  attentions?: tf.Tensor4D[];
  /** sequence-classification [B, C]; masked-lm [B, P, V]. */
  logits?: tf.Tensor;
  /** question-answering [B, T]. */
  startLogits?: tf.Tensor2D;
  endLogits?: tf.Tensor2D;
}

const ARCHITECTURE: Record<Task, Record<EncoderConfig["model_type"], string>> = {
  base: { bert: "BertModel", roberta: "RobertaModel", "xlm-roberta": "XLMRobertaModel" },
  "sequence-classification": { bert: "BertForSequenceClassification", roberta: "RobertaForSequenceClassification", "xlm-roberta": "XLMRobertaForSequenceClassification" },
  "question-answering": { bert: "BertForQuestionAnswering", roberta: "RobertaForQuestionAnswering", "xlm-roberta": "XLMRobertaForQuestionAnswering" },
  "masked-lm": { bert: "BertForMaskedLM", roberta: "RobertaForMaskedLM", "xlm-roberta": "XLMRobertaForMaskedLM" },
};

/** The task a Hugging Face architecture name stands for ("BertForMaskedLM" → "masked-lm"). */
export function taskOfArchitecture(architecture: string): Task | undefined {
  for (const [task, names] of Object.entries(ARCHITECTURE)) {
    if (Object.values(names).includes(architecture)) return task as Task;
  }
  return undefined;
}

type Shape = number[];
type Init = "normal" | "zeros" | "ones" | "embedding";

/** Every parameter of (config, task): name → [shape, initialiser], in Hugging Face naming. */
export function parameterSpec(config: EncoderConfig, task: Task): Map<string, [Shape, Init]> {
  const { hidden_size: H, intermediate_size: I, vocab_size: V } = config;
  const bert = config.model_type === "bert";
  const p = bert ? "bert." : "roberta.";
  const spec = new Map<string, [Shape, Init]>();
  const linear = (name: string, out: number, inp: number) => {
    spec.set(`${name}.weight`, [[out, inp], "normal"]);
    spec.set(`${name}.bias`, [[out], "zeros"]);
  };
  const layerNorm = (name: string) => {
    spec.set(`${name}.weight`, [[H], "ones"]);
    spec.set(`${name}.bias`, [[H], "zeros"]);
  };
  spec.set(`${p}embeddings.word_embeddings.weight`, [[V, H], "embedding"]);
  spec.set(`${p}embeddings.position_embeddings.weight`, [[config.max_position_embeddings, H], "normal"]);
  spec.set(`${p}embeddings.token_type_embeddings.weight`, [[config.type_vocab_size, H], "normal"]);
  layerNorm(`${p}embeddings.LayerNorm`);
  for (let l = 0; l < config.num_hidden_layers; l++) {
    const layer = `${p}encoder.layer.${l}`;
    for (const qkv of ["query", "key", "value"]) linear(`${layer}.attention.self.${qkv}`, H, H);
    linear(`${layer}.attention.output.dense`, H, H);
    layerNorm(`${layer}.attention.output.LayerNorm`);
    linear(`${layer}.intermediate.dense`, I, H);
    linear(`${layer}.output.dense`, H, I);
    layerNorm(`${layer}.output.LayerNorm`);
  }
  if (task === "base") {
    linear(`${p}pooler.dense`, H, H);
  } else if (task === "sequence-classification") {
    const C = labelNames(config).length || 2;
    if (bert) {
      linear(`${p}pooler.dense`, H, H);
      linear("classifier", C, H);
    } else {
      linear("classifier.dense", H, H);
      linear("classifier.out_proj", C, H);
    }
  } else if (task === "question-answering") {
    linear("qa_outputs", 2, H);
  } else if (task === "masked-lm") {
    if (bert) {
      linear("cls.predictions.transform.dense", H, H);
      spec.set("cls.predictions.transform.LayerNorm.weight", [[H], "ones"]);
      spec.set("cls.predictions.transform.LayerNorm.bias", [[H], "zeros"]);
      spec.set("cls.predictions.bias", [[V], "zeros"]);
    } else {
      linear("lm_head.dense", H, H);
      spec.set("lm_head.layer_norm.weight", [[H], "ones"]);
      spec.set("lm_head.layer_norm.bias", [[H], "zeros"]);
      spec.set("lm_head.bias", [[V], "zeros"]);
    }
  }
  return spec;
}

/** Initial values as Hugging Face's `_init_weights` makes them (normal(0, initializer_range), pad row zeroed). */
export function initialValue(name: string, shape: Shape, init: Init, config: EncoderConfig, rng: Rng): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  switch (init) {
    case "zeros":
      return tf.zeros(shape);
    case "ones":
      return tf.ones(shape);
    case "normal":
      return tf.tensor(rng.normalArray(size, config.initializer_range), shape);
    case "embedding": {
      const values = rng.normalArray(size, config.initializer_range);
      values.fill(0, config.pad_token_id * shape[1], (config.pad_token_id + 1) * shape[1]);
      return tf.tensor(values, shape);
    }
  }
}

export class EncoderModel {
  /** "bert." or "roberta.": the encoder's parameter-name prefix. */
  readonly prefix: string;

  constructor(
    readonly config: EncoderConfig,
    readonly task: Task,
    readonly params: Map<string, tf.Variable>,
  ) {
    this.prefix = config.model_type === "bert" ? "bert." : "roberta.";
    for (const [name, [shape]] of parameterSpec(config, task)) {
      const v = params.get(name);
      if (!v) throw new Error(`${task} ${config.model_type} model is missing parameter ${name}`);
      if (v.shape.join() !== shape.join()) throw new Error(`parameter ${name} has shape [${v.shape}], expected [${shape}] from the config`);
    }
  }

  /** A freshly initialised model; the same seed gives the same weights. */
  static create(config: EncoderConfig, task: Task, seed: number): EncoderModel {
    const rng = Rng.derive(seed, "init");
    const params = new Map<string, tf.Variable>();
    for (const [name, [shape, init]] of parameterSpec(config, task)) {
      const value = initialValue(name, shape, init, config, rng);
      params.set(name, tf.variable(value, true));
      value.dispose();
    }
    return new EncoderModel(config, task, params);
  }

  /** Hugging Face class name written to config.json's "architectures". */
  get architecture(): string {
    return ARCHITECTURE[this.task][this.config.model_type];
  }

  get numLabels(): number {
    return labelNames(this.config).length || 2;
  }

  variables(): tf.Variable[] {
    return [...this.params.values()];
  }

  parameterCount(): number {
    return this.variables().reduce((n, v) => n + v.size, 0);
  }

  private w(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`no parameter ${name}`);
    return v;
  }

  /** x [..., in] · Wᵀ + b, W in PyTorch's [out, in] layout. */
  private dense(x: tf.Tensor, name: string): tf.Tensor {
    const inDim = x.shape[x.shape.length - 1];
    const W = this.w(`${name}.weight`);
    const y = tf.add(tf.matMul(tf.reshape(x, [-1, inDim]), W, false, true), this.w(`${name}.bias`)); // [N, out]
    return tf.reshape(y, [...x.shape.slice(0, -1), W.shape[0]]);
  }

  private layerNorm(x: tf.Tensor, name: string): tf.Tensor {
    const { mean, variance } = tf.moments(x, -1, true);
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.config.layer_norm_eps)));
    return tf.add(tf.mul(normed, this.w(`${name}.weight`)), this.w(`${name}.bias`));
  }

  private activation(x: tf.Tensor): tf.Tensor {
    switch (this.config.hidden_act) {
      case "gelu":
        return this.gelu(x);
      case "gelu_new":
      case "gelu_pytorch_tanh": {
        const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
        return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
      }
      case "relu":
        return tf.relu(x);
    }
  }

  private dropout<T extends tf.Tensor>(x: T, rate: number, opts: ForwardOptions): T {
    return opts.dropout ? opts.dropout.apply(x, rate) : x;
  }

  /** Position ids [B, T]: 0..T-1 for BERT; RoBERTa counts real tokens from pad_token_id + 1. */
  private positionIds(inputIds: tf.Tensor2D): tf.Tensor2D {
    const [B, T] = inputIds.shape;
    if (this.config.model_type === "bert") return tf.tile(tf.range(0, T, 1, "int32").expandDims(0), [B, 1]) as tf.Tensor2D;
    const real = tf.cast(tf.notEqual(inputIds, this.config.pad_token_id), "int32");
    return tf.add(tf.mul(tf.cumsum(real, 1), real), tf.scalar(this.config.pad_token_id, "int32")) as tf.Tensor2D;
  }

  private embed(input: EncoderInput, opts: ForwardOptions): tf.Tensor3D {
    const p = `${this.prefix}embeddings`;
    const [B, T] = input.inputIds.shape;
    if (T > this.config.max_position_embeddings - (this.config.model_type === "bert" ? 0 : this.config.pad_token_id + 1)) {
      throw new Error(`sequence length ${T} exceeds what max_position_embeddings ${this.config.max_position_embeddings} allows; truncate inputs`);
    }
    const types = input.tokenTypeIds ?? tf.zeros([B, T], "int32");
    const words = tf.gather(this.w(`${p}.word_embeddings.weight`), input.inputIds); // [B, T, H]
    const positions = tf.gather(this.w(`${p}.position_embeddings.weight`), this.positionIds(input.inputIds)); // [B, T, H]
    const segments = tf.gather(this.w(`${p}.token_type_embeddings.weight`), types); // [B, T, H]
    const x = this.layerNorm(tf.add(tf.add(words, positions), segments), `${p}.LayerNorm`);
    return this.dropout(x, this.config.hidden_dropout_prob, opts) as tf.Tensor3D;
  }

  /** One transformer layer (post-LayerNorm, as in BERT). Returns the output and the attention probabilities. */
  private layer(x: tf.Tensor3D, maskBias: tf.Tensor4D, l: number, opts: ForwardOptions): [tf.Tensor3D, tf.Tensor4D] {
    const name = `${this.prefix}encoder.layer.${l}`;
    const [B, T, H] = x.shape;
    const A = this.config.num_attention_heads;
    const D = H / A;
    // Heads are folded into the batch ([B·A, T, D]): TensorFlow's batched matmul is ~30 % faster on 3-D than 4-D.
    const heads = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [B, T, A, D]), [0, 2, 1, 3]), [B * A, T, D]);
    const q = heads(this.dense(x, `${name}.attention.self.query`));
    const k = heads(this.dense(x, `${name}.attention.self.key`));
    const v = heads(this.dense(x, `${name}.attention.self.value`));
    const rawScores = tf.reshape(tf.matMul(q, k, false, true), [B, A, T, T]); // [B, A, T, T]
    const scores = tf.add(tf.mul(rawScores, 1 / Math.sqrt(D)), maskBias);
    const probs = tf.softmax(scores) as tf.Tensor4D; // [B, A, T, T]
    const dropped = tf.reshape(this.dropout(probs, this.config.attention_probs_dropout_prob, opts), [B * A, T, T]);
    const context = tf.reshape(tf.matMul(dropped, v), [B, A, T, D]); // [B, A, T, D]
    const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [B, T, H]); // [B, T, H]
    const attnOut = this.layerNorm(
      tf.add(this.dropout(this.dense(merged, `${name}.attention.output.dense`), this.config.hidden_dropout_prob, opts), x),
      `${name}.attention.output.LayerNorm`,
    ); // [B, T, H]
    const inter = this.activation(this.dense(attnOut, `${name}.intermediate.dense`)); // [B, T, I]
    const out = this.layerNorm(
      tf.add(this.dropout(this.dense(inter, `${name}.output.dense`), this.config.hidden_dropout_prob, opts), attnOut),
      `${name}.output.LayerNorm`,
    ); // [B, T, H]
    return [out as tf.Tensor3D, probs];
  }

  /** The encoder and the task head. Call inside tf.tidy (or dispose the outputs). */
  forward(input: EncoderInput, opts: ForwardOptions = {}): EncoderOutput {
    const mask = tf.cast(input.attentionMask, "float32");
    const maskBias = tf.mul(tf.sub(1, mask), -1e9).expandDims(1).expandDims(1) as tf.Tensor4D; // [B, 1, 1, T]
    let x = this.embed(input, opts);
    const hiddenStates: tf.Tensor3D[] = [x];
    const attentions: tf.Tensor4D[] = [];
    for (let l = 0; l < this.config.num_hidden_layers; l++) {
      const [out, probs] = this.layer(x, maskBias, l, opts);
      x = out;
      hiddenStates.push(x);
      attentions.push(probs);
    }
    const output: EncoderOutput = { lastHidden: x };
    if (opts.outputHiddenStates) output.hiddenStates = hiddenStates;
    if (opts.outputAttentions) output.attentions = attentions;
    Object.assign(output, this.head(x, input, opts));
    return output;
  }

  private head(x: tf.Tensor3D, input: EncoderInput, opts: ForwardOptions): Partial<EncoderOutput> {
    const classifierDropout = this.config.classifier_dropout ?? this.config.hidden_dropout_prob;
    const cls = () => tf.squeeze(tf.slice(x, [0, 0, 0], [-1, 1, -1]), [1]); // [B, H]
    switch (this.task) {
      case "base":
        return {};
      case "sequence-classification": {
        if (this.config.model_type === "bert") {
          const pooled = tf.tanh(this.dense(cls(), `${this.prefix}pooler.dense`)); // [B, H]
          return { logits: this.dense(this.dropout(pooled, classifierDropout, opts), "classifier") }; // [B, C]
        }
        const h = tf.tanh(this.dense(this.dropout(cls(), classifierDropout, opts), "classifier.dense")); // [B, H]
        return { logits: this.dense(this.dropout(h, classifierDropout, opts), "classifier.out_proj") }; // [B, C]
      }
      case "question-answering": {
        const both = this.dense(x, "qa_outputs"); // [B, T, 2]
        const [start, end] = tf.split(both, 2, -1);
        return { startLogits: tf.squeeze(start, [-1]) as tf.Tensor2D, endLogits: tf.squeeze(end, [-1]) as tf.Tensor2D };
      }
      case "masked-lm":
        return { logits: this.mlmLogits(x, input.mlmPositions) };
    }
  }

  /** Vocabulary logits at the given positions [B, P, V]; the decoder is the (tied) word-embedding matrix. */
  private mlmLogits(x: tf.Tensor3D, positions?: tf.Tensor2D): tf.Tensor3D {
    const [B, T, H] = x.shape;
    let picked: tf.Tensor3D = x;
    if (positions) {
      const P = positions.shape[1];
      const flat = tf.add(positions, tf.mul(tf.range(0, B, 1, "int32").expandDims(1), tf.scalar(T, "int32"))); // [B, P] rows of x viewed as [B·T, H]
      picked = tf.reshape(tf.gather(tf.reshape(x, [B * T, H]), tf.reshape(flat, [-1])), [B, P, H]);
    }
    const bert = this.config.model_type === "bert";
    const transform = bert ? "cls.predictions.transform" : "lm_head";
    let h = this.dense(picked, `${transform}.dense`);
    h = bert ? this.activation(h) : this.gelu(h); // RoBERTa's lm_head always uses exact GELU
    h = this.layerNorm(h, bert ? `${transform}.LayerNorm` : "lm_head.layer_norm");
    const decoder = this.w(`${this.prefix}embeddings.word_embeddings.weight`); // [V, H]
    const logits = tf.add(tf.matMul(tf.reshape(h, [-1, H]), decoder, false, true), this.w(bert ? "cls.predictions.bias" : "lm_head.bias")); // [B·P, V]
    return tf.reshape(logits, [B, -1, this.config.vocab_size]) as tf.Tensor3D;
  }

  /** Exact GELU: x · Φ(x) = 0.5 · x · (1 + erf(x / √2)). */
  private gelu(x: tf.Tensor): tf.Tensor {
    return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}
