/**
 * SST-2 (Socher et al. 2013, GLUE sizes) from datasets/sst2/: label<TAB>sentence with a header
 * line (`label sentence` in train, which has CRLF line ends; `label content` in dev).
 */
import { readDatasetText } from "./text";
import { parseTsv, rowError } from "./tsv";

export interface Sst2Row {
  sentence: string;
  /** 1 positive, 0 negative. */
  label: 0 | 1;
}

export type Sst2Split = "train" | "dev";

const HEADERS: Record<Sst2Split, readonly string[]> = { train: ["label", "sentence"], dev: ["label", "content"] };

/** Parses an SST-2 TSV of `split` (whose header it expects); `file` names the source in errors. */
export function parseSst2(text: string, file: string, split: Sst2Split): Sst2Row[] {
  return parseTsv(text, file, { header: HEADERS[split] }).map(({ line, fields }) => {
    if (fields[0] !== "0" && fields[0] !== "1") throw rowError(file, line, "label 0 or 1 in column 1", fields[0]);
    return { label: fields[0] === "1" ? 1 : 0, sentence: fields[1] };
  });
}

/** SST-2 train (67,349 rows) or dev (872), checksum-verified. */
export function readSst2(split: Sst2Split): Sst2Row[] {
  if (split !== "train" && split !== "dev") throw new Error(`SST-2 split must be "train" or "dev", got "${split}"`);
  const { file, text } = readDatasetText(`sst2/${split}.tsv`);
  return parseSst2(text, file, split);
}
