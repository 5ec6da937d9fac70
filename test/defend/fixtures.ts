/**
 * Fixtures for the defense tests: a tiny random QA model folder beside the tiny classifier of
 * test/serve/fixtures.ts (same synthetic-text tokenizer), and QA queries over that vocabulary.
 */
import { makeConfig } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";
import { saveModel } from "../../lib/model/io";
import { QaInput } from "../../lib/extract/victim";
import { TextTokenizer } from "../../lib/tokenize/tokenizer";
import { trainTokenizer } from "../../lib/tokenize/train";
import { sentences } from "../serve/fixtures";

/** Writes a tiny random span-head model folder (1 layer, H 16, 64 positions) to `dir`. */
export async function makeTinyQaModel(dir: string): Promise<string> {
  trainTokenizer({ kind: "wordpiece", texts: sentences(300), outDir: dir, modelMaxLength: 64 });
  const tokenizer = await TextTokenizer.load(dir);
  const config = makeConfig({
    model_type: "bert", vocab_size: tokenizer.vocabSize, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2,
    intermediate_size: 32, max_position_embeddings: 64, pad_token_id: tokenizer.padId,
  });
  const model = EncoderModel.create({ ...config, initializer_range: 0.5 }, "question-answering", 4);
  saveModel(model, dir);
  model.dispose();
  return dir;
}

/** Paragraph + question queries made of the fixtures' synthetic sentences (some longer than one 64-token window). */
export function qaQueries(n: number, seed = 1): QaInput[] {
  const s = sentences(3 * n, seed);
  return Array.from({ length: n }, (_, i) => ({ context: i % 4 === 0 ? `${s[3 * i]} ${s[3 * i + 1]} ${s[3 * i + 1]} ${s[3 * i]}` : s[3 * i], question: `what ${s[3 * i + 2]}` }));
}
