/**
 * What each defense does to an answer, for the notebook: a real dev sentence and an attacker's
 * RANDOM query, answered by the frontier's victim under every arm. The watermark is shown at a
 * fraction of 1 (every answer marked), since at 0.1 % two queries are almost never touched.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { localVictimFeatures } from "../defend/features";
import { WatermarkRecord } from "../defend/watermark";
import { initBackend } from "../engine/backend";
import { inputText } from "../extract/victim";
import { defendVictim } from "../serve/defenses";
import { DefenseArm, armDefense, armName } from "./defense-arms";
import { openDefenseTask } from "./defenses";
import { resolvePreset } from "./presets";
import { ClassificationTask } from "./tasks";

export interface DefenseExampleRow {
  input: string;
  defense: string;
  label: string;
  probabilities: string;
}

export async function defenseExamples(options: { preset?: string; task?: ClassificationTask; seed?: number } = {}): Promise<DefenseExampleRow[]> {
  const preset = resolvePreset(options.preset);
  await initBackend();
  const t = await openDefenseTask(options.task ?? "sst2", preset);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-defense-examples-"));
  try {
    const inputs = [t.dev.inputs[0], t.queries("RANDOM", options.seed ?? 0)[0]];
    const rows: DefenseExampleRow[][] = inputs.map(() => []);
    for (const arm of t.size.arms) {
      const shown: DefenseArm = arm.kind === "watermark" ? { ...arm, fraction: 1 } : arm;
      const defense = armDefense(shown, options.seed ?? 0, shown.kind === "membership-gate" ? (await t.gate()).file : undefined);
      const record = defense?.kind === "watermark" ? await WatermarkRecord.open(path.join(work, "record.jsonl")) : undefined;
      const api = defense ? defendVictim(t.plain, defense, { record, features: localVictimFeatures(t.local) }) : t.plain;
      const answers = await api.query(inputs);
      await record?.close();
      answers.forEach((a, i) => rows[i].push({
        input: `${i === 0 ? "dev" : "RANDOM"}: ${inputText(inputs[i]).slice(0, 60)}`, defense: armName(shown), label: t.local.labels[a.label],
        probabilities: a.probabilities ? a.probabilities.map((p, c) => `${t.local.labels[c]} ${p.toFixed(4)}`).join(", ") : "(not sent)",
      }));
    }
    return rows.flat();
  } finally {
    t.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
