/**
 * Taking turns on a run folder that several processes share (experiments that reuse one
 * fine-tuned teacher, test files run in parallel): two trainers writing one checkpoint folder at
 * once would delete each other's partial checkpoints. The lock is a folder beside it (mkdir is
 * atomic) holding the owner's pid; a lock whose process is gone is taken over.
 */
import * as fs from "node:fs";
import * as path from "node:path";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

/** Runs `fn` while holding `<dir>.lock`, waiting (polling every `pollMs`) while another live process holds it. */
export async function withLock<T>(dir: string, fn: () => Promise<T>, pollMs = 200): Promise<T> {
  const lock = `${dir}.lock`;
  const owner = path.join(lock, "pid");
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(owner, String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    // No pid yet: its owner is between mkdir and write; wait for it.
    const pid = fs.existsSync(owner) ? Number(fs.readFileSync(owner, "utf8")) : NaN;
    if (pid > 0 && pid !== process.pid && !alive(pid)) {
      fs.rmSync(lock, { recursive: true, force: true });
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
