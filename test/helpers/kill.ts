/** For resume tests: SIGKILL a training child process once its checkpoint pointer reaches a step. */
import { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** Resolves after `child` was killed at (or after) checkpoint `step` and has exited; rejects if it finished first. */
export async function killAtCheckpoint(child: ChildProcess, checkpointsDir: string, step: number): Promise<void> {
  const latest = path.join(checkpointsDir, "latest");
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      const at = fs.existsSync(latest) ? Number(fs.readFileSync(latest, "utf8").trim().split("-")[1]) : 0;
      if (at >= step) {
        clearInterval(timer);
        child.kill("SIGKILL");
        resolve();
      }
    }, 5);
    child.on("exit", () => {
      clearInterval(timer);
      reject(new Error("the run finished before it could be killed"));
    });
  });
  if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.on("exit", r));
}
