/**
 * XNLI 1.0 dev and test (Conneau et al. 2018) in 15 languages, from datasets/xnli/ (Hugging Face
 * layout: id<TAB>premise<TAB>hypothesis<TAB>label, label 0 entailment, 1 neutral, 2 contradiction).
 * The languages are parallel: row i has the same id and label in every language.
 */
import { NliLabel, NliRow } from "./nli";
import { readDatasetText } from "./text";
import { parseTsv, rowError } from "./tsv";

/** The 15 XNLI languages (ISO 639-1). */
export const XNLI_LANGUAGES = ["ar", "bg", "de", "el", "en", "es", "fr", "hi", "ru", "sw", "th", "tr", "ur", "vi", "zh"] as const;

export type XnliLanguage = (typeof XNLI_LANGUAGES)[number];

export type XnliSplit = "dev" | "test";

export interface XnliRow extends NliRow {
  /** Position in the split, the same across languages. */
  id: number;
}

/** The file of one language and split, relative to datasets/. */
export function xnliFile(lang: XnliLanguage, split: XnliSplit): string {
  return `xnli/xnli_${split === "dev" ? "validation" : "test"}_${lang}.tsv`;
}

/** Parses an XNLI TSV; `file` names the source in errors. */
export function parseXnli(text: string, file: string): XnliRow[] {
  return parseTsv(text, file, { header: ["id", "premise", "hypothesis", "label"] }).map(({ line, fields }) => {
    if (!/^\d+$/.test(fields[0])) throw rowError(file, line, "a numeric id in column 1", fields[0]);
    if (!/^[012]$/.test(fields[3])) throw rowError(file, line, "label 0, 1 or 2 in column 4", fields[3]);
    return { id: Number(fields[0]), premise: fields[1], hypothesis: fields[2], label: Number(fields[3]) as NliLabel };
  });
}

/** XNLI rows of one language: dev 2,490, test 5,010. Checksum-verified. */
export function readXnli(lang: XnliLanguage, split: XnliSplit): XnliRow[] {
  if (!XNLI_LANGUAGES.includes(lang)) throw new Error(`unknown XNLI language "${lang}"; the languages are ${XNLI_LANGUAGES.join(" ")}`);
  if (split !== "dev" && split !== "test") throw new Error(`XNLI split must be "dev" or "test", got "${split}"`);
  const { file, text } = readDatasetText(xnliFile(lang, split));
  return parseXnli(text, file);
}
