import { test } from "node:test";
import assert from "node:assert/strict";
import { vendoredFile } from "../../lib/data/registry";
import { isWikitextHeading, readWikitext2 } from "../../lib/data/wikitext";

const words = (lines: string[]) => lines.reduce((n, l) => n + l.split(" ").length, 0);

test("WikiText-2 train: 23,767 non-empty lines; with the empty ones, the MANIFEST's 36,718 lines and 2,088,628 tokens", () => {
  const train = readWikitext2("train");
  assert.equal(train.length, 23767);
  assert.ok(train.every((l) => l === l.trim() && l.length > 0));
  const rawLines = vendoredFile("wikitext-2/train.txt.gz")!.lines;
  assert.equal(rawLines, 36718);
  // The MANIFEST counts one <eos> per line, empty lines included.
  assert.equal(words(train) + rawLines, 2088628);
  const vocab = new Set(train.flatMap((l) => l.split(" ")));
  assert.equal(vocab.size + 1, 33278); // + <eos>
});

test("WikiText-2 valid and test have the MANIFEST token counts", () => {
  assert.equal(words(readWikitext2("valid")) + vendoredFile("wikitext-2/valid.txt")!.lines, 217646);
  assert.equal(words(readWikitext2("test")) + vendoredFile("wikitext-2/test.txt")!.lines, 245569);
});

test("headings are kept by default and dropped on request", () => {
  const train = readWikitext2("train");
  assert.equal(train[0], "= Valkyria Chronicles III =");
  const body = readWikitext2("train", { dropHeadings: true });
  assert.equal(train.length - body.length, 6211);
  assert.ok(isWikitextHeading("= = = Reception = = =") && !isWikitextHeading("a = b = c"));
  assert.ok(!body.some(isWikitextHeading));
});
