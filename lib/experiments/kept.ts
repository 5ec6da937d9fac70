/** Results of finished runs kept on disk, so a rerun (or another process) reads them instead of training again. */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../model/safetensors";

/** A JSON record kept at `file`: read if there, else computed and written atomically. */
export async function kept<T>(file: string, compute: () => Promise<T>): Promise<T> {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  const value = await compute();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(value, null, 2) + "\n");
  return value;
}
