/**
 * A byte-level BPE tokenizer trained here on several scripts of the multilingual corpus: the
 * RoBERTa / XLM-R layout (<s> A </s></s> B </s>, no token types), and lossless round trips for
 * any text — unseen scripts and emoji included — since every byte is in the vocabulary.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MultilingualLanguage, readMultilingual } from "../../lib/data/multilingual";
import { TextTokenizer } from "../../lib/tokenize/tokenizer";
import { TokenizerSummary, trainTokenizer } from "../../lib/tokenize/train";

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-byte-bpe-"));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

const LANGUAGES: MultilingualLanguage[] = ["en", "de", "ru", "zh", "th", "hi", "ar"];
const LINES = LANGUAGES.flatMap((lang) => readMultilingual(lang).slice(0, 300));
const SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"];
const [BOS, PAD, EOS, UNK, MASK] = [0, 1, 2, 3, 4];

let summary: TokenizerSummary;
let tok: TextTokenizer;
const dir = path.join(TMP, "full");
before(async () => {
  summary = trainTokenizer({ kind: "byte-bpe", texts: LINES, outDir: dir });
  tok = await TextTokenizer.load(dir);
});

/** Text in every script, some of it never seen in training (Greek, Korean, emoji, a rare CJK character, combining marks). */
const TEXTS = [
  "The quick brown fox jumps over the lazy dog.",
  "Größere Städte: München, Köln — und Düsseldorf!",
  "Москва — столица России.",
  "我们今天去北京。",
  "ภาษาไทยเป็นภาษาราชการของประเทศไทย",
  "हिन्दी भारत की राजभाषा है।",
  "اللغة العربية جميلة",
  "Ελληνικά και 한국어",
  "emoji 😀🤖👩‍👩‍👧 and flags 🇫🇷",
  "rare CJK 龘 𠀀 𪚥",
  "e\u0301 composed by NFC, A\u030A too",
  "  two  spaces,\ttab and trailing ",
];

test("the files: specials <s> <pad> </s> <unk> <mask> at ids 0–4, all 256 bytes, a RoBERTa config", () => {
  const json = readJson(path.join(dir, "tokenizer.json"));
  const vocab = json.model.vocab as Record<string, number>;
  assert.deepEqual(SPECIALS.map((t) => vocab[t]), [0, 1, 2, 3, 4]);
  const ids = Object.values(vocab).sort((a, b) => a - b);
  assert.deepEqual(ids, ids.map((_, i) => i), "vocabulary ids are 0…V−1 without gaps");
  const bytes = Object.keys(vocab).filter((t) => !SPECIALS.includes(t) && [...t].length === 1);
  assert.equal(bytes.length, 256, "every byte is a token, seen in training or not");
  assert.equal(json.model.type, "BPE");
  assert.equal(json.model.unk_token, null);
  const config = readJson(path.join(dir, "tokenizer_config.json"));
  assert.equal(config.tokenizer_class, "RobertaTokenizer");
  assert.equal(config.add_prefix_space, false);
  assert.equal(summary.trainingLines, LINES.length);
  assert.equal(summary.vocabSize, ids.length);
  assert.ok(summary.vocabSize > 5000, `vocabulary of ${summary.vocabSize}`);
});

test("loaded: pad/mask/unk ids, no token types, <s> A </s> and <s> A </s></s> B </s>", () => {
  assert.deepEqual([tok.padId, tok.maskId, tok.unkId], [PAD, MASK, UNK]);
  assert.deepEqual([...tok.specialIds].sort((a, b) => a - b), [0, 1, 2, 3, 4]);
  assert.equal(tok.usesTokenTypes, false);
  assert.equal(tok.vocabSize, summary.vocabSize);
  const [a, b] = ["Hello world", "你好，世界"];
  const [pa, pb] = [tok.encodePlain(a), tok.encodePlain(b)];
  const single = tok.encode(a);
  assert.deepEqual(single, { ids: [BOS, ...pa, EOS] });
  const pair = tok.encode(a, b);
  assert.deepEqual(pair, { ids: [BOS, ...pa, EOS, EOS, ...pb, EOS] });
  assert.equal(pair.typeIds, undefined);
  assert.equal(tok.decode(pair.ids, false), `<s>${a}</s></s>${b}</s>`);
  const theirs = (tok as unknown as { hf: { _call: Function } }).hf._call(a, { text_pair: b, return_tensor: false });
  assert.deepEqual(pair.ids, theirs.input_ids, "the same as transformers.js' own template");
  // Truncation keeps both separators of the middle and the closing one.
  const cut = tok.encode("one two three four five six seven eight", "nine ten eleven twelve thirteen", { maxLength: 10 });
  assert.equal(cut.ids.length, 10);
  assert.deepEqual([cut.ids[0], cut.ids[cut.ids.length - 1]], [BOS, EOS]);
  assert.equal(cut.ids.filter((id) => id === EOS).length, 3);
});

test("decode(encode(x)) is x in NFC for every script, unseen characters and emoji included; no <unk> ever", () => {
  for (const text of TEXTS) {
    const plain = tok.encodePlain(text);
    assert.ok(!plain.includes(UNK), `${text}: <unk> in ${plain}`);
    assert.equal(tok.decode(plain), text.normalize("NFC"), `plain round trip of ${JSON.stringify(text)}`);
    assert.equal(tok.decode(tok.encode(text).ids), text.normalize("NFC"), `round trip with specials of ${JSON.stringify(text)}`);
  }
  // Seen scripts get merged tokens; an unseen character falls back to its bytes.
  assert.ok(tok.encodePlain("我们今天").length < new TextEncoder().encode("我们今天").length);
  assert.equal(tok.encodePlain("𪚥").length, 4, "a 4-byte character never seen is 4 byte tokens");
});

test("ids of texts, pairs and truncated pairs are those of Hugging Face's Rust tokenizers", async () => {
  const rust = (require("tokenizers") as typeof import("tokenizers")).Tokenizer.fromFile(path.join(dir, "tokenizer.json"));
  // No text longer than maxLength: see the WordPiece test for why.
  const texts = [...TEXTS, ...LANGUAGES.map((lang) => readMultilingual(lang)[1000])];
  for (let i = 0; i < texts.length; i++) {
    const pair = texts[(i + 1) % texts.length];
    const longest = Math.max(tok.encodePlain(texts[i]).length, tok.encodePlain(pair).length);
    for (const maxLength of [longest + 4, longest + 5, 512]) {
      rust.setTruncation(maxLength);
      assert.deepEqual(tok.encode(texts[i], undefined, { maxLength }).ids, (await rust.encode(texts[i])).getIds(), `${texts[i]} at ${maxLength}`);
      assert.deepEqual(tok.encode(texts[i], pair, { maxLength }).ids, (await rust.encode(texts[i], pair)).getIds(), `${texts[i]} + ${pair} at ${maxLength}`);
    }
  }
});

test("the same text trains the same tokenizer, byte for byte", () => {
  const again = path.join(TMP, "again");
  trainTokenizer({ kind: "byte-bpe", texts: LINES, outDir: again });
  for (const file of ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]) {
    assert.ok(fs.readFileSync(path.join(again, file)).equals(fs.readFileSync(path.join(dir, file))), `${file} differs between two trainings`);
  }
});

test("a vocabSize cut is exactly that size and still round-trips everything; below 256 bytes + 5 it is refused", async () => {
  const cutDir = path.join(TMP, "cut");
  const s = trainTokenizer({ kind: "byte-bpe", texts: LINES, outDir: cutDir, vocabSize: 400 });
  assert.equal(s.vocabSize, 400);
  const small = await TextTokenizer.load(cutDir);
  assert.equal(small.vocabSize, 400);
  const merges = readJson(path.join(cutDir, "tokenizer.json")).model.merges as string[][];
  assert.equal(merges.length, 400 - 5 - 256, "a merge survives only if its result is in the vocabulary");
  for (const text of TEXTS) {
    const ids = small.encodePlain(text);
    assert.ok(Math.max(...ids) < 400);
    assert.equal(small.decode(ids), text.normalize("NFC"), `round trip of ${JSON.stringify(text)} at 400 tokens`);
  }
  assert.equal(trainTokenizer({ kind: "byte-bpe", texts: LINES.slice(0, 100), outDir: path.join(TMP, "least"), vocabSize: 261 }).vocabSize, 261);
  assert.throws(() => trainTokenizer({ kind: "byte-bpe", texts: LINES.slice(0, 100), outDir: path.join(TMP, "bad"), vocabSize: 260 }), /vocabSize 260 cannot hold the 256 bytes beside the 5 special tokens; a byte-level vocabulary needs at least 261/);
  assert.throws(() => trainTokenizer({ kind: "byte-bpe", texts: ["", " "], outDir: path.join(TMP, "bad") }), /trainTokenizer\(byte-bpe\): the training text is empty/);
});
