/**
 * Training subword tokenizers with Hugging Face `tokenizers` (its Rust trainer, through the npm
 * bindings), saved as `tokenizer.json` + `tokenizer_config.json` + `special_tokens_map.json`, the
 * files `transformers` and transformers.js load.
 *
 *   - "wordpiece": lower-cased BERT WordPiece (BERT normaliser and pre-tokeniser, ## continuations),
 *     specials [PAD] [UNK] [CLS] [SEP] [MASK] at ids 0–4, BERT's pair template with token types.
 *   - "byte-bpe": byte-level BPE (RoBERTa / GPT-2 style, NFC-normalised): every string encodes, in
 *     any script, with no unknown token; specials <s> <pad> </s> <unk> <mask> at ids 0–4 and the
 *     RoBERTa / XLM-R template (no token types).
 *
 * The npm trainer takes no options (30,000 tokens for both models, no special tokens), so the
 * special tokens are laid out afterwards in the JSON, and a smaller vocabulary is the first
 * `vocabSize` entries: both trainers add the alphabet first and then merges in order, so every
 * prefix is itself a complete vocabulary.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeFileAtomic } from "../model/safetensors";

export type TokenizerKind = "wordpiece" | "byte-bpe";

export interface TrainTokenizerArgs {
  kind: TokenizerKind;
  /** Training text, one line per string (lines are written to a temporary file for the trainer). */
  texts: Iterable<string>;
  /** Folder to write the tokenizer files to. */
  outDir: string;
  /** Vocabulary size including the special tokens; at most what the trainer learns (30,000 + 5). Default: all of it. */
  vocabSize?: number;
  /** Longest input the tokenizer config announces (model_max_length). Default 512. */
  modelMaxLength?: number;
}

export interface TokenizerSummary {
  kind: TokenizerKind;
  vocabSize: number;
  specialTokens: string[];
  trainingLines: number;
  seconds: number;
}

export const SPECIALS: Record<TokenizerKind, { pad: string; unk: string; cls: string; sep: string; mask: string; order: string[] }> = {
  wordpiece: { pad: "[PAD]", unk: "[UNK]", cls: "[CLS]", sep: "[SEP]", mask: "[MASK]", order: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] },
  "byte-bpe": { pad: "<pad>", unk: "<unk>", cls: "<s>", sep: "</s>", mask: "<mask>", order: ["<s>", "<pad>", "</s>", "<unk>", "<mask>"] },
};

type TokenizersModule = typeof import("tokenizers");

function loadTokenizers(): TokenizersModule {
  try {
    return require("tokenizers");
  } catch (err) {
    throw new Error(`the "tokenizers" package (Hugging Face's Rust tokenizers) does not load: ${(err as Error).message}. Run \`npm install\`.`);
  }
}

/** Trains a tokenizer on `texts` and writes it to `outDir`. */
export function trainTokenizer(args: TrainTokenizerArgs): TokenizerSummary {
  const started = Date.now();
  const t = loadTokenizers();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-tokenizer-"));
  try {
    const corpus = path.join(tmp, "corpus.txt");
    const out = fs.openSync(corpus, "w");
    let lines = 0;
    for (const text of args.texts) {
      const line = text.replace(/\s+/g, " ").trim();
      if (!line) continue;
      fs.writeSync(out, line + "\n");
      lines++;
    }
    fs.closeSync(out);
    if (lines === 0) throw new Error(`trainTokenizer(${args.kind}): the training text is empty`);

    const tokenizer =
      args.kind === "wordpiece" ? new t.Tokenizer(t.WordPiece.empty()) : new t.Tokenizer(t.BPE.empty());
    if (args.kind === "wordpiece") {
      tokenizer.setNormalizer(t.bertNormalizer({ lowercase: true, cleanText: true, handleChineseChars: true }));
      tokenizer.setPreTokenizer(t.bertPreTokenizer());
    } else {
      tokenizer.setNormalizer(t.nfcNormalizer());
      tokenizer.setPreTokenizer(t.byteLevelPreTokenizer(false, true));
    }
    tokenizer.train([corpus]);
    const trainedFile = path.join(tmp, "trained.json");
    tokenizer.save(trainedFile);
    const trained = JSON.parse(fs.readFileSync(trainedFile, "utf8"));
    const json = args.kind === "wordpiece" ? finishWordPiece(trained, args.vocabSize) : finishByteBpe(trained, args.vocabSize, t.byteLevelAlphabet());
    const vocabSize = Object.keys(json.model.vocab).length;
    writeTokenizerFiles(args.outDir, args.kind, json, args.modelMaxLength ?? 512);
    return { kind: args.kind, vocabSize, specialTokens: SPECIALS[args.kind].order, trainingLines: lines, seconds: (Date.now() - started) / 1000 };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

type Vocab = Record<string, number>;

/** The learned tokens in id order, without any special token. */
function learnedTokens(vocab: Vocab, specials: string[]): string[] {
  return Object.entries(vocab)
    .sort((a, b) => a[1] - b[1])
    .map(([token]) => token)
    .filter((token) => !specials.includes(token));
}

/** The first tokens, so that `specials` of them plus the tokens make `vocabSize` (all when undefined). */
function cut(tokens: string[], specials: number, vocabSize: number | undefined): string[] {
  if (vocabSize === undefined) return tokens;
  if (vocabSize <= specials) throw new Error(`vocabSize ${vocabSize} leaves no room beside the ${specials} special tokens`);
  if (vocabSize > tokens.length + specials) throw new Error(`vocabSize ${vocabSize} is more than the trainer learned (${tokens.length + specials}); use at most that`);
  return tokens.slice(0, vocabSize - specials);
}

function addedToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

function withSpecials(tokens: string[], specials: string[]): Vocab {
  const vocab: Vocab = {};
  [...specials, ...tokens].forEach((token, id) => (vocab[token] = id));
  return vocab;
}

/** The tokenizer.json around a model: the trained normaliser and pre-tokeniser, the specials as added tokens. */
function tokenizerJson(trained: any, specials: string[], vocab: Vocab, parts: { post_processor: object; decoder: object; model: object }): any {
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: specials.map((token) => addedToken(vocab[token], token)),
    normalizer: trained.normalizer,
    pre_tokenizer: trained.pre_tokenizer,
    ...parts,
  };
}

function finishWordPiece(trained: any, vocabSize: number | undefined): any {
  const s = SPECIALS.wordpiece;
  const vocab = withSpecials(cut(learnedTokens(trained.model.vocab, s.order), s.order.length, vocabSize), s.order);
  const id = (token: string) => vocab[token];
  return tokenizerJson(trained, s.order, vocab, {
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: s.cls, type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: s.sep, type_id: 0 } }],
      pair: [
        { SpecialToken: { id: s.cls, type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: s.sep, type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } }, { SpecialToken: { id: s.sep, type_id: 1 } },
      ],
      special_tokens: Object.fromEntries([s.cls, s.sep].map((token) => [token, { id: token, ids: [id(token)], tokens: [token] }])),
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: s.unk, continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  });
}

function finishByteBpe(trained: any, vocabSize: number | undefined, alphabet: string[]): any {
  const s = SPECIALS["byte-bpe"];
  let tokens = learnedTokens(trained.model.vocab, s.order);
  // Bytes the corpus never showed must still be in the vocabulary, or their text could not encode.
  // (In code-point order: the bindings hand the alphabet over in hash order, which changes from run to run.)
  const missing = alphabet.filter((c) => !(c in trained.model.vocab)).sort();
  const alphabetEnd = tokens.findIndex((token) => [...token].length > 1);
  tokens = [...tokens.slice(0, alphabetEnd), ...missing, ...tokens.slice(alphabetEnd)];
  const least = s.order.length + alphabet.length;
  if (vocabSize !== undefined && vocabSize < least) throw new Error(`vocabSize ${vocabSize} cannot hold the ${alphabet.length} bytes beside the ${s.order.length} special tokens; a byte-level vocabulary needs at least ${least}`);
  const vocab = withSpecials(cut(tokens, s.order.length, vocabSize), s.order);
  // A merge survives only if its result is still in the (possibly cut) vocabulary.
  const merges = (trained.model.merges as (string | [string, string])[])
    .map((m) => (typeof m === "string" ? (m.split(" ") as [string, string]) : m))
    .filter(([a, b]) => vocab[a + b] !== undefined);
  const id = (token: string) => vocab[token];
  return tokenizerJson(trained, s.order, vocab, {
    post_processor: { type: "RobertaProcessing", sep: [s.sep, id(s.sep)], cls: [s.cls, id(s.cls)], trim_offsets: true, add_prefix_space: false },
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges,
    },
  });
}

/** The files of a tokenizer folder, as `transformers` saves them. */
export const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"] as const;

/** Copies a tokenizer folder's files into a model folder (the Hugging Face layout keeps them side by side). */
export function copyTokenizerFiles(fromDir: string, toDir: string): void {
  for (const file of TOKENIZER_FILES) fs.copyFileSync(path.join(fromDir, file), path.join(toDir, file));
}

function writeTokenizerFiles(outDir: string, kind: TokenizerKind, json: any, modelMaxLength: number): void {
  const s = SPECIALS[kind];
  const map =
    kind === "wordpiece"
      ? { unk_token: s.unk, sep_token: s.sep, pad_token: s.pad, cls_token: s.cls, mask_token: s.mask }
      : { bos_token: s.cls, eos_token: s.sep, unk_token: s.unk, sep_token: s.sep, pad_token: s.pad, cls_token: s.cls, mask_token: s.mask };
  const config = {
    // transformers and transformers.js pick their class by this name; both read the model from tokenizer.json.
    tokenizer_class: kind === "wordpiece" ? "BertTokenizer" : "RobertaTokenizer",
    ...(kind === "wordpiece" ? { do_lower_case: true } : { add_prefix_space: false }),
    model_max_length: modelMaxLength,
    clean_up_tokenization_spaces: kind === "wordpiece",
    ...map,
  };
  writeFileAtomic(path.join(outDir, "tokenizer.json"), JSON.stringify(json) + "\n");
  writeFileAtomic(path.join(outDir, "tokenizer_config.json"), JSON.stringify(config, null, 2) + "\n");
  writeFileAtomic(path.join(outDir, "special_tokens_map.json"), JSON.stringify(map, null, 2) + "\n");
}
