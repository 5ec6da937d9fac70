/**
 * The vendored GLUE tasks (Wang et al. 2018) in the GLUE TSV form: CoLA, MRPC, RTE, STS-B, WNLI
 * train + dev and QNLI dev (QNLI train is remote: `fetchDataset("qnli")`). Read with no quoting,
 * as GLUE's own loaders do: several files have unbalanced `"`. Labels are indexed as in Hugging
 * Face `glue` (GLUE_LABELS).
 */
import { readDatasetText } from "./text";
import { TsvRow, parseTsv, rowError } from "./tsv";

export type GlueTask = "CoLA" | "MRPC" | "RTE" | "STS-B" | "WNLI" | "QNLI";
export type GlueSplit = "train" | "dev";

/** CoLA: is the sentence grammatical? The file has no header; column 3 is the original mark (`*`, `?`). */
export interface ColaRow {
  source: string;
  sentence: string;
  /** 1 acceptable, 0 unacceptable. */
  label: 0 | 1;
}

/** A sentence pair with a binary label (see GLUE_LABELS for what 0 and 1 mean per task). */
export interface SentencePairRow {
  sentence1: string;
  sentence2: string;
  label: 0 | 1;
}

/** MRPC: is sentence 2 a paraphrase of sentence 1? */
export interface MrpcRow extends SentencePairRow {
  id1: string;
  id2: string;
}

/** STS-B: similarity of two sentences. */
export interface StsbRow {
  sentence1: string;
  sentence2: string;
  /** In [0, 5]. */
  score: number;
  genre: string;
}

/** QNLI: does the sentence contain the answer to the question? */
export interface QnliRow {
  question: string;
  sentence: string;
  /** 0 entailment, 1 not_entailment. */
  label: 0 | 1;
}

/** The row type of each task. */
export interface GlueRows {
  CoLA: ColaRow;
  MRPC: MrpcRow;
  RTE: SentencePairRow;
  "STS-B": StsbRow;
  WNLI: SentencePairRow;
  QNLI: QnliRow;
}

/** Label names by index for the classification tasks (the Hugging Face `glue` order). */
export const GLUE_LABELS = {
  CoLA: ["unacceptable", "acceptable"],
  MRPC: ["not_equivalent", "equivalent"],
  RTE: ["entailment", "not_entailment"],
  WNLI: ["not_entailment", "entailment"],
  QNLI: ["entailment", "not_entailment"],
} as const;

interface GlueFormat<R> {
  header?: readonly string[];
  columns: number;
  parse(row: TsvRow, file: string): R;
}

function binary(file: string, row: TsvRow, column: number, names: readonly [string, string]): 0 | 1 {
  const value = row.fields[column];
  if (value === "0" || value === names[0]) return 0;
  if (value === "1" || value === names[1]) return 1;
  throw rowError(file, row.line, `label ${names.join(" / ")} in column ${column + 1}`, value);
}

function pairWords(names: readonly [string, string]): GlueFormat<SentencePairRow> {
  return {
    header: ["index", "sentence1", "sentence2", "label"],
    columns: 4,
    parse: (row, file) => ({ sentence1: row.fields[1], sentence2: row.fields[2], label: binary(file, row, 3, names) }),
  };
}

const FORMATS: { [T in GlueTask]: GlueFormat<GlueRows[T]> } = {
  CoLA: {
    columns: 4,
    parse: (row, file) => ({ source: row.fields[0], sentence: row.fields[3], label: binary(file, row, 1, ["0", "1"]) }),
  },
  MRPC: {
    header: ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"],
    columns: 5,
    parse: (row, file) => ({ id1: row.fields[1], id2: row.fields[2], sentence1: row.fields[3], sentence2: row.fields[4], label: binary(file, row, 0, ["0", "1"]) }),
  },
  RTE: pairWords(GLUE_LABELS.RTE),
  WNLI: pairWords(["0", "1"]),
  "STS-B": {
    header: ["index", "genre", "filename", "year", "old_index", "source1", "source2", "sentence1", "sentence2", "score"],
    columns: 10,
    parse: (row, file) => {
      const score = Number(row.fields[9]);
      if (row.fields[9] === "" || !(score >= 0 && score <= 5)) throw rowError(file, row.line, "a score in [0, 5] in column 10", row.fields[9]);
      return { genre: row.fields[1], sentence1: row.fields[7], sentence2: row.fields[8], score };
    },
  },
  QNLI: {
    header: ["index", "question", "sentence", "label"],
    columns: 4,
    parse: (row, file) => ({ question: row.fields[1], sentence: row.fields[2], label: binary(file, row, 3, GLUE_LABELS.QNLI) }),
  },
};

/** Parses one GLUE task's TSV; `file` names the source in errors. */
export function parseGlue<T extends GlueTask>(task: T, text: string, file: string): GlueRows[T][] {
  const format = FORMATS[task] as GlueFormat<GlueRows[T]>;
  return parseTsv(text, file, { header: format.header, columns: format.columns }).map((row) => format.parse(row, file));
}

/**
 * One split of a vendored GLUE task, checksum-verified. Sizes: CoLA 8,551 / 1,043, MRPC 3,668 /
 * 408, RTE 2,490 / 277, STS-B 5,749 / 1,500, WNLI 635 / 71, QNLI dev 5,463.
 */
export function readGlue<T extends GlueTask>(task: T, split: GlueSplit): GlueRows[T][] {
  if (!(task in FORMATS)) throw new Error(`unknown GLUE task "${task}"; vendored are ${Object.keys(FORMATS).join(", ")}`);
  if (split !== "train" && split !== "dev") throw new Error(`GLUE split must be "train" or "dev", got "${split}"`);
  if (task === "QNLI" && split === "train") throw new Error(`QNLI train is not vendored; fetchDataset("qnli") downloads the GLUE archive`);
  const { file, text } = readDatasetText(`glue/${task}/${split}.tsv`);
  return parseGlue(task, text, file);
}
