/**
 * `npm run pretrain -- <name|all> [--preset tiny|small|paper] [--seed N] [--force]`: pretrains
 * miniatures into models/<name>/ (models/<preset>/<name>/ for presets other than small). A
 * finished miniature is not trained again unless --force; a killed run resumes.
 */
import { Command } from "commander";
import { MINIATURES } from "../pretrain/miniatures";
import { modelDir, pretrainMiniature } from "../pretrain/pretrain";
import { PRESETS, resolvePreset } from "../experiments/presets";

async function main(): Promise<void> {
  const program = new Command()
    .name("pretrain")
    .argument("[name]", `one of ${Object.keys(MINIATURES).join(", ")}, or all`, "all")
    .option("--preset <name>", `run size: ${PRESETS.join(", ")} (default $THIEVES_PRESET or small)`)
    .option("--seed <n>", "random seed", "0")
    .option("--force", "train again even if the model folder exists")
    .parse();
  const [name] = program.processedArgs as [string];
  const opts = program.opts<{ preset?: string; seed: string; force?: boolean }>();
  const preset = resolvePreset(opts.preset);
  const names = name === "all" ? Object.keys(MINIATURES) : [name];
  for (const n of names) {
    if (!MINIATURES[n]) throw new Error(`unknown miniature "${n}"; use one of ${Object.keys(MINIATURES).join(", ")} or all`);
    console.log(`[pretrain] ${n} (preset ${preset})`);
    const r = await pretrainMiniature(n, { preset, seed: Number(opts.seed), force: opts.force });
    const acc = (r.heldOut.all ?? r.heldOut.en).accuracy;
    console.log(`[pretrain] ${n}: held-out MLM accuracy ${(100 * acc).toFixed(2)} %, ${(r.wallSeconds / 60).toFixed(1)} min → ${modelDir(n, preset)}`);
  }
}

main().catch((err) => {
  console.error(`pretrain: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
