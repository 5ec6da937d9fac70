/**
 * A WordPiece tokenizer trained here on WikiText-2 and loaded back through transformers.js:
 * BERT's special-token layout, lower-cased round trips, [CLS] A [SEP] B [SEP] pairs with token
 * types, longest-first truncation, vocabulary cuts, and errors that say what is wrong.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readWikitext2 } from "../../lib/data/wikitext";
import { TextTokenizer } from "../../lib/tokenize/tokenizer";
import { TokenizerSummary, trainTokenizer } from "../../lib/tokenize/train";

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-wordpiece-"));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

const LINES = readWikitext2("train", { dropHeadings: true }).slice(0, 3000);
const SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
const [PAD, UNK, CLS, SEP, MASK] = [0, 1, 2, 3, 4];

let summary: TokenizerSummary;
let tok: TextTokenizer;
const dir = path.join(TMP, "full");
before(async () => {
  summary = trainTokenizer({ kind: "wordpiece", texts: LINES, outDir: dir });
  tok = await TextTokenizer.load(dir);
});

/** A text of exactly `n` plain tokens (each "the" is one token). */
const words = (n: number, word = "the") => new Array(n).fill(word).join(" ");

test("the files: specials [PAD] [UNK] [CLS] [SEP] [MASK] at ids 0–4, a BERT config, the summary matches", () => {
  const json = readJson(path.join(dir, "tokenizer.json"));
  assert.deepEqual(SPECIALS.map((t) => json.model.vocab[t]), [0, 1, 2, 3, 4]);
  assert.deepEqual(json.added_tokens.map((t: { id: number; content: string }) => [t.id, t.content]), SPECIALS.map((t, i) => [i, t]));
  const ids = Object.values(json.model.vocab as Record<string, number>).sort((a, b) => a - b);
  assert.deepEqual(ids, ids.map((_, i) => i), "vocabulary ids are 0…V−1 without gaps");
  const config = readJson(path.join(dir, "tokenizer_config.json"));
  assert.equal(config.tokenizer_class, "BertTokenizer");
  assert.equal(config.do_lower_case, true);
  assert.equal(config.model_max_length, 512);
  assert.deepEqual(readJson(path.join(dir, "special_tokens_map.json")), { unk_token: "[UNK]", sep_token: "[SEP]", pad_token: "[PAD]", cls_token: "[CLS]", mask_token: "[MASK]" });
  assert.equal(summary.kind, "wordpiece");
  assert.equal(summary.trainingLines, 3000);
  assert.deepEqual(summary.specialTokens, SPECIALS);
  assert.equal(summary.vocabSize, ids.length);
  assert.ok(summary.vocabSize > 5000 && summary.vocabSize <= 30005, `vocabulary of ${summary.vocabSize}`);
});

test("loaded: padId, unkId, maskId, specialIds, vocabSize and token types are BERT's", () => {
  assert.equal(tok.padId, PAD);
  assert.equal(tok.unkId, UNK);
  assert.equal(tok.maskId, MASK);
  assert.deepEqual([...tok.specialIds].sort((a, b) => a - b), [0, 1, 2, 3, 4]);
  assert.equal(tok.vocabSize, summary.vocabSize);
  assert.equal(tok.usesTokenTypes, true);
  assert.equal(tok.modelMaxLength, 512);
  // [MASK] written in the text is the mask token, not five characters.
  const ids = tok.encodePlain("the [MASK] of paris");
  assert.equal(ids.filter((id) => id === MASK).length, 1, `ids ${ids}`);
  assert.equal(ids.length, 4, `tokens ${tok.tokenize("the [MASK] of paris")}`);
});

test("round trip: decode(encode(x)) is the lower-cased text, rare words split into ## pieces and joined again", () => {
  const texts = [
    "The history of the city began in the early years of the nineteenth century",
    "She played the game with her brother and their friends after school",
    "Unbelievably photosynthesising Xylophonists reorganised Kaleidoscopes",
    "The band released their second album in the United States",
  ];
  let split = 0;
  for (const text of texts) {
    const { ids } = tok.encode(text);
    assert.equal(ids[0], CLS);
    assert.equal(ids[ids.length - 1], SEP);
    assert.ok(!ids.includes(UNK), `${text}: [UNK] in ${tok.tokenize(text)}`);
    assert.equal(tok.decode(ids), text.toLowerCase());
    assert.equal(tok.decode(ids, false), `[CLS] ${text.toLowerCase()} [SEP]`);
    split += tok.tokenize(text).filter((t) => t.startsWith("##")).length;
  }
  assert.ok(split >= 3, `the rare words should need continuation pieces, got ${split}`);
  // BERT uncased: accents are stripped along with case.
  assert.equal(tok.decode(tok.encode("Café Émile").ids), "cafe emile");
});

test("a pair is [CLS] A [SEP] B [SEP] with token types 0…0 1…1, as transformers.js' own template makes it", () => {
  const a = "The river flows through the valley";
  const b = "It reaches the sea in the north";
  const [pa, pb] = [tok.encodePlain(a), tok.encodePlain(b)];
  const { ids, typeIds } = tok.encode(a, b);
  assert.deepEqual(ids, [CLS, ...pa, SEP, ...pb, SEP]);
  assert.deepEqual(typeIds, [...new Array(pa.length + 2).fill(0), ...new Array(pb.length + 1).fill(1)]);
  const theirs = (tok as unknown as { hf: { _call: Function } }).hf._call(a, { text_pair: b, return_tensor: false, return_token_type_ids: true });
  assert.deepEqual(ids, theirs.input_ids);
  assert.deepEqual(typeIds, theirs.token_type_ids);
  assert.deepEqual(tok.encode(a).typeIds, new Array(pa.length + 2).fill(0), "a single text has type 0 throughout");
});

test("truncation: maxLength is respected, the longer side is cut first, the result still ends with [SEP]", () => {
  const check = (aLen: number, bLen: number | undefined, maxLength: number, want: [number, number]) => {
    const label = `${aLen} + ${bLen} tokens at maxLength ${maxLength}`;
    const a = words(aLen, "the");
    const b = bLen === undefined ? undefined : words(bLen, "of");
    const { ids, typeIds } = tok.encode(a, b, { maxLength });
    const the = tok.encodePlain("the")[0];
    const of = tok.encodePlain("of")[0];
    const expected = b === undefined
      ? [CLS, ...new Array(want[0]).fill(the), SEP]
      : [CLS, ...new Array(want[0]).fill(the), SEP, ...new Array(want[1]).fill(of), SEP];
    assert.deepEqual(ids, expected, label);
    assert.equal(typeIds!.length, ids.length, label);
    assert.ok(ids.length <= maxLength, label);
  };
  check(40, 5, 20, [12, 5]); // only A is cut: 20 − 3 specials − 5
  check(5, 40, 20, [5, 12]); // only B is cut
  check(30, 20, 23, [10, 10]); // both cut to half the room
  check(21, 20, 23, [10, 10]);
  check(30, 20, 24, [11, 10]); // an odd room: the odd token goes to the longer text…
  check(20, 30, 24, [10, 11]);
  check(20, 20, 24, [10, 11]); // …to B on a tie
  check(3, 4, 23, [3, 4]); // fits: nothing cut
  check(50, undefined, 8, [6, 0]);
  // The default is model_max_length (512).
  assert.equal(tok.encode(words(600)).ids.length, 512);
  assert.equal(tok.encode(words(600), words(600, "of")).ids.length, 512);
  assert.throws(() => tok.encode("the", "of", { maxLength: 3 }), /maxLength 3 leaves no room for text beside 3 special tokens/);
  assert.throws(() => tok.encode("the", undefined, { maxLength: 2 }), /maxLength 2 leaves no room for text beside 2 special tokens/);
});

test("encodings, pairs and truncation are those of Hugging Face's Rust tokenizers (transformers' fast tokenizers)", async () => {
  // The `tokenizers` package, Rust compiled for Node. When a text has more pre-tokenised words than
  // maxLength, its pair truncation can split A and B one token differently from transformers (5.17
  // agrees with us there: test/tokenize/shipped.test.ts), so no text compared here is that long.
  const rust = (require("tokenizers") as typeof import("tokenizers")).Tokenizer.fromFile(path.join(dir, "tokenizer.json"));
  const compare = async (a: string, b: string | undefined, maxLength: number, label: string) => {
    rust.setTruncation(maxLength);
    const theirs = await rust.encode(a, b ?? null);
    const ours = tok.encode(a, b, { maxLength });
    assert.deepEqual(ours.ids, theirs.getIds(), `${label}: ids`);
    assert.deepEqual(ours.typeIds, theirs.getTypeIds(), `${label}: token types`);
  };
  let cases = 0;
  for (const la of [1, 3, 10, 11, 12, 20, 30]) {
    for (const lb of [undefined, 1, 3, 10, 11, 12, 20, 30]) {
      for (const maxLength of [8, 16, 17, 23, 24, 31, 32, 100]) {
        if (Math.max(la, lb ?? 0) > maxLength) continue;
        await compare(words(la), lb === undefined ? undefined : words(lb, "of"), maxLength, `${la} + ${lb} at ${maxLength}`);
        cases++;
      }
    }
  }
  assert.ok(cases > 250);
  for (let i = 0; i < 60; i += 2) {
    const [a, b] = [LINES[i], LINES[i + 1]];
    const longest = Math.max(tok.encodePlain(a).length, tok.encodePlain(b).length);
    await compare(a, undefined, longest, `line ${i}`);
    await compare(a, b, longest + 3, `lines ${i}, ${i + 1}`);
    await compare(a, b, longest + 4, `lines ${i}, ${i + 1}`);
    await compare(a, b, 512, `lines ${i}, ${i + 1} whole`);
  }
});

test("vocabSize cuts the vocabulary to exactly that size, keeping the whole alphabet", async () => {
  // The Rust WordPiece trainer is not deterministic (huggingface/tokenizers#1794: ## pieces get
  // ids in hash-map order, which breaks ties between merges), so the cut cannot be compared with
  // another training's full vocabulary token by token; its alphabet (sorted by the trainer) can.
  const cutDir = path.join(TMP, "cut");
  const s = trainTokenizer({ kind: "wordpiece", texts: LINES, outDir: cutDir, vocabSize: 1000 });
  assert.equal(s.vocabSize, 1000);
  const small = await TextTokenizer.load(cutDir);
  assert.equal(small.vocabSize, 1000);
  assert.deepEqual([small.padId, small.unkId, small.maskId], [PAD, UNK, MASK]);
  const full = readJson(path.join(dir, "tokenizer.json")).model.vocab as Record<string, number>;
  const cut = readJson(path.join(cutDir, "tokenizer.json")).model.vocab as Record<string, number>;
  assert.deepEqual(Object.values(cut).sort((a, b) => a - b), [...new Array(1000).keys()]);
  assert.deepEqual(SPECIALS.map((t) => cut[t]), [0, 1, 2, 3, 4]);
  const alphabet = (vocab: Record<string, number>) => Object.keys(vocab).filter((t) => [...t.replace(/^##/, "")].length === 1).sort();
  assert.deepEqual(alphabet(cut), alphabet(full), "the cut keeps every character and ## character");
  // So the training text still encodes without [UNK], in ids below the cut, in more pieces.
  const sample = LINES.slice(0, 300);
  const ids = sample.flatMap((line) => small.encodePlain(line));
  assert.ok(Math.max(...ids) < 1000, `largest id ${Math.max(...ids)}`);
  assert.equal(ids.filter((id) => id === UNK).length, 0, "[UNK] in the training text");
  assert.ok(ids.length > sample.flatMap((line) => tok.encodePlain(line)).length * 1.2);
});

test("bad input: vocabSize too large or too small, empty text, a folder without the tokenizer files", async () => {
  const few = LINES.slice(0, 50);
  const out = path.join(TMP, "bad");
  assert.throws(() => trainTokenizer({ kind: "wordpiece", texts: few, outDir: out, vocabSize: 1_000_000 }), /vocabSize 1000000 is more than the trainer learned \(\d+\); use at most that/);
  assert.throws(() => trainTokenizer({ kind: "wordpiece", texts: few, outDir: out, vocabSize: 5 }), /vocabSize 5 leaves no room beside the 5 special tokens/);
  assert.throws(() => trainTokenizer({ kind: "wordpiece", texts: [], outDir: out }), /trainTokenizer\(wordpiece\): the training text is empty/);
  assert.throws(() => trainTokenizer({ kind: "wordpiece", texts: ["", "  ", "\n\t"], outDir: out }), /the training text is empty/);
  assert.ok(!fs.existsSync(out), "a failed training writes no folder");

  const missing = path.join(TMP, "no-such-folder");
  await assert.rejects(TextTokenizer.load(missing), (err: Error) => err.message.includes(missing) && /no tokenizer\.json/.test(err.message));
  const half = path.join(TMP, "half");
  fs.mkdirSync(half);
  fs.copyFileSync(path.join(dir, "tokenizer.json"), path.join(half, "tokenizer.json"));
  await assert.rejects(TextTokenizer.load(half), /half: no tokenizer_config\.json; a tokenizer folder holds tokenizer\.json and tokenizer_config\.json/);
});
