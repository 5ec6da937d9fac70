/**
 * Datasets that are not vendored (full MNLI, QQP, QNLI train, SQuAD train, BoolQ, WikiText-103):
 * downloaded from their canonical URL into a cache with Node's fetch when the network allows,
 * written atomically (temporary file, then rename) and checked against the registered hash.
 * Offline, the error says which file to place where by hand.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import { hashFile } from "./checksum";
import { RemoteDataset, RemoteFile, remoteDataset } from "./registry";

/** Options of `fetchDataset`. */
export interface FetchOptions {
  /** Cache folder. Default `$THIEVES_CACHE_DIR`, else ~/.cache/thieves-lab/datasets. */
  cacheDir?: string;
  /** Give up when no response or no data arrives for this long, in ms. Default 30,000. */
  timeoutMs?: number;
  /** Never touch the network (only the cache). Default: true when `$THIEVES_OFFLINE` is 1. */
  offline?: boolean;
}

/** The download cache folder (`$THIEVES_CACHE_DIR`, else ~/.cache/thieves-lab/datasets). */
export function cacheDir(): string {
  return process.env.THIEVES_CACHE_DIR ? path.resolve(process.env.THIEVES_CACHE_DIR) : path.join(os.homedir(), ".cache", "thieves-lab", "datasets");
}

/** Beside a file whose hash is not published: the sha256 seen when it was downloaded. */
const SEEN_SUFFIX = ".sha256";

const checked = new Set<string>();

/** Why a cached file is not the registered one, or undefined if it is (remembered per path, size and mtime). */
function badHash(file: string, entry: RemoteFile): string | undefined {
  const stat = fs.statSync(file);
  const key = `${file}\0${stat.size}\0${stat.mtimeMs}`;
  if (checked.has(key)) return undefined;
  const bad = hashMismatch(file, entry);
  if (!bad) checked.add(key);
  return bad;
}

function hashMismatch(file: string, entry: RemoteFile): string | undefined {
  if (entry.sha256) {
    const actual = hashFile(file);
    return actual === entry.sha256 ? undefined : `sha256 ${actual}, expected ${entry.sha256}`;
  }
  if (entry.md5) {
    const actual = hashFile(file, "md5");
    return actual === entry.md5 ? undefined : `md5 ${actual}, expected ${entry.md5}`;
  }
  const seen = file + SEEN_SUFFIX;
  if (!fs.existsSync(seen)) return undefined;
  const expected = fs.readFileSync(seen, "utf8").trim();
  const actual = hashFile(file);
  return actual === expected ? undefined : `sha256 ${actual}, expected ${expected} (recorded at download)`;
}

function reasonOf(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === "AbortError") return `no response or data for ${timeoutMs} ms`;
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message}: ${cause}` : String(e.message ?? error);
}

/** Streams `url` into the new file `temp`; returns the hashes of what was written. */
async function download(url: string, temp: string, timeoutMs: number): Promise<{ sha256: string; md5: string }> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), timeoutMs);
  // The timer restarts on every chunk, so a slow but live download is not cut off.
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), timeoutMs);
  };
  const fd = fs.openSync(temp, "w");
  try {
    const response = await fetch(url, { signal: controller.signal, redirect: "follow" });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    const sha256 = crypto.createHash("sha256");
    const md5 = crypto.createHash("md5");
    for await (const chunk of Readable.fromWeb(response.body as ReadableStream<Uint8Array>)) {
      alive();
      const bytes = chunk as Buffer;
      sha256.update(bytes);
      md5.update(bytes);
      fs.writeSync(fd, bytes);
    }
    return { sha256: sha256.digest("hex"), md5: md5.digest("hex") };
  } finally {
    clearTimeout(timer);
    fs.closeSync(fd);
  }
}

async function fetchFile(dataset: RemoteDataset, entry: RemoteFile, root: string, options: FetchOptions): Promise<string> {
  const target = path.join(root, entry.path);
  if (fs.existsSync(target)) {
    if (!badHash(target, entry)) return target;
    // A damaged cache entry is fetched again rather than reported: the cache is ours to repair.
    fs.rmSync(target, { force: true });
    fs.rmSync(target + SEEN_SUFFIX, { force: true });
  }
  const expected = entry.sha256 ? ` (sha256 ${entry.sha256})` : entry.md5 ? ` (md5 ${entry.md5})` : "";
  const placeIt = `place the file at ${target} yourself${expected}`;
  const offline = options.offline ?? process.env.THIEVES_OFFLINE === "1";
  if (offline) throw new Error(`${dataset.name}: ${entry.path} is not in the cache and downloads are off (THIEVES_OFFLINE=1); download ${entry.url} and ${placeIt}`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // A unique temporary name in the same folder: concurrent runs never see a partial file, and
  // rename within one file system is atomic.
  const temp = `${target}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.part`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    let got: { sha256: string; md5: string };
    try {
      got = await download(entry.url, temp, timeoutMs);
    } catch (error) {
      throw new Error(`could not download ${dataset.name} (${entry.path}) from ${entry.url} (${reasonOf(error, timeoutMs)}); ${placeIt}`);
    }
    const bad = entry.sha256 && got.sha256 !== entry.sha256 ? `sha256 ${got.sha256}, expected ${entry.sha256}` : entry.md5 && got.md5 !== entry.md5 ? `md5 ${got.md5}, expected ${entry.md5}` : undefined;
    if (bad) throw new Error(`downloaded ${dataset.name} (${entry.path}) from ${entry.url}, but it is not the registered file (${bad}): the source changed or the transfer was damaged. Nothing was kept; ${placeIt}`);
    if (!entry.sha256 && !entry.md5) fs.writeFileSync(target + SEEN_SUFFIX, got.sha256 + "\n");
    fs.renameSync(temp, target);
    return target;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/**
 * Makes every file of a remote dataset (a name from REMOTE_DATASETS, or an entry of that shape)
 * available locally, downloading what the cache lacks; returns the local path of each file, keyed
 * by its registry path. Throws "could not download X from URL (reason); place the file at PATH
 * yourself" when the network does not allow it.
 */
export async function fetchDataset(dataset: string | RemoteDataset, options: FetchOptions = {}): Promise<Record<string, string>> {
  const entry = typeof dataset === "string" ? remoteDataset(dataset) : dataset;
  const root = options.cacheDir ? path.resolve(options.cacheDir) : cacheDir();
  const files: Record<string, string> = {};
  for (const file of entry.files) files[file.path] = await fetchFile(entry, file, root, options);
  return files;
}
