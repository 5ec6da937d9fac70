/**
 * scripts/lab.js (`npm run lab`): option parsing, the arguments JupyterLab gets, and the clear
 * message + non-zero exit for each kind of bad input (no pip or JupyterLab needed: each case stops
 * before either is used; THIEVES_LAB_VENV points the script at a throwaway venv folder).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const LAB = path.join(ROOT, "scripts", "lab.js");
const { parseArgs, labArgs } = require(LAB) as {
  parseArgs(argv: string[]): { port?: number; ip: string; token?: string; browser: boolean; setupOnly: boolean; install: boolean; passThrough: string[] };
  labArgs(args: object, port: number): string[];
};

/** Runs lab.js; resolves its exit status and stderr. */
function lab(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [LAB, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("exit", (status) => (clearTimeout(timer), resolve({ status, stderr })));
  });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-lab-script-"));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("options parse; --Class.trait=value and everything after -- pass through to jupyter lab", () => {
  const a = parseArgs(["--no-browser", "--port=9001", "--ip", "0.0.0.0", "--token", "s3cret", "--ServerApp.x=1", "--", "--debug", "--port", "7"]);
  assert.equal(a.port, 9001);
  assert.equal(a.ip, "0.0.0.0");
  assert.equal(a.browser, false);
  assert.deepEqual(a.passThrough, ["--ServerApp.x=1", "--debug", "--port", "7"]);
  const argv = labArgs(a, 9001);
  for (const want of ["--ServerApp.port=9001", "--ServerApp.port_retries=0", "--ServerApp.ip=0.0.0.0", "--IdentityProvider.token=s3cret", "--ServerApp.open_browser=False", "--LabApp.default_url=/lab/tree/notebooks", `--ServerApp.root_dir=${ROOT}`]) {
    assert.ok(argv.includes(want), want);
  }
  assert.deepEqual(argv.slice(-4), ["--ServerApp.x=1", "--debug", "--port", "7"]);
  assert.equal(parseArgs([]).ip, "127.0.0.1");
  assert.ok(!labArgs(parseArgs([]), 8888).some((s) => s.startsWith("--IdentityProvider.token")), "no --token: Jupyter makes one");
});

test("bad usage exits 2 and says what is wrong", async () => {
  for (const [args, message] of [
    [["--prot", "3"], /unknown option --prot/],
    [["--port", "abc"], /--port abc: not a port number/],
    [["--port", "70000"], /not a port number/],
    [["--ip"], /--ip needs a value/],
  ] as const) {
    const r = await lab([...args]);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test("a taken port is reported at once, with how to pick another", async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  try {
    const r = await lab(["--no-browser", "--no-install", "--port", String(port)], { THIEVES_LAB_VENV: path.join(tmp, "never") });
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    assert.match(r.stderr, new RegExp(`fix: choose another: npm run lab -- --port ${port + 1}`));
  } finally {
    server.close();
  }
});

test("no Python, or a Python without venv: says what to install", async () => {
  const none = await lab(["--setup-only"], { THIEVES_LAB_VENV: path.join(tmp, "v-none"), THIEVES_LAB_PYTHON: path.join(tmp, "no-such-python3") });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /no-such-python3` was not found: JupyterLab needs Python 3\.9 or newer/);
  assert.match(none.stderr, /apt-get install -y python3 python3-venv/);

  // A python3 whose `ensurepip` is missing, as on Debian without python3-venv.
  const shadow = path.join(tmp, "no-ensurepip");
  fs.mkdirSync(shadow);
  fs.writeFileSync(path.join(shadow, "ensurepip.py"), 'raise ModuleNotFoundError("No module named \'ensurepip\'")\n');
  const wrapper = path.join(tmp, "python3-without-venv");
  fs.writeFileSync(wrapper, `#!/bin/sh\nPYTHONPATH=${shadow} exec python3 "$@"\n`, { mode: 0o755 });
  const noVenv = await lab(["--setup-only"], { THIEVES_LAB_VENV: path.join(tmp, "v-novenv"), THIEVES_LAB_PYTHON: wrapper });
  assert.equal(noVenv.status, 1, noVenv.stderr);
  assert.match(noVenv.stderr, /has no working `venv` module/);
  assert.match(noVenv.stderr, /apt-get install -y python3-venv/);
  assert.ok(!fs.existsSync(path.join(tmp, "v-novenv")), "no half-made venv is left behind");
});

test("a broken or foreign .venv: says so and how to recreate it; --no-install never installs", async () => {
  const broken = path.join(tmp, "v-broken");
  fs.mkdirSync(path.join(broken, "bin"), { recursive: true });
  fs.writeFileSync(path.join(broken, "pyvenv.cfg"), "home = /gone\n");
  fs.symlinkSync(path.join(tmp, "gone", "python3"), path.join(broken, "bin", "python"));
  const r1 = await lab(["--setup-only"], { THIEVES_LAB_VENV: broken });
  assert.equal(r1.status, 1);
  assert.match(r1.stderr, /v-broken is broken: .*bin\/python does not run/);
  assert.match(r1.stderr, /rm -rf \S*v-broken && npm run lab/);

  const foreign = path.join(tmp, "v-foreign");
  fs.mkdirSync(foreign);
  const r2 = await lab(["--setup-only"], { THIEVES_LAB_VENV: foreign });
  assert.equal(r2.status, 1);
  assert.match(r2.stderr, /is not a Python venv \(it has no pyvenv\.cfg\)/);

  const r3 = await lab(["--setup-only", "--no-install"], { THIEVES_LAB_VENV: path.join(tmp, "v-absent") });
  assert.equal(r3.status, 1);
  assert.match(r3.stderr, /there is no \S*v-absent .*\n  fix: run `npm run lab -- --setup-only`/);
  assert.ok(!fs.existsSync(path.join(tmp, "v-absent")));
});
