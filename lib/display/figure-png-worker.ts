/**
 * The child process behind `writeFigurePngSync`: reads `{jobs, options}` as JSON on stdin, draws
 * them with `writeFigurePngs`, and prints `{written}` or `{error}` as JSON on stdout.
 */
import { writeFigurePngs, type PngJob, type PngOptions } from "./figure-png";

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const { jobs, options } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { jobs: PngJob[]; options?: PngOptions };
  try {
    process.stdout.write(JSON.stringify({ written: await writeFigurePngs(jobs, options) }));
  } catch (err) {
    // playwright's messages carry the whole launch command and browser log: keep the first line.
    process.stdout.write(JSON.stringify({ error: String((err as Error).message).split("\n")[0].trim() }));
    process.exitCode = 1;
  }
}

void main();
