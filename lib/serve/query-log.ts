/**
 * The append-only query log: one JSON line per answered request (key id, time, inputs,
 * outputs), written through a file descriptor opened with O_APPEND and fdatasync'ed before
 * `append` resolves, so a line the caller saw confirmed survives a SIGKILL or a power cut.
 * Other append-only records of JSON lines use it too (the watermark record, lib/defend/watermark.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { DefenseReport } from "../defend/defended";
import { VictimInput } from "../extract/victim";
import { fsyncDirectory } from "./fsync-dir";

/** One answered request, as logged. */
export interface QueryRecord {
  /** The request id (a random UUID). */
  request: string;
  /** Key id. */
  key: string;
  /** ISO 8601 time the answer was ready. */
  time: string;
  inputs: VictimInput[];
  /** The predictions as sent to the client. */
  outputs: unknown[];
  /** What the key's defense did to them (keys with a `defense` only). */
  defense?: DefenseReport;
}

export class QueryLog<R = QueryRecord> {
  private constructor(readonly file: string, private readonly handle: fs.promises.FileHandle) {}

  /** Opens `file` for appending (created if absent, folders too). */
  static async open<R = QueryRecord>(file: string): Promise<QueryLog<R>> {
    await fs.promises.mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const handle = await fs.promises.open(file, "a"); // O_APPEND: every write lands at the end, whatever else appends
    fsyncDirectory(path.dirname(path.resolve(file))); // a new log file's name must survive a power cut too
    const log = new QueryLog<R>(file, handle);
    await log.endTornLine();
    return log;
  }

  /** A line cut short by a crash mid-write would swallow the next record; start a fresh line instead. */
  private async endTornLine(): Promise<void> {
    const { size } = await this.handle.stat();
    if (size === 0) return;
    const last = Buffer.alloc(1);
    const reader = await fs.promises.open(this.file, "r");
    try {
      await reader.read(last, 0, 1, size - 1);
    } finally {
      await reader.close();
    }
    if (last[0] !== 0x0a) await this.write("\n");
  }

  private async write(text: string): Promise<void> {
    const data = Buffer.from(text, "utf8");
    for (let off = 0; off < data.length; ) off += (await this.handle.write(data, off, data.length - off)).bytesWritten;
    await this.handle.datasync();
  }

  /** Appends records (one line each) and resolves once they are on disk. */
  append(records: R[]): Promise<void> {
    return this.write(records.map((r) => JSON.stringify(r) + "\n").join(""));
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/**
 * Every record in a log file, and the line numbers (1-based) that do not parse: a line cut short
 * by a crash mid-write (the server starts a fresh line after it on restart).
 */
export function readQueryLog<R = QueryRecord>(file: string): { records: R[]; badLines: number[] } {
  const records: R[] = [];
  const badLines: number[] = [];
  if (!fs.existsSync(file)) return { records, badLines };
  fs.readFileSync(file, "utf8").split("\n").forEach((line, i) => {
    if (!line) return;
    try {
      records.push(JSON.parse(line) as R);
    } catch {
      badLines.push(i + 1);
    }
  });
  return { records, badLines };
}
