#!/usr/bin/env node
/**
 * Jupyter plumbing shared by `npm test` (headless notebook runs) and `npm run lab`:
 * where Jupyter is; the project's `tslab` kernelspec (scripts/tslab-kernel.js: tslab patched so
 * notebooks can `import … from "../lib/…"`), written under node_modules/.cache and put first on
 * JUPYTER_PATH; a check that says how to install what is missing; and running one notebook with
 * `jupyter nbconvert --execute`, reporting the failing cell.
 *
 * CLI:  node scripts/notebooks.js check
 *       node scripts/notebooks.js run [notebook.ipynb ...] [--preset tiny] [--output-dir DIR]
 *       node scripts/notebooks.js install-kernel [--user | --sys-prefix | --prefix DIR]
 *         registers the project's tslab kernel with Jupyter (for a JupyterLab you start yourself;
 *         `npm test` does not need it; `npm run lab` registers it in .venv with installKernel).
 */
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const projectRoot = path.resolve(__dirname, "..");
const notebooksDir = path.join(projectRoot, "notebooks");
const binDir = path.join(projectRoot, "node_modules", ".bin");
/** A Jupyter data folder holding only kernels/tslab/kernel.json, first on JUPYTER_PATH. */
const jupyterDataDir = path.join(projectRoot, "node_modules", ".cache", "thieves-lab", "jupyter");
const kernelLauncher = path.join(__dirname, "tslab-kernel.js");
/** Seconds one cell may run before nbconvert gives up on it. */
const CELL_TIMEOUT_S = 600;
/** Seconds for the kernel to start (tslab loads a TypeScript compiler). */
const STARTUP_TIMEOUT_S = 180;

const INSTALL_HINT = [
  "To run notebooks, install Jupyter's execution tools and the tslab kernel:",
  "  Debian/Ubuntu:  sudo apt-get install -y jupyter-nbconvert python3-nbclient jupyter-client python3-ipython",
  "  or with pip:    python3 -m pip install nbconvert nbclient jupyter_client ipython   (then export THIEVES_JUPYTER=\"$(command -v jupyter)\")",
  "  tslab kernel:   npm install (tslab is a dependency; npm test and npm run lab register the project's kernel themselves;",
  "                  for a Jupyter you start yourself: node scripts/notebooks.js install-kernel [--user|--sys-prefix])",
  "Or run only the unit tests: npm test -- --no-notebooks",
].join("\n");

/** The `jupyter` command: $THIEVES_JUPYTER, else Debian's /usr/bin/jupyter, else the first on PATH. */
function jupyterCommand() {
  if (process.env.THIEVES_JUPYTER) return process.env.THIEVES_JUPYTER;
  if (fs.existsSync("/usr/bin/jupyter")) return "/usr/bin/jupyter";
  return "jupyter";
}

/** Writes the project's tslab kernelspec (cheap; rewritten so it always names this checkout's paths). */
function ensureKernelSpec() {
  if (!fs.existsSync(path.join(projectRoot, "node_modules", "tslab", "dist", "main.js"))) {
    throw new Error(`tslab is not installed in ${path.join(projectRoot, "node_modules")}: run npm install`);
  }
  const dir = path.join(jupyterDataDir, "kernels", "tslab");
  fs.mkdirSync(dir, { recursive: true });
  const spec = {
    argv: [process.execPath, kernelLauncher, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (tslab)",
    language: "typescript",
  };
  const file = path.join(dir, "kernel.json");
  const text = `${JSON.stringify(spec, null, 2)}\n`;
  if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) fs.writeFileSync(file, text);
  return dir;
}

/**
 * The environment for Jupyter and the kernel: node_modules/.bin first on PATH, the project's
 * kernelspec first on JUPYTER_PATH, plus `extra`.
 */
function jupyterEnv(extra = {}) {
  const jupyterPath = [jupyterDataDir, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  return { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH || ""}`, JUPYTER_PATH: jupyterPath, ...extra };
}

/**
 * Checks that Jupyter can execute notebooks and that the tslab kernel is registered and starts
 * from this project. Returns a one-line description; throws with installation advice otherwise.
 */
function checkJupyter(jupyter = jupyterCommand(), env = jupyterEnv()) {
  ensureKernelSpec();
  const fail = (what) => {
    throw new Error(`${what}\n${INSTALL_HINT}`);
  };
  const version = spawnSync(jupyter, ["nbconvert", "--version"], { encoding: "utf8", env });
  if (version.error) fail(`Jupyter not found: \`${jupyter}\` could not start (${version.error.code || version.error.message}).`);
  if (version.status !== 0) fail(`\`${jupyter} nbconvert\` does not work: ${(version.stderr || "").trim().split("\n").pop()}`);
  const list = spawnSync(jupyter, ["kernelspec", "list", "--json"], { encoding: "utf8", env });
  let specs = {};
  try {
    specs = JSON.parse(list.stdout).kernelspecs || {};
  } catch {
    fail(`\`${jupyter} kernelspec list --json\` failed: ${(list.stderr || "").trim().split("\n").pop()}`);
  }
  const tslab = specs.tslab;
  const ours = path.join(jupyterDataDir, "kernels", "tslab");
  if (!tslab) fail(`The tslab kernel is not visible to ${jupyter} (kernels: ${Object.keys(specs).join(", ") || "none"}); expected it in ${ours} via JUPYTER_PATH.`);
  if (path.resolve(tslab.resource_dir) !== ours) {
    fail(`${jupyter} picks the tslab kernel in ${tslab.resource_dir}, not the project's (${ours}); JUPYTER_PATH should come first.`);
  }
  return `Jupyter nbconvert ${version.stdout.trim()} (${jupyter}), tslab kernel ${tslab.resource_dir}`;
}

/** notebooks/*.ipynb, sorted (01-…, 02-…). */
function listNotebooks(dir = notebooksDir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => path.join(dir, f));
}

const stripAnsi = (s) => s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");

/** Where and why a notebook run failed, from nbconvert's stderr (nbclient's CellExecutionError). */
function describeFailure(notebookPath, stderr) {
  const text = stripAnsi(stderr);
  const marker = "An error occurred while executing the following cell:";
  const at = text.indexOf(marker);
  if (at >= 0) {
    const parts = text.slice(at + marker.length).split(/\n-{18}\n/);
    const source = (parts[1] || "").trim();
    const detail = parts.slice(2).join("\n").trim().split("\n").filter((l) => l.trim()).slice(-15);
    let where = "a cell";
    try {
      const nb = JSON.parse(fs.readFileSync(notebookPath, "utf8"));
      const code = nb.cells.filter((c) => c.cell_type === "code");
      const src = (c) => (Array.isArray(c.source) ? c.source.join("") : c.source).trim();
      const index = code.findIndex((c) => src(c) === source);
      if (index >= 0) where = `code cell ${index + 1} of ${code.length} (cell ${nb.cells.indexOf(code[index]) + 1} in the file)`;
    } catch {
      /* the cell source below still says where */
    }
    const excerpt = source.split("\n").slice(0, 8).map((l) => `    | ${l}`).join("\n");
    return `${where} failed:\n${excerpt}\n  error:\n${detail.map((l) => `    ${l}`).join("\n")}`;
  }
  const lines = text.trim().split("\n").filter((l) => l.trim());
  const timeout = lines.find((l) => /CellTimeoutError|timed out/i.test(l));
  const dead = lines.find((l) => /DeadKernelError|Kernel died/i.test(l));
  const headline = timeout || dead || lines.find((l) => /Error/.test(l)) || "nbconvert failed";
  return `${headline.trim()}\n${lines.slice(-12).map((l) => `    ${l}`).join("\n")}`;
}

/**
 * Executes one notebook headless into `outputDir`. Returns {ok, seconds, output, failure}.
 * `env` adds variables (e.g. THIEVES_PRESET) to jupyterEnv().
 */
function executeNotebook(notebookPath, { outputDir, env = {}, jupyter = jupyterCommand(), cellTimeout = CELL_TIMEOUT_S } = {}) {
  const started = Date.now();
  fs.mkdirSync(outputDir, { recursive: true });
  const r = spawnSync(
    jupyter,
    [
      "nbconvert",
      "--to", "notebook",
      "--execute",
      `--ExecutePreprocessor.timeout=${cellTimeout}`,
      `--ExecutePreprocessor.startup_timeout=${STARTUP_TIMEOUT_S}`,
      "--output-dir", outputDir,
      notebookPath,
    ],
    { encoding: "utf8", env: jupyterEnv(env), cwd: projectRoot, maxBuffer: 256 << 20, stdio: ["ignore", "pipe", "pipe"] },
  );
  const seconds = (Date.now() - started) / 1000;
  const output = path.join(outputDir, path.basename(notebookPath));
  if (r.error) return { ok: false, seconds, output, failure: `could not start ${jupyter}: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, seconds, output, failure: describeFailure(notebookPath, `${r.stderr || ""}\n${r.stdout || ""}`) };
  return { ok: true, seconds, output };
}

/**
 * Runs notebooks one after another, printing progress. Returns {passed, failed, outputDir}.
 * Throws (with installation advice) when Jupyter or the kernel is missing.
 */
function runNotebooks(notebooks, { preset = "tiny", outputDir, log = console.log } = {}) {
  log(`notebooks: ${checkJupyter()}`);
  if (notebooks.length === 0) return { passed: 0, failed: 0, outputDir: undefined };
  const out = outputDir || fs.mkdtempSync(path.join(os.tmpdir(), "thieves-notebooks-"));
  log(`notebooks: running ${notebooks.length} on the ${preset} preset; executed copies go to ${out}`);
  let passed = 0;
  let failed = 0;
  for (const nb of notebooks) {
    const rel = path.relative(projectRoot, nb);
    log(`notebook ${rel} …`);
    const r = executeNotebook(nb, { outputDir: out, env: { THIEVES_PRESET: preset } });
    if (r.ok) {
      passed++;
      log(`ok ${rel} (${r.seconds.toFixed(1)} s)`);
    } else {
      failed++;
      log(`FAILED ${rel} (${r.seconds.toFixed(1)} s): ${r.failure}`);
    }
  }
  return { passed, failed, outputDir: out };
}

/**
 * Registers the project's kernelspec with Jupyter itself (`jupyter kernelspec install`).
 * `jupyter` is the command as argv (default [jupyterCommand()]); scripts/lab.js passes its venv's
 * `[".venv/bin/python", "-m", "jupyter"]` with `--sys-prefix`, and an `env` whose PATH starts
 * with the venv's bin/ (`jupyter` runs `jupyter-kernelspec` from PATH). Returns the exit status (0 or 1).
 */
function installKernel(flags, { jupyter = [jupyterCommand()], stdio = "inherit", env = process.env } = {}) {
  const dir = ensureKernelSpec();
  const [command, ...prefix] = jupyter;
  const r = spawnSync(command, [...prefix, "kernelspec", "install", dir, "--name", "tslab", ...flags], { stdio, env });
  if (r.error) throw new Error(`${jupyter.join(" ")} could not start: ${r.error.message}\n${INSTALL_HINT}`);
  return r.status === 0 ? 0 : 1;
}

module.exports = {
  projectRoot,
  jupyterDataDir,
  ensureKernelSpec,
  installKernel,
  notebooksDir,
  INSTALL_HINT,
  jupyterCommand,
  jupyterEnv,
  checkJupyter,
  listNotebooks,
  describeFailure,
  executeNotebook,
  runNotebooks,
};

function main(argv) {
  const [command, ...rest] = argv;
  if (command === "check") {
    console.log(checkJupyter());
    return 0;
  }
  if (command === "run") {
    const opts = {};
    const files = [];
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === "--preset") opts.preset = rest[++i];
      else if (rest[i] === "--output-dir") opts.outputDir = path.resolve(rest[++i]);
      else files.push(path.resolve(rest[i]));
    }
    const { passed, failed } = runNotebooks(files.length ? files : listNotebooks(), opts);
    console.log(`${passed} passed, ${failed} failed`);
    return failed ? 1 : 0;
  }
  if (command === "install-kernel") return installKernel(rest);
  console.error("usage: node scripts/notebooks.js check | run [notebook.ipynb ...] [--preset tiny] [--output-dir DIR] | install-kernel [--user|--sys-prefix|--prefix DIR]");
  return 2;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`notebooks: ${err.message}`);
    process.exitCode = 1;
  }
}
