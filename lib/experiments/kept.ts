/** Results of finished runs kept on disk, so a rerun (or another process) reads them instead of training again. */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../model/safetensors";

/** The JSON record at `file` (a kept run, or an experiment's result file), or undefined when there is none yet. */
export function readKept<T>(file: string): T | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as T) : undefined;
}

/** A JSON record kept at `file`: read if there, else computed and written atomically. */
export async function kept<T>(file: string, compute: () => Promise<T>): Promise<T> {
  const found = readKept<T>(file);
  if (found !== undefined) return found;
  const value = await compute();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(value, null, 2) + "\n");
  return value;
}
