/**
 * API watermarking (Krishna et al. 2020, §6.2; the slides' "For small fraction of queries (0.1%),
 * return wrong output and store it as 'watermark'"). A wrapped victim answers a seeded, per-query
 * fraction of its queries wrongly — another label; for probabilities the flipped distribution
 * (the slide's 29.58 % → 70.42 % positive: the true label's and the watermark label's
 * probabilities swap); for QA another span of the context — and appends (query, watermark, true
 * answer) to an fsynced record before the answer leaves. An extractor trained on those answers
 * memorises the watermarks; `verifyWatermark` measures how often a suspect model gives the
 * watermark answers against how often it gives the true ones.
 */
import { Rng } from "../engine/rng";
import { Oracle, QaAnswer, QaInput, QaVictim, Victim, VictimAnswer, VictimInput } from "../extract/victim";
import { QueryLog, readQueryLog } from "../serve/query-log";
import { exactMatch } from "../train/squad-metric";
import { Defended, DefendedOracle, WatermarkReport } from "./defended";
import { queryKey, queryRng } from "./query-rng";
import { otherSpan } from "./spans";

/** The paper's share of watermarked queries, 0.1 %. */
export const DEFAULT_WATERMARK_FRACTION = 0.001;

export interface WatermarkOptions {
  /** Secret seed: it decides which queries are watermarked and with what answer. */
  seed: number;
  /** Share of queries answered with a watermark, in (0, 1]. Default 0.001 (0.1 %). */
  fraction?: number;
}

/** One watermarked query, as stored. */
export interface WatermarkEntry<Input = VictimInput, Answer = VictimAnswer> {
  query: Input;
  /** The wrong answer that was sent. */
  watermark: Answer;
  /** What the model answered. */
  truth: Answer;
  /** ISO 8601 time the answer was sent. */
  time: string;
}

function checkOptions(options: WatermarkOptions): number {
  if (!Number.isSafeInteger(options.seed)) throw new Error(`watermark seed must be an integer, got ${options.seed}`);
  const fraction = options.fraction ?? DEFAULT_WATERMARK_FRACTION;
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`watermark fraction must be in (0, 1], got ${fraction}`);
  return fraction;
}

/** Whether `input` is one of the watermarked queries for these options (the first draw of its stream). */
export function isWatermarked(input: VictimInput | QaInput, options: WatermarkOptions): boolean {
  return queryRng(options.seed, "watermark", input).uniform() < checkOptions(options);
}

/** Another label, uniformly among the others; with probabilities, the true label's and the new label's swapped. */
export function wrongLabel(answer: VictimAnswer, labels: number, rng: Rng): VictimAnswer {
  if (labels < 2) throw new Error(`a watermark needs at least 2 labels, got ${labels}`);
  const label = (answer.label + 1 + rng.int(labels - 1)) % labels;
  if (!answer.probabilities) return { label };
  const probabilities = [...answer.probabilities];
  [probabilities[answer.label], probabilities[label]] = [probabilities[label], probabilities[answer.label]];
  return { label, probabilities };
}

/** The append-only store of watermarks: JSON lines, each batch fdatasync'ed before `append` resolves. */
export class WatermarkRecord<Input = VictimInput, Answer = VictimAnswer> {
  private tail: Promise<void> = Promise.resolve();

  private constructor(private readonly log: QueryLog<WatermarkEntry<Input, Answer>>) {}

  get file(): string {
    return this.log.file;
  }

  /** Opens `file` for appending (created if absent, with its folders). */
  static async open<Input = VictimInput, Answer = VictimAnswer>(file: string): Promise<WatermarkRecord<Input, Answer>> {
    return new WatermarkRecord(await QueryLog.open<WatermarkEntry<Input, Answer>>(file));
  }

  /** Appends after every earlier append (concurrent batches never interleave) and resolves once on disk. */
  append(entries: WatermarkEntry<Input, Answer>[]): Promise<void> {
    const done = this.tail.then(() => this.log.append(entries));
    this.tail = done.catch(() => undefined); // a failed write fails its caller, not the next one
    return done;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.log.close();
  }
}

/**
 * The stored watermarks of `file`, each query once (its first entry: a watermarked query sent
 * again gets the same answer, and must not count twice in a verification), and the line
 * numbers that do not parse (a line cut short by a crash, never acknowledged).
 */
export function readWatermarks<Input = VictimInput, Answer = VictimAnswer>(file: string): { entries: WatermarkEntry<Input, Answer>[]; badLines: number[] } {
  const { records, badLines } = readQueryLog<WatermarkEntry<Input, Answer>>(file);
  const seen = new Set<string>();
  const entries = records.filter((e) => {
    const key = queryKey(e.query as VictimInput | QaInput);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { entries, badLines };
}

/** A wrong answer for `input`, drawn from `rng`; undefined when there is none (a one-word context). */
export type WrongAnswer<Input, Answer> = (input: Input, truth: Answer, rng: Rng) => Answer | undefined;

/** Any oracle, watermarked. */
export class Watermarked<Input extends VictimInput | QaInput, Answer> implements DefendedOracle<Input, Answer, WatermarkReport> {
  private readonly fraction: number;

  constructor(
    readonly inner: Oracle<Input, Answer>,
    private readonly wrong: WrongAnswer<Input, Answer>,
    readonly record: WatermarkRecord<Input, Answer>,
    private readonly options: WatermarkOptions,
  ) {
    this.fraction = checkOptions(options);
  }

  /** The inner answers with the watermarked ones replaced; resolves once their entries are on disk. */
  async answer(inputs: Input[]): Promise<Defended<Answer, WatermarkReport>> {
    const truths = await this.inner.query(inputs);
    const time = new Date().toISOString();
    const entries: WatermarkEntry<Input, Answer>[] = [];
    const watermarked: number[] = [];
    const answers = truths.map((truth, i) => {
      const rng = queryRng(this.options.seed, "watermark", inputs[i]);
      if (!(rng.uniform() < this.fraction)) return truth;
      const watermark = this.wrong(inputs[i], truth, rng);
      if (watermark === undefined) return truth;
      entries.push({ query: inputs[i], watermark, truth, time });
      watermarked.push(i);
      return watermark;
    });
    if (entries.length > 0) await this.record.append(entries);
    return { answers, report: { kind: "watermark", watermarked } };
  }

  async query(inputs: Input[]): Promise<Answer[]> {
    return (await this.answer(inputs)).answers;
  }
}

/** A classifier victim, watermarked with wrong labels (swapped probabilities when it exposes them). */
export class WatermarkedVictim extends Watermarked<VictimInput, VictimAnswer> implements Victim {
  constructor(inner: Victim, record: WatermarkRecord, options: WatermarkOptions) {
    super(inner, (_input, truth, rng) => wrongLabel(truth, inner.labels.length, rng), record, options);
    if (inner.labels.length < 2) throw new Error(`a watermark needs at least 2 labels; the victim has ${inner.labels.length}`);
  }

  get labels(): readonly string[] {
    return (this.inner as Victim).labels;
  }

  get exposesProbabilities(): boolean {
    return (this.inner as Victim).exposesProbabilities;
  }
}

/** A QA victim, watermarked with other spans of the context, as long as the true answer. */
export class WatermarkedQaVictim extends Watermarked<QaInput, QaAnswer> {
  constructor(inner: QaVictim, record: WatermarkRecord<QaInput, QaAnswer>, options: WatermarkOptions) {
    super(inner, (input, truth, rng) => otherSpan(rng, input.context, truth), record, options);
  }
}

/** How a suspect model's answers on the stored queries compare with the watermarks and with the truth. */
export interface WatermarkVerification {
  /** Stored queries asked. */
  queries: number;
  /** Mean match with the watermark answers (label agreement, or SQuAD exact match for spans), in [0, 1]. */
  watermarkMatch: number;
  /** Mean match with the victim's true answers. */
  trueMatch: number;
}

/** 1 when two classifier answers have the same label. */
export const sameLabel = (a: VictimAnswer, b: VictimAnswer): number => (a.label === b.label ? 1 : 0);

/** SQuAD exact match of two span answers (the slide's "EM"). */
export const sameSpan = (a: QaAnswer, b: QaAnswer): number => exactMatch(a.text, b.text);

/**
 * Asks `suspect` the stored queries. A model extracted from the watermarked API matches the
 * watermarks far more often than chance (it memorised them); one that learnt the task
 * elsewhere matches the true answers instead.
 */
export async function verifyWatermark<Input, Answer>(suspect: Oracle<Input, Answer>, entries: readonly WatermarkEntry<Input, Answer>[], same: (a: Answer, b: Answer) => number): Promise<WatermarkVerification> {
  if (entries.length === 0) throw new Error("verifyWatermark: no stored watermarks to verify against (a record of 0.1 % of the queries needs ≥ 1,000 queries for one)");
  const answers = await suspect.query(entries.map((e) => e.query));
  if (answers.length !== entries.length) throw new Error(`verifyWatermark: the suspect gave ${answers.length} answers to ${entries.length} queries`);
  let watermarkMatch = 0;
  let trueMatch = 0;
  answers.forEach((a, i) => {
    watermarkMatch += same(a, entries[i].watermark);
    trueMatch += same(a, entries[i].truth);
  });
  return { queries: entries.length, watermarkMatch: watermarkMatch / entries.length, trueMatch: trueMatch / entries.length };
}
