import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TOY_CHECKPOINT_EVERY, TOY_STEPS } from "../fixtures/imp-toy";
import { killAtCheckpoint } from "../helpers/kill";

const script = path.join(__dirname, "..", "fixtures", "imp-toy-run.ts");
const tmp = (label: string) => fs.mkdtempSync(path.join(os.tmpdir(), `thieves-${label}-`));
const result = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "result.json"), "utf8"));
const bytes = (dir: string, file: string) => fs.readFileSync(path.join(dir, file));

function runImp(dir: string): void {
  const r = spawnSync(process.execPath, ["--import", "tsx", script, dir], { encoding: "utf8" });
  assert.equal(r.status, 0, `toy IMP failed:\n${r.stderr}`);
}

test("an IMP run SIGKILLed inside a round resumes at that round (and its trainer checkpoint) and ends exactly like an uninterrupted run", async () => {
  const straight = tmp("imp-straight");
  runImp(straight);
  const killed = tmp("imp-killed");
  const child = spawn(process.execPath, ["--import", "tsx", script, killed], { stdio: "ignore" });
  // Rounds 0 and 1 finished, round 2's fine-tuning checkpointed at least once but not done.
  await killAtCheckpoint(child, path.join(killed, "round-2", "train", "checkpoints"), TOY_CHECKPOINT_EVERY);
  assert.ok(fs.existsSync(path.join(killed, "round-1", "metrics.json")), "round 1 finished before the kill");
  assert.ok(!fs.existsSync(path.join(killed, "round-2", "metrics.json")), "the kill came inside round 2");
  runImp(killed);

  const a = result(straight);
  const b = result(killed);
  assert.equal(a.resumedAt, undefined);
  assert.equal(b.resumedAt, 2, "finished rounds are not run again");
  const resumedFrom = b.trainerResumedFrom[path.join("round-2", "train")];
  assert.ok(resumedFrom >= TOY_CHECKPOINT_EVERY && resumedFrom < TOY_STEPS, `round 2's fine-tuning resumed from step ${resumedFrom}`);
  // Wall time differs between runs and the folders differ; everything else must be identical.
  const comparable = (rounds: Record<string, unknown>[]) => rounds.map(({ wallSeconds, masksFile, ...rest }) => rest);
  assert.deepEqual(comparable(b.rounds), comparable(a.rounds));
  assert.deepEqual(b.rounds.map((r: { zeros: number }) => r.zeros), [0, 459, 920, 1152], "per-matrix rounding: 51 of 256 and 102 of 512 at 20 % …");
  for (let k = 0; k < a.rounds.length; k++) {
    const file = path.join(`round-${k}`, "masks.safetensors");
    assert.ok(bytes(killed, file).equals(bytes(straight, file)), `${file} differs`);
  }
  const lastWeights = path.join("round-3", "train", "checkpoints", `step-${TOY_STEPS}`, "model.safetensors");
  assert.ok(bytes(killed, lastWeights).equals(bytes(straight, lastWeights)), "the final ticket's fine-tuned weights differ");
});
