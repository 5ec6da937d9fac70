/**
 * lib/defend/gate.ts: only inputs the classifier scores below its threshold get a random output
 * (and never reach the model); the others get the model's answer; random outputs are seeded by
 * the query; QA gates answer random spans of the context.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/engine/rng";
import { FeatureExtractor } from "../../lib/defend/features";
import { GatedQaVictim, GatedVictim, randomAnswer } from "../../lib/defend/gate";
import { MembershipClassifier } from "../../lib/defend/membership";
import { QaAnswer, QaInput, VictimInput } from "../../lib/extract/victim";
import { FakeVictim } from "../serve/fixtures";

/** One feature, the number of words; the classifier calls inputs of ≥ 4 words in distribution (score > 0.5). */
const words = (x: VictimInput | QaInput) => (typeof x === "string" ? x : "premise" in x ? x.premise : x.question).split(" ").length;
const extractor: FeatureExtractor<VictimInput> = (inputs) => inputs.map((x) => [words(x)]);
const classifier: MembershipClassifier = { version: 1, features: "logits", threshold: 0.5, model: { mean: [0], std: [1], weights: [4], bias: -14 } };

/** Counts the inputs that reach it. */
class CountingVictim extends FakeVictim {
  seen: VictimInput[] = [];
  override async query(inputs: VictimInput[]) {
    this.seen.push(...inputs);
    return super.query(inputs);
  }
}

test("the gate answers at random exactly the inputs scored out of distribution; the rest get the model's answer", async () => {
  const inner = new CountingVictim();
  const gate = new GatedVictim(inner, extractor, classifier, { seed: 3 });
  const inputs = ["a film", "the film was very good", "bad", "the plot is slow", "not very funny", "dull"];
  const { answers, report } = await gate.answer(inputs);
  assert.deepEqual(report.gated, [0, 2, 4, 5]);
  assert.equal(report.scores.length, 6);
  report.scores.forEach((s, i) => assert.equal(s < 0.5, report.gated.includes(i)));
  assert.deepEqual(inner.seen, ["the film was very good", "the plot is slow"], "gated inputs never reach the model");
  const truth = await new FakeVictim().query(inputs);
  assert.deepEqual(answers[1], truth[1]);
  assert.deepEqual(answers[3], truth[3]);
  for (const i of report.gated) {
    const p = answers[i].probabilities!;
    assert.equal(p.length, 2);
    assert.ok(Math.abs(p[0] + p[1] - 1) < 1e-9 && answers[i].label === (p[1] > p[0] ? 1 : 0));
  }
  // The same query, the same random answer, alone or in another batch; another seed, other answers.
  assert.deepEqual(await gate.query(["dull", "bad"]), [answers[5], answers[2]]);
  const other = new GatedVictim(new FakeVictim(), extractor, classifier, { seed: 4 });
  assert.notDeepEqual(await other.query(["dull", "bad", "a film"]), [answers[5], answers[2], answers[0]]);
  assert.deepEqual(await gate.query(["every input here is long enough"]), await new FakeVictim().query(["every input here is long enough"]));
});

test("random outputs: labels uniform over the classes, probabilities a distribution with the label at its argmax", () => {
  const rng = new Rng(1);
  const counts = [0, 0, 0];
  for (let i = 0; i < 3000; i++) {
    const a = randomAnswer(rng, 3, true);
    const p = a.probabilities!;
    assert.ok(Math.abs(p.reduce((s, x) => s + x, 0) - 1) < 1e-9 && p.every((x) => x >= 0));
    assert.equal(a.label, p.indexOf(Math.max(...p)));
    counts[a.label]++;
  }
  assert.ok(counts.every((c) => Math.abs(c - 1000) < 100), `${counts}`);
  assert.deepEqual(Object.keys(randomAnswer(rng, 3, false)), ["label"]);
});

test("a QA gate answers gated inputs with a random span of their context", async () => {
  const qaExtractor: FeatureExtractor<QaInput> = (inputs) => inputs.map((x) => [words(x)]);
  const inner = { query: async (inputs: QaInput[]): Promise<QaAnswer[]> => inputs.map((x) => ({ text: x.context.split(" ")[0], start: 0 })) };
  const gate = new GatedQaVictim(inner, qaExtractor, classifier);
  const inputs = [
    { context: "the river flows north through the desert to the sea", question: "where?" },
    { context: "the river flows north through the desert to the sea", question: "where does the river flow" },
  ];
  const { answers, report } = await gate.answer(inputs);
  assert.deepEqual(report.gated, [0]);
  assert.deepEqual(answers[1], { text: "the", start: 0 });
  const a = answers[0];
  assert.equal(inputs[0].context.slice(a.start, a.start + a.text.length), a.text);
  assert.ok(a.text.split(" ").length >= 1 && a.text.split(" ").length <= 5);
});
