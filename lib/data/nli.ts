/**
 * English NLI sets in datasets/nli/ (premise<TAB>hypothesis<TAB>label, label a word, header line):
 * MNLI dev matched / mismatched, a 39,226-pair sample of MNLI train, SNLI dev, SICK train / trial.
 * Labels are indexed as XNLI's, so a model trained here is evaluated on XNLI without remapping.
 */
import { readDatasetText } from "./text";
import { parseTsv, rowError } from "./tsv";

/** Label names by index: the XNLI / Hugging Face order. */
export const NLI_LABELS = ["entailment", "neutral", "contradiction"] as const;

/** 0 entailment, 1 neutral, 2 contradiction. */
export type NliLabel = 0 | 1 | 2;

export interface NliRow {
  premise: string;
  hypothesis: string;
  label: NliLabel;
}

/** The English NLI sets and their files under datasets/. */
export const NLI_SETS = {
  /** About 10 % of MNLI train (39,226 pairs, shuffled; no pair or premise shared with the dev sets). */
  mnli_train_sample: "nli/mnli_train_sample39k.tsv.gz",
  mnli_dev_matched: "nli/mnli_dev_matched.tsv",
  mnli_dev_mismatched: "nli/mnli_dev_mismatched.tsv",
  /** PTB-tokenised, the 158 pairs without a gold label removed. */
  snli_dev: "nli/snli_dev_tok.tsv",
  sick_train: "nli/sick_train.tsv",
  sick_trial: "nli/sick_trial.tsv",
} as const;

export type NliSetName = keyof typeof NLI_SETS;

/** Parses a premise/hypothesis/label TSV with label words; `file` names the source in errors. */
export function parseNli(text: string, file: string): NliRow[] {
  return parseTsv(text, file, { header: ["premise", "hypothesis", "label"] }).map(({ line, fields }) => {
    const label = NLI_LABELS.indexOf(fields[2] as (typeof NLI_LABELS)[number]);
    if (label < 0) throw rowError(file, line, `label ${NLI_LABELS.join(" / ")}`, fields[2]);
    return { premise: fields[0], hypothesis: fields[1], label: label as NliLabel };
  });
}

/** One English NLI set, checksum-verified. */
export function readNli(name: NliSetName): NliRow[] {
  const relative = NLI_SETS[name];
  if (!relative) throw new Error(`unknown NLI set "${name}"; the sets are ${Object.keys(NLI_SETS).join(", ")}`);
  const { file, text } = readDatasetText(relative);
  return parseNli(text, file);
}
