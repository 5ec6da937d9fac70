/**
 * The two classification tasks the experiments fine-tune and attack: SST-2 (single sentences) and
 * MNLI (premise / hypothesis pairs; training on the vendored 39k-pair sample, dev matched), read
 * as inputs and label indices in one form for every experiment.
 */
import { NLI_LABELS, readNli } from "../data/nli";
import { readSst2 } from "../data/sst2";
import { VictimInput, encodeInput } from "../extract/victim";
import { TextTokenizer } from "../tokenize/tokenizer";
import { EncodedExample } from "../train/classify";

export type ClassificationTask = "sst2" | "mnli";
export const CLASSIFICATION_TASKS: readonly ClassificationTask[] = ["sst2", "mnli"];

/** Label names in index order (SST-2 0/1; MNLI as NLI_LABELS). */
export const TASK_LABELS: Record<ClassificationTask, string[]> = { sst2: ["negative", "positive"], mnli: [...NLI_LABELS] };

export interface TaskSplit {
  inputs: VictimInput[];
  labels: number[];
}

/** A task's training set or dev set, in file order. */
export function readTask(task: ClassificationTask, split: "train" | "dev"): TaskSplit {
  if (task === "sst2") {
    const rows = readSst2(split);
    return { inputs: rows.map((r) => r.sentence), labels: rows.map((r) => r.label) };
  }
  const rows = readNli(split === "train" ? "mnli_train_sample" : "mnli_dev_matched");
  return { inputs: rows.map((r) => ({ premise: r.premise, hypothesis: r.hypothesis })), labels: rows.map((r) => r.label) };
}

/** The first `n` examples of a split (all when n is undefined). */
export function headOf(split: TaskSplit, n?: number): TaskSplit {
  return { inputs: split.inputs.slice(0, n), labels: split.labels.slice(0, n) };
}

export interface TaskSplitSizes {
  maxLength: number;
  /** Training examples used (the first ones of the file). */
  trainExamples: number;
  /** Training examples held out (from the end of the training file) to choose settings; the dev set never chooses anything. */
  validationExamples: number;
  /** Dev examples scored; undefined: the whole dev set. */
  devExamples?: number;
}

/** Train (the first `trainExamples`), validation (the last `validationExamples` of the training file) and dev examples, encoded. */
export function encodeTaskSplits(tokenizer: TextTokenizer, task: ClassificationTask, size: TaskSplitSizes): Record<"train" | "validation" | "dev", EncodedExample[]> {
  const encode = (split: TaskSplit) => split.inputs.map((input, i) => ({ ...encodeInput(tokenizer, input, size.maxLength), label: split.labels[i] }));
  const train = readTask(task, "train");
  const held = train.inputs.length - size.validationExamples;
  const slice = (from: number, to?: number) => ({ inputs: train.inputs.slice(from, to), labels: train.labels.slice(from, to) });
  return {
    train: encode(slice(0, Math.min(size.trainExamples, held))),
    validation: encode(slice(held)),
    dev: encode(headOf(readTask(task, "dev"), size.devExamples)),
  };
}
