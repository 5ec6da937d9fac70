/**
 * The Lottery Ticket Hypothesis for pre-trained BERT (Chen et al. 2020, arXiv:2007.12223; the
 * slides' table): for every task we have data for, the pretrained miniature θ0 fine-tuned dense
 * (the full model), iterative magnitude pruning with rewinding to θ0 down to the slide's sparsity
 * for the task (the ticket f(x; m_IMP ⊙ θ0)), random pruning of θ0 at the ticket's per-matrix
 * sparsities (m_RP ⊙ θ0) and the ticket's mask on a random re-initialisation (m_IMP ⊙ θ'), each
 * over seeds, with the task's own metric. Beyond the slides: the MLM ticket's mask on θ0
 * fine-tuned on SST-2 and MNLI, against each task's own ticket and a random mask of the MLM
 * ticket's sparsities. Every IMP round is a point of the sparsity–metric curves.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../data/paths";
import { Figure } from "../display/figure";
import { lineFigure } from "../display/line-figure";
import { backendInfo, initBackend } from "../engine/backend";
import { readSafetensors, writeFileAtomic } from "../model/safetensors";
import { runBaseline } from "../prune/baselines";
import { ImpRound, iterativeMagnitudePruning } from "../prune/imp";
import { MASKS_FILE, saveMasks } from "../prune/mask-file";
import { PruningHooks, maskedFineTune, readRecord, writeRecord } from "../prune/masked-run";
import { MatrixType, applyMasks, disposeMasks, matrixRole } from "../prune/masks";
import { PruneScope } from "../prune/prune";
import { roundsToReach } from "../prune/schedule";
import { countZeros } from "../prune/sparsity";
import { transferMasks } from "../prune/transfer";
import { modelDir, pretrainMiniature } from "../pretrain/pretrain";
import { TextTokenizer } from "../tokenize/tokenizer";
import {
  COLUMN_NAMES, FineTuneSettings, LOTTERY_COLUMNS, LOTTERY_TASKS, LotteryColumn, LotteryTask, LotteryTaskSize, MISSING_TASKS, TASK_METRIC, isLotteryTask, prepareTask,
} from "./lottery-tasks";
import { Preset, resolvePreset } from "./presets";
import { meanStd } from "./stats";
import { readKept } from "./kept";

export { COLUMN_NAMES, LOTTERY_COLUMNS, LOTTERY_TASKS, MISSING_TASKS, TASK_METRIC, type LotteryColumn, type LotteryTask } from "./lottery-tasks";

/** The slide's sparsity per column: the highest at which Chen et al. found a matching ticket. */
export const LOTTERY_SPARSITY: Record<LotteryColumn, number> = {
  mnli: 0.7, qqp: 0.9, stsb: 0.5, wnli: 0.9, qnli: 0.7, mrpc: 0.5, rte: 0.6, sst2: 0.6, cola: 0.5, squad: 0.4, mlm: 0.7,
};

/** The tasks the MLM ticket is transferred to. */
export const TRANSFER_TASKS = ["sst2", "mnli"] as const;
export type TransferTask = (typeof TRANSFER_TASKS)[number];

export interface LotterySize extends Omit<FineTuneSettings, "progress"> {
  /** The pretrained miniature that is θ0. */
  miniature: string;
  /** Share of the original prunable weights pruned per IMP round (BERT-Tickets: 0.1). */
  rate: number;
  /** Magnitude threshold per matrix ("matrix", the slide's "in each layer") or over all prunable matrices ("global", as lottery-ticket code commonly prunes). */
  scope: PruneScope;
  seeds: number[];
  /** Seeds whose random-pruning baseline runs at every IMP round (the random curve); the others only at the ticket's sparsity. */
  curveSeeds: number[];
  tasks: Record<LotteryTask, LotteryTaskSize>;
}

const TINY_TASK: LotteryTaskSize = { steps: 4, maxLength: 32, trainExamples: 48, devExamples: 32 };

/**
 * Run sizes. Every IMP round is a whole fine-tuning, so a task costs (rounds + 1 + 2 baselines)
 * fine-tunings per seed: at rate 0.2, 4–6 rounds + 2 per task and seed.
 *
 * small, estimated for 2 CPU cores from the measured speed of en-L2-H128 here (batch 32 × 64
 * tokens: 0.16 s/step on SST-2, 0.23 on MNLI; 32 × 128 MLM: 0.85 s/step): one fine-tuning with its
 * evaluation takes ≈ 45 s (SST-2, STS-B, MLM), 70 s (MNLI), 15 s (WNLI), 40 s (MRPC), 55 s (RTE),
 * 25 s (CoLA), 100 s (SQuAD). With 3 seeds, the random curve on seed 0 and the transfer runs that
 * is 204 fine-tunings, ≈ 9,700 s ≈ 2.7 h in all (MNLI 35 min, SQuAD 27 min, SST-2 20 min, RTE 18
 * min, MLM 18 min, STS-B 15 min, MRPC 13 min, CoLA 8 min, WNLI 7 min) — well over the 30 min of
 * the other experiments; `npm run reproduce -- lottery --task <t>` runs one task at a time (runs
 * are kept and resume), and a final call without --task collects them.
 */
export const LOTTERY_SIZES: Record<Preset, LotterySize> = {
  // Plumbing only: the tiny miniature (1 layer, H 32), 4 steps per fine-tuning, 2 IMP rounds at most (rate 0.5).
  tiny: {
    miniature: "en-L2-H128", batchSize: 8, learningRate: 1e-3, checkpointEvery: 200, squadEvalArticles: 10, rate: 0.5, scope: "global", seeds: [0, 1], curveSeeds: [0],
    tasks: { mlm: { ...TINY_TASK, devExamples: 16 }, sst2: TINY_TASK, mnli: TINY_TASK, stsb: TINY_TASK, wnli: TINY_TASK, mrpc: TINY_TASK, rte: TINY_TASK, cola: TINY_TASK, squad: { ...TINY_TASK, maxLength: 64, devExamples: 24 } },
  },
  // learningRate: the one the pretraining experiment's held-out validation chose for en-L2-H128 (800-step fine-tunes).
  // rate 0.2, not the paper's 0.1: half the IMP rounds; the curves still have 3–5 points.
  // trainExamples: steps × batch where the file is larger (one pass; encoding more would be unused).
  small: {
    miniature: "en-L2-H128", batchSize: 32, learningRate: 3e-4, checkpointEvery: 200, squadEvalArticles: 10, rate: 0.2, scope: "global", seeds: [0, 1, 2], curveSeeds: [0],
    tasks: {
      mlm: { steps: 100, maxLength: 64, trainExamples: 3200, devExamples: 256 },
      sst2: { steps: 250, maxLength: 64, trainExamples: 8000 },
      mnli: { steps: 250, maxLength: 64, trainExamples: 8000, devExamples: 3000 },
      stsb: { steps: 200, maxLength: 64 },
      wnli: { steps: 60, maxLength: 64 },
      mrpc: { steps: 150, maxLength: 64 },
      rte: { steps: 150, maxLength: 96 },
      cola: { steps: 200, maxLength: 32 },
      squad: { steps: 150, maxLength: 96, trainExamples: 4800, devExamples: 600 },
    },
  },
  // The paper's schedule (rate 0.1, 5 seeds) on a larger miniature; a GPU run.
  paper: {
    miniature: "en-L4-H256", batchSize: 32, learningRate: 1e-4, checkpointEvery: 500, squadEvalArticles: 10, rate: 0.1, scope: "global", seeds: [0, 1, 2, 3, 4], curveSeeds: [0, 1, 2, 3, 4],
    tasks: {
      mlm: { steps: 2000, maxLength: 128 },
      sst2: { steps: 6000, maxLength: 64 },
      mnli: { steps: 12000, maxLength: 128 },
      stsb: { steps: 1000, maxLength: 128 },
      wnli: { steps: 100, maxLength: 128 },
      mrpc: { steps: 500, maxLength: 128 },
      rte: { steps: 400, maxLength: 128 },
      cola: { steps: 1000, maxLength: 64 },
      squad: { steps: 3000, maxLength: 256 },
    },
  },
};

/** A value with its standard deviation over seeds, as the slide prints it (percent). */
export type PaperCell = [mean: number, std: number];

/**
 * The slide's table (Chen et al. 2020, BERT-base; the paper's numbers, not ours): sparsity, the
 * full model and the IMP subnetwork (mean ± std) and random pruning of θ0, per column, in percent.
 */
export const PAPER_LOTTERY: Record<LotteryColumn, { full: PaperCell; imp: PaperCell; randomPruning: number }> = {
  mnli: { full: [82.4, 0.5], imp: [82.6, 0.2], randomPruning: 67.5 },
  qqp: { full: [90.2, 0.5], imp: [90.0, 0.2], randomPruning: 76.3 },
  stsb: { full: [88.4, 0.3], imp: [88.2, 0.2], randomPruning: 21.0 },
  wnli: { full: [54.9, 1.2], imp: [54.9, 1.2], randomPruning: 53.5 },
  qnli: { full: [89.1, 1.0], imp: [88.9, 0.4], randomPruning: 61.9 },
  mrpc: { full: [85.2, 0.1], imp: [84.9, 0.4], randomPruning: 69.6 },
  rte: { full: [66.2, 3.6], imp: [66.0, 2.4], randomPruning: 56.0 },
  sst2: { full: [92.1, 0.1], imp: [91.9, 0.5], randomPruning: 83.1 },
  cola: { full: [54.5, 0.4], imp: [53.8, 0.9], randomPruning: 9.6 },
  squad: { full: [88.1, 0.6], imp: [87.7, 0.5], randomPruning: 31.8 },
  mlm: { full: [63.5, 0.1], imp: [63.2, 0.3], randomPruning: 32.3 },
};

export type LotteryRunKind = "imp" | "random-pruning" | "random-reinit" | "transfer-mlm" | "transfer-random";

export interface LotteryRun {
  task: LotteryTask;
  seed: number;
  kind: LotteryRunKind;
  /** imp: its round (0 = the full model); random-pruning: the IMP round whose mask's sparsities it copies; others: the ticket's round. */
  round: number;
  /** Sparsity the mask was pruned to (IMP's schedule); measured one in `sparsity`. */
  target: number;
  /** Share of the prunable weights that are zero. */
  sparsity: number;
  /** The task's metric (TASK_METRIC), a fraction. */
  metric: number;
  metrics: Record<string, number>;
  /** Seconds of fine-tuning (summed over resumed runs). */
  wallSeconds: number;
}

/** Sparsity of one ticket per (layer, matrix type): the heat map. */
export interface TicketMap {
  task: LotteryTask;
  seed: number;
  sparsity: number;
  matrices: { layer: number | "pooler"; type: MatrixType; sparsity: number }[];
}

export interface LotteryResult {
  experiment: "lottery";
  preset: Preset;
  backend: string;
  engine: string;
  size: LotterySize;
  miniature: { name: string; createdAt: string; layers: number; hidden: number };
  /** The tasks this result holds (all of LOTTERY_TASKS for a full run). */
  tasks: LotteryTask[];
  /** Examples used per task (SQuAD train: span features; MLM: packed sequences). */
  data: Partial<Record<LotteryTask, { train: number; dev: number }>>;
  runs: LotteryRun[];
  /** Seed 0's ticket of every task, per matrix. */
  tickets: Partial<Record<LotteryTask, TicketMap>>;
  /** Prunable weights of the encoder (+ pooler) per task model. */
  prunable: Partial<Record<LotteryTask, number>>;
  paper: typeof PAPER_LOTTERY;
  paperSparsity: typeof LOTTERY_SPARSITY;
  /** This call's wall time (short when it collects kept runs). */
  wallSeconds: number;
  /** Fine-tuning time of every run, each measured when it ran. */
  computeSeconds: number;
}

function hash(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 10);
}

/** One folder per (shared settings, θ0 checkpoint), one per task's own settings inside it: changing one task's size starts only that task afresh. */
function taskDir(preset: Preset, size: LotterySize, createdAt: string, task: LotteryTask): string {
  const { tasks, seeds: _seeds, curveSeeds: _curve, ...shared } = size;
  const root = path.join(PROJECT_ROOT, "results", "runs", `lottery-${preset}`, hash({ shared, miniature: createdAt }));
  return path.join(root, `${task}-${hash({ task: tasks[task], sparsity: LOTTERY_SPARSITY[task] })}`);
}

function resultFile(preset: Preset): string {
  return path.join(PROJECT_ROOT, "results", "lottery", `lottery-${preset}.json`);
}

/**
 * A finished task's slice of the result. The run folders (checkpoints, every round's masks) are
 * large and stay out of git; the slice is small and is a result, so a task finished in one
 * session (or on one machine) is collected later without its folders. `key` is the task folder's
 * path under results/runs: other settings or another θ0 give another key, and the slice is not used.
 */
export interface LotteryPart {
  key: string;
  task: LotteryTask;
  data: { train: number; dev: number };
  runs: LotteryRun[];
  ticket?: TicketMap;
  prunable: number;
  /** SST-2 and MNLI: the key of the MLM part whose tickets their transfer runs used (a new MLM run makes the part stale). */
  mlmKey?: string;
}

function partsDir(preset: Preset): string {
  return path.join(PROJECT_ROOT, "results", "lottery", `parts-${preset}`);
}

export function partFile(preset: Preset, task: LotteryTask): string {
  return path.join(partsDir(preset), `${task}.json`);
}

/** The MLM ticket of a seed, copied beside the parts when the MLM task finishes: the transfer runs of SST-2 and MNLI start from it. */
export function mlmTicketFile(preset: Preset, seed: number): string {
  return path.join(partsDir(preset), `mlm-ticket-seed${seed}.safetensors`);
}

/** The task's kept slice when it was made with these settings (`key`) and, for SST-2 / MNLI, from the MLM part `mlmKey`; else undefined. */
export function readLotteryPart(preset: Preset, task: LotteryTask, key: string, mlmKey?: string): LotteryPart | undefined {
  const part = readKept<LotteryPart>(partFile(preset, task));
  if (!part || part.key !== key || part.task !== task) return undefined;
  return isTransferTask(task) && part.mlmKey !== mlmKey ? undefined : part;
}

function isTransferTask(task: LotteryTask): task is TransferTask {
  return (TRANSFER_TASKS as readonly string[]).includes(task);
}

export function readLotteryResult(preset: string): LotteryResult | undefined {
  const file = resultFile(resolvePreset(preset));
  return readKept<LotteryResult>(file);
}

/** Writes a finished task's part; for MLM, its tickets first, so a part on disk always has them. */
function writeLotteryPart(preset: Preset, part: LotteryPart, mlmTickets: { seed: number; file: string }[]): void {
  for (const { seed, file } of mlmTickets) writeFileAtomic(mlmTicketFile(preset, seed), fs.readFileSync(file));
  writeFileAtomic(partFile(preset, part.task), JSON.stringify(part, null, 2) + "\n");
}

/** The per-matrix sparsity of a masks file, read without building a model. */
export function ticketMap(file: string, task: LotteryTask, seed: number): TicketMap {
  const matrices: TicketMap["matrices"] = [];
  let zeros = 0, total = 0;
  for (const [entry, value] of readSafetensors(file).tensors) {
    const role = matrixRole(entry.replace(/\.mask$/, ""));
    if (!role) throw new Error(`${file}: ${entry} is not the mask of a prunable weight`);
    const z = countZeros(value.data);
    zeros += z;
    total += value.data.length;
    matrices.push({ ...role, sparsity: z / value.data.length });
  }
  return { task, seed, sparsity: zeros / total, matrices };
}

/** Fine-tunes θ0 under the MLM ticket carried over to this task's model (pooler dense); kept in `outDir` like a baseline. */
async function runTransfer(hooks: PruningHooks, mlmTicket: string, outDir: string): Promise<{ sparsity: number; metrics: Record<string, number>; wallSeconds: number }> {
  const done = readRecord<{ sparsity: number; metrics: Record<string, number>; wallSeconds: number }>(outDir);
  if (done) return done;
  const model = await hooks.initial();
  const { masks, filledDense } = transferMasks(mlmTicket, model);
  try {
    saveMasks(path.join(outDir, MASKS_FILE), masks);
    applyMasks(model.params, masks);
    const record = { kind: "transfer-mlm", source: path.relative(PROJECT_ROOT, mlmTicket), filledDense, ...(await maskedFineTune(hooks, model, masks, outDir)) };
    writeRecord(outDir, record);
    return record;
  } finally {
    disposeMasks(masks);
    model.dispose();
  }
}

function metricOf(task: LotteryTask, metrics: Record<string, number>): number {
  const value = metrics[TASK_METRIC[task].key];
  if (value === undefined) throw new Error(`${task}: the run's metrics have no ${TASK_METRIC[task].key} (they have ${Object.keys(metrics).join(", ")})`);
  return value;
}

/**
 * The whole experiment at a preset, written to results/lottery/lottery-<preset>.json. `tasks`
 * limits it to some tasks (no result file is written). Each finished task leaves its part in
 * results/lottery/parts-<preset>/ and is read from there afterwards, even when its run folders
 * are gone; an unfinished one resumes from its kept runs. SST-2 and MNLI run their transfer check
 * only once the MLM task has finished (its part holds the tickets), and write no part before.
 */
export async function runLottery(options: { preset?: string; reuse?: boolean; tasks?: LotteryTask[]; progress?: boolean } = {}): Promise<LotteryResult> {
  const preset = resolvePreset(options.preset);
  const saved = options.reuse ? readLotteryResult(preset) : undefined;
  if (saved) return saved;
  for (const t of options.tasks ?? []) if (!isLotteryTask(t)) throw new Error(`unknown lottery task "${t}"; the tasks are ${LOTTERY_TASKS.join(", ")}`);
  const tasks = LOTTERY_TASKS.filter((t) => !options.tasks || options.tasks.includes(t));
  const started = Date.now();
  const size = LOTTERY_SIZES[preset];
  await initBackend();
  const pretrained = await pretrainMiniature(size.miniature, { preset });
  const from = modelDir(size.miniature, preset);
  const tokenizer = await TextTokenizer.load(from);
  const result: LotteryResult = {
    experiment: "lottery", preset, backend: backendInfo().name, engine: backendInfo().engine, size,
    miniature: { name: size.miniature, createdAt: pretrained.createdAt, layers: pretrained.size.layers, hidden: pretrained.size.hidden },
    tasks, data: {}, runs: [], tickets: {}, prunable: {}, paper: PAPER_LOTTERY, paperSparsity: LOTTERY_SPARSITY, wallSeconds: 0, computeSeconds: 0,
  };
  const runsRoot = path.join(PROJECT_ROOT, "results", "runs");
  const keyOf = (task: LotteryTask) => path.relative(runsRoot, taskDir(preset, size, pretrained.createdAt, task));
  // The MLM tickets are read from the copies beside the MLM part, so the transfer runs do not need the MLM run folders.
  const mlmPart = () => readLotteryPart(preset, "mlm", keyOf("mlm"));
  const mlmTicket = (seed: number) => (mlmPart() && fs.existsSync(mlmTicketFile(preset, seed)) ? mlmTicketFile(preset, seed) : undefined);

  for (const task of tasks) {
    const part = readLotteryPart(preset, task, keyOf(task), keyOf("mlm"));
    if (part) {
      result.data[task] = part.data;
      result.runs.push(...part.runs);
      if (part.ticket) result.tickets[task] = part.ticket;
      result.prunable[task] = part.prunable;
      continue;
    }
    const prepared = prepareTask(task, tokenizer, from, size.tasks[task], { ...size, progress: options.progress });
    result.data[task] = { train: prepared.train, dev: prepared.dev };
    const dir = taskDir(preset, size, pretrained.createdAt, task);
    const taskRuns: LotteryRun[] = [];
    let complete = true;
    const push = (seed: number, kind: LotteryRunKind, round: number, target: number, r: { sparsity: number; metrics: Record<string, number>; wallSeconds: number }) =>
      taskRuns.push({ task, seed, kind, round, target, sparsity: r.sparsity, metric: metricOf(task, r.metrics), metrics: r.metrics, wallSeconds: r.wallSeconds });
    const mlmTickets: { seed: number; file: string }[] = [];
    for (const seed of size.seeds) {
      const seedDir = path.join(dir, `seed${seed}`);
      const hooks = prepared.hooks(seed, (d) => path.relative(runsRoot, d));
      const { rounds } = await iterativeMagnitudePruning(hooks, { outDir: path.join(seedDir, "imp"), finalSparsity: LOTTERY_SPARSITY[task], rate: size.rate, scope: size.scope });
      for (const r of rounds) push(seed, "imp", r.round, r.target, r);
      const ticket: ImpRound = rounds[rounds.length - 1];
      if (task === "mlm") mlmTickets.push({ seed, file: ticket.masksFile });
      result.prunable[task] = ticket.prunable;
      if (seed === size.seeds[0]) result.tickets[task] = ticketMap(ticket.masksFile, task, seed);
      const curve = size.curveSeeds.includes(seed) ? rounds.slice(1) : [ticket];
      for (const r of curve) {
        const rp = await runBaseline(hooks, "random-pruning", r.masksFile, { outDir: path.join(seedDir, `random-pruning-round${r.round}`), seed });
        push(seed, "random-pruning", r.round, r.target, rp);
      }
      const reinit = await runBaseline(hooks, "random-reinit", ticket.masksFile, { outDir: path.join(seedDir, "random-reinit"), seed: 1000 + seed });
      push(seed, "random-reinit", ticket.round, ticket.target, reinit);
      const source = isTransferTask(task) ? mlmTicket(seed) : undefined;
      if (source) {
        const transferDir = path.join(seedDir, `transfer-mlm-${hash(keyOf("mlm"))}`); // a new MLM run: new transfer runs
        const transfer = await runTransfer(hooks, source, transferDir);
        const mlmRound = roundsToReach(LOTTERY_SPARSITY.mlm, size.rate);
        push(seed, "transfer-mlm", mlmRound, LOTTERY_SPARSITY.mlm, transfer);
        const random = await runBaseline(hooks, "random-pruning", path.join(transferDir, MASKS_FILE), { outDir: path.join(transferDir, "random"), seed });
        push(seed, "transfer-random", mlmRound, LOTTERY_SPARSITY.mlm, random);
      } else if (isTransferTask(task)) {
        complete = false;
        console.log(`[lottery] ${task} seed ${seed}: no MLM ticket yet, transfer check skipped (run the mlm task first; this task's part is not written until it has it)`);
      }
    }
    result.runs.push(...taskRuns);
    if (complete) writeLotteryPart(preset, { key: keyOf(task), task, data: result.data[task]!, runs: taskRuns, ticket: result.tickets[task], prunable: result.prunable[task]!, ...(isTransferTask(task) ? { mlmKey: keyOf("mlm") } : {}) }, mlmTickets);
  }
  result.wallSeconds = (Date.now() - started) / 1000;
  result.computeSeconds = result.runs.reduce((n, r) => n + r.wallSeconds, 0);
  if (tasks.length === LOTTERY_TASKS.length) {
    fs.mkdirSync(path.dirname(resultFile(preset)), { recursive: true });
    writeFileAtomic(resultFile(preset), JSON.stringify(result, null, 2) + "\n");
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Summaries, table, verdict, figures — pure functions of a result.

export interface Summary {
  mean: number;
  std: number;
  /** Seeds behind it. */
  n: number;
  /** Mean measured sparsity. */
  sparsity: number;
}

function summarise(runs: LotteryRun[]): Summary | undefined {
  if (runs.length === 0) return undefined;
  const { mean, std } = meanStd(runs.map((r) => r.metric));
  return { mean, std, n: runs.length, sparsity: meanStd(runs.map((r) => r.sparsity)).mean };
}

/** The last IMP round of a task (its ticket). */
function ticketRound(r: LotteryResult, task: LotteryTask): number {
  return Math.max(...r.runs.filter((x) => x.task === task && x.kind === "imp").map((x) => x.round));
}

/** Mean ± std over seeds of one arm of a task: full (IMP round 0), ticket (IMP's last round), random pruning and re-init at the ticket, transfer. */
export function lotteryArm(r: LotteryResult, task: LotteryTask, arm: "full" | "imp" | "random-pruning" | "random-reinit" | "transfer-mlm" | "transfer-random"): Summary | undefined {
  const runs = r.runs.filter((x) => x.task === task && r.size.seeds.includes(x.seed));
  if (runs.length === 0) return undefined;
  const last = ticketRound(r, task);
  if (arm === "full") return summarise(runs.filter((x) => x.kind === "imp" && x.round === 0));
  if (arm === "imp" || arm === "random-pruning") return summarise(runs.filter((x) => x.kind === arm && x.round === last));
  return summarise(runs.filter((x) => x.kind === arm));
}

/** "IMP matches the full model": its mean within one std (over seeds) of the full model's mean, or above it (Chen et al.'s criterion). */
export function matchesFull(imp: Summary, full: Summary): boolean {
  return imp.mean >= full.mean - full.std;
}

const pct = (v: number, digits = 1) => (100 * v).toFixed(digits);
const cell = (s: Summary | undefined) => (s ? (s.n > 1 ? `${pct(s.mean)} ± ${pct(s.std)}` : pct(s.mean)) : "");
const paperCell = ([m, s]: PaperCell) => `${m.toFixed(1)} ± ${s.toFixed(1)}`;

/** How the paper's rows are labelled in every table. */
export const PAPER_SOURCE = "paper (Chen et al. 2020, BERT-base)";

/** The mark put after an IMP cell that matches the full model. */
export const MATCH_MARK = "✓";

/**
 * The slide's table with our rows: per column the paper's sparsity, the metric, our full model,
 * ticket (✓ where it matches the full model), random pruning and random re-init (mean ± std over
 * seeds, %), the measured sparsity and the fine-tuning time, then the paper's three rows.
 */
export function lotteryTable(r: LotteryResult): Record<string, string>[] {
  const row = (label: string, source: string, value: (task: LotteryTask) => string, missing: (c: LotteryColumn) => string = (c) => (c in MISSING_TASKS ? "no training data" : "not run")) => {
    const out: Record<string, string> = { row: label, source };
    for (const c of LOTTERY_COLUMNS) out[COLUMN_NAMES[c]] = isLotteryTask(c) && r.tasks.includes(c) ? value(c) : missing(c);
    return out;
  };
  const fixed = (label: string, value: (c: LotteryColumn) => string, source = "") => {
    const out: Record<string, string> = { row: label, source };
    for (const c of LOTTERY_COLUMNS) out[COLUMN_NAMES[c]] = value(c);
    return out;
  };
  const model = `${r.miniature.name}${r.preset === "small" ? "" : ` (${r.preset})`}`;
  return [
    fixed("sparsity (slide)", (c) => `${pct(LOTTERY_SPARSITY[c], 0)} %`),
    fixed("metric", (c) => TASK_METRIC[c].name),
    row(`full model, ${model}`, "ours", (t) => cell(lotteryArm(r, t, "full"))),
    row("f(x, m_IMP ⊙ θ0): IMP ticket", "ours", (t) => {
      const [imp, full] = [lotteryArm(r, t, "imp"), lotteryArm(r, t, "full")];
      return imp && full ? `${cell(imp)}${matchesFull(imp, full) ? ` ${MATCH_MARK}` : ""}` : "";
    }),
    row("f(x, m_RP ⊙ θ0): random pruning", "ours", (t) => cell(lotteryArm(r, t, "random-pruning"))),
    row("f(x, m_IMP ⊙ θ'): random re-init", "ours", (t) => cell(lotteryArm(r, t, "random-reinit"))),
    row("ticket's measured sparsity", "ours", (t) => {
      const imp = lotteryArm(r, t, "imp");
      return imp ? `${pct(imp.sparsity)} %` : "";
    }, () => ""),
    row("examples (train / eval)", "ours", (t) => (r.data[t] ? `${r.data[t]!.train} / ${r.data[t]!.dev}` : ""), () => ""),
    row("fine-tuning time, all runs (min)", "ours", (t) => (r.runs.filter((x) => x.task === t).reduce((n, x) => n + x.wallSeconds, 0) / 60).toFixed(1), () => ""),
    fixed("Full BERT-base", (c) => paperCell(PAPER_LOTTERY[c].full), PAPER_SOURCE),
    fixed("f(x, m_IMP ⊙ θ0)", (c) => paperCell(PAPER_LOTTERY[c].imp), PAPER_SOURCE),
    fixed("f(x, m_RP ⊙ θ0)", (c) => PAPER_LOTTERY[c].randomPruning.toFixed(1), PAPER_SOURCE),
  ];
}

/** The transfer check per target task: full, the task's own ticket, the MLM ticket, a random mask of the MLM ticket's sparsities. */
export function transferTable(r: LotteryResult): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (const task of TRANSFER_TASKS) {
    if (!r.tasks.includes(task)) continue;
    const arms: [string, ReturnType<typeof lotteryArm>][] = [
      ["full model (dense)", lotteryArm(r, task, "full")],
      ["own ticket (IMP on this task)", lotteryArm(r, task, "imp")],
      ["MLM ticket on θ0 (transfer)", lotteryArm(r, task, "transfer-mlm")],
      ["random mask, MLM ticket's sparsities", lotteryArm(r, task, "transfer-random")],
    ];
    for (const [mask, s] of arms) rows.push({ task: COLUMN_NAMES[task], mask, "sparsity (%)": s ? pct(s.sparsity) : "", metric: TASK_METRIC[task].name, "score (%)": s ? cell(s) : "not run" });
  }
  return rows;
}

/** a vs b: "held" when a − b exceeds the larger std (clearly), "within noise" when positive but smaller, else "did not hold". */
function clearlyAbove(a: Summary, b: Summary): { verdict: "held" | "within noise" | "did not hold"; text: string } {
  const gap = a.mean - b.mean;
  const noise = Math.max(a.std, b.std);
  const verdict = gap > noise && gap > 0 ? "held" : gap > 0 ? "within noise" : "did not hold";
  return { verdict, text: `${pct(a.mean)} vs ${pct(b.mean)}, gap ${pct(gap)} points${noise > 0 ? `, seeds' std ${pct(noise)}` : ""}` };
}

/**
 * The claims, from our numbers: (1) the ticket matches the full model at the slide's sparsity;
 * (2) random pruning falls clearly below the ticket; (3) rewinding to θ0 beats the same mask on a
 * random re-initialisation; (4) the MLM ticket transfers (matches the task's own ticket within
 * one std, and beats a random mask of its sparsities). One summary line per claim, then per task.
 */
export function lotteryVerdict(r: LotteryResult): string[] {
  const tasks = LOTTERY_TASKS.filter((t) => r.tasks.includes(t) && lotteryArm(r, t, "imp"));
  const name = (t: LotteryTask) => COLUMN_NAMES[t];
  const lines: string[] = [];
  const summary = (claim: string, held: LotteryTask[], of: LotteryTask[]) =>
    `${claim}: ${held.length === of.length ? "held" : held.length === 0 ? "did not hold" : "held in part"} (${held.length} of ${of.length} tasks${held.length ? `: ${held.map(name).join(", ")}` : ""})`;

  const matched = tasks.filter((t) => matchesFull(lotteryArm(r, t, "imp")!, lotteryArm(r, t, "full")!));
  lines.push(summary("1. IMP ticket ≈ full model at the slide's sparsity (within one std)", matched, tasks));
  for (const t of tasks) {
    const [imp, full] = [lotteryArm(r, t, "imp")!, lotteryArm(r, t, "full")!];
    lines.push(`   ${name(t)} at ${pct(imp.sparsity, 0)} %: ${matched.includes(t) ? "matches" : "below"} (ticket ${cell(imp)} vs full ${cell(full)}; paper ${paperCell(PAPER_LOTTERY[t].imp)} vs ${paperCell(PAPER_LOTTERY[t].full)})`);
  }

  const compareAll = (claim: string, other: "random-pruning" | "random-reinit", label: string) => {
    const rows = tasks.flatMap((t) => {
      const o = lotteryArm(r, t, other);
      return o ? [{ t, c: clearlyAbove(lotteryArm(r, t, "imp")!, o) }] : [];
    });
    lines.push(summary(claim, rows.filter((x) => x.c.verdict === "held").map((x) => x.t), rows.map((x) => x.t)));
    for (const { t, c } of rows) lines.push(`   ${name(t)}: ticket vs ${label}: ${c.verdict} (${c.text})`);
  };
  compareAll("2. random pruning clearly below the IMP ticket", "random-pruning", "random pruning");
  compareAll("3. rewinding matters: the ticket on θ0 clearly above the same mask on a random re-init", "random-reinit", "random re-init");

  const targets = TRANSFER_TASKS.filter((t) => tasks.includes(t) && lotteryArm(r, t, "transfer-mlm"));
  if (targets.length === 0) lines.push("4. transfer of the MLM ticket: not run (needs the mlm task's ticket)");
  else {
    const asGood = targets.filter((t) => matchesFull(lotteryArm(r, t, "transfer-mlm")!, lotteryArm(r, t, "imp")!));
    const beatsRandom = targets.filter((t) => clearlyAbove(lotteryArm(r, t, "transfer-mlm")!, lotteryArm(r, t, "transfer-random")!).verdict === "held");
    lines.push(summary("4a. the MLM ticket transfers: within one std of the task's own ticket", asGood, targets));
    lines.push(summary("4b. the MLM ticket beats a random mask of its sparsities, clearly", beatsRandom, targets));
    for (const t of targets) {
      const [tr, own, rnd] = [lotteryArm(r, t, "transfer-mlm")!, lotteryArm(r, t, "imp")!, lotteryArm(r, t, "transfer-random")!];
      lines.push(`   ${name(t)}: MLM ticket ${cell(tr)} at ${pct(tr.sparsity, 0)} % vs own ticket ${cell(own)} at ${pct(own.sparsity, 0)} % vs random mask ${cell(rnd)} (${clearlyAbove(tr, rnd).verdict} over random)`);
    }
  }
  return lines;
}

/** Points of one arm over IMP rounds: x = mean measured sparsity, y = mean metric, std as error bars. */
function curve(r: LotteryResult, task: LotteryTask, kind: "imp" | "random-pruning"): { x: number[]; y: number[]; err: number[] } {
  const runs = r.runs.filter((x) => x.task === task && r.size.seeds.includes(x.seed));
  const rounds = [...new Set(runs.filter((x) => x.kind === "imp").map((x) => x.round))].sort((a, b) => a - b);
  const points = rounds.flatMap((k) => {
    // The dense model is round 0 of both curves: random pruning at 0 % is no pruning.
    const s = summarise(runs.filter((x) => x.round === k && (x.kind === kind || (k === 0 && x.kind === "imp"))));
    return s ? [s] : [];
  });
  return { x: points.map((p) => 100 * p.sparsity), y: points.map((p) => 100 * p.mean), err: points.map((p) => 100 * p.std) };
}

/** Metric against sparsity, every IMP round a point, for IMP and random pruning (mean ± std over the seeds that ran it), the full model dashed. */
export function lotteryCurveFigure(r: LotteryResult, task: LotteryTask): Figure {
  const imp = curve(r, task, "imp");
  const rp = curve(r, task, "random-pruning");
  const full = lotteryArm(r, task, "full")!;
  const fig = lineFigure({
    title: `${COLUMN_NAMES[task]}: IMP vs random pruning (${r.preset}, ${r.miniature.name})`,
    xTitle: "sparsity of the prunable weights (%)", yTitle: `${TASK_METRIC[task].name} (%)`,
    series: [
      { name: "IMP, rewound to θ0", x: imp.x, y: imp.y },
      { name: "random pruning of θ0", x: rp.x, y: rp.y },
      { name: "full model", x: [0, Math.max(...imp.x, ...rp.x)], y: [100 * full.mean, 100 * full.mean], dash: "dash", markers: false },
    ],
  });
  [imp, rp].forEach((c, i) => (fig.data[i].error_y = { type: "data", array: c.err, visible: true }));
  return fig;
}

const HEAT_TYPES: MatrixType[] = ["query", "key", "value", "attention.output", "intermediate", "output"];

/** The ticket's sparsity as rows (layer) × columns (matrix type), in percent; the pooler its own row. */
export function ticketRows(t: TicketMap): Record<string, string | number>[] {
  const layers = [...new Set(t.matrices.map((m) => m.layer))];
  return layers.map((layer) => {
    const row: Record<string, string | number> = { layer: layer === "pooler" ? "pooler" : `layer ${layer}` };
    for (const type of [...HEAT_TYPES, ...(layer === "pooler" ? ["pooler" as MatrixType] : [])]) {
      const m = t.matrices.find((x) => x.layer === layer && x.type === type);
      if (m) row[type] = Number((100 * m.sparsity).toFixed(1));
    }
    return row;
  });
}

/** Heat map of one ticket's sparsity by layer × matrix type (plotly heatmap; the static SVG preview names it instead of drawing it). */
export function ticketHeatmapFigure(r: LotteryResult, task: LotteryTask): Figure {
  const t = r.tickets[task];
  if (!t) throw new Error(`the result holds no ticket for ${task}`);
  const rows = ticketRows(t);
  const types = [...HEAT_TYPES, ...(rows.some((row) => row.layer === "pooler") ? ["pooler"] : [])];
  return {
    data: [{
      type: "heatmap", name: "sparsity (%)", x: types, y: rows.map((row) => String(row.layer)),
      z: rows.map((row) => types.map((type) => (typeof row[type] === "number" ? row[type] : null))),
      colorscale: "Viridis", zmin: 0, zmax: 100, colorbar: { title: { text: "% pruned" } },
      text: rows.map((row) => types.map((type) => (typeof row[type] === "number" ? `${row[type]} %` : ""))), texttemplate: "%{text}",
    }],
    layout: {
      title: { text: `${COLUMN_NAMES[task]} ticket (seed ${t.seed}, ${pct(t.sparsity, 0)} % pruned): % pruned per matrix` },
      xaxis: { title: { text: "matrix" }, type: "category" }, yaxis: { title: { text: "layer" }, type: "category", autorange: "reversed" }, height: 200 + 40 * rows.length,
    },
  };
}
