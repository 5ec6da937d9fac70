/** lib/train/span.ts: whitespace words and their offsets, windows and answer positions, the best-span search, answers as context slices. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { initBackend } from "../../lib/engine/backend";
import { makeConfig } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";
import { TextTokenizer } from "../../lib/tokenize/tokenizer";
import { SpanExample, bestSpan, contextWords, predictAnswers, spanFeatures } from "../../lib/train/span";

const SHIPPED = (name: string) => path.join(__dirname, "..", "..", "models", "tokenizers", name);

const context = "Super Bowl 50 was an American football game to determine the champion of the National Football League (NFL) for the 2015 season. The American Football Conference (AFC) champion Denver Broncos defeated the National Football Conference (NFC) champion Carolina Panthers 24–10 to earn their third Super Bowl title.";
const answer = "Denver Broncos";
const example: SpanExample = { context, question: "Which NFL team won Super Bowl 50?", answers: [{ text: answer, start: context.indexOf(answer) }] };

test("contextWords: whitespace words with their character ranges", () => {
  assert.deepEqual(contextWords("  a bc\td "), [{ text: "a", start: 2, end: 3 }, { text: "bc", start: 4, end: 6 }, { text: "d", start: 7, end: 8 }]);
});

for (const name of ["en-wordpiece", "xx-byte-bpe"]) {
  test(`span features (${name}): the training window holds the answer at its start/end positions; prediction windows cover the context, overlapping`, async () => {
    const tokenizer = await TextTokenizer.load(SHIPPED(name));
    const [train] = spanFeatures(tokenizer, [example], { maxLength: 40, training: true });
    assert.ok(train.ids.length <= 40);
    const words = contextWords(context);
    const answerWords = [train.wordOf[train.start!], train.wordOf[train.end!]];
    assert.equal(context.slice(words[answerWords[0]].start, words[answerWords[1]].end), answer);
    assert.notEqual(train.wordOf[train.start! - 1], answerWords[0], "start is the answer's first token");
    assert.notEqual(train.wordOf[train.end! + 1], answerWords[1], "end is the answer's last token");
    const windows = spanFeatures(tokenizer, [example], { maxLength: 40, training: false });
    assert.ok(windows.length > 2, `${windows.length} windows`);
    const covered = new Set(windows.flatMap((w) => w.wordOf.filter((x) => x >= 0)));
    assert.equal(covered.size, words.length, "every context word is in some window");
    assert.ok(windows.every((w) => w.example === 0 && w.ids.length <= 40 && w.start === undefined));
    for (let i = 1; i < windows.length; i++) {
      const previous = new Set(windows[i - 1].wordOf);
      assert.ok(windows[i].wordOf.some((x) => x >= 0 && previous.has(x)), `window ${i} overlaps window ${i - 1}`);
    }
    // The question follows the opening special token in every window, outside the context positions.
    const question = tokenizer.encodePlain(example.question);
    for (const w of windows) {
      assert.deepEqual(w.ids.slice(1, 1 + question.length), question);
      assert.ok(w.wordOf.slice(0, 1 + question.length).every((x) => x === -1));
    }
  });
}

test("a training question whose answer fits no window is left out; too small a window is refused", async () => {
  const tokenizer = await TextTokenizer.load(SHIPPED("en-wordpiece"));
  const long = { ...example, answers: [{ text: context.slice(0, 200), start: 0 }] };
  assert.equal(spanFeatures(tokenizer, [long], { maxLength: 40, training: true }).length, 0);
  assert.throws(() => spanFeatures(tokenizer, [example], { maxLength: 16, training: false }), /leaves .* context tokens/);
});

test("bestSpan: the highest start + end logit with start ≤ end, within the context and the length cap", () => {
  const wordOf = [-1, -1, 0, 1, 1, 2, -1];
  const start = [9, 9, 1, 0, 5, 0, 9];
  const end = [9, 9, 0, 2, 1, 3, 9];
  assert.deepEqual(bestSpan(start, end, wordOf), [8, 1, 2], "start at position 4 (word 1), end at 5 (word 2); [CLS] and the question never count");
  assert.deepEqual(bestSpan(start, end, wordOf, 1), [6, 1, 1], "at most one token: start = end = position 4");
  assert.equal(bestSpan(start, end, [-1, -1, -1, -1, -1, -1, -1]), undefined);
});

test("predictAnswers returns, per question, a slice of its own context made of whole words", async () => {
  await initBackend({ quiet: true });
  const tokenizer = await TextTokenizer.load(SHIPPED("en-wordpiece"));
  const config = makeConfig({ model_type: "bert", vocab_size: tokenizer.vocabSize, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 64 });
  const model = EncoderModel.create(config, "question-answering", 0);
  const other: SpanExample = { context: "Paris is the capital of France.", question: "What is the capital of France?", answers: [{ text: "Paris", start: 0 }] };
  const examples = [example, other];
  const answers = predictAnswers(model, examples, spanFeatures(tokenizer, examples, { maxLength: 40, training: false }));
  model.dispose();
  assert.equal(answers.length, 2);
  answers.forEach((a, i) => {
    assert.ok(a.length > 0 && examples[i].context.includes(a), `"${a}"`);
    const words = contextWords(examples[i].context).map((w) => w.text);
    assert.ok(a.split(/\s+/).every((w) => words.includes(w)), `"${a}" is made of whole words`);
  });
});
