/**
 * `npm run reproduce -- <experiment|all> [--preset tiny|small|paper] [--seed N]`: runs experiments,
 * writes results/ and regenerates RESULTS.md.
 */
import { Command } from "commander";
import { runExtraction } from "../experiments/extraction";
import { runPretraining } from "../experiments/pretraining";
import { runQuickstart } from "../experiments/quickstart";
import { PRESETS, resolvePreset } from "../experiments/presets";
import { writeResultsMarkdown } from "../experiments/results-md";

const EXPERIMENTS: Record<string, (preset: string, seed: number) => Promise<unknown>> = {
  quickstart: (preset, seed) => runQuickstart({ preset, seed }),
  pretraining: (preset, seed) => runPretraining({ preset, seed }),
  extract: (preset) => runExtraction({ preset }), // seeds come from the preset (mean ± std over them)
};

async function main(): Promise<void> {
  const program = new Command()
    .name("reproduce")
    .argument("[experiment]", `one of ${Object.keys(EXPERIMENTS).join(", ")}, or all`, "all")
    .option("--preset <name>", `run size: ${PRESETS.join(", ")} (default $THIEVES_PRESET or small)`)
    .option("--seed <n>", "random seed", "0")
    .parse();
  const [experiment] = program.processedArgs as [string];
  const opts = program.opts<{ preset?: string; seed: string }>();
  const preset = resolvePreset(opts.preset);
  const names = experiment === "all" ? Object.keys(EXPERIMENTS) : [experiment];
  for (const name of names) {
    const run = EXPERIMENTS[name];
    if (!run) throw new Error(`unknown experiment "${name}"; use one of ${Object.keys(EXPERIMENTS).join(", ")} or all`);
    console.log(`[reproduce] ${name} (preset ${preset})`);
    await run(preset, Number(opts.seed));
  }
  console.log(`[reproduce] wrote ${writeResultsMarkdown(preset)}`);
}

main().catch((err) => {
  console.error(`reproduce: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
