/**
 * A finished lottery task is kept as a small part (results/lottery/parts-<preset>/), so it is
 * collected later without its run folders: tiny runs of MLM and SST-2 (whose transfer check needs
 * the MLM ticket), their folders deleted, then read back from the parts alone.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../lib/data/paths";
import { LotteryPart, mlmTicketFile, partFile, readLotteryPart, runLottery } from "../../lib/experiments/lottery";

const runsDir = path.join(PROJECT_ROOT, "results", "runs", "lottery-tiny");

test("lottery parts: written per finished task, the MLM tickets beside them, read back with the run folders gone", { timeout: 600_000 }, async () => {
  for (const task of ["mlm", "sst2"] as const) fs.rmSync(partFile("tiny", task), { force: true });
  fs.rmSync(runsDir, { recursive: true, force: true });

  const sst2First = await runLottery({ preset: "tiny", tasks: ["sst2"] });
  assert.ok(!sst2First.runs.some((r) => r.kind === "transfer-mlm"), "no MLM ticket yet: no transfer run");
  assert.equal(fs.existsSync(partFile("tiny", "sst2")), false, "SST-2 without its transfer check is unfinished: no part");

  const mlm = await runLottery({ preset: "tiny", tasks: ["mlm"] });
  const mlmPart = JSON.parse(fs.readFileSync(partFile("tiny", "mlm"), "utf8")) as LotteryPart;
  assert.deepEqual(mlmPart.runs, mlm.runs);
  for (const seed of mlm.size.seeds) assert.ok(fs.existsSync(mlmTicketFile("tiny", seed)), `the MLM ticket of seed ${seed} is kept beside the part`);

  const sst2 = await runLottery({ preset: "tiny", tasks: ["sst2"] });
  assert.equal(sst2.runs.filter((r) => r.kind === "transfer-mlm").length, sst2.size.seeds.length, "one transfer run per seed, from the kept MLM tickets");
  assert.ok(fs.existsSync(partFile("tiny", "sst2")));

  fs.rmSync(runsDir, { recursive: true, force: true });
  const again = await runLottery({ preset: "tiny", tasks: ["mlm", "sst2"] });
  assert.deepEqual(again.runs, [...mlm.runs, ...sst2.runs], "both tasks read from their parts");
  assert.deepEqual(again.tickets, { mlm: mlm.tickets.mlm, sst2: sst2.tickets.sst2 });
  assert.equal(fs.existsSync(runsDir), false, "nothing was trained again");

  // Another θ0 or other settings give another key: the part is not used for them; nor is a transfer task's part made from another MLM part's tickets.
  assert.equal(readLotteryPart("tiny", "mlm", mlmPart.key + "-other"), undefined);
  assert.deepEqual(readLotteryPart("tiny", "mlm", mlmPart.key)?.runs, mlm.runs);
  const sst2Part = JSON.parse(fs.readFileSync(partFile("tiny", "sst2"), "utf8")) as LotteryPart;
  assert.equal(sst2Part.mlmKey, mlmPart.key);
  assert.equal(readLotteryPart("tiny", "sst2", sst2Part.key, mlmPart.key + "-other"), undefined);
  assert.deepEqual(readLotteryPart("tiny", "sst2", sst2Part.key, mlmPart.key)?.runs, sst2.runs);
});
