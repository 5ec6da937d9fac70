import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/engine/backend";
import { EncoderModel } from "../../lib/model/encoder";
import { runBaseline } from "../../lib/prune/baselines";
import { iterativeMagnitudePruning, roundDir } from "../../lib/prune/imp";
import { loadMasks } from "../../lib/prune/mask-file";
import { PruningHooks } from "../../lib/prune/masked-run";
import { Masks, disposeMasks, prunableParameters } from "../../lib/prune/masks";
import { magnitudePrune } from "../../lib/prune/prune";
import { sparsityReport } from "../../lib/prune/sparsity";
import { toyPruningHooks } from "../fixtures/imp-toy";

const tmp = (label: string) => fs.mkdtempSync(path.join(os.tmpdir(), `thieves-${label}-`));
const snapshot = (model: EncoderModel) => new Map([...model.params].map(([n, p]) => [n, Array.from(p.dataSync())]));
const maskArrays = (masks: Masks) => new Map([...masks].map(([n, m]) => [n, Array.from(m.dataSync())]));
const PRUNABLE = 4 * 16 * 16 + 2 * 16 * 32 + 16 * 16; // q, k, v, attention output; intermediate, output; pooler

/** θ0 of the toy hooks, as plain arrays. */
async function theta0(hooks: PruningHooks): Promise<Map<string, number[]>> {
  const model = await hooks.initial();
  const values = snapshot(model);
  model.dispose();
  return values;
}

/** Asserts `model` is exactly θ0 ⊙ masks: prunable survivors at θ0, pruned at 0, everything else (the head too) at θ0. */
function assertRewound(model: EncoderModel, init: Map<string, number[]>, masks: Masks, label: string): void {
  for (const [name, p] of model.params) {
    const keep = masks.get(name)?.dataSync();
    const expected = init.get(name)!.map((x, i) => (keep && keep[i] === 0 ? 0 : x));
    assert.ok(Array.from(p.dataSync()).every((x, i) => x === expected[i]), `${label}: ${name} is not θ0 ⊙ m`);
  }
}

test("IMP on the toy model: 20 % a round to 50 % in the expected rounds, exact counts, nested masks, rewound to θ0 each round", async () => {
  await initBackend({ quiet: true });
  const toy = toyPruningHooks();
  const init = await theta0(toy);
  const outDir = tmp("imp");
  const calls: { dir: string; expectedNext?: Map<string, number[]> }[] = [];
  let numTensors: number | undefined;
  const hooks: PruningHooks = {
    initial: toy.initial,
    fineTune: async (model, masks, dir) => {
      assertRewound(model, init, masks, dir);
      const outcome = await toy.fineTune(model, masks, dir);
      for (const [name, m] of masks) {
        const keep = m.dataSync();
        assert.ok(model.params.get(name)!.dataSync().every((x, i) => keep[i] === 1 || x === 0), `${dir}: pruned weights of ${name} moved in fine-tuning`);
      }
      // What the next round's mask must be: the fine-tuned magnitudes (not θ0's) pruned to the next 20 %.
      const args = { sparsity: Math.min(0.5, (calls.length + 1) * 0.2), scope: "global" as const, masks };
      const next = magnitudePrune(prunableParameters(model), args);
      const initWeights = new Map([...prunableParameters(model)].map(([n, p]) => [n, tf.tensor(init.get(n)!, p.shape)]));
      const byTheta0 = magnitudePrune(initWeights, args);
      calls.push({ dir, expectedNext: maskArrays(next) });
      if (calls.length < 4) assert.notDeepEqual(maskArrays(byTheta0), maskArrays(next), `${dir}: the test needs fine-tuning to change the magnitude ranking`);
      for (const t of [next, initWeights, byTheta0]) disposeMasks(t);
      // Each round starts from the same number of live tensors: nothing from earlier rounds is left behind.
      numTensors ??= tf.memory().numTensors;
      assert.equal(tf.memory().numTensors, numTensors, `${dir}: tensors leaked across rounds`);
      return outcome;
    },
  };
  const result = await iterativeMagnitudePruning(hooks, { outDir, finalSparsity: 0.5, rate: 0.2, scope: "global" });

  assert.deepEqual(result.rounds.map((r) => r.round), [0, 1, 2, 3]);
  assert.deepEqual(result.rounds.map((r) => r.target), [0, 0.2, 0.4, 0.5]);
  assert.deepEqual(result.rounds.map((r) => r.zeros), [0, Math.round(0.2 * PRUNABLE), Math.round(0.4 * PRUNABLE), PRUNABLE / 2], "461, 922, 1152 of 2304");
  assert.deepEqual(calls.map((c) => path.relative(outDir, c.dir)), [0, 1, 2, 3].map((k) => path.join(`round-${k}`, "train")));
  assert.equal(result.resumedAt, undefined);
  const model = await toy.initial();
  let previous: Masks | undefined;
  for (const round of result.rounds) {
    const masks = loadMasks(round.masksFile, model);
    const report = sparsityReport(masks).overall;
    assert.equal(report.zeros, round.zeros);
    assert.equal(report.total, PRUNABLE);
    assert.equal(round.sparsity, round.zeros / PRUNABLE);
    assert.ok(round.wallSeconds > 0 && typeof round.metrics.accuracy === "number");
    const { masksFile, ...stored } = round;
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(roundDir(outDir, round.round), "metrics.json"), "utf8")), stored);
    if (round.round > 0) assert.deepEqual(maskArrays(masks), calls[round.round - 1].expectedNext, `round ${round.round}: pruned from the fine-tuned weights of round ${round.round - 1}`);
    for (const [name, m] of previous ?? []) {
      const before = m.dataSync();
      const now = masks.get(name)!.dataSync();
      assert.ok(before.every((x, i) => x === 1 || now[i] === 0), `round ${round.round}: a pruned weight of ${name} came back`);
    }
    if (previous) disposeMasks(previous);
    previous = masks;
  }
  disposeMasks(previous!);
  model.dispose();

  // A finished run is read back, not trained again; a folder of another run's settings is refused.
  calls.length = 0;
  const again = await iterativeMagnitudePruning(hooks, { outDir, finalSparsity: 0.5, rate: 0.2, scope: "global" });
  assert.equal(calls.length, 0);
  assert.deepEqual(again, result);
  await assert.rejects(iterativeMagnitudePruning(hooks, { outDir, finalSparsity: 0.5, rate: 0.2, scope: "matrix" }), /other settings \(scope global → matrix\)/);
});

test("baselines: a random mask of the ticket's per-matrix sparsities on θ0, and the ticket on a random re-initialisation", async () => {
  await initBackend({ quiet: true });
  const toy = toyPruningHooks();
  const init = await theta0(toy);
  const imp = await iterativeMagnitudePruning(toy, { outDir: tmp("imp-ticket"), finalSparsity: 0.4, rate: 0.4, scope: "global" });
  const ticketFile = imp.rounds[imp.rounds.length - 1].masksFile;
  const model = await toy.initial();
  const ticket = loadMasks(ticketFile, model);
  const ticketZeros = sparsityReport(ticket).matrices.map((m) => [m.name, m.zeros]);
  let started: Map<string, number[]> | undefined;
  let held: Map<string, number[]> | undefined;
  const hooks: PruningHooks = {
    initial: toy.initial,
    fineTune: (m, masks, dir) => {
      started = snapshot(m);
      held = maskArrays(masks);
      assertRewound(m, started, masks, dir); // the masks are applied before fine-tuning
      return toy.fineTune(m, masks, dir);
    },
  };

  const randomDir = tmp("random-pruning");
  const random = await runBaseline(hooks, "random-pruning", ticketFile, { outDir: randomDir, seed: 1 });
  assert.equal(random.zeros, imp.rounds[imp.rounds.length - 1].zeros);
  const randomMasks = loadMasks(path.join(randomDir, "masks.safetensors"), model);
  assert.deepEqual(sparsityReport(randomMasks).matrices.map((m) => [m.name, m.zeros]), ticketZeros, "the same per-matrix sparsities as the ticket");
  assert.notDeepEqual(maskArrays(randomMasks), maskArrays(ticket), "other positions than the ticket's");
  assert.deepEqual(held, maskArrays(randomMasks));
  assertRewound(model, init, new Map(), "θ0 itself"); // `model` is an untouched θ0
  for (const [name, values] of started!) {
    const keep = randomMasks.get(name)?.dataSync();
    assert.ok(values.every((x, i) => x === (keep && keep[i] === 0 ? 0 : init.get(name)![i])), `random pruning starts from m_RP ⊙ θ0 (${name})`);
  }

  const reinit = await runBaseline(hooks, "random-reinit", ticketFile, { outDir: tmp("random-reinit"), seed: 99 });
  assert.equal(reinit.zeros, random.zeros);
  assert.deepEqual(held, maskArrays(ticket), "the ticket's own mask");
  const query = "bert.encoder.layer.0.attention.self.query.weight";
  const keep = ticket.get(query)!.dataSync();
  assert.ok(started!.get(query)!.every((x, i) => (keep[i] === 0 ? x === 0 : x !== init.get(query)![i])), "survivors at fresh values, pruned at 0");

  started = undefined;
  assert.deepEqual(await runBaseline(hooks, "random-pruning", ticketFile, { outDir: randomDir, seed: 1 }), random, "a finished baseline is read back");
  assert.equal(started, undefined, "without fine-tuning again");
  await assert.rejects(runBaseline(hooks, "random-reinit", ticketFile, { outDir: randomDir, seed: 1 }), /holds the random-pruning baseline with seed 1, not random-reinit with seed 1/);
  for (const m of [ticket, randomMasks]) disposeMasks(m);
  model.dispose();
});
