/**
 * The three extractors of the watermark table for one task and seed (Krishna et al. 2020, §6.2):
 * the same WIKI queries answered by the API without a watermark ("WIKI") and by the API with one
 * ("watermarked WIKI"), the latter trained twice — for the usual number of passes and for many
 * more (the slide's "10 epochs"). Each extractor is asked the API's stored watermark queries
 * (verifyWatermark): how often it gives the watermark answer, how often the true one. Task-agnostic:
 * the caller says how to train an extractor (classifier or span model) and how to compare answers.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { queryKey } from "../defend/query-rng";
import { Watermarked, WatermarkEntry, WatermarkRecord, readWatermarks, verifyWatermark } from "../defend/watermark";
import { Oracle, QaInput, VictimInput } from "../extract/victim";
import { kept } from "./kept";

/** Which of the table's three extractors. */
export type ExtractorKind = "clean" | "watermarked" | "watermarked-long";
export const EXTRACTOR_KINDS: readonly ExtractorKind[] = ["clean", "watermarked", "watermarked-long"];

/** What training one extractor measured on the real dev set. */
export interface TrainedScore {
  /** The task's dev score (MNLI accuracy; SQuAD F1), in [0, 1]. */
  dev: number;
  /** SQuAD exact match on dev (span tasks only). */
  devExact?: number;
  /** Agreement with the (unwatermarked) victim on dev: label agreement, or F1 against its spans. */
  agreement: number;
  steps: number;
  wallSeconds: number;
}

export interface WatermarkRun extends TrainedScore {
  task: string;
  kind: ExtractorKind;
  seed: number;
  /** Passes over the queries. */
  epochs: number;
  /** Attack queries the extractor was trained on. */
  queries: number;
  /** Stored watermark queries it was verified on (the API's record, each query once). */
  watermarks: number;
  /** Mean match with the watermark answers on those queries, in [0, 1] (label agreement or exact match). */
  watermarkMatch: number;
  /** Mean match with the victim's true answers on them. */
  trueMatch: number;
}

/**
 * Trains an extractor on (queries[i], answers[i]) for `epochs` passes, checkpointing in `outDir`;
 * `verify` must be called with the trained extractor as an oracle before it is disposed.
 */
export type TrainExtractor<Input, Answer> = (answers: Answer[], epochs: number, outDir: string, verify: (suspect: Oracle<Input, Answer>) => Promise<void>) => Promise<TrainedScore>;

export interface TrioArgs<Input extends VictimInput | QaInput, Answer> {
  task: string;
  seed: number;
  /** The attacker's queries. */
  queries: Input[];
  /** The API without a watermark. */
  api: Oracle<Input, Answer>;
  /** The same API behind a watermark that stores its watermarks in `record`. */
  watermark: (api: Oracle<Input, Answer>, record: WatermarkRecord<Input, Answer>) => Watermarked<Input, Answer>;
  /** 1 when two answers match (sameLabel, sameSpan). */
  same: (a: Answer, b: Answer) => number;
  train: TrainExtractor<Input, Answer>;
  epochs: number;
  longEpochs: number;
  /** Where the record, the extractors' checkpoints and their kept outcomes go. */
  outDir: string;
}

export interface TrioResult<Input, Answer> {
  runs: WatermarkRun[];
  /** The API's record for these queries (each watermarked query once). */
  entries: WatermarkEntry<Input, Answer>[];
}

const outcomeFile = (outDir: string, kind: ExtractorKind) => path.join(outDir, kind, "outcome.json");

/**
 * The three extractors of one (task, seed). Finished ones are kept beside their checkpoints; the
 * API is asked again only when one is missing (its answers and record are deterministic, so the
 * record is rewritten from scratch rather than appended to a second time).
 */
export async function watermarkTrio<Input extends VictimInput | QaInput, Answer>(args: TrioArgs<Input, Answer>): Promise<TrioResult<Input, Answer>> {
  if (!(args.epochs >= 1 && args.longEpochs >= 1)) throw new Error(`watermarkTrio: epochs must be ≥ 1, got ${args.epochs} and ${args.longEpochs}`);
  const recordFile = path.join(args.outDir, "watermarks.jsonl");
  const allKept = EXTRACTOR_KINDS.every((k) => fs.existsSync(outcomeFile(args.outDir, k))) && fs.existsSync(recordFile);
  let answers: { truths: Answer[]; marked: Answer[] } | undefined;
  if (!allKept) {
    const truths = await args.api.query(args.queries);
    fs.rmSync(recordFile, { force: true });
    const record = await WatermarkRecord.open<Input, Answer>(recordFile);
    // The watermarked API answers from the true answers already in hand: one victim pass, not two.
    const known = new Map(args.queries.map((q, i) => [queryKey(q), truths[i]]));
    const memo: Oracle<Input, Answer> = { query: async (inputs) => inputs.map((x) => known.get(queryKey(x))!) };
    const marked = await args.watermark(memo, record).query(args.queries);
    await record.close();
    answers = { truths, marked };
  }
  const { entries, badLines } = readWatermarks<Input, Answer>(recordFile);
  if (badLines.length > 0) throw new Error(`${recordFile}: lines ${badLines.join(", ")} do not parse; delete the file to rebuild it`);
  if (entries.length === 0) throw new Error(`${args.task} seed ${args.seed}: the API watermarked none of the ${args.queries.length} queries; raise the watermark fraction or the budget`);

  const runs: WatermarkRun[] = [];
  for (const kind of EXTRACTOR_KINDS) {
    runs.push(await kept(outcomeFile(args.outDir, kind), async () => {
      const epochs = kind === "watermarked-long" ? args.longEpochs : args.epochs;
      let verification: Awaited<ReturnType<typeof verifyWatermark>> | undefined;
      const score = await args.train(kind === "clean" ? answers!.truths : answers!.marked, epochs, path.join(args.outDir, kind), async (suspect) => {
        verification = await verifyWatermark(suspect, entries, args.same);
      });
      if (!verification) throw new Error(`${args.task} ${kind}: the extractor was never verified (train must call verify before disposing it)`);
      return { task: args.task, kind, seed: args.seed, epochs, queries: args.queries.length, watermarks: entries.length, watermarkMatch: verification.watermarkMatch, trueMatch: verification.trueMatch, ...score };
    }));
  }
  return { runs, entries };
}
