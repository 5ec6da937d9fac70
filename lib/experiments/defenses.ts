/**
 * The defense frontier (issue #10, beyond the slides): for every defense of the victim API —
 * output perturbations (labels only, rounding, top-k, reverse sigmoid), watermarking and the
 * membership gate — what it leaves the attacker (extractor accuracy after RANDOM and WIKI
 * attacks at 1x) against what it leaves honest users (the dev set's accuracy through the same
 * API). The victim is the extraction experiment's (./extraction.ts, reused from its cache);
 * extractors start from the same miniature. Report: ./defense-report.ts.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../data/paths";
import { localVictimFeatures } from "../defend/features";
import { WatermarkRecord } from "../defend/watermark";
import { LocalVictim } from "../extract/local-victim";
import { MemoVictim } from "../extract/memo-victim";
import { GeneratorName, budgetQueries, generateQueries } from "../extract/queries";
import { Victim, VictimInput } from "../extract/victim";
import { QuerySource, buildQuerySource } from "../extract/wikitext-source";
import { backendInfo, initBackend } from "../engine/backend";
import { writeFileAtomic } from "../model/safetensors";
import { modelDir } from "../pretrain/pretrain";
import { defendVictim } from "../serve/defenses";
import { DefenseArm, DEFENSE_ARMS, armDefense, armName, armSlug } from "./defense-arms";
import { DefenseAttackOutcome, defenseAttack } from "./defense-attack";
import { EXTRACTION_SIZES, ExtractionSize, trainVictim } from "./extraction";
import { kept, readKept } from "./kept";
import { MembershipGate, membershipGateFor } from "./membership";
import { Preset, resolvePreset } from "./presets";
import { ClassificationTask, CLASSIFICATION_TASKS, TaskSplit, headOf, readTask } from "./tasks";

export interface DefenseSize {
  /**
   * Tasks attacked. SST-2 only at `small`: MNLI's 1x extractors already sit at the majority class
   * (35.1 ± 0.2 % vs 35.4 %, extract-small.json), so no defense could show a drop there, and it
   * would double the time. `runDefenses({ task: "mnli" })` runs it anyway.
   */
  tasks: ClassificationTask[];
  arms: readonly DefenseArm[];
  generators: GeneratorName[];
  /** The attack budget, a multiple of the extraction experiment's 1x (its `scale` × the training set). */
  multiple: number;
  seeds: number[];
  /** Extractor steps: passes over the queries, capped and floored as in the extraction experiment. */
  extractorEpochs: number;
  extractorMaxSteps?: number;
  extractorMinSteps?: number;
}

/**
 * small: 8 arms × 2 generators × 3 seeds = 48 extractions of 1,347 SST-2 queries. At the measured
 * ≈0.25 s per step of en-L2-H128 at batch 32 × 64 tokens (extract-small.json's 1x runs: 300 steps
 * in 74–104 s, other jobs sharing the cores), 150 steps ≈ 37 s a point, ≈ 30 min on one core;
 * plus ≈ 1 min of victim passes (each query set once, memoised for every arm), ≈ 1 min of gate
 * features (~3 ms an input), and the membership experiment's seed-0 run if it is not kept yet
 * (~1–2 min; lib/experiments/membership.ts): ≈ 33 min in all. The extraction experiment trains
 * its 1x extractors 300 steps; half that here is what fits the budget, so its numbers are not
 * this table's "labels" row.
 */
export const DEFENSE_SIZES: Record<Preset, DefenseSize> = {
  tiny: { tasks: ["sst2"], arms: DEFENSE_ARMS, generators: ["RANDOM", "WIKI"], multiple: 1, seeds: [0, 1], extractorEpochs: 1, extractorMaxSteps: 6 },
  small: { tasks: ["sst2"], arms: DEFENSE_ARMS, generators: ["RANDOM", "WIKI"], multiple: 1, seeds: [0, 1, 2], extractorEpochs: 4, extractorMaxSteps: 150, extractorMinSteps: 150 },
  paper: { tasks: ["sst2", "mnli"], arms: DEFENSE_ARMS, generators: ["RANDOM", "WIKI"], multiple: 1, seeds: [0, 1, 2], extractorEpochs: 3 },
};

export interface DefenseRun extends DefenseAttackOutcome {
  task: ClassificationTask;
  /** armName(arm). */
  defense: string;
  arm: DefenseArm;
  generator: GeneratorName;
  multiple: number;
  seed: number;
}

export interface DefensesResult {
  experiment: "defenses";
  preset: Preset;
  backend: string;
  engine: string;
  size: DefenseSize;
  /** The extraction experiment's sizes the victim and extractors share (miniature, lengths, batch, learning rate, budget scale, dev examples). */
  extraction: ExtractionSize;
  /** Per task: the undefended victim's dev accuracy, 1x in queries, the dev examples scored and the majority class's share of them. */
  victims: Partial<Record<ClassificationTask, { devAccuracy: number; oneX: number; devExamples: number; majority: number }>>;
  /** Per task: the membership gate's classifier file (the membership experiment's, seed 0), what it reads, and how it did there on held-out real inputs against fresh queries of each generator. */
  gates: Partial<Record<ClassificationTask, { file: string; features: string; threshold: number; cells: MembershipGate["cells"] }>>;
  runs: DefenseRun[];
  wallSeconds: number;
  /** Sum of every point's own wall time (queries, training, scoring), each measured when it ran. */
  computeSeconds: number;
}

/** What every point of one task shares: the victim, its memoised answers, the data and the query sets. */
export interface DefenseTask {
  task: ClassificationTask;
  preset: Preset;
  size: DefenseSize;
  extraction: ExtractionSize;
  victimDir: string;
  local: LocalVictim;
  /** The undefended victim, each input asked once for all arms. */
  plain: Victim;
  train: TaskSplit;
  dev: TaskSplit;
  /** The gate's classifier: the membership experiment's for this victim (trained on first use, then read from its kept run). */
  gate(): Promise<MembershipGate>;
  queries(generator: GeneratorName, seed: number): VictimInput[];
  /** Where this preset's points are kept. */
  root: string;
  dispose(): void;
}

/** Opens a task: trains (or reuses) the extraction experiment's victim and loads it. `runsRoot` overrides where points are kept (tests). */
export async function openDefenseTask(task: ClassificationTask, preset: Preset, options: { runsRoot?: string; source?: QuerySource } = {}): Promise<DefenseTask> {
  const size = DEFENSE_SIZES[preset];
  const extraction = EXTRACTION_SIZES[preset];
  const victimDir = await trainVictim(task, preset, extraction);
  const local = await LocalVictim.load(victimDir, { maxLength: extraction.maxLength });
  const source = options.source ?? buildQuerySource();
  // The key covers everything a point depends on except its arm (named by the point's folder), so adding an arm keeps the others.
  const { arms: _arms, tasks: _tasks, ...shared } = size;
  const key = createHash("sha256").update(JSON.stringify({ shared, extraction, victimDir: path.relative(PROJECT_ROOT, victimDir) })).digest("hex").slice(0, 10);
  const root = options.runsRoot ?? path.join(PROJECT_ROOT, "results", "runs", `defenses-${preset}`, key);
  const querySets = new Map<string, VictimInput[]>();
  const train = readTask(task, "train");
  let gate: Promise<MembershipGate> | undefined;
  return {
    task, preset, size, extraction, victimDir, local, plain: new MemoVictim(local), train, dev: headOf(readTask(task, "dev"), extraction.devExamples), root,
    gate: () => (gate ??= membershipGateFor(task, preset).then((g) => {
      // The gate reads this victim's features: one trained on another victim (or length) would gate at random.
      if (path.resolve(g.victim) !== path.resolve(victimDir) || g.maxLength !== extraction.maxLength) throw new Error(`the membership gate for ${task} reads ${g.victim} at ${g.maxLength} tokens, not this victim (${victimDir}, ${extraction.maxLength})`);
      return g;
    })),
    queries(generator, seed) {
      const id = `${generator}-${seed}`;
      if (!querySets.has(id)) {
        const count = budgetQueries(train.inputs.length, size.multiple, extraction.scale);
        querySets.set(id, generateQueries({ generator, shape: task === "sst2" ? "single" : "pair", count, seed, source }));
      }
      return querySets.get(id)!;
    },
    dispose: () => local.dispose(),
  };
}

const fileHash = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex").slice(0, 8);

/** The folder of one point: the gate's also names its classifier, so a retrained classifier is a new point. */
async function pointDir(t: DefenseTask, arm: DefenseArm, generator: GeneratorName, seed: number): Promise<string> {
  const slug = arm.kind === "membership-gate" ? `${armSlug(arm)}-${fileHash((await t.gate()).file)}` : armSlug(arm);
  return path.join(t.root, `${t.task}-${slug}-${generator}-${t.size.multiple}x-seed${seed}`);
}

/** One point in-process, kept beside its checkpoints so a rerun reads it. */
export async function runDefensePoint(t: DefenseTask, arm: DefenseArm, generator: GeneratorName, seed: number): Promise<DefenseRun> {
  const dir = await pointDir(t, arm, generator, seed);
  return kept(path.join(dir, "outcome.json"), async () => {
    const watermarkFile = path.join(dir, "watermark.jsonl");
    fs.rmSync(watermarkFile, { force: true }); // a stopped run's record would hold entries twice
    const defense = armDefense(arm, seed, arm.kind === "membership-gate" ? (await t.gate()).file : undefined);
    const record = defense?.kind === "watermark" ? await WatermarkRecord.open(watermarkFile) : undefined;
    try {
      const api = defense ? defendVictim(t.plain, defense, { record, features: localVictimFeatures(t.local), where: armName(arm) }) : t.plain;
      const outcome = await defenseAttack({
        api, plain: t.plain, queries: t.queries(generator, seed), dev: t.dev, extractorFrom: modelDir(t.extraction.miniature, t.preset), outDir: path.join(dir, "extractor"),
        maxLength: t.extraction.maxLength, epochs: t.size.extractorEpochs, maxSteps: t.size.extractorMaxSteps, minSteps: t.size.extractorMinSteps,
        batchSize: t.extraction.batchSize, learningRate: t.extraction.learningRate, seed, watermarkFile: record ? watermarkFile : undefined,
      });
      return { task: t.task, defense: armName(arm), arm, generator, multiple: t.size.multiple, seed, ...outcome };
    } finally {
      await record?.close();
    }
  });
}

function majorityShare(labels: number[]): number {
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return Math.max(...counts.values()) / labels.length;
}

/**
 * The whole experiment at a preset, written to results/defend/defenses-<preset>.json (when it
 * covers the preset's tasks). `task` runs that task only; `runsRoot` keeps the points elsewhere
 * (tests); `reuse` returns the saved result if there is one.
 */
export async function runDefenses(options: { preset?: string; reuse?: boolean; task?: ClassificationTask; runsRoot?: string } = {}): Promise<DefensesResult> {
  const preset = resolvePreset(options.preset);
  const saved = options.reuse ? readDefensesResult(preset) : undefined;
  if (saved) return saved;
  if (options.task && !CLASSIFICATION_TASKS.includes(options.task)) throw new Error(`unknown task "${options.task}"; the tasks are ${CLASSIFICATION_TASKS.join(", ")}`);
  const started = Date.now();
  await initBackend();
  const size = DEFENSE_SIZES[preset];
  const tasks = options.task ? [options.task] : size.tasks;
  const result: DefensesResult = {
    experiment: "defenses", preset, backend: backendInfo().name, engine: backendInfo().engine, size, extraction: EXTRACTION_SIZES[preset],
    victims: {}, gates: {}, runs: [], wallSeconds: 0, computeSeconds: 0,
  };
  const source = buildQuerySource();
  for (const task of tasks) {
    const t = await openDefenseTask(task, preset, { runsRoot: options.runsRoot && path.join(options.runsRoot, task), source });
    try {
      const info = JSON.parse(fs.readFileSync(path.join(t.victimDir, "victim.json"), "utf8"));
      result.victims[task] = { devAccuracy: info.devAccuracy, oneX: budgetQueries(t.train.inputs.length, 1, t.extraction.scale), devExamples: t.dev.inputs.length, majority: majorityShare(t.dev.labels) };
      for (const arm of size.arms) {
        if (arm.kind === "membership-gate") {
          const g = await t.gate();
          result.gates[task] = { file: path.relative(PROJECT_ROOT, g.file), features: g.classifier.features, threshold: g.threshold, cells: g.cells };
        }
        for (const seed of size.seeds) for (const generator of size.generators) result.runs.push(await runDefensePoint(t, arm, generator, seed));
      }
    } finally {
      t.dispose();
    }
  }
  result.wallSeconds = (Date.now() - started) / 1000;
  result.computeSeconds = result.runs.reduce((n, r) => n + r.wallSeconds, 0);
  if (size.tasks.every((t) => tasks.includes(t))) writeFileAtomic(resultFile(preset), JSON.stringify(result, null, 2) + "\n");
  return result;
}

function resultFile(preset: Preset): string {
  return path.join(PROJECT_ROOT, "results", "defend", `defenses-${preset}.json`);
}

export function readDefensesResult(preset: string): DefensesResult | undefined {
  const file = resultFile(resolvePreset(preset));
  return readKept<DefensesResult>(file);
}
