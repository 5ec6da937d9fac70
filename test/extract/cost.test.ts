/** lib/extract/cost.ts: the slides' upper-bound price table is reproduced by one price model with a free tier. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PAPER_COST_TABLE, PRICES, apiCost, slideCostTable } from "../../lib/extract/cost";

test("the computed cost table equals the paper's three prices", () => {
  const ours = slideCostTable();
  assert.deepEqual(ours.map((r) => r["price ($)"]), PAPER_COST_TABLE.map((r) => r["paper price ($)"]));
  assert.deepEqual(ours.map((r) => r.dataset), PAPER_COST_TABLE.map((r) => r.dataset));
});

test("the free tier is free, and billing is linear past it", () => {
  const nl = PRICES["natural-language"];
  assert.equal(apiCost(0, nl), 0);
  assert.equal(apiCost(5000, nl), 0);
  assert.equal(apiCost(6000, nl), 1);
  assert.equal(apiCost(105000, nl), 100);
  assert.throws(() => apiCost(-1, nl), /non-negative/);
});
