/**
 * TinyBERT's two stages and the ablation of its losses (Jiao et al. 2020, arXiv:1909.10351), on
 * notebook 02's teacher (distillation.ts: en-L4-H256 fine-tuned on the task) and a narrower,
 * shallower student, our pretrained en-L2-H128 miniature:
 *   - stage 1, intermediate-layer distillation: the student's attention maps, hidden states and
 *     embeddings are pulled towards the teacher's mapped layers (uniform map; the student's
 *     states go through learned projections to the teacher's width);
 *   - stage 2, prediction-layer distillation: soft cross-entropy on the teacher's logits (T = 1).
 * The ablation keeps stage 2 and changes stage 1: none (logits only), embeddings + hidden states,
 * embeddings + attention, all three; beside them the same student fine-tuned on the hard labels
 * alone. TinyBERT's general distillation (stage 1 on Wikipedia from the pretrained teacher) is
 * not run: the student starts from MLM pretraining instead, which plays its part.
 *
 * Dev accuracy over seeds, the attention gap (TinyBERT's attention loss on dev examples) before and
 * after, and one dev sentence's attention maps for the heat map. Every run keeps its outcome under
 * results/runs/tinybert-<preset>/<settings hash>/; the result is results/distill/tinybert-<preset>.json.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { PROJECT_ROOT } from "../data/paths";
import { attentionGap, attentionOf } from "../distill/attention-maps";
import { teacherLogits } from "../distill/cache";
import { LayerPair, layerMap } from "../distill/layer-map";
import { DistillRecipe } from "../distill/objective";
import { tinybertIntermediate, tinybertPrediction } from "../distill/recipes";
import { backendInfo, initBackend } from "../engine/backend";
import { inputText } from "../extract/victim";
import { EncoderModel } from "../model/encoder";
import { loadModel } from "../model/io";
import { writeFileAtomic } from "../model/safetensors";
import { modelDir, pretrainMiniature } from "../pretrain/pretrain";
import { TextTokenizer } from "../tokenize/tokenizer";
import { EncodedExample, accuracyOf, predictLabels } from "../train/classify";
import { fineTuneClassifier } from "../train/finetune";
import { distillationSets, distillationSetup, distillationTeacher } from "./distillation";
import { kept, readKept } from "./kept";
import { Preset, resolvePreset } from "./presets";
import { ClassificationTask, TASK_LABELS, readTask } from "./tasks";

export const TINYBERT_VARIANTS = ["alone", "logits", "hidden", "attention", "all"] as const;
export type TinyBertVariant = (typeof TINYBERT_VARIANTS)[number];

export const TINYBERT_VARIANT_NAMES: Record<TinyBertVariant, string> = {
  alone: "student alone (hard labels, no teacher)",
  logits: "logits only (stage 2 alone)",
  hidden: "+ hidden (stage 1: embeddings + hidden states)",
  attention: "+ attention (stage 1: embeddings + attention)",
  all: "all (stage 1: embeddings + hidden + attention)",
};

/** Stage 1's terms per variant, weight 1 each as in the paper; undefined: no stage 1. */
export const STAGE1_RECIPES: Record<TinyBertVariant, DistillRecipe | undefined> = {
  alone: undefined,
  logits: undefined,
  hidden: [{ loss: "embedding-mse", weight: 1 }, { loss: "hidden-mse", weight: 1 }],
  attention: [{ loss: "embedding-mse", weight: 1 }, { loss: "attention-mse", weight: 1 }],
  all: [{ loss: "attention-mse", weight: 1 }, { loss: "hidden-mse", weight: 1 }, { loss: "embedding-mse", weight: 1 }],
};

export interface TinyBertSize {
  /** The pretrained miniature the student starts from (our stand-in for TinyBERT's general distillation). */
  student: string;
  tasks: ClassificationTask[];
  /** Optimizer steps of stage 1 (intermediate layers). */
  stage1Steps: number;
  /** Optimizer steps of stage 2 (prediction layer), and of the student trained alone. */
  stage2Steps: number;
  /** Peak learning rate of both stages and of the student alone. */
  learningRate: number;
  /** Temperature of stage 2's soft targets (TinyBERT: 1). */
  temperature: number;
  /** Dev examples (the first ones) the attention gap is measured on. */
  gapExamples: number;
  seeds: number[];
}

/**
 * Data, batch size and teacher are notebook 02's (DISTILLATION_SIZES of the same preset).
 * small, SST-2 only: measured here with other jobs on the cores and scaled to one free core
 * (the teacher's measured 0.44 s per step): ≈ 0.15 s per stage-2 step of en-L2-H128, ≈ 0.18 s
 * per stage-1 step (a teacher forward included), so per seed 2 × 500 × 0.15 + 3 × 500 × 0.33
 * ≈ 11 min, ≈ 32 min for three seeds, plus one teacher pass over the 20,000 training inputs
 * (≈ 0.5 min) and the teacher's fine-tune if notebook 02 has not made it (≈ 9 min). MNLI's pairs
 * are three times longer (≈ 1.5 h at these steps), so it waits for `paper`.
 * learningRate 1e-3: what the pretraining experiment's held-out validation chose for en-L2-H128 on SST-2.
 * Stage 2 and the student alone take pre-trained distillation's steps and learning rate for
 * L2-H128, so "alone" and "logits only" are the very trainings of its Pre-training + Fine-tuning
 * and Pre-trained Distillation rows: the two notebooks must show the same numbers for them.
 */
export const TINYBERT_SIZES: Record<Preset, TinyBertSize> = {
  tiny: { student: "en-L2-H128", tasks: ["sst2"], stage1Steps: 6, stage2Steps: 6, learningRate: 1e-3, temperature: 1, gapExamples: 32, seeds: [0, 1] },
  small: { student: "en-L2-H128", tasks: ["sst2"], stage1Steps: 500, stage2Steps: 500, learningRate: 1e-3, temperature: 1, gapExamples: 256, seeds: [0, 1, 2] },
  paper: { student: "en-L2-H128", tasks: ["sst2", "mnli"], stage1Steps: 3000, stage2Steps: 3000, learningRate: 3e-4, temperature: 1, gapExamples: 1000, seeds: [0, 1, 2, 3, 4] },
};

/**
 * TinyBERT's ablation of its distillation objectives (Jiao et al. 2020: TinyBERT4 distilled from
 * BERT-base, GLUE dev; "w/o X" drops one loss from both stages). Paper numbers, from the paper's
 * ablation of the distillation objectives (arXiv:1909.10351, Findings of EMNLP 2020). That paper is
 * not in ../shared/papers (the slides show only the loss diagram), so these could not be checked
 * against a copy here: the notebook says so beside the table.
 */
export const PAPER_TINYBERT_ABLATION: { row: string; "MNLI-m": number; "MNLI-mm": number; MRPC: number; CoLA: number; avg: number }[] = [
  { row: "TinyBERT4", "MNLI-m": 82.8, "MNLI-mm": 82.9, MRPC: 85.8, CoLA: 50.8, avg: 75.6 },
  { row: "w/o Embd", "MNLI-m": 82.3, "MNLI-mm": 82.3, MRPC: 85.0, CoLA: 46.7, avg: 74.1 },
  { row: "w/o Pred", "MNLI-m": 80.5, "MNLI-mm": 81.0, MRPC: 84.3, CoLA: 48.2, avg: 73.5 },
  { row: "w/o Trm", "MNLI-m": 71.7, "MNLI-mm": 72.3, MRPC: 70.1, CoLA: 11.2, avg: 56.3 },
  { row: "w/o Attn", "MNLI-m": 79.9, "MNLI-mm": 80.7, MRPC: 82.3, CoLA: 41.1, avg: 71.0 },
  { row: "w/o Hidn", "MNLI-m": 81.7, "MNLI-mm": 82.1, MRPC: 84.1, CoLA: 43.7, avg: 72.9 },
];

/** The paper's row that trains what each of our variants trains (logits only keeps no embedding loss, unlike w/o Trm). */
export const PAPER_ROW: Record<TinyBertVariant, string | undefined> = { alone: undefined, logits: "w/o Trm", hidden: "w/o Attn", attention: "w/o Hidn", all: "TinyBERT4" };

export interface TinyBertRun {
  task: ClassificationTask;
  variant: TinyBertVariant;
  seed: number;
  accuracy: number;
  /** Share of dev examples where the student's label is the teacher's. */
  agreement: number;
  /** The attention gap on dev after stage 1 (variants with one) and at the end. */
  gap: { afterStage1?: number; final: number };
  steps: { stage1: number; stage2: number };
  wallSeconds: number;
}

/** Attention maps of one dev example: the teacher's layer paired with the student's last layer, and that student layer before and after. */
export interface AttentionProbe {
  task: ClassificationTask;
  /** The dev example as text (a pair as "premise ‖ hypothesis"), and its tokens. */
  text: string;
  tokens: string[];
  studentLayer: number;
  teacherLayer: number;
  /** [head][query][key] attention probabilities. */
  teacher: number[][][];
  before: number[][][];
  /** The `all` run of the first seed, after stage 1 and after stage 2. */
  afterStage1: number[][][];
  final: number[][][];
  variant: TinyBertVariant;
  seed: number;
}

export interface ModelSummary {
  name: string;
  layers: number;
  hidden: number;
  heads: number;
  parameters: number;
}

export interface TinyBertResult {
  experiment: "tinybert";
  preset: Preset;
  backend: string;
  engine: string;
  size: TinyBertSize;
  /** Notebook 02's data and teacher settings these runs share. */
  data: { teacher: string; maxLength: number; batchSize: number; trainExamples: number; devExamples: Partial<Record<ClassificationTask, number>>; teacherSteps: number };
  models: { teacher: ModelSummary; student: ModelSummary };
  layerMap: LayerPair[];
  teachers: Partial<Record<ClassificationTask, { accuracy: number; wallSeconds: number }>>;
  /** The attention gap of the pretrained student on dev, before any distillation. */
  gapBefore: Partial<Record<ClassificationTask, number>>;
  runs: TinyBertRun[];
  probes: Partial<Record<ClassificationTask, AttentionProbe>>;
  paper: typeof PAPER_TINYBERT_ABLATION;
  /** Training time of every run (teachers included), summed; a resumed or reused run counts its own time. */
  computeSeconds: number;
  wallSeconds: number;
}

function resultFile(preset: Preset): string {
  return path.join(PROJECT_ROOT, "results", "distill", `tinybert-${preset}.json`);
}

export function readTinyBertResult(preset: string): TinyBertResult | undefined {
  const file = resultFile(resolvePreset(preset));
  return readKept<TinyBertResult>(file);
}

function summary(name: string, model: EncoderModel): ModelSummary {
  const c = model.config;
  return { name, layers: c.num_hidden_layers, hidden: c.hidden_size, heads: c.num_attention_heads, parameters: model.parameterCount() };
}

/** The first dev example of 8 to 16 tokens (else the first), as the heat map's sentence. */
function probeIndex(dev: EncodedExample[]): number {
  const i = dev.findIndex((e) => e.ids.length >= 8 && e.ids.length <= 16);
  return i >= 0 ? i : 0;
}

function probeText(task: ClassificationTask, index: number): string {
  return inputText(readTask(task, "dev").inputs[index]);
}

/** Everything one task's runs share. */
interface TaskContext {
  task: ClassificationTask;
  size: TinyBertSize;
  batchSize: number;
  root: string;
  studentDir: string;
  teacher: EncoderModel;
  sets: Record<"train" | "dev", EncodedExample[]>;
  teacherDev: number[];
  /** The teacher's logits on the training inputs, computed at most once per task. */
  logits: () => Float32Array[];
  pairs: LayerPair[];
  gapSet: EncodedExample[];
  probe: EncodedExample;
}

/** The pretrained student with a fresh classifier head (seed: the head's init). */
function freshStudent(ctx: Pick<TaskContext, "studentDir" | "task">, seed: number): EncoderModel {
  return loadModel(ctx.studentDir, { task: "sequence-classification", labels: TASK_LABELS[ctx.task], seed }).model;
}

type RunOutcome = TinyBertRun & { maps?: { afterStage1: number[][][]; final: number[][][] } };

/** One variant, one seed: stage 1 if the variant has one, then stage 2 (or hard labels alone); dev scores and the attention gap. */
async function trainTinyBertVariant(ctx: TaskContext, variant: TinyBertVariant, seed: number, dir: string, withMaps: boolean): Promise<RunOutcome> {
  const { task, size, teacher, sets, pairs } = ctx;
  const label = `${task} ${variant} seed ${seed}`;
  const common = { batchSize: ctx.batchSize, learningRate: size.learningRate, seed };
  const lastLayer = pairs[pairs.length - 1].student;
  const student = freshStudent(ctx, seed);
  try {
    const recipe = STAGE1_RECIPES[variant];
    let stage1 = { steps: 0, wallSeconds: 0 };
    let afterStage1: { gap: number; maps?: number[][][] } | undefined;
    if (recipe) {
      const { run, projections } = await tinybertIntermediate(teacher, student, sets.train, { ...common, outDir: path.join(dir, "stage1"), steps: size.stage1Steps, recipe, layerMap: pairs, label: `${label}, stage 1` });
      projections?.dispose(); // TinyBERT throws the projections away after stage 1
      stage1 = run;
      afterStage1 = { gap: attentionGap(student, teacher, ctx.gapSet, pairs), maps: withMaps ? attentionOf(student, ctx.probe, lastLayer) : undefined };
    }
    const stage2Dir = path.join(dir, "stage2");
    let predicted: number[];
    let stage2: { steps: number; wallSeconds: number };
    if (variant === "alone") {
      const taught = await fineTuneClassifier(student, sets.train, sets.dev, { ...common, outDir: stage2Dir, steps: size.stage2Steps, label });
      [predicted, stage2] = [taught.predictions, taught.run];
    } else {
      const { run } = await tinybertPrediction(teacher, student, sets.train, { ...common, outDir: stage2Dir, steps: size.stage2Steps, temperature: size.temperature, teacherLogits: ctx.logits(), label: `${label}, stage 2` });
      [predicted, stage2] = [predictLabels(student, sets.dev), run];
    }
    const outcome: RunOutcome = {
      task, variant, seed, accuracy: accuracyOf(predicted, sets.dev), agreement: predicted.filter((p, i) => p === ctx.teacherDev[i]).length / predicted.length,
      gap: { ...(afterStage1 ? { afterStage1: afterStage1.gap } : {}), final: attentionGap(student, teacher, ctx.gapSet, pairs) },
      steps: { stage1: stage1.steps, stage2: stage2.steps }, wallSeconds: stage1.wallSeconds + stage2.wallSeconds,
    };
    if (withMaps) outcome.maps = { afterStage1: afterStage1?.maps ?? [], final: attentionOf(student, ctx.probe, lastLayer) };
    return outcome;
  } finally {
    student.dispose();
  }
}

/** Runs keyed by the sizes, notebook 02's run folder (its sizes and teacher checkpoint) and the student checkpoint. */
function runsRoot(base: string, size: TinyBertSize, teacherRoot: string, studentCreatedAt: string): string {
  const key = createHash("sha256").update(JSON.stringify({ size, teacher: path.basename(teacherRoot), student: studentCreatedAt })).digest("hex").slice(0, 10);
  return path.join(base, key);
}

export interface RunTinyBertOptions {
  /** Default $THIEVES_PRESET, else small. */
  preset?: string;
  /** Return the saved result of the preset if there is one. Default false. */
  reuse?: boolean;
  /** Where finished runs are kept. Default results/runs/tinybert-<preset>; the teacher stays notebook 02's. */
  runsBase?: string;
}

export async function runTinyBert(options: RunTinyBertOptions = {}): Promise<TinyBertResult> {
  const preset = resolvePreset(options.preset);
  const saved = options.reuse ? readTinyBertResult(preset) : undefined;
  if (saved) return saved;
  const started = Date.now();
  const size = TINYBERT_SIZES[preset];
  await initBackend();
  const setup = await distillationSetup(preset);
  const pretrainedStudent = await pretrainMiniature(size.student, { preset });
  const studentDir = modelDir(size.student, preset);
  const studentTokenizer = await TextTokenizer.load(studentDir);
  if (studentTokenizer.vocabSize !== setup.tokenizer.vocabSize) throw new Error(`${size.student} and ${setup.size.teacher} must share a vocabulary to be compared token by token`);
  const root = runsRoot(options.runsBase ?? path.join(PROJECT_ROOT, "results", "runs", `tinybert-${preset}`), size, setup.root, pretrainedStudent.createdAt);
  const d = setup.size;
  const result: TinyBertResult = {
    experiment: "tinybert", preset, backend: backendInfo().name, engine: backendInfo().engine, size,
    data: { teacher: d.teacher, maxLength: d.maxLength, batchSize: d.batchSize, trainExamples: d.trainExamples, devExamples: {}, teacherSteps: d.teacherSteps },
    models: {} as TinyBertResult["models"], layerMap: [], teachers: {}, gapBefore: {}, runs: [], probes: {}, paper: PAPER_TINYBERT_ABLATION, computeSeconds: 0, wallSeconds: 0,
  };

  for (const task of size.tasks) {
    const sets = distillationSets(setup, task);
    result.data.devExamples[task] = sets.dev.length;
    const { model: teacher, accuracy, wallSeconds } = await distillationTeacher(setup, task, sets);
    result.teachers[task] = { accuracy, wallSeconds };
    result.computeSeconds += wallSeconds;
    let cache: Float32Array[] | undefined;
    const probeAt = probeIndex(sets.dev);
    const ctx: TaskContext = {
      task, size, batchSize: d.batchSize, root, studentDir, teacher, sets, teacherDev: predictLabels(teacher, sets.dev),
      logits: () => (cache ??= teacherLogits(teacher, sets.train)), pairs: [], gapSet: sets.dev.slice(0, size.gapExamples), probe: sets.dev[probeAt],
    };
    const before = freshStudent(ctx, 0);
    ctx.pairs = layerMap(before.config.num_hidden_layers, teacher.config.num_hidden_layers);
    const last = ctx.pairs[ctx.pairs.length - 1];
    if (!result.models.teacher) {
      result.models = { teacher: summary(d.teacher, teacher), student: summary(size.student, before) };
      result.layerMap = ctx.pairs;
    }
    // Before any distillation: the pretrained student's attention (the same for every seed: only the head's init depends on it).
    const start = await kept(path.join(root, `${task}-before.json`), async () => ({
      gap: attentionGap(before, teacher, ctx.gapSet, ctx.pairs), teacher: attentionOf(teacher, ctx.probe, last.teacher), before: attentionOf(before, ctx.probe, last.student),
    }));
    before.dispose();
    result.gapBefore[task] = start.gap;

    for (const seed of size.seeds) {
      for (const variant of TINYBERT_VARIANTS) {
        const name = `${task}-${variant}-seed${seed}`;
        const withMaps = variant === "all" && seed === size.seeds[0];
        const { maps, ...run } = await kept(path.join(root, name, "outcome.json"), () => trainTinyBertVariant(ctx, variant, seed, path.join(root, name), withMaps));
        result.runs.push(run);
        result.computeSeconds += run.wallSeconds;
        if (maps) {
          result.probes[task] = {
            task, text: probeText(task, probeAt), tokens: ctx.probe.ids.map((id) => setup.tokenizer.decode([id], false)),
            studentLayer: last.student, teacherLayer: last.teacher, teacher: start.teacher, before: start.before, ...maps, variant, seed,
          };
        }
      }
    }
    teacher.dispose();
  }
  result.wallSeconds = (Date.now() - started) / 1000;
  writeFileAtomic(resultFile(preset), JSON.stringify(result, null, 2) + "\n");
  return result;
}
