/**
 * CORD-19 abstracts (datasets/cord19/abstracts.txt.gz): 3,464 unique biomedical abstracts, one per
 * line; the Polyglots paper's out-of-domain text for the vocabulary ablation. Two entries are the
 * metadata's placeholders ("No .", "Not available."), kept so the count matches the MANIFEST.
 */
import { readDatasetText, splitLines } from "./text";

/** The 3,464 abstracts, checksum-verified. */
export function readCord19(): string[] {
  return splitLines(readDatasetText("cord19/abstracts.txt.gz").text).filter((l) => l.trim());
}
