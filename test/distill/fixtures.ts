/**
 * Shared pieces of the distillation recipe tests: tiny teacher and student configs on the toy
 * task, a temp folder per run, and the checks every recipe run gets (the loss falls, the tensor
 * count is flat, a second run with the same seed is identical).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { makeConfig } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";
import { fineTuneClassifier } from "../../lib/train/finetune";
import { TrainResult } from "../../lib/train/trainer";
import { toyConfig, toyExamples } from "../fixtures/toy-task";

/** 2 layers, H 16: the teacher. */
export const teacherConfig = makeConfig({ ...toyConfig, num_hidden_layers: 2 });
/** 1 layer, H 8: a narrower, shallower student. */
export const studentConfig = makeConfig({ ...toyConfig, hidden_size: 8, intermediate_size: 16 });

/** The toy task's training and dev sets. */
export const trainSet = toyExamples(512, 1);
export const dev = toyExamples(100, 2);

export const tmp = (label: string) => fs.mkdtempSync(path.join(os.tmpdir(), `thieves-distill-${label}-`));

/** What a run must show, and what is compared between two runs of the same seed. */
export interface RunRecord {
  losses: number[];
  /** tf.memory().numTensors at each evaluation, less the count at the first (all 0 when flat). */
  counts: number[];
  params: Record<string, number[]>;
}

/** `evaluate` hook that records the tensor count, and the record of a finished run. */
export function recorder(): { evaluate: () => Record<string, number>; record: (run: TrainResult, model: EncoderModel) => RunRecord } {
  const counts: number[] = [];
  return {
    evaluate: () => {
      counts.push(tf.memory().numTensors);
      return { tensors: counts[counts.length - 1] };
    },
    record: (run, model) => ({
      losses: run.log.filter((e) => e.loss !== undefined).map((e) => e.loss!),
      counts: counts.map((c) => c - counts[0]),
      params: Object.fromEntries([...model.params].map(([name, p]) => [name, Array.from(p.dataSync())])),
    }),
  };
}

/** The loss falls by `factor` from the first logged window to the last; the tensor count never moves. */
export function assertHealthy(r: RunRecord, what: string, factor = 0.9): void {
  const [first, last] = [r.losses[0], r.losses[r.losses.length - 1]];
  assert.ok(last < first * factor, `${what}: loss ${first} → ${last} (${r.losses.map((l) => l.toFixed(4)).join(", ")})`);
  assert.ok(r.counts.length >= 3, `${what}: expected several evaluations, got ${r.counts.length}`);
  assert.deepEqual(r.counts, r.counts.map(() => 0), `${what}: tensor count drifted by ${r.counts.join(", ")}`);
}

/** A teacher that has learned the toy task (60 steps, ~0.95 dev accuracy). */
export async function trainedTeacher(): Promise<EncoderModel> {
  const teacher = EncoderModel.create(teacherConfig, "sequence-classification", 1);
  const { accuracy } = await fineTuneClassifier(teacher, trainSet, dev, { outDir: tmp("teacher"), steps: 60, batchSize: 16, learningRate: 1e-2, progress: false });
  assert.ok(accuracy > 0.8, `the teacher should learn the toy task, accuracy ${accuracy}`);
  return teacher;
}

/** Counts the teacher's forward passes until `stop()`, which also asserts its weights did not change. */
export function watchTeacher(teacher: EncoderModel): { calls: () => number; stop: () => void } {
  const weights = [...teacher.params].map(([name, p]) => [name, Array.from(p.dataSync())] as const);
  const forward = teacher.forward;
  let calls = 0;
  teacher.forward = function (...args: Parameters<EncoderModel["forward"]>) {
    calls++;
    return forward.apply(this, args);
  };
  return {
    calls: () => calls,
    stop: () => {
      teacher.forward = forward;
      for (const [name, values] of weights) assert.deepEqual(Array.from(teacher.params.get(name)!.dataSync()), values, `teacher ${name} changed`);
    },
  };
}
