/**
 * Tab-separated files as the datasets store them: no quoting (a `"` is an ordinary character;
 * GLUE and MNLI have unbalanced ones), an optional header line, a fixed number of columns.
 */
import { VerifyOptions } from "./checksum";
import { readDatasetText, splitLines } from "./text";

/** One data row and its 1-based line number in the file. */
export interface TsvRow {
  line: number;
  fields: string[];
}

/** What a TSV file must look like. */
export interface TsvSpec {
  /** Expected header columns; omit for a file without a header line. */
  header?: readonly string[];
  /** Columns in every row. Default: the header's length. */
  columns?: number;
}

/** An error for a malformed row, naming file:line and what was expected. */
export function rowError(file: string, line: number, expected: string, got: string): Error {
  const shown = got.length > 120 ? `${got.slice(0, 120)}…` : got;
  return new Error(`${file}:${line}: expected ${expected}, got ${JSON.stringify(shown)}`);
}

/** Parses TSV text; `file` names the source in errors. */
export function parseTsv(text: string, file: string, spec: TsvSpec): TsvRow[] {
  const lines = splitLines(text);
  const columns = spec.columns ?? spec.header?.length;
  if (!columns) throw new Error(`parseTsv(${file}): give a header or a column count`);
  let first = 0;
  if (spec.header) {
    const expected = spec.header.join("\t");
    if (lines[0] !== expected) throw rowError(file, 1, `the header line ${JSON.stringify(expected)}`, lines[0] ?? "(empty file)");
    first = 1;
  }
  const rows: TsvRow[] = [];
  for (let i = first; i < lines.length; i++) {
    const fields = lines[i].split("\t");
    if (fields.length !== columns) throw rowError(file, i + 1, `${columns} tab-separated columns, found ${fields.length}`, lines[i]);
    rows.push({ line: i + 1, fields });
  }
  return rows;
}

/** Reads, verifies and parses a registered TSV dataset file. */
export function readTsv(relative: string, spec: TsvSpec, options?: VerifyOptions): { file: string; rows: TsvRow[] } {
  const { file, text } = readDatasetText(relative, options);
  return { file, rows: parseTsv(text, file, spec) };
}
