/**
 * One point of the defense frontier over real HTTP: the victim served by the project's API
 * (lib/serve) on 127.0.0.1 with two keys — an honest user's, undefended, and a suspect's, whose
 * `defense` is the arm — the attack and the suspect's dev set sent through an HttpVictim on the
 * suspect's key. Beside it, the same point in-process (kept by ./defenses.ts): a per-key defense
 * in the server must give the attacker exactly what the in-process one does.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { queryAll } from "../extract/extract";
import { HttpVictim } from "../extract/http-victim";
import { GeneratorName } from "../extract/queries";
import { modelDir } from "../pretrain/pretrain";
import { DefenseConfig } from "../serve/defense-config";
import { watermarkFile } from "../serve/defenses";
import { newKeyEntry } from "../serve/keys";
import { readQueryLog } from "../serve/query-log";
import { createVictimServer } from "../serve/server";
import { initBackend } from "../engine/backend";
import { DefenseArm, armDefense, armName } from "./defense-arms";
import { DefenseAttackOutcome, defenseAttack } from "./defense-attack";
import { DefenseRun, openDefenseTask, runDefensePoint } from "./defenses";
import { resolvePreset } from "./presets";
import { ClassificationTask } from "./tasks";

export interface LiveDefenseResult {
  url: string;
  defense: string;
  /** The suspect key's `defense` as the keys file holds it (its seed is the run's). */
  keyDefense: DefenseConfig | undefined;
  /** The point through the suspect's key. */
  http: DefenseAttackOutcome;
  /** The same point in-process. */
  inProcess: DefenseRun;
  /** The dev set's accuracy on the honest user's undefended key of the same server. */
  honestKeyAccuracy: number;
  /** Requests and inputs in the provider's query log per key, and the defense reports logged for the suspect. */
  logged: Record<string, { requests: number; inputs: number }>;
  defenseReports: string[];
}

export async function attackDefendedApi(options: { preset?: string; task?: ClassificationTask; arm: DefenseArm; generator?: GeneratorName; seed?: number }): Promise<LiveDefenseResult> {
  const preset = resolvePreset(options.preset);
  const task = options.task ?? "sst2";
  const generator = options.generator ?? "WIKI";
  const seed = options.seed ?? 0;
  await initBackend();
  const t = await openDefenseTask(task, preset);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-defense-live-"));
  try {
    const inProcess = await runDefensePoint(t, options.arm, generator, seed);
    const keyDefense = armDefense(options.arm, seed, options.arm.kind === "membership-gate" ? (await t.gate()).file : undefined);
    const queries = t.queries(generator, seed);
    const suspect = newKeyEntry({ id: "suspect", budget: queries.length + t.dev.inputs.length, rate_per_minute: 100_000, probabilities: true, defense: keyDefense });
    const honest = newKeyEntry({ id: "honest", budget: t.dev.inputs.length, rate_per_minute: 100_000, probabilities: true });
    const logFile = path.join(work, "queries.jsonl");
    const server = await createVictimServer({ victim: t.local, model: path.basename(path.dirname(t.victimDir)), keys: [suspect.entry, honest.entry], stateFile: path.join(work, "state.json"), logFile, watermarkDir: work });
    const url = await server.listen({ host: "127.0.0.1", port: 0 });
    let http: DefenseAttackOutcome;
    let honestKeyAccuracy: number;
    try {
      const api = await HttpVictim.connect(url, suspect.token, { batchSize: 32 });
      http = await defenseAttack({
        api, plain: t.plain, queries, dev: t.dev, extractorFrom: modelDir(t.extraction.miniature, preset), outDir: path.join(work, "extractor"),
        maxLength: t.extraction.maxLength, epochs: t.size.extractorEpochs, maxSteps: t.size.extractorMaxSteps, minSteps: t.size.extractorMinSteps,
        batchSize: t.extraction.batchSize, learningRate: t.extraction.learningRate, seed, watermarkFile: keyDefense?.kind === "watermark" ? watermarkFile(work, "suspect") : undefined,
      });
      const plainKey = await HttpVictim.connect(url, honest.token, { batchSize: 32 });
      const answers = await queryAll(plainKey, t.dev.inputs);
      honestKeyAccuracy = answers.filter((a, i) => a.label === t.dev.labels[i]).length / answers.length;
    } finally {
      await server.close();
    }
    const { records } = readQueryLog(logFile);
    const logged: LiveDefenseResult["logged"] = {};
    for (const rec of records) {
      const k = (logged[rec.key] ??= { requests: 0, inputs: 0 });
      k.requests++;
      k.inputs += rec.inputs.length;
    }
    const defenseReports = [...new Set(records.filter((x) => x.key === "suspect" && x.defense).map((x) => x.defense!.kind === "perturb" ? `perturb: ${x.defense!.method}` : x.defense!.kind))];
    return { url, defense: armName(options.arm), keyDefense, http, inProcess, honestKeyAccuracy, logged, defenseReports };
  } finally {
    t.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
