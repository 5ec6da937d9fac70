/**
 * What each task brings to the membership experiment (Krishna et al. 2020, §6.1): its victim
 * (the extraction experiments' victim, reused from their cache), the inputs the victim was
 * trained on, held-out real inputs it never saw, and the attacker's query generators
 * (RANDOM / WIKI / SHUFFLE) in that task's input form. Classification tasks (MNLI pairs, SST-2
 * sentences) and SQuAD (paragraph + question) differ only here.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { squadSplit } from "../data/squad";
import { Rng } from "../engine/rng";
import { FeatureExtractor, localQaVictimFeatures, localVictimFeatures } from "../defend/features";
import { LocalQaVictim } from "../extract/local-qa-victim";
import { LocalVictim } from "../extract/local-victim";
import { GeneratorName, generateQueries } from "../extract/queries";
import { ParagraphSource, buildParagraphSource, generateSquadQueries } from "../extract/squad-queries";
import { QaInput, VictimInput, inputText } from "../extract/victim";
import { QuerySource, buildQuerySource } from "../extract/wikitext-source";
import { EXTRACTION_SIZES, trainVictim } from "./extraction";
import { Preset } from "./presets";
import { SQUAD_EXTRACTION_SIZES, squadExtractionSplits, trainSquadVictim } from "./squad-extraction";
import { ClassificationTask, readTask } from "./tasks";

/** The slide's two tasks. */
export type MembershipTask = "mnli" | "squad";
export const MEMBERSHIP_TASKS: readonly MembershipTask[] = ["mnli", "squad"];

/** A victim opened for feature extraction: `features(inputs, kind)` reads it; `hidden` is H, the width of the last-layer part of a "both" row. */
export interface OpenVictim<Input> {
  features: FeatureExtractor<Input>;
  hidden: number;
  dispose(): void;
}

/** A task's inputs: the victim's training inputs, held-out real ones, and the attacker's queries in the same form. */
export interface MembershipInputs<Input> {
  task: MembershipTask | ClassificationTask;
  /** The victim's training inputs (members) and real inputs it was not trained on (dev / held-out articles). */
  train: Input[];
  held: Input[];
  /** `count` queries of a generator; SHUFFLE shuffles the words of `taskInputs`. A pure function of `seed`. */
  queries(generator: GeneratorName, count: number, seed: number, taskInputs: Input[]): Input[];
  /** One line of text per input, for example tables. */
  text(input: Input): string;
  /** The part a WIKI query drew from the corpus (a sentence, a paragraph): fresh evaluation queries share none with the training ones. */
  drawn(input: Input): string;
}

/** A task's victim, trained (or found in its experiment's cache). */
export interface MembershipVictim<Input> {
  /** The victim's model folder, and what identifies this training of it (for run keys). */
  victimDir: string;
  victimFingerprint: string;
  /** Tokens per input (per first window for SQuAD) the victim reads. */
  maxLength: number;
  open(batchSize: number): Promise<OpenVictim<Input>>;
}

export type MembershipTaskData<Input> = MembershipInputs<Input> & MembershipVictim<Input>;

// Building a source reads WikiText-2 (seconds); one per process is enough.
let querySource: QuerySource | undefined;
let paragraphSource: ParagraphSource | undefined;
const wikiSentences = () => (querySource ??= buildQuerySource());
const wikiParagraphs = () => (paragraphSource ??= buildParagraphSource());

/** What identifies one training of a victim: its record (victim.json) if any, and its weights' size and time. */
function fingerprint(dir: string): string {
  const info = path.join(dir, "victim.json");
  const weights = fs.statSync(path.join(dir, "model.safetensors"));
  const record = fs.existsSync(info) ? fs.readFileSync(info, "utf8") : "";
  return createHash("sha256").update(JSON.stringify({ dir: path.resolve(dir), record, bytes: weights.size, mtime: weights.mtimeMs })).digest("hex").slice(0, 16);
}

/** SST-2 or MNLI: the training set, the dev set, sentence / pair queries. */
export function classificationInputs(task: ClassificationTask): MembershipInputs<VictimInput> {
  const shape = task === "sst2" ? "single" : "pair";
  return {
    task,
    train: readTask(task, "train").inputs,
    held: readTask(task, "dev").inputs,
    queries: (generator, count, seed, taskInputs) => generateQueries({ generator, shape, count, seed, source: wikiSentences(), taskInputs }),
    text: inputText,
    drawn: (x) => (typeof x === "string" ? x : x.premise),
  };
}

/** The SST-2 or MNLI victim of the extraction experiment (trainVictim: made once, then cached). */
export async function classificationVictim(task: ClassificationTask, preset: Preset): Promise<MembershipVictim<VictimInput>> {
  const size = EXTRACTION_SIZES[preset];
  const victimDir = await trainVictim(task, preset, size);
  return {
    victimDir, victimFingerprint: fingerprint(victimDir), maxLength: size.maxLength,
    open: async (batchSize) => {
      const victim = await LocalVictim.load(victimDir, { maxLength: size.maxLength });
      return { features: localVictimFeatures(victim, batchSize), hidden: victim.model.config.hidden_size, dispose: () => victim.dispose() };
    },
  };
}

/**
 * SQuAD: the SQuAD extraction victim's training questions, every question of the held-out articles
 * (none of which it trained on; the extraction experiment scores only the first `devExamples` of
 * them), paragraph + question queries.
 */
export function squadInputs(preset: Preset): MembershipInputs<QaInput> {
  const size = SQUAD_EXTRACTION_SIZES[preset];
  const asInput = (x: QaInput): QaInput => ({ context: x.context, question: x.question });
  return {
    task: "squad",
    train: squadExtractionSplits(preset, size).train.map(asInput),
    held: squadSplit(0, size.evalArticles).eval.map(asInput),
    queries: (generator, count, seed, taskInputs) => generateSquadQueries({ generator, count, seed, source: generator === "SHUFFLE" ? undefined : wikiParagraphs(), taskInputs }),
    text: (x) => `${x.question} ‖ ${x.context}`,
    drawn: (x) => x.context,
  };
}

/** The SQuAD extraction experiment's victim (trainSquadVictim: made once, then cached). */
export async function squadVictim(preset: Preset): Promise<MembershipVictim<QaInput>> {
  const size = SQUAD_EXTRACTION_SIZES[preset];
  const victimDir = await trainSquadVictim(preset, size);
  const maxLength = size.maxLength;
  return {
    victimDir, victimFingerprint: fingerprint(victimDir), maxLength,
    open: async (batchSize) => {
      const victim = await LocalQaVictim.load(victimDir, { maxLength });
      return { features: localQaVictimFeatures(victim, { batchSize }), hidden: victim.model.config.hidden_size, dispose: () => victim.dispose() };
    },
  };
}

export function membershipInputs(task: MembershipTask, preset: Preset): MembershipInputs<VictimInput> | MembershipInputs<QaInput> {
  return task === "squad" ? squadInputs(preset) : classificationInputs(task);
}

/** A task's inputs and its victim (trained if not cached). */
export async function membershipTaskData(task: MembershipTask | ClassificationTask, preset: Preset): Promise<MembershipTaskData<VictimInput> | MembershipTaskData<QaInput>> {
  if (task === "squad") return { ...squadInputs(preset), ...(await squadVictim(preset)) };
  return { ...classificationInputs(task), ...(await classificationVictim(task, preset)) };
}

/** `n` items of `items` in a seeded random order (all of them when n is undefined or larger). */
export function sample<T>(items: readonly T[], n: number | undefined, seed: number, label: string): T[] {
  const order = Rng.derive(seed, label).shuffle(items.map((_, i) => i));
  return order.slice(0, n ?? items.length).map((i) => items[i]);
}

/**
 * A feature extractor over precomputed "both" rows ([last layer H | logits]): each kind is a
 * slice of them, so a victim is run once per input whatever the number of feature kinds. Rows it
 * gives are exactly what the victim's own extractor gives for that kind, so a classifier fit on
 * them works on the live victim (the server's gate).
 */
export function sliceExtractor(hidden: number): FeatureExtractor<number[]> {
  return (rows, kind) => rows.map((row) => (kind === "last-layer" ? row.slice(0, hidden) : kind === "logits" ? row.slice(hidden) : row));
}
