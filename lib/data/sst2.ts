/**
 * A minimal SST-2 reader (label<TAB>sentence, header line, CRLF in train). The full data layer with
 * checksums and arquero tables replaces it; the quickstart only needs rows.
 */
import * as fs from "node:fs";
import { datasetPath } from "./paths";

export interface Sst2Row {
  sentence: string;
  /** 1 positive, 0 negative. */
  label: number;
}

export function readSst2(split: "train" | "dev"): Sst2Row[] {
  const file = datasetPath(`sst2/${split}.tsv`);
  const lines = fs.readFileSync(file, "utf8").split(/\r?\n/).slice(1).filter((l) => l.trim());
  return lines.map((line, i) => {
    const tab = line.indexOf("\t");
    const label = Number(line.slice(0, tab));
    if (tab < 0 || (label !== 0 && label !== 1)) throw new Error(`${file}:${i + 2}: expected "label<TAB>sentence" with label 0 or 1, got ${JSON.stringify(line.slice(0, 60))}`);
    return { label, sentence: line.slice(tab + 1) };
  });
}
