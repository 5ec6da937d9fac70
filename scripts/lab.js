#!/usr/bin/env node
/**
 * `npm run lab`: JupyterLab 4 on this project with the project's tslab TypeScript kernel, from a
 * project-local Python environment, offline once set up.
 *
 *   1. `.venv/` (git-ignored; CI's interop venv is the same folder and is shared): created with
 *      `python3 -m venv` when absent; `jupyterlab` 4 and `nbconvert` installed into it with pip
 *      when missing. pip resolves from whatever index your pip is configured with (`pip config
 *      list`); offline, point it at a wheelhouse: `PIP_NO_INDEX=1 PIP_FIND_LINKS=DIR npm run lab`.
 *   2. The tslab kernelspec (scripts/notebooks.js installKernel) registered in that venv
 *      (`jupyter kernelspec install --sys-prefix`), and its share/jupyter put first on JUPYTER_PATH
 *      so a "tslab" kernel in your user or system Jupyter cannot shadow it.
 *   3. JupyterLab serving the project root, opened at notebooks/.
 * A second run skips steps 1 and 2 (nothing changed) and starts in a few seconds.
 *
 * Usage: npm run lab -- [--no-browser] [--port N] [--ip HOST] [--token TOKEN]
 *                       [--setup-only] [--no-install] [--Class.trait=value ...] [-- JUPYTER_ARGS...]
 *   --port N       listen on N (it must be free); default the first free one from 8888
 *   --ip HOST      listen address; default 127.0.0.1 (0.0.0.0 for all interfaces)
 *   --token TOKEN  the access token (default: Jupyter makes one and prints the URL with it)
 *   --no-browser   do not open a web browser (for servers)
 *   --setup-only   create the venv and register the kernel, then exit (CI, tests)
 *   --no-install   fail instead of creating the venv or running pip
 *   --Class.trait=value, and everything after `--`, go to `jupyter lab` unchanged.
 * Environment: THIEVES_LAB_PYTHON  the Python that creates the venv (default python3);
 *              THIEVES_LAB_VENV    the venv folder (default .venv in the project root).
 * Exit status: 0 fine, 1 something is wrong (the message says what and how to fix it), 2 bad usage,
 * otherwise JupyterLab's own.
 */
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const path = require("node:path");
const { projectRoot, ensureKernelSpec, installKernel } = require("./notebooks");

const USAGE =
  "usage: npm run lab -- [--no-browser] [--port N] [--ip HOST] [--token TOKEN] [--setup-only] [--no-install] [--Class.trait=value ...] [-- JUPYTER_ARGS...]";
/** What pip installs into the venv. */
const REQUIREMENTS = ["jupyterlab>=4,<5", "nbconvert"];
const MIN_PYTHON = [3, 9];
const DEFAULT_PORT = 8888;
/** Ports tried upward from DEFAULT_PORT when --port is not given. */
const PORT_TRIES = 50;

/** A problem the user can fix: `message` says what is wrong, `fix` what to do. */
class LabError extends Error {
  constructor(message, fix, status = 1) {
    super(message);
    this.fix = fix;
    this.status = status;
  }
}

function parseArgs(argv) {
  const args = { port: undefined, ip: "127.0.0.1", token: undefined, browser: true, setupOnly: false, install: true, help: false, passThrough: [] };
  const value = (i, name) => {
    if (i >= argv.length || argv[i].startsWith("--")) throw new LabError(`${name} needs a value`, USAGE, 2);
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0 && !a.slice(2, eq).includes(".")) [a, inline] = [a.slice(0, eq), a.slice(eq + 1)];
    const take = (name) => (inline !== undefined ? inline : value(++i, name));
    if (a === "--") {
      args.passThrough.push(...argv.slice(i + 1));
      break;
    } else if (a === "-h" || a === "--help") args.help = true;
    else if (a === "--no-browser") args.browser = false;
    else if (a === "--setup-only") args.setupOnly = true;
    else if (a === "--no-install") args.install = false;
    else if (a === "--ip") args.ip = take("--ip");
    else if (a === "--token") args.token = take("--token");
    else if (a === "--port") {
      const text = take("--port");
      const port = Number(text);
      if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw new LabError(`--port ${text}: not a port number (1-65535)`, USAGE, 2);
      args.port = port;
    } else if (/^--[A-Za-z]\w*\.\w+=/.test(a)) args.passThrough.push(a);
    else throw new LabError(`unknown option ${a}`, `${USAGE}\n(options for Jupyter itself: --Class.trait=value, or put them after --)`, 2);
  }
  return args;
}

// ---------------------------------------------------------------------------------------------
// The venv
// ---------------------------------------------------------------------------------------------

const venvDir = path.resolve(process.env.THIEVES_LAB_VENV || path.join(projectRoot, ".venv"));
const venvRel = ((rel) => (rel.startsWith("..") ? venvDir : rel || "."))(path.relative(process.cwd(), venvDir));
const venvPython = path.join(venvDir, "bin", "python");
const venvShare = path.join(venvDir, "share", "jupyter");
const recreateFix = () => `remove it and run again (it is recreated; packages you added to it yourself, such as CI's torch, need reinstalling):\n  rm -rf ${venvRel} && npm run lab`;

/** Facts about the venv's Python, as JSON; `undefined` plus why when it does not run. */
const PROBE = [
  "import json, sys, importlib.metadata as m, importlib.util as u",
  "def v(n):",
  "    try: return m.version(n)",
  "    except m.PackageNotFoundError: return None",
  'print(json.dumps({"version": "%d.%d.%d" % sys.version_info[:3], "prefix": sys.prefix, "jupyterlab": v("jupyterlab"), "nbconvert": v("nbconvert"), "pip": u.find_spec("pip") is not None}))',
].join("\n");

function probeVenv() {
  const r = spawnSync(venvPython, ["-c", PROBE], { encoding: "utf8" });
  if (r.error) return { why: `${venvPython} does not run (${r.error.code || r.error.message})` };
  if (r.status !== 0) return { why: `${venvPython} fails: ${(r.stderr || "").trim().split("\n").pop()}` };
  try {
    return { info: JSON.parse(r.stdout.trim().split("\n").pop()) };
  } catch {
    return { why: `${venvPython} printed something unexpected: ${r.stdout.trim().slice(0, 200)}` };
  }
}

/** Creates the venv with the base Python, after checking that it exists, is new enough and has `venv`. */
function createVenv(log) {
  const python = process.env.THIEVES_LAB_PYTHON || "python3";
  const noPython = new LabError(
    `\`${python}\` was not found: JupyterLab needs Python ${MIN_PYTHON.join(".")} or newer to make ${venvRel}`,
    "install it (Debian/Ubuntu: sudo apt-get install -y python3 python3-venv), or name one with THIEVES_LAB_PYTHON=/path/to/python3",
  );
  const check = spawnSync(python, ["-c", 'import sys\nprint("%d.%d.%d" % sys.version_info[:3])\nimport venv, ensurepip'], { encoding: "utf8" });
  if (check.error) throw noPython;
  const version = (check.stdout || "").trim();
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw noPython;
  const [major, minor] = version.split(".").map(Number);
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    throw new LabError(`\`${python}\` is Python ${version}; JupyterLab 4 needs ${MIN_PYTHON.join(".")} or newer`, "install a newer Python and name it with THIEVES_LAB_PYTHON=/path/to/python3");
  }
  if (check.status !== 0) {
    throw new LabError(
      `\`${python}\` (Python ${version}) has no working \`venv\` module (${(check.stderr || "").trim().split("\n").pop()})`,
      `install it: Debian/Ubuntu: sudo apt-get install -y python3-venv   (or python${major}.${minor}-venv)`,
    );
  }
  log(`lab: creating ${venvRel} with ${python} (Python ${version})`);
  const r = spawnSync(python, ["-m", "venv", venvDir], { encoding: "utf8", stdio: ["ignore", "inherit", "pipe"] });
  if (r.status !== 0) {
    fs.rmSync(venvDir, { recursive: true, force: true });
    throw new LabError(
      `\`${python} -m venv ${venvRel}\` failed: ${(r.stderr || r.error?.message || "").trim().split("\n").slice(-3).join(" | ")}`,
      "Debian/Ubuntu: sudo apt-get install -y python3-venv; then npm run lab",
    );
  }
}

const hasLab = (info) => Boolean(info.jupyterlab && info.jupyterlab.split(".")[0] === "4" && info.nbconvert);

/** The venv, created and with JupyterLab 4 + nbconvert when `install`; returns its probe. */
function ensureVenv({ install, log }) {
  if (!fs.existsSync(venvDir)) {
    if (!install) throw new LabError(`there is no ${venvRel} (the lab's Python environment)`, "run `npm run lab -- --setup-only` once (creates it with pip)");
    createVenv(log);
  }
  if (!fs.statSync(venvDir).isDirectory()) throw new LabError(`${venvRel} is not a folder`, recreateFix());
  if (!fs.existsSync(path.join(venvDir, "pyvenv.cfg"))) throw new LabError(`${venvRel} is not a Python venv (it has no pyvenv.cfg)`, recreateFix());
  let { info, why } = probeVenv();
  if (!info) throw new LabError(`${venvRel} is broken: ${why} (was the Python it was made from moved, upgraded or removed?)`, recreateFix());
  if (hasLab(info)) return info;
  const have = info.jupyterlab ? `jupyterlab ${info.jupyterlab}` : "no jupyterlab";
  if (!install) {
    throw new LabError(`${venvRel} has ${have}${info.nbconvert ? "" : " and no nbconvert"}; the lab needs jupyterlab 4 and nbconvert`, "run `npm run lab -- --setup-only` (installs them with pip)");
  }
  if (!info.pip) throw new LabError(`${venvRel} has no pip, so jupyterlab cannot be installed into it`, `${venvPython} -m ensurepip, or ${recreateFix()}`);
  log(`lab: ${venvRel} has ${have}: installing ${REQUIREMENTS.join(" ")} with pip (first run only; pip uses your pip configuration)`);
  const pip = spawnSync(venvPython, ["-m", "pip", "install", "-q", "--disable-pip-version-check", ...REQUIREMENTS], { stdio: ["ignore", "inherit", "inherit"] });
  ({ info, why } = probeVenv());
  if (pip.status !== 0 || !info || !hasLab(info)) {
    throw new LabError(
      `pip could not install ${REQUIREMENTS.join(" ")} into ${venvRel} (${pip.error ? pip.error.message : `exit ${pip.status}`}; pip's messages are above)`,
      [
        "pip installs from the index your pip is configured with (see `pip config list`).",
        "  Offline, point it at a folder of wheels:  PIP_NO_INDEX=1 PIP_FIND_LINKS=/path/to/wheels npm run lab",
        `  or install them yourself:  ${venvPython} -m pip install '${REQUIREMENTS[0]}' ${REQUIREMENTS.slice(1).join(" ")}`,
        `  If the venv itself is damaged: ${recreateFix()}`,
      ].join("\n"),
    );
  }
  return info;
}

/** Registers the project's kernelspec in the venv unless the registered one is already identical. */
function ensureKernelInVenv(log) {
  let wanted;
  try {
    wanted = fs.readFileSync(path.join(ensureKernelSpec(), "kernel.json"), "utf8");
  } catch (err) {
    throw new LabError(err.message, "npm install");
  }
  const installed = path.join(venvShare, "kernels", "tslab", "kernel.json");
  if (fs.existsSync(installed) && fs.readFileSync(installed, "utf8") === wanted) return installed;
  log(`lab: registering the tslab TypeScript kernel in ${venvRel}`);
  let status;
  try {
    status = installKernel(["--sys-prefix"], { jupyter: [venvPython, "-m", "jupyter"], stdio: ["ignore", "ignore", "inherit"], env: labEnv() });
  } catch (err) {
    throw new LabError(`could not register the tslab kernel in ${venvRel}: ${err.message.split("\n")[0]}`, recreateFix());
  }
  if (status !== 0 || !fs.existsSync(installed) || fs.readFileSync(installed, "utf8") !== wanted) {
    throw new LabError(`could not register the tslab kernel in ${venvRel} (\`jupyter kernelspec install --sys-prefix\` failed; its message is above)`, recreateFix());
  }
  return installed;
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

/** Resolves true when `port` can be listened on at `ip`; rejects with a LabError for a bad address. */
function portFree(ip, port) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (err) => {
      if (err.code === "EADDRINUSE" || err.code === "EACCES") resolve(false);
      else reject(new LabError(`cannot listen on ${ip} (${err.code || err.message})`, "pass an address of this machine with --ip (127.0.0.1, 0.0.0.0 …)"));
    });
    server.listen({ host: ip, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function choosePort(ip, requested) {
  if (requested !== undefined) {
    if (await portFree(ip, requested)) return requested;
    throw new LabError(
      `port ${requested} on ${ip} is already in use${requested < 1024 ? " or needs root" : ""} (another JupyterLab? \`${venvPython} -m jupyter server list\` shows the running ones)`,
      `choose another: npm run lab -- --port ${requested + 1}   (or stop what is using it)`,
    );
  }
  for (let port = DEFAULT_PORT; port < DEFAULT_PORT + PORT_TRIES; port++) if (await portFree(ip, port)) return port;
  throw new LabError(`no free port on ${ip} between ${DEFAULT_PORT} and ${DEFAULT_PORT + PORT_TRIES - 1}`, "name one with --port N");
}

/** `jupyter lab`'s arguments. */
function labArgs(args, port) {
  const out = [
    "-m", "jupyterlab",
    `--ServerApp.root_dir=${projectRoot}`,
    "--LabApp.default_url=/lab/tree/notebooks",
    `--ServerApp.ip=${args.ip}`,
    `--ServerApp.port=${port}`,
    "--ServerApp.port_retries=0",
    `--ServerApp.open_browser=${args.browser ? "True" : "False"}`,
  ];
  if (args.token !== undefined) out.push(`--IdentityProvider.token=${args.token}`);
  // Jupyter refuses to run as root without this; containers and CI often are root.
  if (typeof process.getuid === "function" && process.getuid() === 0) out.push("--allow-root");
  return [...out, ...args.passThrough];
}

function labEnv() {
  const binDir = path.join(projectRoot, "node_modules", ".bin");
  return {
    ...process.env,
    VIRTUAL_ENV: venvDir,
    PATH: [path.join(venvDir, "bin"), binDir, process.env.PATH].filter(Boolean).join(path.delimiter),
    JUPYTER_PATH: [venvShare, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
  };
}

async function main(argv) {
  const started = Date.now();
  const args = parseArgs(argv);
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const log = (s) => console.error(s);
  // The port first: a taken one is reported at once, not after a pip install.
  const port = args.setupOnly ? undefined : await choosePort(args.ip, args.port);
  const info = ensureVenv({ install: args.install, log });
  const kernel = ensureKernelInVenv(log);
  const setup = `JupyterLab ${info.jupyterlab} + nbconvert ${info.nbconvert} (Python ${info.version}) in ${venvRel}; tslab kernel ${path.relative(process.cwd(), kernel)}`;
  if (args.setupOnly) {
    console.log(`lab: ready: ${setup} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return 0;
  }
  const host = args.ip === "0.0.0.0" || args.ip === "::" ? "127.0.0.1" : args.ip.includes(":") ? `[${args.ip}]` : args.ip;
  log(`lab: ${setup}`);
  log(`lab: starting on http://${host}:${port}/lab/tree/notebooks (set up in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl-C twice stops it)`);
  const child = spawn(venvPython, labArgs(args, port), { cwd: projectRoot, env: labEnv(), stdio: "inherit" });
  // Ctrl-C reaches Jupyter directly (same terminal), which asks to confirm; other signals are passed on.
  process.on("SIGINT", () => {});
  for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => {
    child.on("error", (err) => {
      console.error(`lab: could not start JupyterLab: ${err.message}\n  fix: ${recreateFix()}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => {
      if (code !== 0 && code !== null) console.error(`lab: JupyterLab exited with status ${code} (its message is above)`);
      resolve(code ?? (signal === "SIGINT" || signal === "SIGTERM" ? 0 : 1));
    });
  });
}

module.exports = { parseArgs, labArgs, LabError };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (err) => {
      if (err instanceof LabError) {
        console.error(`lab: ${err.message}\n  fix: ${err.fix}`);
        process.exitCode = err.status;
      } else {
        console.error(`lab: ${err.stack || err.message}`);
        process.exitCode = 1;
      }
    },
  );
}
