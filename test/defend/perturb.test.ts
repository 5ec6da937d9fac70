/** lib/defend/perturb.ts: each perturbation keeps a distribution (sum 1 within 1e-6) and the label; rounding, top-k and reverse sigmoid on hand-made and random cases; the wrapper. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/engine/rng";
import { Perturbation, PerturbedVictim, perturbAnswer, perturbationProblem, reverseSigmoid, roundProbabilities, topKProbabilities } from "../../lib/defend/perturb";
import { argmax } from "../../lib/train/classify";
import { FakeVictim } from "../serve/fixtures";

/** Random softmax outputs of 2–8 classes, some peaked, some flat. */
function distributions(n: number, seed = 1): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const c = 2 + rng.int(7);
    const scale = [0.1, 1, 5][rng.int(3)];
    const z = Array.from({ length: c }, () => rng.normal() * scale);
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
}

const sum = (p: number[]) => p.reduce((a, b) => a + b, 0);

test("round: k decimals, summing to 1, the largest value at the original argmax", () => {
  assert.deepEqual(roundProbabilities([0.2958, 0.7042], 2), [0.3, 0.7]);
  assert.deepEqual(roundProbabilities([1 / 3, 1 / 3, 1 / 3], 2), [0.34, 0.33, 0.33], "the missing unit goes to the first of equal remainders");
  assert.deepEqual(roundProbabilities([0.336, 0.334, 0.33], 1), [0.4, 0.3, 0.3]);
  assert.deepEqual(roundProbabilities([0.6, 0.25, 0.15], 0), [1, 0, 0]);
  for (const p of distributions(500)) {
    for (const decimals of [0, 1, 2, 4]) {
      const r = roundProbabilities(p, decimals);
      assert.ok(Math.abs(sum(r) - 1) < 1e-6, `sum ${sum(r)}`);
      for (const x of r) assert.ok(Math.abs(x * 10 ** decimals - Math.round(x * 10 ** decimals)) < 1e-6, `${x} has ${decimals} decimals`);
      const top = argmax(p);
      assert.ok(r.every((x) => x <= r[top]), `argmax kept (maybe tied): ${p} → ${r}`);
      for (let i = 0; i < p.length; i++) assert.ok(Math.abs(r[i] - p[i]) <= 10 ** -decimals + 1e-9, "each value moves by less than one unit");
    }
  }
});

test("top-k: exactly k nonzeros (the k largest), renormalised", () => {
  assert.deepEqual(topKProbabilities([0.1, 0.6, 0.3], 1), [0, 1, 0]);
  const two = topKProbabilities([0.1, 0.6, 0.3], 2);
  assert.ok(Math.abs(two[1] - 0.6 / 0.9) < 1e-12 && Math.abs(two[2] - 0.3 / 0.9) < 1e-12 && two[0] === 0);
  for (const p of distributions(500, 2)) {
    for (const k of [1, 2, 3]) {
      const t = topKProbabilities(p, k);
      assert.equal(t.filter((x) => x > 0).length, Math.min(k, p.length));
      assert.ok(Math.abs(sum(t) - 1) < 1e-6);
      assert.equal(argmax(t), argmax(p));
      const kept = t.flatMap((x, i) => (x > 0 ? [p[i]] : []));
      const dropped = t.flatMap((x, i) => (x === 0 ? [p[i]] : []));
      assert.ok(dropped.every((d) => kept.every((q) => q >= d)), "the kept ones are the largest");
    }
  }
});

test("reverse sigmoid: Lee et al.'s formula, a distribution, the argmax kept even where the raw formula moves it", () => {
  // By hand, β = 1, γ = 0.1 on [0.9, 0.1]: r(y) = σ(0.1 ln(y / (1 − y))) − ½.
  const r = (y: number) => 1 / (1 + Math.exp(-0.1 * Math.log(y / (1 - y)))) - 0.5;
  const raw = [0.9 - r(0.9), 0.1 - r(0.1)];
  const expected = raw.map((x) => x / (raw[0] + raw[1]));
  reverseSigmoid([0.9, 0.1]).forEach((x, i) => assert.ok(Math.abs(x - expected[i]) < 1e-12, `${x} vs ${expected[i]}`));
  // Near-zero probabilities rise to about β/2 · (1 − …): here the tiny class would overtake the top one.
  const p = [0.35, 0.33, 0.32 - 1e-9, 1e-9];
  const rawTop = p.map((y) => y - (1 / (1 + Math.exp(-0.1 * Math.log(Math.max(y, 1e-9) / (1 - y)))) - 0.5));
  assert.equal(argmax(rawTop), 3, "the raw formula moves the argmax of this case");
  assert.equal(argmax(reverseSigmoid(p)), 0, "the kept version swaps it back");
  for (const q of distributions(500, 3)) {
    for (const [beta, gamma] of [[1, 0.1], [0.5, 0.5], [2, 1]]) {
      const out = reverseSigmoid(q, beta, gamma);
      assert.ok(out.every((x) => x >= 0));
      assert.ok(Math.abs(sum(out) - 1) < 1e-6);
      assert.equal(argmax(out), argmax(q));
    }
  }
});

test("perturbAnswer keeps the label; labels drops the probabilities; answers without probabilities pass unchanged", () => {
  const answer = { label: 1, probabilities: [0.2958, 0.7042] };
  assert.deepEqual(perturbAnswer(answer, { method: "labels" }), { label: 1 });
  assert.deepEqual(perturbAnswer(answer, { method: "round", decimals: 1 }), { label: 1, probabilities: [0.3, 0.7] });
  assert.deepEqual(perturbAnswer(answer, { method: "top-k", k: 1 }), { label: 1, probabilities: [0, 1] });
  assert.equal(perturbAnswer(answer, { method: "reverse-sigmoid" }).label, 1);
  assert.deepEqual(perturbAnswer({ label: 0 }, { method: "round", decimals: 2 }), { label: 0 });
});

test("PerturbedVictim: every answer perturbed, labels-only hides probabilities, bad parameters refused", async () => {
  const inner = new FakeVictim();
  const texts = ["a good film", "awful", "the plot was slow and dull"];
  const truth = await inner.query(texts);
  const round = new PerturbedVictim(inner, { method: "round", decimals: 1 });
  const { answers, report } = await round.answer(texts);
  assert.deepEqual(report, { kind: "perturb", method: "round-1" });
  assert.deepEqual(answers, truth.map((a) => perturbAnswer(a, { method: "round", decimals: 1 })));
  assert.equal(round.exposesProbabilities, true);
  const labels = new PerturbedVictim(inner, { method: "labels" });
  assert.equal(labels.exposesProbabilities, false);
  assert.deepEqual(await labels.query(texts), truth.map((a) => ({ label: a.label })));
  const bad: Perturbation[] = [{ method: "round", decimals: 1.5 }, { method: "top-k", k: 0 }, { method: "reverse-sigmoid", beta: -1 }];
  for (const p of bad) {
    assert.ok(perturbationProblem(p));
    assert.throws(() => new PerturbedVictim(inner, p), /must be/);
  }
});
