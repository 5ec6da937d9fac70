/**
 * Membership classification (Krishna et al. 2020, §6.1; the slides' "Membership Classification"
 * table): a logistic classifier on the victim's own features (last layer at [CLS], logits, or
 * both) is trained to tell the victim's real training inputs (label 1) from an attacker's WIKI
 * queries (label 0), then scored on inputs it never saw: held-out real inputs against fresh WIKI,
 * RANDOM and SHUFFLE queries. MNLI and SQuAD, as on the slide.
 *
 * The victim is the extraction experiments' victim (reused from their cache), the same for every
 * seed; a seed draws the training members, the WIKI training queries, the held-out real inputs
 * and the evaluation queries (each generator on its own stream, none shared with training). Each
 * (task, seed) is kept in results/runs/membership-<preset>/<task>-<settings hash>/seed<s>/ with
 * its three classifier files, which the server's membership gate loads (membershipGateFor).
 *
 * Cost: forward passes and logistic fits only (no training). Measured here at the `small` sizes
 * (one seed, en-L2-H128 standing in for each victim, 2 cores shared with two training jobs, load
 * ≈ 12): MNLI 8,000 + 8,000 training and 4 × 3,000 evaluation inputs at 64 tokens: features 103 s,
 * three fits 23 s, 136 s in all; SQuAD 8,000 + 8,000 and 4 × 1,883 (every question of the
 * held-out articles) at 128 tokens: features 211 s, fits 24 s, 243 s. Three seeds ≈ 19 min on a
 * loaded machine, less alone; plus the victims' training where their experiments have not cached
 * them (SQuAD ≈ 5 min at small). tiny: ≈ 20 s with cached victims.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../data/paths";
import { backendInfo, initBackend } from "../engine/backend";
import { Rng } from "../engine/rng";
import { rocCurve } from "../defend/auc";
import { FEATURE_KINDS, FeatureKind } from "../defend/features";
import { MembershipClassifier, evaluateMembership, loadMembershipClassifier, membershipScores, saveMembershipClassifier, trainMembership } from "../defend/membership";
import { GeneratorName } from "../extract/queries";
import { writeFileAtomic } from "../model/safetensors";
import { kept, readKept } from "./kept";
import { MEMBERSHIP_TASKS, MembershipTask, MembershipTaskData, membershipTaskData, sample, sliceExtractor } from "./membership-data";
import { Preset, resolvePreset } from "./presets";
import { ClassificationTask } from "./tasks";

export { MEMBERSHIP_TASKS, type MembershipTask } from "./membership-data";

export interface MembershipSize {
  /** Victim training inputs per seed (members, label 1), and as many WIKI queries (label 0); undefined: all of them. */
  trainPerClass?: number;
  /** Held-out real inputs per seed, and as many queries of each generator; undefined: all of them. */
  evalPerClass?: number;
  seeds: number[];
  /** Full-batch Adam steps of the logistic fit. */
  logisticSteps: number;
  /** Inputs per victim forward pass. */
  batchSize: number;
  /** Points kept per ROC curve and bins per score histogram (seed 0's "both" classifier). */
  rocPoints: number;
  histogramBins: number;
}

export const MEMBERSHIP_SIZES: Record<Preset, MembershipSize> = {
  tiny: { trainPerClass: 64, evalPerClass: 32, seeds: [0, 1], logisticSteps: 100, batchSize: 32, rocPoints: 33, histogramBins: 10 },
  small: { trainPerClass: 8000, evalPerClass: 3000, seeds: [0, 1, 2], logisticSteps: 300, batchSize: 64, rocPoints: 101, histogramBins: 20 },
  // The paper trains on the whole training set and scores the whole dev set.
  paper: { seeds: [0, 1, 2], logisticSteps: 500, batchSize: 64, rocPoints: 201, histogramBins: 20 },
};

/** The evaluation generators, in the slide's column order. */
export const EVAL_GENERATORS: readonly GeneratorName[] = ["WIKI", "RANDOM", "SHUFFLE"];

/** "Separated well": a mean AUC at least this (stated with every verdict; the paper's accuracies for WIKI and RANDOM are ≥ 99 % with its best features). */
export const WELL_SEPARATED_AUC = 0.9;

/** The slide's table (Krishna et al. 2020, BERT-large victims): accuracy %, per task × features × evaluation generator. */
export const PAPER_MEMBERSHIP: Record<MembershipTask, Record<FeatureKind, Record<GeneratorName, number>>> = {
  mnli: {
    both: { WIKI: 99.34, RANDOM: 99.14, SHUFFLE: 87.36 },
    logits: { WIKI: 90.66, RANDOM: 91.2, SHUFFLE: 82.34 },
    "last-layer": { WIKI: 99.15, RANDOM: 99.05, SHUFFLE: 88.88 },
  },
  squad: {
    both: { WIKI: 98.78, RANDOM: 99.97, SHUFFLE: 99.7 },
    logits: { WIKI: 81.45, RANDOM: 84.72, SHUFFLE: 81.99 },
    "last-layer": { WIKI: 98.79, RANDOM: 98.89, SHUFFLE: 98.97 },
  },
};

/** One table cell: the classifier on held-out real inputs (positives) against one generator's queries. */
export interface MembershipCell {
  auc: number;
  /** Balanced accuracy at the classifier's threshold: the mean of realKept and attackCaught. */
  accuracy: number;
  realKept: number;
  attackCaught: number;
}

/** The "both" classifier's curves, for the figures. */
export interface MembershipCurves {
  roc: Record<GeneratorName, { fpr: number[]; tpr: number[] }>;
  /** Histogram of the in-distribution probability over [0, 1]: `edges` (bins + 1), counts per group. */
  histogram: { edges: number[]; counts: Record<"real" | GeneratorName, number[]> };
}

export interface MembershipRun {
  task: MembershipTask | ClassificationTask;
  seed: number;
  /** Inputs of each set: training members and WIKI non-members, held-out real inputs, evaluation queries per generator. */
  counts: { members: number; nonMembers: number; real: number } & Record<GeneratorName, number>;
  cells: Record<FeatureKind, Record<GeneratorName, MembershipCell>>;
  curves: MembershipCurves;
  /** Victim forward passes, logistic fits, the whole run. */
  featureSeconds: number;
  fitSeconds: number;
  wallSeconds: number;
}

export interface MembershipVictimInfo {
  /** The model folder, relative to the project. */
  dir: string;
  maxLength: number;
  trainInputs: number;
  heldInputs: number;
  /** The victim's own record (victim.json) where its experiment writes one: dev accuracy, steps, … */
  record?: Record<string, unknown>;
}

export interface MembershipResult {
  experiment: "membership";
  preset: Preset;
  backend: string;
  engine: string;
  size: MembershipSize;
  tasks: MembershipTask[];
  victims: Partial<Record<MembershipTask, MembershipVictimInfo>>;
  runs: MembershipRun[];
  paper: typeof PAPER_MEMBERSHIP;
  wellSeparatedAuc: number;
  /** This call's wall time (short when it collects kept runs), and the runs' own time summed. */
  wallSeconds: number;
  computeSeconds: number;
}

/** A generator seed for one role of one run, so training and evaluation queries never share a stream. */
function querySeed(seed: number, role: string): number {
  return Rng.derive(seed, `membership-${role}`).nextUint32();
}

/** Where a task's runs are kept: one folder per (sizes, victim) pair, so a changed size or a retrained victim starts fresh. */
function runsRoot(task: string, preset: Preset, size: MembershipSize, data: MembershipTaskData<any>, root: string): string {
  const key = createHash("sha256").update(JSON.stringify({ size, victim: data.victimFingerprint, maxLength: data.maxLength })).digest("hex").slice(0, 10);
  return path.join(root, "results", "runs", `membership-${preset}`, `${task}-${key}`);
}

const classifierFile = (dir: string, kind: FeatureKind) => path.join(dir, `classifier-${kind}.json`);

function histogram(scores: number[], edges: number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Array(bins).fill(0);
  for (const s of scores) counts[Math.min(bins - 1, Math.max(0, Math.floor(s * bins)))]++;
  return counts;
}

/**
 * One (task, seed), computed: the victim's features of every set once, a classifier per feature
 * kind (written to `dir` as classifier-<kind>.json), its cells and the "both" classifier's curves.
 */
export async function computeMembershipRun<Input>(data: MembershipTaskData<Input>, size: MembershipSize, seed: number, dir: string): Promise<MembershipRun> {
  const started = Date.now();
  const members = sample(data.train, size.trainPerClass, seed, "membership-members");
  const wikiTrain = data.queries("WIKI", members.length, querySeed(seed, "train-WIKI"), []);
  const real = sample(data.held, size.evalPerClass, seed, "membership-real");
  // Fresh WIKI: none of its sentences / paragraphs among the training queries' (drawn with room to drop those).
  const seen = new Set(wikiTrain.map(data.drawn));
  const attack: Record<GeneratorName, Input[]> = {
    WIKI: data.queries("WIKI", 4 * real.length, querySeed(seed, "eval-WIKI"), []).filter((q) => !seen.has(data.drawn(q))).slice(0, real.length),
    RANDOM: data.queries("RANDOM", real.length, querySeed(seed, "eval-RANDOM"), []),
    SHUFFLE: data.queries("SHUFFLE", real.length, querySeed(seed, "eval-SHUFFLE"), real),
  };
  const victim = await data.open(size.batchSize);
  let rows: Record<"members" | "nonMembers" | "real" | GeneratorName, number[][]>;
  const featuresStarted = Date.now();
  try {
    const both = (inputs: Input[]) => victim.features(inputs, "both");
    rows = { members: both(members), nonMembers: both(wikiTrain), real: both(real), WIKI: both(attack.WIKI), RANDOM: both(attack.RANDOM), SHUFFLE: both(attack.SHUFFLE) };
  } finally {
    victim.dispose();
  }
  const featureSeconds = (Date.now() - featuresStarted) / 1000;
  const fitStarted = Date.now();
  const extractor = sliceExtractor(victim.hidden);
  const cells = {} as MembershipRun["cells"];
  const curves: MembershipCurves = { roc: {} as MembershipCurves["roc"], histogram: { edges: [], counts: {} as MembershipCurves["histogram"]["counts"] } };
  for (const kind of FEATURE_KINDS) {
    const classifier = trainMembership({ extractor, features: kind, members: rows.members, nonMembers: rows.nonMembers, logistic: { steps: size.logisticSteps } });
    saveMembershipClassifier(classifierFile(dir, kind), classifier);
    cells[kind] = {} as Record<GeneratorName, MembershipCell>;
    for (const generator of EVAL_GENERATORS) {
      const e = evaluateMembership(classifier, extractor, rows.real, rows[generator]);
      cells[kind][generator] = { auc: e.auc, accuracy: (e.realKept + e.attackCaught) / 2, realKept: e.realKept, attackCaught: e.attackCaught };
    }
    if (kind === "both") {
      const score = (x: number[][]) => membershipScores(classifier, extractor, x);
      const realScores = score(rows.real);
      const edges = Array.from({ length: size.histogramBins + 1 }, (_, i) => i / size.histogramBins);
      curves.histogram = { edges, counts: { real: histogram(realScores, edges) } as MembershipCurves["histogram"]["counts"] };
      for (const generator of EVAL_GENERATORS) {
        const attackScores = score(rows[generator]);
        curves.roc[generator] = rocCurve([...realScores, ...attackScores], [...realScores.map(() => 1), ...attackScores.map(() => 0)], size.rocPoints);
        curves.histogram.counts[generator] = histogram(attackScores, edges);
      }
    }
  }
  const fitSeconds = (Date.now() - fitStarted) / 1000;
  const counts = { members: members.length, nonMembers: wikiTrain.length, real: real.length, WIKI: attack.WIKI.length, RANDOM: attack.RANDOM.length, SHUFFLE: attack.SHUFFLE.length };
  console.log(`[membership] ${data.task} seed ${seed}: ${counts.members} + ${counts.nonMembers} training, ${counts.real} real + ${counts.WIKI}/${counts.RANDOM}/${counts.SHUFFLE} WIKI/RANDOM/SHUFFLE; features ${featureSeconds.toFixed(1)} s, fits ${fitSeconds.toFixed(1)} s`);
  return { task: data.task, seed, counts, cells, curves, featureSeconds, fitSeconds, wallSeconds: (Date.now() - started) / 1000 };
}

/** One (task, seed), kept: its outcome.json beside the classifier files, read instead of computed when there. */
async function membershipRun<Input>(data: MembershipTaskData<Input>, size: MembershipSize, preset: Preset, seed: number, root: string): Promise<{ run: MembershipRun; dir: string }> {
  const dir = path.join(runsRoot(data.task, preset, size, data, root), `seed${seed}`);
  return { run: await kept(path.join(dir, "outcome.json"), () => computeMembershipRun(data, size, seed, dir)), dir };
}

function victimInfo(data: MembershipTaskData<any>): MembershipVictimInfo {
  const record = path.join(data.victimDir, "victim.json");
  return {
    dir: path.relative(PROJECT_ROOT, path.resolve(data.victimDir)), maxLength: data.maxLength, trainInputs: data.train.length, heldInputs: data.held.length,
    ...(fs.existsSync(record) ? { record: JSON.parse(fs.readFileSync(record, "utf8")) } : {}),
  };
}

/**
 * The whole experiment at a preset, written to results/defend/membership-<preset>.json (only when
 * every task ran; `tasks` limits it to some, their runs kept for a later full call to collect).
 * `reuse` returns the saved result file when there is one. `root` (default the project) is where
 * results/ goes (tests); the victims stay in their experiments' caches.
 */
export async function runMembership(options: { preset?: string; reuse?: boolean; tasks?: MembershipTask[]; root?: string } = {}): Promise<MembershipResult> {
  const preset = resolvePreset(options.preset);
  const root = options.root ?? PROJECT_ROOT;
  const saved = options.reuse ? readMembershipResult(preset, root) : undefined;
  if (saved) return saved;
  const tasks = options.tasks ?? [...MEMBERSHIP_TASKS];
  for (const t of tasks) if (!MEMBERSHIP_TASKS.includes(t)) throw new Error(`unknown membership task "${t}"; the tasks are ${MEMBERSHIP_TASKS.join(", ")}`);
  const started = Date.now();
  const size = MEMBERSHIP_SIZES[preset];
  await initBackend();
  const result: MembershipResult = {
    experiment: "membership", preset, backend: backendInfo().name, engine: backendInfo().engine, size, tasks,
    victims: {}, runs: [], paper: PAPER_MEMBERSHIP, wellSeparatedAuc: WELL_SEPARATED_AUC, wallSeconds: 0, computeSeconds: 0,
  };
  for (const task of tasks) {
    const data = (await membershipTaskData(task, preset)) as MembershipTaskData<any>;
    result.victims[task] = victimInfo(data);
    for (const seed of size.seeds) {
      const { run } = await membershipRun(data, size, preset, seed, root);
      // Curves of the first seed only: the figures show one run, the table all of them.
      result.runs.push(seed === size.seeds[0] ? run : { ...run, curves: { roc: {} as MembershipCurves["roc"], histogram: { edges: [], counts: {} as MembershipCurves["histogram"]["counts"] } } });
    }
  }
  result.wallSeconds = (Date.now() - started) / 1000;
  result.computeSeconds = result.runs.reduce((n, r) => n + r.wallSeconds, 0);
  if (MEMBERSHIP_TASKS.every((t) => tasks.includes(t))) {
    fs.mkdirSync(path.dirname(resultFile(preset, root)), { recursive: true });
    writeFileAtomic(resultFile(preset, root), JSON.stringify(result, null, 2) + "\n");
  }
  return result;
}

export function membershipResultFile(preset: Preset, root = PROJECT_ROOT): string {
  return path.join(root, "results", "defend", `membership-${preset}.json`);
}
const resultFile = membershipResultFile;

export function readMembershipResult(preset: string, root = PROJECT_ROOT): MembershipResult | undefined {
  const file = resultFile(resolvePreset(preset), root);
  return readKept<MembershipResult>(file);
}

/** A membership classifier ready for the server's gate, and what it must be served with. */
export interface MembershipGate {
  /** The classifier file (saveMembershipClassifier's JSON): what a key's `{"kind": "membership-gate", "classifier": file}` names. Absolute. */
  file: string;
  classifier: MembershipClassifier;
  /** Scores below it are answered at random (classifier.threshold). */
  threshold: number;
  /** The victim whose features it reads, at this input length: `LocalVictim.load(victim, { maxLength })`, then `new GatedVictim(v, localVictimFeatures(v), classifier)`. */
  victim: string;
  maxLength: number;
  /** How it did on held-out real inputs against fresh queries of each generator. */
  cells: Record<GeneratorName, MembershipCell>;
}

/**
 * The membership gate's classifier for a classification victim (the extraction experiment's
 * SST-2 or MNLI victim at `preset`): seed 0 of this experiment's recipe for that task (its
 * training members vs WIKI queries, `kind` features, default "both"), trained once and then read
 * from its kept run folder (under `root`, default the project). For MNLI it is the very classifier
 * of the experiment's first seed.
 */
export async function membershipGateFor(task: ClassificationTask, preset: string, kind: FeatureKind = "both", root = PROJECT_ROOT): Promise<MembershipGate> {
  const p = resolvePreset(preset);
  await initBackend();
  const size = MEMBERSHIP_SIZES[p];
  const data = (await membershipTaskData(task, p)) as MembershipTaskData<any>;
  const { run, dir } = await membershipRun(data, size, p, size.seeds[0], root);
  const file = classifierFile(dir, kind);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing though its run's outcome.json is kept; delete ${dir} to train it again`);
  const classifier = loadMembershipClassifier(file);
  return { file, classifier, threshold: classifier.threshold, victim: data.victimDir, maxLength: data.maxLength, cells: run.cells[kind] };
}
