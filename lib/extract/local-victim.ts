/**
 * A victim in this process: a fine-tuned sequence-classification model folder (config.json with
 * id2label, model.safetensors, tokenizer.json) answering with its softmax probabilities. It is
 * also what `npm run serve` puts behind the HTTP API.
 */
import * as path from "node:path";
import { labelNames } from "../model/config";
import { EncoderModel } from "../model/encoder";
import { loadModel } from "../model/io";
import { TextTokenizer } from "../tokenize/tokenizer";
import { argmax, predictProbabilities } from "../train/classify";
import { Victim, VictimAnswer, VictimInput, encodeInput } from "./victim";

export interface LocalVictimOptions {
  /** Longest input in tokens (special tokens included); longer ones are cut. Default: the tokenizer's model_max_length, capped by the model's position embeddings. */
  maxLength?: number;
  /** Examples per forward pass. Default 32. */
  batchSize?: number;
  /** Whether answers carry probabilities. Default true. */
  exposesProbabilities?: boolean;
}

/** Longest sequence the position embeddings allow (RoBERTa's positions start past the pad id). */
export function positionLimit(model: EncoderModel): number {
  const c = model.config;
  return c.model_type === "bert" ? c.max_position_embeddings : c.max_position_embeddings - c.pad_token_id - 1;
}

export class LocalVictim implements Victim {
  readonly labels: readonly string[];
  readonly exposesProbabilities: boolean;
  readonly maxLength: number;
  private readonly batchSize: number;

  constructor(readonly model: EncoderModel, readonly tokenizer: TextTokenizer, options: LocalVictimOptions = {}) {
    if (model.task !== "sequence-classification") throw new Error(`a victim must be a sequence-classification model; this one is "${model.task}"`);
    const labels = labelNames(model.config);
    if (labels.length < 2) throw new Error(`the model's config has ${labels.length} labels in id2label; a victim classifier needs at least 2 (fine-tune it first)`);
    if (new Set(labels).size !== labels.length) throw new Error(`the model's id2label repeats a name (${labels.join(", ")}); label names must be unique`);
    this.labels = labels;
    this.exposesProbabilities = options.exposesProbabilities ?? true;
    this.batchSize = options.batchSize ?? 32;
    const limit = Math.min(tokenizer.modelMaxLength, positionLimit(model));
    this.maxLength = options.maxLength ?? limit;
    if (this.maxLength > positionLimit(model)) throw new Error(`maxLength ${this.maxLength} is more than the model's position embeddings allow (${positionLimit(model)})`);
  }

  /** Loads a model folder (weights, config and tokenizer side by side). Call initBackend first. */
  static async load(dir: string, options: LocalVictimOptions = {}): Promise<LocalVictim> {
    const { model, report } = loadModel(dir, { task: "sequence-classification" });
    const missingHead = report.initialized.filter((name) => name.startsWith("classifier"));
    if (missingHead.length > 0) {
      model.dispose();
      throw new Error(`${path.join(dir, "model.safetensors")} has no classifier head (${missingHead.join(", ")}); serve a fine-tuned sequence-classification model, not a pretrained encoder`);
    }
    try {
      return new LocalVictim(model, await TextTokenizer.load(dir), options);
    } catch (err) {
      model.dispose();
      throw err;
    }
  }

  async query(inputs: VictimInput[]): Promise<VictimAnswer[]> {
    if (inputs.length === 0) return [];
    const probs = predictProbabilities(this.model, inputs.map((x) => encodeInput(this.tokenizer, x, this.maxLength)), this.batchSize);
    return probs.map((p) => {
      const answer: VictimAnswer = { label: argmax(p) };
      if (this.exposesProbabilities) answer.probabilities = Array.from(p);
      return answer;
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}
