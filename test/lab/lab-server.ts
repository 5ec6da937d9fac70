/**
 * A throwaway JupyterLab for the browser test, started the way users start it (`scripts/lab.js`,
 * so from .venv with the project's tslab kernel registered there), on 127.0.0.1, a free port and
 * a random token, with its own config, data, runtime, settings, workspaces and checkpoint folders
 * (nothing of the user's Jupyter is read or changed; autosave is off, so the notebook on disk is
 * never rewritten).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const LAB = path.join(PROJECT_ROOT, "scripts", "lab.js");

export interface LabServer {
  url: string;
  token: string;
  /** What the server printed so far (for failure messages). */
  output(): string;
  /** Shuts the server and its kernels down (POST /api/shutdown, then signals); never throws. */
  stop(): Promise<void>;
}

/** Why the lab cannot run here (`lab.js --setup-only --no-install` fails), or undefined. */
export function labSetupProblem(): string | undefined {
  const r = spawnSync(process.execPath, [LAB, "--setup-only", "--no-install"], { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 60_000 });
  if (r.status === 0) return undefined;
  return (r.stderr || r.error?.message || `exit ${r.status}`).trim();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** JupyterLab settings (JSON) the test needs: no autosave, every cell rendered, no news pop-up. */
const SETTINGS: Record<string, object> = {
  "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": { autosave: false },
  "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": { windowingMode: "none" },
  "@jupyterlab/apputils-extension/notification.jupyterlab-settings": { fetchNews: "false", checkForUpdates: false },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the server and waits (≤ `timeoutMs`) until its API answers. */
export async function startLab(options: { env?: Record<string, string>; timeoutMs: number }): Promise<LabServer> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-lab-test-"));
  for (const [file, value] of Object.entries(SETTINGS)) {
    fs.mkdirSync(path.dirname(path.join(home, "settings", file)), { recursive: true });
    fs.writeFileSync(path.join(home, "settings", file), JSON.stringify(value));
  }
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [
      LAB, "--no-browser", "--no-install", "--ip", "127.0.0.1", "--port", String(port), "--token", token,
      "--LabApp.expose_app_in_browser=True",
      // Checkpoints (written when a notebook opens) go to the throwaway folder, not notebooks/.ipynb_checkpoints.
      `--FileCheckpoints.checkpoint_dir=${path.join(home, "checkpoints")}`,
    ],
    {
      cwd: PROJECT_ROOT,
      detached: true, // its own process group, so stop() can end everything it started
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        ...options.env,
        JUPYTERLAB_SETTINGS_DIR: path.join(home, "settings"),
        JUPYTERLAB_WORKSPACES_DIR: path.join(home, "workspaces"),
        JUPYTER_RUNTIME_DIR: path.join(home, "runtime"),
        JUPYTER_DATA_DIR: path.join(home, "data"),
        JUPYTER_CONFIG_DIR: path.join(home, "config"),
      },
    },
  );
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  // If the test process ends without stop() (a timeout, a crash), Jupyter still gets SIGTERM and
  // shuts its kernels down itself.
  const onExit = () => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      /* already gone */
    }
  };
  process.once("exit", onExit);

  const stop = async () => {
    try {
      if (!exited) {
        await fetch(`${url}/api/shutdown`, { method: "POST", headers: { Authorization: `token ${token}` }, signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
        for (const [signal, wait] of [[undefined, 10_000], ["SIGTERM", 5_000], ["SIGKILL", 2_000]] as const) {
          if (signal) {
            try {
              process.kill(-child.pid!, signal);
            } catch {
              /* already gone */
            }
          }
          if (await Promise.race([exit.then(() => true), sleep(wait).then(() => false)])) break;
        }
      }
      // Kernels run in their own sessions; the server shuts them down, and the group kill catches strays.
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* nothing left */
      }
    } finally {
      process.removeListener("exit", onExit);
      fs.rmSync(home, { recursive: true, force: true });
    }
  };

  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`JupyterLab exited before it served (exit ${child.exitCode}):\n${output.slice(-3000)}`);
    }
    const ok = await fetch(`${url}/api/status`, { headers: { Authorization: `token ${token}` }, signal: AbortSignal.timeout(2_000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`JupyterLab did not answer on ${url} within ${options.timeoutMs / 1000} s:\n${output.slice(-3000)}`);
    }
    await sleep(300);
  }
  return { url, token, output: () => output, stop };
}
