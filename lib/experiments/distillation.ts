/**
 * Knowledge distillation, DistilBERT style (Sanh et al. 2019; Hinton et al. 2015): a teacher
 * (a pretrained miniature fine-tuned on the task) against students of half its depth, each
 * fine-tuned on the same task data:
 *   - alone, random init: the student architecture trained from scratch on the hard labels;
 *   - alone, teacher layers: initialised from every other layer of the pretrained teacher, then
 *     trained on the hard labels (no teacher outputs);
 *   - task distillation: the same initialisation, trained on the fine-tuned teacher's soft
 *     targets (temperature T) mixed with the hard labels;
 *   - DistilBERT-style: the same initialisation, first distilled from the pretrained teacher
 *     during MLM pretraining (soft MLM targets + MLM + hidden cosine), then fine-tuned.
 * Dev accuracy (SST-2 dev, MNLI dev matched) over seeds, % of the teacher retained, parameters
 * and inference speed measured in the same process.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PROJECT_ROOT } from "../data/paths";
import { initStudent } from "../distill/student";
import { distilbertPretrain, distillTask } from "../distill/recipes";
import { backendInfo, initBackend } from "../engine/backend";
import { withLabels } from "../model/config";
import { EncoderModel } from "../model/encoder";
import { loadModel, saveModel } from "../model/io";
import { writeFileAtomic } from "../model/safetensors";
import { pretrainingCorpus } from "../pretrain/corpus";
import { miniature } from "../pretrain/miniatures";
import { MlmDataArgs, mlmScore } from "../pretrain/mlm";
import { packSequences } from "../pretrain/packing";
import { modelDir, pretrainMiniature } from "../pretrain/pretrain";
import { TextTokenizer } from "../tokenize/tokenizer";
import { copyTokenizerFiles } from "../tokenize/train";
import { EncodedExample, accuracyOf, collate, predictLabels } from "../train/classify";
import { fineTuneClassifier } from "../train/finetune";
import { Figure } from "../display/figure";
import { kept, readKept } from "./kept";
import { withLock } from "./lock";
import { Preset, resolvePreset } from "./presets";
import { meanStd, percentMeanStd } from "./stats";
import { CLASSIFICATION_TASKS, ClassificationTask, TASK_LABELS, encodeTaskSplits } from "./tasks";

export const STUDENT_VARIANTS = ["alone-random", "alone-teacher-layers", "task-distilled", "distilbert"] as const;
export type StudentVariant = (typeof STUDENT_VARIANTS)[number];

export const VARIANT_NAMES: Record<StudentVariant, string> = {
  "alone-random": "student alone (random init)",
  "alone-teacher-layers": "student alone (every other teacher layer)",
  "task-distilled": "task distillation (soft targets)",
  distilbert: "DistilBERT-style (distilled pretraining)",
};

export interface DistillationSize {
  /** The pretrained miniature that is the teacher; students keep every other one of its layers. */
  teacher: string;
  maxLength: number;
  batchSize: number;
  learningRate: number;
  /** Training examples of each task (the first ones of the file). */
  trainExamples: number;
  /** Dev examples scored; undefined: all. */
  devExamples?: number;
  teacherSteps: number;
  studentSteps: number;
  /** Soft-target temperature and the hard-label weight of task distillation. */
  temperature: number;
  alpha: number;
  /** DistilBERT's distilled MLM pretraining: steps, peak learning rate, sequence length, sequences kept (undefined: all). */
  distilbertSteps: number;
  distilbertLearningRate: number;
  distilbertSeqLen: number;
  distilbertSequences?: number;
  seeds: number[];
}

export const DISTILLATION_SIZES: Record<Preset, DistillationSize> = {
  tiny: { teacher: "en-L4-H256", maxLength: 32, batchSize: 16, learningRate: 1e-3, trainExamples: 256, devExamples: 64, teacherSteps: 8, studentSteps: 8, temperature: 2, alpha: 0.5, distilbertSteps: 6, distilbertLearningRate: 1e-3, distilbertSeqLen: 32, distilbertSequences: 200, seeds: [0, 1] },
  // learningRate: the pretraining experiment's held-out validation chose 3e-4 for both English miniatures' fine-tuning.
  small: { teacher: "en-L4-H256", maxLength: 64, batchSize: 32, learningRate: 3e-4, trainExamples: 20000, teacherSteps: 1200, studentSteps: 800, temperature: 2, alpha: 0.5, distilbertSteps: 600, distilbertLearningRate: 5e-4, distilbertSeqLen: 128, seeds: [0, 1, 2] },
  paper: { teacher: "en-L6-H256", maxLength: 128, batchSize: 32, learningRate: 1e-4, trainExamples: 39226, teacherSteps: 6000, studentSteps: 3000, temperature: 2, alpha: 0.5, distilbertSteps: 20000, distilbertLearningRate: 5e-4, distilbertSeqLen: 128, seeds: [0, 1, 2, 3, 4] },
};

/** The slides' DistilBERT table (Sanh et al. 2019, GLUE dev, medians of 5 runs), SST-2 and MNLI columns. */
export const PAPER_DISTILBERT: Record<"BERT-base" | "DistilBERT", Record<ClassificationTask, number>> = {
  "BERT-base": { sst2: 92.7, mnli: 86.7 },
  DistilBERT: { sst2: 91.3, mnli: 82.2 },
};

export interface StudentRun {
  task: ClassificationTask;
  variant: StudentVariant;
  seed: number;
  accuracy: number;
  /** Share of dev examples where the student's label is the teacher's. */
  agreement: number;
  steps: number;
  wallSeconds: number;
}

export interface ModelFacts {
  parameters: number;
  layers: number;
  hidden: number;
  /** Dev-set forward passes, tokens per second (same process, same batches). */
  inferTokensPerSecond: number;
}

export interface DistillationResult {
  experiment: "distillation";
  preset: Preset;
  backend: string;
  engine: string;
  size: DistillationSize;
  teachers: Record<ClassificationTask, { accuracy: number; wallSeconds: number }>;
  /** The DistilBERT-style pretraining: held-out MLM accuracy of teacher and student, and its wall time. */
  distilbert: { teacherMlm: number; studentMlm: number; steps: number; wallSeconds: number };
  models: { teacher: ModelFacts; student: ModelFacts };
  runs: StudentRun[];
  paper: typeof PAPER_DISTILBERT;
  wallSeconds: number;
}

/** Runs keyed by settings and the teacher checkpoint: changed sizes or a retrained miniature start fresh folders. */
function runsRoot(preset: Preset, size: DistillationSize, teacherCreatedAt: string): string {
  const key = createHash("sha256").update(JSON.stringify({ size, teacher: teacherCreatedAt })).digest("hex").slice(0, 10);
  return path.join(PROJECT_ROOT, "results", "runs", `distillation-${preset}`, key);
}

function resultFile(preset: Preset): string {
  return path.join(PROJECT_ROOT, "results", "distill", `distillation-${preset}.json`);
}

export function readDistillationResult(preset: string): DistillationResult | undefined {
  const file = resultFile(resolvePreset(preset));
  return readKept<DistillationResult>(file);
}

/**
 * Dev-set forward throughput (tokens/s) of each model on the same batches (at most 256 examples,
 * batches of 64): measured in alternating rounds after a warm-up, best round kept, so the order
 * of measurement and a busy moment do not decide the ratio.
 */
function inferenceSpeeds(models: EncoderModel[], examples: EncodedExample[], padId: number, rounds = 3): number[] {
  const sample = examples.slice(0, 256);
  const tokens = sample.reduce((n, e) => n + e.ids.length, 0);
  const batches: EncodedExample[][] = [];
  for (let i = 0; i < sample.length; i += 64) batches.push(sample.slice(i, i + 64));
  const pass = (model: EncoderModel) => {
    for (const b of batches) tf.tidy(() => void model.forward(collate(b, padId)).logits!.dataSync());
  };
  const best = models.map(() => 0);
  models.forEach(pass); // warm-up
  for (let round = 0; round < rounds; round++) {
    models.forEach((model, i) => {
      const start = process.hrtime.bigint();
      pass(model);
      best[i] = Math.max(best[i], tokens / (Number(process.hrtime.bigint() - start) / 1e9));
    });
  }
  return best;
}

function facts(model: EncoderModel, inferTokensPerSecond: number): ModelFacts {
  return { parameters: model.parameterCount(), layers: model.config.num_hidden_layers, hidden: model.config.hidden_size, inferTokensPerSecond };
}

/** What every distillation run of a preset shares: the sizes, the pretrained teacher's folder, its tokenizer and the run folder. */
export interface DistillationSetup {
  preset: Preset;
  size: DistillationSize;
  teacherDir: string;
  tokenizer: TextTokenizer;
  /** results/runs/distillation-<preset>/<key of the sizes and the teacher checkpoint>. */
  root: string;
}

/** The setup of a preset, pretraining the teacher's miniature first if it is not in models/. */
export async function distillationSetup(preset: Preset): Promise<DistillationSetup> {
  const size = DISTILLATION_SIZES[preset];
  const pretrained = await pretrainMiniature(size.teacher, { preset });
  const teacherDir = modelDir(size.teacher, preset);
  return { preset, size, teacherDir, tokenizer: await TextTokenizer.load(teacherDir), root: runsRoot(preset, size, pretrained.createdAt) };
}

/** A task's training and dev examples, encoded as every distillation run (and its teacher) sees them. */
export function distillationSets(setup: DistillationSetup, task: ClassificationTask): Record<"train" | "dev", EncodedExample[]> {
  const { maxLength, trainExamples, devExamples } = setup.size;
  return encodeTaskSplits(setup.tokenizer, task, { maxLength, trainExamples, validationExamples: 0, devExamples });
}

/**
 * The task's teacher: the pretrained miniature fine-tuned (seed 0) in the distillation run folder.
 * A finished one is loaded from its checkpoint, not trained again, so the TinyBERT and
 * pre-trained distillation experiments distil from this same teacher; processes take turns on it.
 */
export async function distillationTeacher(setup: DistillationSetup, task: ClassificationTask, sets: Record<"train" | "dev", EncodedExample[]>): Promise<{ model: EncoderModel; accuracy: number; wallSeconds: number }> {
  const name = `${task}-teacher`;
  const outDir = path.join(setup.root, name);
  return withLock(outDir, async () => {
    const model = loadModel(setup.teacherDir, { task: "sequence-classification", labels: TASK_LABELS[task], seed: 0 }).model;
    const { size } = setup;
    try {
      const taught = await fineTuneClassifier(model, sets.train, sets.dev, { outDir, steps: size.teacherSteps, batchSize: size.batchSize, learningRate: size.learningRate, seed: 0, label: name });
      return { model, accuracy: taught.accuracy, wallSeconds: taught.run.wallSeconds };
    } catch (err) {
      model.dispose();
      throw err;
    }
  });
}

/**
 * The whole experiment at a preset, written to results/distill/. `tasks` limits it to some tasks
 * (their runs are kept, no result file is written): two processes, one per task, share the
 * DistilBERT-style pretraining (the second waits for the first) and then train side by side; a
 * run without `tasks` collects them.
 */
export async function runDistillation(options: { preset?: string; reuse?: boolean; tasks?: ClassificationTask[] } = {}): Promise<DistillationResult> {
  const preset = resolvePreset(options.preset);
  const tasks = options.tasks ?? CLASSIFICATION_TASKS;
  for (const t of tasks) if (!CLASSIFICATION_TASKS.includes(t)) throw new Error(`unknown distillation task "${t}"; the tasks are ${CLASSIFICATION_TASKS.join(", ")}`);
  const saved = options.reuse ? readDistillationResult(preset) : undefined;
  if (saved) return saved;
  const started = Date.now();
  await initBackend();
  const setup = await distillationSetup(preset);
  const { size, teacherDir, root, tokenizer } = setup;
  const result: DistillationResult = {
    experiment: "distillation", preset, backend: backendInfo().name, engine: backendInfo().engine, size,
    teachers: {} as DistillationResult["teachers"], distilbert: { teacherMlm: 0, studentMlm: 0, steps: 0, wallSeconds: 0 },
    models: {} as DistillationResult["models"], runs: [], paper: PAPER_DISTILBERT, wallSeconds: 0,
  };

  // DistilBERT-style pretraining, once: every-other-layer student distilled from the pretrained teacher on its own corpus.
  // Made after the first task's teacher, so a process per task trains its teacher while the other pretrains.
  const distilbertDir = path.join(root, "distilbert", "model");
  const distilbertStudent = () => withLock(path.join(root, "distilbert"), () => kept(path.join(root, "distilbert", "outcome.json"), async () => {
    const teacher = loadModel(teacherDir, { task: "masked-lm" }).model;
    const student = initStudent(teacher, { task: "masked-lm", seed: 0 }).model;
    const corpus = pretrainingCorpus(miniature(size.teacher).family);
    const sequences = corpus.flatMap((part) => packSequences(part.train, tokenizer, { seqLen: size.distilbertSeqLen, maxSequences: size.distilbertSequences }));
    const heldOut = corpus.flatMap((part) => packSequences(part.heldOut, tokenizer, { seqLen: size.distilbertSeqLen, maxSequences: 128 }));
    const masking: MlmDataArgs = { maskId: tokenizer.maskId, vocabSize: tokenizer.vocabSize, specialIds: tokenizer.specialIds, padId: tokenizer.padId, seed: 0, copies: 10, maxPredictions: Math.round(size.distilbertSeqLen * 0.15) + 1 };
    const { run } = await distilbertPretrain(teacher, student, sequences, {
      outDir: path.join(root, "distilbert", "train"), steps: size.distilbertSteps, batchSize: size.batchSize, learningRate: size.distilbertLearningRate, seed: 0, masking, label: "DistilBERT-style pretraining",
    });
    const evalArgs = { ...masking, seed: 12345 };
    const outcome = { teacherMlm: mlmScore(teacher, heldOut, evalArgs).accuracy, studentMlm: mlmScore(student, heldOut, evalArgs).accuracy, steps: run.steps, wallSeconds: run.wallSeconds };
    saveModel(student, distilbertDir);
    copyTokenizerFiles(teacherDir, distilbertDir);
    teacher.dispose();
    student.dispose();
    return outcome;
  }));

  for (const task of tasks) {
    const labels = TASK_LABELS[task];
    const sets = distillationSets(setup, task);
    const fineTune = (model: EncoderModel, name: string, steps: number, seed: number) =>
      fineTuneClassifier(model, sets.train, sets.dev, { outDir: path.join(root, name), steps, batchSize: size.batchSize, learningRate: size.learningRate, seed, label: name });

    // The teacher: the pretrained miniature fine-tuned on the task (seed 0).
    const { model: teacher, accuracy, wallSeconds } = await distillationTeacher(setup, task, sets);
    result.teachers[task] = { accuracy, wallSeconds };
    result.distilbert = await distilbertStudent();
    const teacherDev = predictLabels(teacher, sets.dev);

    for (const seed of size.seeds) {
      for (const variant of STUDENT_VARIANTS) {
        const name = `${task}-${variant}-seed${seed}`;
        result.runs.push(await kept(path.join(root, name, "outcome.json"), async () => {
          const student = await makeStudent(variant, { teacherDir, distilbertDir, labels, seed });
          let steps: number;
          let wallSeconds: number;
          if (variant === "task-distilled") {
            const { run } = await distillTask(teacher, student, sets.train, {
              outDir: path.join(root, name), steps: size.studentSteps, batchSize: size.batchSize, learningRate: size.learningRate, seed,
              temperature: size.temperature, alpha: size.alpha, label: name,
            });
            [steps, wallSeconds] = [run.steps, run.wallSeconds];
          } else {
            const { run } = await fineTune(student, name, size.studentSteps, seed);
            [steps, wallSeconds] = [run.steps, run.wallSeconds];
          }
          const predicted = predictLabels(student, sets.dev);
          const run: StudentRun = { task, variant, seed, accuracy: accuracyOf(predicted, sets.dev), agreement: predicted.filter((p, i) => p === teacherDev[i]).length / predicted.length, steps, wallSeconds };
          student.dispose();
          return run;
        }));
      }
    }
    if (!result.models.teacher) {
      const student = await makeStudent("alone-random", { teacherDir, distilbertDir, labels, seed: 0 });
      const [teacherSpeed, studentSpeed] = inferenceSpeeds([teacher, student], sets.dev, tokenizer.padId);
      result.models = { teacher: facts(teacher, teacherSpeed), student: facts(student, studentSpeed) };
      student.dispose();
    }
    teacher.dispose();
  }
  result.wallSeconds = (Date.now() - started) / 1000;
  if (tasks.length === CLASSIFICATION_TASKS.length) writeFileAtomic(resultFile(preset), JSON.stringify(result, null, 2) + "\n");
  return result;
}

/** A fresh student of one variant, with a classifier head for `labels`. */
async function makeStudent(variant: StudentVariant, from: { teacherDir: string; distilbertDir: string; labels: string[]; seed: number }): Promise<EncoderModel> {
  if (variant === "distilbert") return loadModel(from.distilbertDir, { task: "sequence-classification", labels: from.labels, seed: from.seed }).model;
  const pretrained = loadModel(from.teacherDir, { task: "masked-lm" }).model;
  try {
    const { id2label, label2id } = withLabels(pretrained.config, from.labels);
    const { model } = initStudent(pretrained, { task: "sequence-classification", config: { id2label, label2id }, seed: from.seed });
    if (variant !== "alone-random") return model;
    // Same architecture, nothing from the teacher.
    const config = model.config;
    model.dispose();
    return EncoderModel.create(config, "sequence-classification", from.seed);
  } finally {
    pretrained.dispose();
  }
}

/** Per task: teacher and each student variant (accuracy mean ± std over seeds, % of the teacher, parameters, speed), the paper's rows below. */
export function distillationTable(r: DistillationResult, task: ClassificationTask): Record<string, string | number>[] {
  const teacher = r.teachers[task].accuracy;
  const rows: Record<string, string | number>[] = [{
    model: `teacher (${r.size.teacher}, fine-tuned)`, source: "ours", parameters: r.models.teacher.parameters.toLocaleString("en-US"), "dev accuracy (%)": (100 * teacher).toFixed(1),
    "% of teacher": "100.0", "inference (× teacher)": "1.00",
  }];
  for (const variant of STUDENT_VARIANTS) {
    const runs = r.runs.filter((x) => x.task === task && x.variant === variant);
    if (runs.length === 0) continue;
    const { mean } = meanStd(runs.map((x) => x.accuracy));
    rows.push({
      model: `${VARIANT_NAMES[variant]} (L${r.models.student.layers})`, source: "ours", parameters: r.models.student.parameters.toLocaleString("en-US"),
      "dev accuracy (%)": percentMeanStd(runs.map((x) => x.accuracy)), "% of teacher": (100 * mean / teacher).toFixed(1),
      "inference (× teacher)": (r.models.student.inferTokensPerSecond / r.models.teacher.inferTokensPerSecond).toFixed(2),
    });
  }
  for (const [model, scores] of Object.entries(r.paper)) {
    rows.push({ model, source: "paper (Sanh et al., GLUE dev)", parameters: "", "dev accuracy (%)": scores[task].toFixed(1), "% of teacher": (100 * scores[task] / r.paper["BERT-base"][task]).toFixed(1), "inference (× teacher)": "" });
  }
  return rows;
}

/** The claims, from our numbers: distilled students beat the student trained alone; the DistilBERT-style student keeps ≥ 90 % of the teacher. */
export function distillationVerdict(r: DistillationResult): string[] {
  const lines: string[] = [];
  for (const task of CLASSIFICATION_TASKS) {
    const stats = (variant: StudentVariant) => meanStd(r.runs.filter((x) => x.task === task && x.variant === variant).map((x) => x.accuracy));
    const alone = stats("alone-teacher-layers");
    for (const variant of ["task-distilled", "distilbert"] as StudentVariant[]) {
      const s = stats(variant);
      const gap = s.mean - alone.mean;
      const noise = Math.max(s.std, alone.std);
      lines.push(`${task}: ${VARIANT_NAMES[variant]} beats the same student trained alone: ${gap > 0 ? "held" : "did not hold"} (${(100 * s.mean).toFixed(1)} vs ${(100 * alone.mean).toFixed(1)}, gap ${(100 * gap).toFixed(1)} points${Math.abs(gap) < noise ? `, within noise: seeds' std ${(100 * noise).toFixed(1)}` : ""})`);
    }
    const kept = stats("distilbert").mean / r.teachers[task].accuracy;
    lines.push(`${task}: the DistilBERT-style student keeps ≥ 90 % of the teacher: ${kept >= 0.9 ? "held" : "did not hold"} (${(100 * kept).toFixed(1)} %; paper ${(100 * r.paper.DistilBERT[task] / r.paper["BERT-base"][task]).toFixed(1)} %)`);
  }
  return lines;
}

/** Dev accuracy per task: the teacher and each student variant (mean over seeds, ± std as error bars). */
export function distillationFigure(r: DistillationResult): Figure {
  const tasks = CLASSIFICATION_TASKS;
  const names = tasks.map((t) => (t === "sst2" ? "SST-2" : "MNLI"));
  const variantTrace = (variant: StudentVariant) => {
    const stats = tasks.map((task) => meanStd(r.runs.filter((x) => x.task === task && x.variant === variant).map((x) => x.accuracy)));
    return { type: "bar", name: VARIANT_NAMES[variant], x: names, y: stats.map((s) => s.mean), error_y: { type: "data", array: stats.map((s) => s.std), visible: true } };
  };
  return {
    data: [{ type: "bar", name: `teacher (${r.size.teacher})`, x: names, y: tasks.map((t) => r.teachers[t].accuracy) }, ...STUDENT_VARIANTS.map(variantTrace)],
    layout: {
      title: `Teacher vs L${r.models.student.layers} students (${r.preset}; mean ± std over ${r.size.seeds.length} seeds)`,
      xaxis: { type: "category" }, yaxis: { title: "dev accuracy" }, barmode: "group",
    },
  };
}
