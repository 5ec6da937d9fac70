/**
 * lib/extract/extract-qa.ts on a tiny extractor folder and a fake QA victim whose answers we
 * control (the first word of the paragraph, or nothing): the extractor learns the victim's rule,
 * empty answers are dropped and counted, an answer that is not a span is refused, the accounting of
 * what was sent, the same outcome from the same seed, and no tensor left behind.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { ExtractQaArgs, extractQa, queryAllQa } from "../../lib/extract/extract-qa";
import { QaAnswer, QaInput, QaVictim } from "../../lib/extract/victim";
import { makeConfig } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";
import { saveModel } from "../../lib/model/io";
import { TextTokenizer } from "../../lib/tokenize/tokenizer";
import { trainTokenizer } from "../../lib/tokenize/train";
import { SpanExample } from "../../lib/train/span";
import { qaQueries } from "../defend/fixtures";
import { sentences, tempDir } from "../serve/fixtures";

/**
 * A stand-in for a pretrained miniature: the fixtures' tokenizer and a 1-layer H 16 encoder at
 * BERT's usual initialisation (the serve fixture's large weights, made to spread a random
 * classifier's answers, learn a span rule several times slower).
 */
async function makeExtractorFolder(dir: string): Promise<string> {
  trainTokenizer({ kind: "wordpiece", texts: sentences(300), outDir: dir, modelMaxLength: 64 });
  const tokenizer = await TextTokenizer.load(dir);
  const config = makeConfig({
    model_type: "bert", vocab_size: tokenizer.vocabSize, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2,
    intermediate_size: 32, max_position_embeddings: 64, pad_token_id: tokenizer.padId,
  });
  const model = EncoderModel.create(config, "masked-lm", 4);
  saveModel(model, dir);
  model.dispose();
  return dir;
}

/** Answers the first word of the paragraph; nothing when the question holds `silentWord`. */
class FirstWordVictim implements QaVictim {
  calls = 0;
  constructor(private readonly silentWord?: string) {}
  async query(inputs: QaInput[]): Promise<QaAnswer[]> {
    this.calls++;
    return inputs.map((x) => {
      if (this.silentWord && x.question.split(" ").includes(this.silentWord)) return { text: "", start: 0 };
      const m = /\S+/.exec(x.context)!;
      return { text: m[0], start: m.index };
    });
  }
}

const TMP = tempDir("qa-extract");
let extractorFrom: string;
before(async () => {
  await initBackend({ quiet: true });
  extractorFrom = await makeExtractorFolder(path.join(TMP, "from"));
});
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

const queries = qaQueries(256, 3);
const firstWord = (context: string) => /\S+/.exec(context)![0];
const dev: SpanExample[] = qaQueries(24, 11).map((x) => ({ ...x, answers: [{ text: firstWord(x.context), start: x.context.indexOf(firstWord(x.context)) }] }));
let runs = 0;
const args = (over: Partial<ExtractQaArgs>): ExtractQaArgs => ({
  victim: new FirstWordVictim(), queries, extractorFrom, dev, outDir: path.join(TMP, `run-${runs++}`),
  maxLength: 64, batchSize: 16, learningRate: 1e-2, epochs: 1, progress: false, ...over,
});

test("queryAllQa asks in batches and keeps the order", async () => {
  const victim = new FirstWordVictim();
  const answers = await queryAllQa(victim, queries.slice(0, 10), 4);
  assert.equal(victim.calls, 3);
  assert.deepEqual(answers.map((a) => a.text), queries.slice(0, 10).map((q) => firstWord(q.context)));
  await assert.rejects(queryAllQa({ query: async () => [] }, queries.slice(0, 2)), /the victim answered 0 of 2 queries/);
});

test("the extractor learns the victim's rule (first word) from its spans alone", async () => {
  const before = tf.memory().numTensors;
  const untrained = await extractQa(args({ maxSteps: 1 }));
  const outcome = await extractQa(args({ minSteps: 120 }));
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  assert.equal(outcome.steps, 120);
  assert.equal(outcome.victimExactMatch, 1, "the fake victim answers the gold rule");
  // F1 is 0 for a right answer of only an article ("the", "a": empty once normalised), so the victim's own F1 is the ceiling.
  assert.ok(outcome.agreementF1 > 0.85 * outcome.victimF1, `agreement F1 ${outcome.agreementF1} after 120 steps (victim F1 ${outcome.victimF1})`);
  assert.ok(outcome.agreementF1 > untrained.agreementF1 + 0.3, `trained ${outcome.agreementF1} vs one step ${untrained.agreementF1}`);
  assert.ok(outcome.exactMatch > 0.85, `exact match ${outcome.exactMatch}`);
  assert.equal(outcome.emptyAnswers, 0);
  assert.equal(outcome.trainFeatures, queries.length);
});

test("empty answers are dropped and counted; the accounting covers every query sent", async () => {
  const outcome = await extractQa(args({ victim: new FirstWordVictim("the"), maxSteps: 2 }));
  const silent = queries.filter((q) => q.question.split(" ").includes("the")).length;
  assert.ok(silent > 0 && silent < queries.length);
  assert.equal(outcome.emptyAnswers, silent);
  assert.equal(outcome.trainFeatures, queries.length - silent);
  assert.equal(outcome.queries, queries.length);
  assert.equal(outcome.wordsSent, queries.reduce((n, q) => n + q.context.split(" ").length + q.question.split(" ").length, 0));
  assert.equal(outcome.charactersSent, queries.reduce((n, q) => n + q.context.length + q.question.length, 0));
  assert.equal(outcome.cost, 0, "256 calls are inside the 5,000-call free tier");
  assert.ok(outcome.victimF1 < 1, "the victim's silence on dev questions with 'the' costs it F1");
  await assert.rejects(extractQa(args({ victim: new FirstWordVictim("what") })), /none of the 256 queries gave a training example \(256 empty answers/);
});

test("an answer that is not a span of its context is refused, naming the query", async () => {
  const liar: QaVictim = { query: async (inputs) => inputs.map(() => ({ text: "not there", start: 0 })) };
  await assert.rejects(extractQa(args({ victim: liar })), /the victim's answer to query 0 \("not there" at 0\) is not a span of its context/);
});

test("the same seed gives the same extractor; victimDev given is used instead of asking", async () => {
  const victim = new FirstWordVictim();
  const a = await extractQa(args({ maxSteps: 5, seed: 3 }));
  const b = await extractQa(args({ victim, maxSteps: 5, seed: 3, victimDev: await new FirstWordVictim().query(dev) }));
  assert.equal(victim.calls, Math.ceil(queries.length / 32), "only the queries were sent");
  const strip = ({ log: _l, wallSeconds: _w, ...rest }: Awaited<ReturnType<typeof extractQa>>) => rest;
  assert.deepEqual(strip(a), strip(b));
  assert.deepEqual(a.log.map((e) => e.loss), b.log.map((e) => e.loss));
});
