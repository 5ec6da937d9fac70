/**
 * `node scripts/launch.js scripts/ship-victims.ts [preset]`: trains (or finds) the preset's
 * extraction victims (SST-2, MNLI, SQuAD) and copies them as float16 into models/victims/, so the
 * notebooks that demo attacks on them open without training. Records, beside each, how often the
 * float16 copy answers the dev set as the float32 victim does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { initBackend } from "../lib/engine/backend";
import { EXTRACTION_SIZES, taskData, trainVictim } from "../lib/experiments/extraction";
import { Preset, resolvePreset } from "../lib/experiments/presets";
import { shipVictim } from "../lib/experiments/shipped-victims";
import { trainSquadVictim } from "../lib/experiments/squad-extraction";
import { LocalVictim } from "../lib/extract/local-victim";
import { queryAll } from "../lib/extract/extract";
import { writeFileAtomic } from "../lib/model/safetensors";

/** Ships a victim trained under results/runs/; its settings key is the name of the runs folder two levels above its model folder. */
const ship = (trainedDir: string, preset: Preset, name: string): string => shipVictim(trainedDir, preset, name, path.basename(path.dirname(path.dirname(trainedDir))));

async function main(): Promise<void> {
  await initBackend();
  const preset = resolvePreset(process.argv[2] ?? "small");
  const size = EXTRACTION_SIZES[preset];
  for (const task of ["sst2", "mnli"] as const) {
    const trained = await trainVictim(task, preset);
    const shipped = ship(trained, preset, task);
    const dev = taskData(task, size.devExamples).dev.inputs;
    const [a, b] = [await LocalVictim.load(trained, { maxLength: size.maxLength }), await LocalVictim.load(shipped, { maxLength: size.maxLength })];
    const [x, y] = [await queryAll(a, dev), await queryAll(b, dev)];
    a.dispose();
    b.dispose();
    const agreement = x.filter((answer, i) => answer.label === y[i].label).length / dev.length;
    const infoFile = path.join(shipped, "victim.json");
    writeFileAtomic(infoFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(infoFile, "utf8")), float16AgreementOnDev: agreement }, null, 2) + "\n");
    console.log(`${task}: shipped ${shipped}; float16 copy agrees with the victim on ${(100 * agreement).toFixed(2)} % of ${dev.length} dev inputs`);
  }
  console.log(`squad: shipped ${ship(await trainSquadVictim(preset), preset, "squad")}`);
}

main().catch((err) => {
  console.error(`ship-victims: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
