/**
 * A question-answering victim in this process: a model folder with the span head fine-tuned
 * (lib/train/span.ts) answering each paragraph + question with its best span, found over the
 * paragraph's windows exactly as the SQuAD evaluation finds it.
 */
import * as path from "node:path";
import { EncoderModel } from "../model/encoder";
import { loadModel } from "../model/io";
import { TextTokenizer } from "../tokenize/tokenizer";
import { predictSpans, spanFeatures } from "../train/span";
import { positionLimit } from "./local-victim";
import { QaAnswer, QaInput, QaVictim } from "./victim";

export interface LocalQaVictimOptions {
  /** Tokens per window, special tokens included. Default: the tokenizer's model_max_length, capped by the model's position embeddings. */
  maxLength?: number;
  /** Tokens between window starts. Default: half the context room (spanFeatures' default). */
  stride?: number;
  /** Longest answer in tokens. Default 30. */
  maxAnswerTokens?: number;
  /** Windows per forward pass. Default 32. */
  batchSize?: number;
}

export class LocalQaVictim implements QaVictim {
  readonly maxLength: number;

  constructor(readonly model: EncoderModel, readonly tokenizer: TextTokenizer, private readonly options: LocalQaVictimOptions = {}) {
    if (model.task !== "question-answering") throw new Error(`a QA victim must be a question-answering model; this one is "${model.task}"`);
    const limit = positionLimit(model);
    this.maxLength = options.maxLength ?? Math.min(tokenizer.modelMaxLength, limit);
    if (this.maxLength > limit) throw new Error(`maxLength ${this.maxLength} is more than the model's position embeddings allow (${limit})`);
  }

  /** Loads a model folder (weights with the span head, config and tokenizer side by side). Call initBackend first. */
  static async load(dir: string, options: LocalQaVictimOptions = {}): Promise<LocalQaVictim> {
    const { model, report } = loadModel(dir, { task: "question-answering" });
    if (report.initialized.some((name) => name.startsWith("qa_outputs"))) {
      model.dispose();
      throw new Error(`${path.join(dir, "model.safetensors")} has no span head (qa_outputs); serve a model fine-tuned for question answering, not a pretrained encoder`);
    }
    try {
      return new LocalQaVictim(model, await TextTokenizer.load(dir), options);
    } catch (err) {
      model.dispose();
      throw err;
    }
  }

  async query(inputs: QaInput[]): Promise<QaAnswer[]> {
    if (inputs.length === 0) return [];
    const examples = inputs.map((x) => ({ context: x.context, question: x.question, answers: [] }));
    const features = spanFeatures(this.tokenizer, examples, { maxLength: this.maxLength, stride: this.options.stride, training: false });
    return predictSpans(this.model, examples, features, this.options.batchSize ?? 32, this.options.maxAnswerTokens ?? 30);
  }

  dispose(): void {
    this.model.dispose();
  }
}
