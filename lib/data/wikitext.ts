/**
 * WikiText-2 v1 (Merity et al. 2016), tokenized, from datasets/wikitext-2/. The files have one
 * paragraph or heading per line, with empty lines between; headings look like ` = Title = ` and
 * ` = = Section = = `.
 */
import { readDatasetText, splitLines } from "./text";

export type WikitextSplit = "train" | "valid" | "test";

const FILES: Record<WikitextSplit, string> = { train: "wikitext-2/train.txt.gz", valid: "wikitext-2/valid.txt", test: "wikitext-2/test.txt" };

/** Options of `readWikitext2`. */
export interface WikitextOptions {
  /** Drop heading lines (` = Title = `, ` = = Section = = ` …). Default false: headings are text too. */
  dropHeadings?: boolean;
}

/** True for a heading line (after trimming): `= … =`, any depth. */
export function isWikitextHeading(line: string): boolean {
  return /^(= )+.*( =)+$/.test(line);
}

/**
 * The non-empty lines of a WikiText-2 split, trimmed (train 23,767 of its 36,718 lines; the
 * MANIFEST's line and token counts include the empty ones). Checksum-verified.
 */
export function readWikitext2(split: WikitextSplit, options: WikitextOptions = {}): string[] {
  const relative = FILES[split];
  if (!relative) throw new Error(`WikiText-2 split must be train, valid or test, got "${split}"`);
  const lines = splitLines(readDatasetText(relative).text).map((l) => l.trim()).filter(Boolean);
  return options.dropHeadings ? lines.filter((l) => !isWikitextHeading(l)) : lines;
}
