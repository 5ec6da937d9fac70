/** Text of a verified dataset file: gunzipped when it ends in .gz, UTF-8, without a byte-order mark. */
import * as zlib from "node:zlib";
import { VerifyOptions, readVerified } from "./checksum";

/** Decoded text of a dataset file; `file` is its absolute path, for error messages. */
export interface DatasetText {
  file: string;
  text: string;
}

/** Reads, verifies and decodes a registered dataset file (relative to datasets/). */
export function readDatasetText(relative: string, options?: VerifyOptions): DatasetText {
  const { file, bytes } = readVerified(relative, options);
  const raw = relative.endsWith(".gz") ? zlib.gunzipSync(bytes) : bytes;
  const text = raw.toString("utf8");
  // MRPC's header starts with a BOM; it is not part of the first column's name.
  return { file, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

/** Lines of a text (LF or CRLF), without the empty string after a final newline. */
export function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) if (lines[i].endsWith("\r")) lines[i] = lines[i].slice(0, -1);
  return lines;
}

/** Runs of whitespace to one space, trimmed: the form the corpora's lines are stored in. */
export function collapseWhitespace(text: string): string {
  return text.split(/\s+/).filter(Boolean).join(" ");
}
