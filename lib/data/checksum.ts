/**
 * Checksums: every dataset file is verified against its registered sha256 before first use in a
 * process. The result is remembered per path, size and mtime, so a file read by many loaders is
 * hashed once, and a file changed on disk is hashed again.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT, datasetPath, datasetRoots } from "./paths";
import { VendoredFile, vendoredFile } from "./registry";

/** Hex digest of a file, read in chunks so large downloads need not fit in memory. */
export function hashFile(file: string, algorithm: "sha256" | "md5" = "sha256"): string {
  const hash = crypto.createHash(algorithm);
  const fd = fs.openSync(file, "r");
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      hash.update(chunk.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest("hex");
}

/** sha256 hex digest of bytes in memory. */
export function sha256(bytes: Uint8Array): string {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}

const verified = new Set<string>();

function memoKey(file: string, stat: fs.Stats): string {
  return `${file}\0${stat.size}\0${stat.mtimeMs}`;
}

function registered(relative: string): VendoredFile {
  const entry = vendoredFile(relative);
  if (!entry) throw new Error(`${relative} is not a registered dataset file (lib/data/registry.ts lists every file of datasets/MANIFEST.md); check the name, or register the file with its sha256`);
  return entry;
}

function mismatch(relative: string, file: string, entry: VendoredFile, actual: string, bytes: number): Error {
  const shared = path.join(PROJECT_ROOT, "..", "shared", "datasets", relative);
  const fix = path.resolve(file) === shared
    ? `the shared mirror itself is damaged: restore it from a checkout that has datasets/ (\`git checkout -- datasets/${relative}\`) or from the source in MANIFEST.md`
    : `re-copy it from ${shared} or restore it with \`git checkout -- datasets/${relative}\``;
  return new Error(
    `checksum mismatch for dataset file ${relative} (${file}): expected sha256 ${entry.sha256} (${entry.bytes} bytes), ` +
      `got ${actual} (${bytes} bytes). The file is damaged or was changed; ${fix}.`,
  );
}

/** Checks bytes read from `file` against the registry entry of `relative`; throws on mismatch. */
function check(relative: string, file: string, entry: VendoredFile, stat: fs.Stats, bytes?: Uint8Array): void {
  const key = memoKey(file, stat);
  if (verified.has(key)) return;
  const actual = bytes ? sha256(bytes) : hashFile(file);
  if (actual !== entry.sha256) throw mismatch(relative, file, entry, actual, bytes ? bytes.length : stat.size);
  verified.add(key);
}

/** Options of `verifiedFile` / `readVerified`. */
export interface VerifyOptions {
  /** Folders to search, in order. Default `datasetRoots()` ($THIEVES_DATASETS, datasets/, ../shared/datasets/). */
  roots?: readonly string[];
}

/**
 * The absolute path of a registered dataset file (relative to datasets/), after checking its
 * sha256. Throws naming the file, the expected and actual hash and the fix on a mismatch; saying
 * what to place where if it is missing; and naming it if it is not in the registry.
 */
export function verifiedFile(relative: string, options: VerifyOptions = {}): string {
  const entry = registered(relative);
  const file = datasetPath(relative, options.roots ?? datasetRoots());
  check(relative, file, entry, fs.statSync(file));
  return file;
}

/** The bytes of a registered dataset file, verified as `verifiedFile` does (hashing what was read). */
export function readVerified(relative: string, options: VerifyOptions = {}): { file: string; bytes: Buffer } {
  const entry = registered(relative);
  const file = datasetPath(relative, options.roots ?? datasetRoots());
  const stat = fs.statSync(file);
  const bytes = fs.readFileSync(file);
  check(relative, file, entry, stat, bytes);
  return { file, bytes };
}
