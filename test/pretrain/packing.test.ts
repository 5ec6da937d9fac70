/**
 * Packing text into pretraining sequences, for both tokenizer kinds: full-length sequences
 * wrapped in the tokenizer's own specials, whose inner ids are exactly the lines' ids in order.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readMultilingual } from "../../lib/data/multilingual";
import { readWikitext2 } from "../../lib/data/wikitext";
import { packSequences } from "../../lib/pretrain/packing";
import { TextTokenizer } from "../../lib/tokenize/tokenizer";
import { TokenizerKind, trainTokenizer } from "../../lib/tokenize/train";

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-packing-"));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

const TEXT: Record<TokenizerKind, string[]> = {
  wordpiece: readWikitext2("train", { dropHeadings: true }).slice(0, 1500),
  "byte-bpe": [...readMultilingual("en").slice(0, 300), ...readMultilingual("zh").slice(0, 300), ...readMultilingual("ar").slice(0, 300)],
};
/** The tokenizer's [CLS] / <s> and [SEP] / </s> ids. */
const WRAP: Record<TokenizerKind, [string, string]> = { wordpiece: ["[CLS]", "[SEP]"], "byte-bpe": ["<s>", "</s>"] };

const tokenizers = {} as Record<TokenizerKind, TextTokenizer>;
before(async () => {
  for (const kind of ["wordpiece", "byte-bpe"] as const) {
    const dir = path.join(TMP, kind);
    trainTokenizer({ kind, texts: TEXT[kind], outDir: dir, vocabSize: 2000 });
    tokenizers[kind] = await TextTokenizer.load(dir);
  }
});

for (const kind of ["wordpiece", "byte-bpe"] as const) {
  test(`${kind}: sequences of seqLen wrapped in the tokenizer's specials hold the lines' ids in order`, () => {
    const tok = tokenizers[kind];
    const [open, close] = WRAP[kind].map((t) => tok.encode("").ids.find((id) => tok.decode([id], false) === t)!);
    assert.deepEqual(tok.encode("").ids, [open, close]);
    const lines = TEXT[kind].slice(0, 400);
    const seqLen = 64;
    const seqs = packSequences(lines, tok, { seqLen });
    const all = lines.flatMap((line) => tok.encodePlain(line));
    const room = seqLen - 2;
    assert.ok(seqs.length >= 20, `${seqs.length} sequences`);
    seqs.forEach((ids, i) => {
      if (i < seqs.length - 1) assert.equal(ids.length, seqLen, `sequence ${i}`);
      else assert.ok(ids.length <= seqLen && ids.length - 2 >= room / 2, `the last, ${ids.length} ids, is kept only if at least half full`);
      assert.equal(ids[0], open, `sequence ${i} starts with ${WRAP[kind][0]}`);
      assert.equal(ids[ids.length - 1], close, `sequence ${i} ends with ${WRAP[kind][1]}`);
      assert.ok(ids.slice(1, -1).every((id) => !tok.specialIds.has(id)), `sequence ${i}: a special token inside the text`);
    });
    const inner = seqs.flatMap((ids) => ids.slice(1, -1));
    assert.deepEqual(inner, all.slice(0, inner.length), "the inner ids are the lines' ids, concatenated in order");
    const dropped = all.length - inner.length;
    assert.ok(dropped >= 0 && dropped < room / 2, `${dropped} ids dropped at the end; only a tail under half a sequence may be`);
  });
}

test("maxSequences: exactly that many full sequences, the same as the start of an unlimited packing, and reading stops", () => {
  const tok = tokenizers.wordpiece;
  const lines = TEXT.wordpiece.slice(0, 400);
  const full = packSequences(lines, tok, { seqLen: 32 });
  assert.ok(full.length > 12);
  let pulled = 0;
  function* counted() {
    for (const line of lines) {
      pulled++;
      yield line;
    }
  }
  const some = packSequences(counted(), tok, { seqLen: 32, maxSequences: 12 });
  assert.equal(some.length, 12);
  assert.ok(some.every((ids) => ids.length === 32));
  assert.deepEqual(some, full.slice(0, 12));
  assert.ok(pulled < lines.length / 2, `read ${pulled} of ${lines.length} lines for 12 sequences`);
  assert.deepEqual(packSequences(lines, tok, { seqLen: 32, maxSequences: full.length + 10 }), full, "a limit above what the text makes changes nothing");
});

test("short text and bad lengths", () => {
  const tok = tokenizers.wordpiece;
  // Under half a sequence of text makes no sequence; at least half makes one, shorter than seqLen.
  assert.deepEqual(packSequences(["the city"], tok, { seqLen: 32 }), []);
  const words = new Array(20).fill("the").join(" ");
  const [one] = packSequences([words], tok, { seqLen: 32 });
  assert.equal(one.length, 22);
  assert.deepEqual(packSequences([], tok, { seqLen: 32 }), []);
  assert.throws(() => packSequences(["the"], tok, { seqLen: 2 }), /seqLen 2 leaves no room for text beside 2 special tokens/);
});
