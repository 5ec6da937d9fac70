/**
 * Turc et al. 2019, "Well-Read Students Learn Better: On the Importance of Pre-training Compact
 * Models" (arXiv:1908.08962), the slides' four-line figure: for each student size, four ways of
 * training it on one task, the fine-tuned teacher as the dashed line:
 *   - Basic Training: random init, the labelled training set (hard labels);
 *   - Distillation: random init, the teacher's soft targets on unlabelled task-domain text;
 *   - Pre-training + Fine-tuning: the pre-trained student, the labelled training set;
 *   - Pre-trained Distillation: the pre-trained student, the teacher's soft targets on the
 *     unlabelled text (the paper's optional fine-tuning afterwards is not run).
 * The teacher is notebook 02's (distillation.ts: en-L4-H256 fine-tuned). The unlabelled text is
 * the task's training inputs with their labels dropped, the same inputs the labelled strategies
 * see. Every strategy trains for the same steps at the student's learning rate.
 *
 * Every run keeps its outcome under results/runs/pretrained-distillation-<preset>/<settings hash>/;
 * the result is results/distill/pretrained-distillation-<preset>.json.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { PROJECT_ROOT } from "../data/paths";
import { teacherLogits } from "../distill/cache";
import { distillTask } from "../distill/recipes";
import { initStudent } from "../distill/student";
import { backendInfo, initBackend } from "../engine/backend";
import { inputText } from "../extract/victim";
import { withLabels } from "../model/config";
import { EncoderModel } from "../model/encoder";
import { loadModel } from "../model/io";
import { writeFileAtomic } from "../model/safetensors";
import { modelDir, pretrainMiniature } from "../pretrain/pretrain";
import { EncodedExample, accuracyOf, predictLabels, predictProbabilities } from "../train/classify";
import { fineTuneClassifier } from "../train/finetune";
import { distillationSets, distillationSetup, distillationTeacher } from "./distillation";
import { kept, readKept } from "./kept";
import { Preset, resolvePreset } from "./presets";
import { ClassificationTask, TASK_LABELS, readTask } from "./tasks";

export const STRATEGIES = ["basic", "distill", "pt-ft", "pd"] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** The names in the slides' legend. */
export const STRATEGY_NAMES: Record<Strategy, string> = {
  basic: "Basic Training",
  distill: "Distillation",
  "pt-ft": "Pre-training + Fine-tuning",
  pd: "Pre-trained Distillation",
};

const PRETRAINED: ReadonlySet<Strategy> = new Set<Strategy>(["pt-ft", "pd"]);
const DISTILLED: ReadonlySet<Strategy> = new Set<Strategy>(["distill", "pd"]);

/** Where a student size's pre-trained weights come from. */
export type PretrainedSource =
  /** An MLM-pretrained miniature of exactly this size (Turc et al.'s case). */
  | { miniature: string }
  /** Every other layer of an MLM-pretrained miniature (DistilBERT's initialisation): the only pre-trained L2-H256 we have. */
  | { everyOtherLayerOf: string };

export interface StudentSpec {
  /** The size's name as the paper's figure reads it (L layers, H hidden), at `small`. */
  id: string;
  pretrained: PretrainedSource;
  /** Peak learning rate of its four runs. */
  learningRate: number;
}

export interface PretrainedDistillationSize {
  students: StudentSpec[];
  tasks: ClassificationTask[];
  /** Optimizer steps of every run, whatever the strategy. */
  steps: number;
  /** Temperature of the soft targets (standard distillation: 1). */
  temperature: number;
  seeds: number[];
}

const STUDENTS = (learningRates: [number, number]): StudentSpec[] => [
  { id: "L2-H128", pretrained: { miniature: "en-L2-H128" }, learningRate: learningRates[0] },
  { id: "L2-H256", pretrained: { everyOtherLayerOf: "en-L4-H256" }, learningRate: learningRates[1] },
];

/**
 * Data, batch size and teacher are notebook 02's (DISTILLATION_SIZES of the same preset).
 * small, SST-2 only: measured here with other jobs on the cores and scaled to one free core (the
 * teacher's measured 0.44 s per step): ≈ 0.15 s per step of L2-H128 and ≈ 0.25 s of L2-H256, so
 * 4 strategies × 500 steps × 0.40 s ≈ 13 min per seed, ≈ 40 min for three, plus one teacher pass
 * over the 20,000 transfer inputs (≈ 0.5 min) and the teacher's fine-tune if notebook 02 has not
 * made it (≈ 9 min). MNLI's pairs are three times longer, so it waits for `paper`.
 * Learning rates: what the pretraining experiment's held-out validation chose (en-L2-H128 on SST-2:
 * 1e-3; en-L4-H256: 3e-4, as in notebook 02).
 */
export const PRETRAINED_DISTILLATION_SIZES: Record<Preset, PretrainedDistillationSize> = {
  tiny: { students: STUDENTS([1e-3, 1e-3]), tasks: ["sst2"], steps: 6, temperature: 1, seeds: [0, 1] },
  small: { students: STUDENTS([1e-3, 3e-4]), tasks: ["sst2"], steps: 500, temperature: 1, seeds: [0, 1, 2] },
  paper: { students: STUDENTS([3e-4, 1e-4]), tasks: ["sst2", "mnli"], steps: 3000, temperature: 1, seeds: [0, 1, 2, 3, 4] },
};

/** What the paper ran, beside what we run (from the slides' figure and the paper's abstract; the slides print no numbers). */
export const PAPER_TURC = {
  tasks: ["MNLI", "RTE", "SST-2", "Amazon Book Reviews"],
  studentSizes: "24 students: L ∈ {2, 4, 6, 8, 10, 12} layers × H ∈ {128, 256, 512, 768}",
  claim: "Pre-trained Distillation is best at every size; Distillation helps significantly over Basic Training (the slides' figure)",
};

export interface StrategyRun {
  task: ClassificationTask;
  student: string;
  strategy: Strategy;
  seed: number;
  accuracy: number;
  /** Share of dev examples where the student's label is the teacher's. */
  agreement: number;
  steps: number;
  wallSeconds: number;
}

export interface StudentFacts {
  layers: number;
  hidden: number;
  heads: number;
  parameters: number;
  /** Where the pre-trained strategies' weights come from, in words. */
  pretrainedFrom: string;
}

/** A transfer input with the label the distilled students never see and the teacher's soft target they learn from. */
export interface SoftTargetExample {
  input: string;
  label: string;
  /** The teacher's class probabilities, in TASK_LABELS order. */
  probabilities: number[];
}

/** How many of the first transfer inputs a result keeps with their soft targets (notebook 04 shows them without loading the teacher). */
export const SOFT_TARGET_EXAMPLES = 6;

export interface TeacherFacts {
  accuracy: number;
  wallSeconds: number;
  parameters: number;
  /** The first SOFT_TARGET_EXAMPLES transfer inputs and the teacher's soft targets on them; absent in results written before it was kept. */
  softTargets?: SoftTargetExample[];
}

/** The teacher's soft targets on the first `count` training inputs (the transfer set is those inputs, in order, unlabelled). */
export function softTargetExamples(teacher: EncoderModel, task: ClassificationTask, train: EncodedExample[], count = SOFT_TARGET_EXAMPLES): SoftTargetExample[] {
  const shown = train.slice(0, count);
  const inputs = readTask(task, "train").inputs;
  return predictProbabilities(teacher, shown).map((p, i) => ({ input: inputText(inputs[i]), label: TASK_LABELS[task][shown[i].label!], probabilities: Array.from(p) }));
}

export interface PretrainedDistillationResult {
  experiment: "pretrained-distillation";
  preset: Preset;
  backend: string;
  engine: string;
  size: PretrainedDistillationSize;
  /** Notebook 02's data and teacher settings these runs share; the transfer set is the training inputs, unlabelled. */
  data: { teacher: string; maxLength: number; batchSize: number; trainExamples: number; transferExamples: Partial<Record<ClassificationTask, number>>; devExamples: Partial<Record<ClassificationTask, number>>; teacherSteps: number };
  teachers: Partial<Record<ClassificationTask, TeacherFacts>>;
  students: Record<string, StudentFacts>;
  runs: StrategyRun[];
  paper: typeof PAPER_TURC;
  /** Training time of every run (teachers included), summed. */
  computeSeconds: number;
  wallSeconds: number;
}

function resultFile(preset: Preset): string {
  return path.join(PROJECT_ROOT, "results", "distill", `pretrained-distillation-${preset}.json`);
}

export function readPretrainedDistillationResult(preset: string): PretrainedDistillationResult | undefined {
  const file = resultFile(resolvePreset(preset));
  return readKept<PretrainedDistillationResult>(file);
}

function sourceMiniature(source: PretrainedSource): string {
  return "miniature" in source ? source.miniature : source.everyOtherLayerOf;
}

function describe(source: PretrainedSource): string {
  return "miniature" in source ? `${source.miniature} (MLM-pretrained at this size)` : `every other layer of ${source.everyOtherLayerOf} (MLM-pretrained, 2× deeper)`;
}

/** The student of a size with a classifier head for `labels`: its pre-trained weights, or the same architecture freshly initialised. */
export function makeStrategyStudent(spec: StudentSpec, pretrained: boolean, labels: string[], seed: number, preset: Preset): EncoderModel {
  const dir = modelDir(sourceMiniature(spec.pretrained), preset);
  let model: EncoderModel;
  if ("miniature" in spec.pretrained) {
    model = loadModel(dir, { task: "sequence-classification", labels, seed }).model;
  } else {
    const source = loadModel(dir, { task: "masked-lm" }).model;
    const { id2label, label2id } = withLabels(source.config, labels);
    model = initStudent(source, { task: "sequence-classification", config: { id2label, label2id }, seed }).model;
    source.dispose();
  }
  if (pretrained) return model;
  const config = model.config;
  model.dispose();
  return EncoderModel.create(config, "sequence-classification", seed);
}

/** Everything one task's runs share. */
interface TaskContext {
  task: ClassificationTask;
  preset: Preset;
  size: PretrainedDistillationSize;
  batchSize: number;
  teacher: EncoderModel;
  sets: Record<"train" | "dev", EncodedExample[]>;
  transfer: EncodedExample[];
  teacherDev: number[];
  /** The teacher's logits on the transfer set, computed at most once per task. */
  logits: () => Float32Array[];
}

/** One size, one strategy, one seed: trained, then scored on dev. */
async function trainStrategy(ctx: TaskContext, spec: StudentSpec, strategy: Strategy, seed: number, outDir: string): Promise<StrategyRun> {
  const { task, sets } = ctx;
  const student = makeStrategyStudent(spec, PRETRAINED.has(strategy), TASK_LABELS[task], seed, ctx.preset);
  try {
    const args = { outDir, steps: ctx.size.steps, batchSize: ctx.batchSize, learningRate: spec.learningRate, seed, label: `${task} ${spec.id} ${strategy} seed ${seed}` };
    const run = DISTILLED.has(strategy)
      ? (await distillTask(ctx.teacher, student, ctx.transfer, { ...args, temperature: ctx.size.temperature, teacherLogits: ctx.logits() })).run
      : (await fineTuneClassifier(student, sets.train, sets.dev, args)).run;
    const predicted = predictLabels(student, sets.dev);
    return {
      task, student: spec.id, strategy, seed, accuracy: accuracyOf(predicted, sets.dev),
      agreement: predicted.filter((p, i) => p === ctx.teacherDev[i]).length / predicted.length, steps: run.steps, wallSeconds: run.wallSeconds,
    };
  } finally {
    student.dispose();
  }
}

export interface RunPretrainedDistillationOptions {
  /** Default $THIEVES_PRESET, else small. */
  preset?: string;
  /** Return the saved result of the preset if there is one. Default false. */
  reuse?: boolean;
  /** Where finished runs are kept. Default results/runs/pretrained-distillation-<preset>; the teacher stays notebook 02's. */
  runsBase?: string;
}

export async function runPretrainedDistillation(options: RunPretrainedDistillationOptions = {}): Promise<PretrainedDistillationResult> {
  const preset = resolvePreset(options.preset);
  const saved = options.reuse ? readPretrainedDistillationResult(preset) : undefined;
  if (saved) return saved;
  const started = Date.now();
  const size = PRETRAINED_DISTILLATION_SIZES[preset];
  await initBackend();
  const setup = await distillationSetup(preset);
  const checkpoints: Record<string, string> = {};
  for (const spec of size.students) {
    const name = sourceMiniature(spec.pretrained);
    checkpoints[name] = (await pretrainMiniature(name, { preset })).createdAt;
  }
  // Keyed by the sizes, notebook 02's run folder (its sizes and teacher checkpoint) and the students' checkpoints.
  const key = createHash("sha256").update(JSON.stringify({ size, teacher: path.basename(setup.root), checkpoints })).digest("hex").slice(0, 10);
  const root = path.join(options.runsBase ?? path.join(PROJECT_ROOT, "results", "runs", `pretrained-distillation-${preset}`), key);
  const d = setup.size;
  const result: PretrainedDistillationResult = {
    experiment: "pretrained-distillation", preset, backend: backendInfo().name, engine: backendInfo().engine, size,
    data: { teacher: d.teacher, maxLength: d.maxLength, batchSize: d.batchSize, trainExamples: d.trainExamples, transferExamples: {}, devExamples: {}, teacherSteps: d.teacherSteps },
    teachers: {}, students: {}, runs: [], paper: PAPER_TURC, computeSeconds: 0, wallSeconds: 0,
  };
  for (const spec of size.students) {
    const model = makeStrategyStudent(spec, true, TASK_LABELS[size.tasks[0]], 0, preset);
    const c = model.config;
    result.students[spec.id] = { layers: c.num_hidden_layers, hidden: c.hidden_size, heads: c.num_attention_heads, parameters: model.parameterCount(), pretrainedFrom: describe(spec.pretrained) };
    model.dispose();
  }

  for (const task of size.tasks) {
    const sets = distillationSets(setup, task);
    const { model: teacher, accuracy, wallSeconds } = await distillationTeacher(setup, task, sets);
    result.teachers[task] = { accuracy, wallSeconds, parameters: teacher.parameterCount(), softTargets: softTargetExamples(teacher, task, sets.train) };
    result.computeSeconds += wallSeconds;
    const transfer = sets.train.map((e) => ({ ids: e.ids, ...(e.typeIds ? { typeIds: e.typeIds } : {}) })); // labels dropped
    result.data.transferExamples[task] = transfer.length;
    result.data.devExamples[task] = sets.dev.length;
    let cache: Float32Array[] | undefined;
    const ctx: TaskContext = {
      task, preset, size, batchSize: d.batchSize, teacher, sets, transfer, teacherDev: predictLabels(teacher, sets.dev),
      logits: () => (cache ??= teacherLogits(teacher, transfer)),
    };
    for (const seed of size.seeds) {
      for (const spec of size.students) {
        for (const strategy of STRATEGIES) {
          const name = `${task}-${spec.id}-${strategy}-seed${seed}`;
          const run = await kept(path.join(root, name, "outcome.json"), () => trainStrategy(ctx, spec, strategy, seed, path.join(root, name)));
          result.runs.push(run);
          result.computeSeconds += run.wallSeconds;
        }
      }
    }
    teacher.dispose();
  }
  result.wallSeconds = (Date.now() - started) / 1000;
  writeFileAtomic(resultFile(preset), JSON.stringify(result, null, 2) + "\n");
  return result;
}
