/**
 * `writeFigurePngSync`: a PNG of a figure from synchronous code (`writeFigure`), by running
 * figure-png-worker.ts in a child Node process and waiting for it (a few seconds: Chromium starts
 * per call; `writeFigurePngs` draws many figures with one browser).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Figure } from "./figure";
import type { PngOptions } from "./figure-png";

/** The worker: figure-png-worker.ts run through tsx, or the compiled .js beside this file. */
function workerCommand(): { args: string[]; cwd: string } | undefined {
  const ts = path.join(__dirname, "figure-png-worker.ts");
  const js = path.join(__dirname, "figure-png-worker.js");
  // The project root, where `--import tsx` resolves from.
  const cwd = path.resolve(__dirname, "..", "..");
  if (fs.existsSync(ts)) return { args: ["--import", "tsx", ts], cwd };
  if (fs.existsSync(js)) return { args: [js], cwd };
  return undefined;
}

/** Writes `file` (PNG) from `figure`; throws with the reason when it cannot. */
export function writeFigurePngSync(figure: Figure, file: string, options: PngOptions = {}): string {
  const worker = workerCommand();
  if (!worker) throw new Error(`cannot find figure-png-worker beside ${__dirname}`);
  const timeout = (options.timeoutMs ?? 60_000) * 2;
  const r = spawnSync(process.execPath, worker.args, {
    cwd: worker.cwd,
    input: JSON.stringify({ jobs: [{ figure, file: path.resolve(file) }], options }),
    encoding: "utf8",
    timeout,
    maxBuffer: 16 << 20,
  });
  if (r.error) throw new Error(`the PNG worker did not finish: ${r.error.message}`);
  let reply: { written?: string[]; error?: string } = {};
  try {
    reply = JSON.parse(r.stdout);
  } catch {
    reply = { error: (r.stderr || r.stdout || `exit ${r.status}`).trim().split("\n").slice(-3).join(" | ") };
  }
  if (reply.error || r.status !== 0) throw new Error(reply.error ?? `the PNG worker exited with ${r.status}`);
  return file;
}
