/**
 * `npm run reproduce -- <experiment|all> [--preset tiny|small|paper] [--seed N] [--task T] [--shard k/n] [--models a,b]`:
 * runs experiments, writes results/ and regenerates RESULTS.md. `--task` runs one task of an
 * experiment that has several, `--shard k/n` one process's share of an experiment's runs (their runs
 * are kept for the full run to collect), e.g. one process per core. `--models` fine-tunes only some
 * miniatures in the pretraining experiment (the saved rows of the others are kept).
 */
import { Command } from "commander";
import { runDistillation } from "../experiments/distillation";
import { ClassificationTask } from "../experiments/tasks";
import { runPretrainedDistillation } from "../experiments/pretrained-distillation";
import { runTinyBert } from "../experiments/tinybert";
import { ExtractTask, runExtraction } from "../experiments/extraction";
import { LotteryTask, runLottery } from "../experiments/lottery";
import { parseShard, runPolyglots, runPolyglotsShard } from "../experiments/polyglots";
import { runMembership } from "../experiments/membership";
import { runPretraining } from "../experiments/pretraining";
import { runQuickstart } from "../experiments/quickstart";
import { runSquadExtraction } from "../experiments/squad-extraction";
import { PRESETS, resolvePreset } from "../experiments/presets";
import { writeResultsMarkdown } from "../experiments/results-md";
import { WatermarkTask, runWatermark } from "../experiments/watermark";
import { runDefenses } from "../experiments/defenses";

interface RunOptions {
  preset: string;
  seed: number;
  task?: string;
  shard?: string;
  models?: string[];
}

const EXPERIMENTS: Record<string, (o: RunOptions) => Promise<unknown>> = {
  quickstart: ({ preset, seed }) => runQuickstart({ preset, seed }),
  pretraining: ({ preset, seed, task, models }) => runPretraining({ preset, seed, models, tasks: task ? [task as ClassificationTask] : undefined }),
  // seeds come from the preset (mean ± std over them)
  extract: ({ preset, task }) => runExtraction({ preset, tasks: task ? [task as ExtractTask] : undefined }),
  squad: ({ preset }) => runSquadExtraction({ preset }),
  distill: ({ preset, task }) => runDistillation({ preset, tasks: task ? [task as ClassificationTask] : undefined }),
  tinybert: ({ preset }) => runTinyBert({ preset }),
  "pretrained-distillation": ({ preset }) => runPretrainedDistillation({ preset }),
  lottery: ({ preset, task }) => runLottery({ preset, tasks: task ? [task as LotteryTask] : undefined }),
  polyglots: ({ preset, shard }) => (shard ? runPolyglotsShard(parseShard(shard), { preset }) : runPolyglots({ preset })),
  membership: ({ preset }) => runMembership({ preset }),
  watermark: ({ preset, task }) => runWatermark({ preset, tasks: task ? [task as WatermarkTask] : undefined }),
  defenses: ({ preset }) => runDefenses({ preset }),
};
const TASKED = new Set(["pretraining", "extract", "distill", "lottery", "watermark"]);
/** Experiments that can run some of their miniatures with --models. */
const MODELLED = new Set(["pretraining"]);
/** Experiments whose runs several processes can share with --shard k/n. */
const SHARDED = new Set(["polyglots"]);

async function main(): Promise<void> {
  const program = new Command()
    .name("reproduce")
    .argument("[experiment]", `one of ${Object.keys(EXPERIMENTS).join(", ")}, or all`, "all")
    .option("--preset <name>", `run size: ${PRESETS.join(", ")} (default $THIEVES_PRESET or small)`)
    .option("--seed <n>", "random seed", "0")
    .option("--task <name>", `only this task of an experiment with several (${[...TASKED].join(", ")})`)
    .option("--shard <k/n>", `this process's share of the runs, beside n - 1 others (${[...SHARDED].join(", ")})`)
    .option("--models <names>", `only these miniatures, comma-separated (${[...MODELLED].join(", ")})`, (v: string) => v.split(",").map((x) => x.trim()).filter(Boolean))
    .parse();
  const [experiment] = program.processedArgs as [string];
  const opts = program.opts<{ preset?: string; seed: string; task?: string; shard?: string; models?: string[] }>();
  const preset = resolvePreset(opts.preset);
  const names = experiment === "all" ? Object.keys(EXPERIMENTS) : [experiment];
  for (const name of names) {
    const run = EXPERIMENTS[name];
    if (!run) throw new Error(`unknown experiment "${name}"; use one of ${Object.keys(EXPERIMENTS).join(", ")} or all`);
    if (opts.task && !TASKED.has(name)) throw new Error(`--task applies to ${[...TASKED].join(", ")}, not ${name}; drop --task or run one of those`);
    if (opts.shard && !SHARDED.has(name)) throw new Error(`--shard applies to ${[...SHARDED].join(", ")}, not ${name}; drop --shard or use --task where the experiment has tasks`);
    if (opts.models && !MODELLED.has(name)) throw new Error(`--models applies to ${[...MODELLED].join(", ")}, not ${name}; drop --models`);
    console.log(`[reproduce] ${name} (preset ${preset}${opts.task ? `, task ${opts.task} only` : ""}${opts.shard ? `, shard ${opts.shard}` : ""})`);
    await run({ preset, seed: Number(opts.seed), task: opts.task, shard: opts.shard, models: opts.models });
  }
  if (opts.task) console.log(`[reproduce] kept the ${opts.task} runs; run without --task to collect every task into results/ and RESULTS.md`);
  else if (opts.shard) console.log(`[reproduce] kept shard ${opts.shard}'s runs; run without --shard to collect them into results/ and RESULTS.md`);
  else console.log(`[reproduce] wrote ${writeResultsMarkdown(preset)}`);
}

main().catch((err) => {
  console.error(`reproduce: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
