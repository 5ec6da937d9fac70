#!/usr/bin/env node
/**
 * Makes `@tensorflow/tfjs-node` (the native TensorFlow backend) load on this machine.
 *
 * tfjs-node's own installer downloads libtensorflow 2.9.1 and a prebuilt addon from a storage
 * bucket. Where that works, there is nothing to do here. Where it does not (air-gapped machines,
 * mirrors), npm drops the optional package and this script:
 *   1. takes the TensorFlow C library and its C API headers from a tensorflow-cpu wheel
 *      (`--wheel PATH`, $THIEVES_TF_WHEEL, or `pip download` through pip's configured index),
 *      once, into a cache ($THIEVES_CACHE_DIR or ~/.cache/thieves-lab/native);
 *   2. reinstalls the package without its download script and places the library in its deps/;
 *   3. builds the addon from source with node-pre-gyp (cached too, so a later `npm ci` only links).
 *
 * Usage: node scripts/setup-native.js [--auto] [--wheel PATH] [--gpu] [--force]
 *   --auto   postinstall mode: never fails the install; prints one line of what happened.
 *   --gpu    build @tensorflow/tfjs-node-gpu instead (give a CUDA-enabled tensorflow wheel).
 *   --force  rebuild even if the backend already loads.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const projectRoot = path.resolve(__dirname, "..");
const TF_WHEEL_VERSION = "2.21.0";
/** The file name tfjs-node's installer checks to decide the library is "already downloaded". */
const TFJS_NODE_LIB_MARKER = "libtensorflow.so.2.9.1";

function parseArgs(argv) {
  const args = { auto: false, gpu: false, force: false, wheel: process.env.THIEVES_TF_WHEEL || "" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--auto") args.auto = true;
    else if (a === "--gpu") args.gpu = true;
    else if (a === "--force") args.force = true;
    else if (a === "--wheel") args.wheel = argv[++i] || "";
    else throw new Error(`unknown option ${a}; usage: setup-native.js [--auto] [--wheel PATH] [--gpu] [--force]`);
  }
  return args;
}

function cacheRoot() {
  const base = process.env.THIEVES_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "thieves-lab");
  return path.join(base, "native");
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 << 20, ...options });
  if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = `${r.stdout || ""}\n${r.stderr || ""}`.trim().split("\n").slice(-15).join("\n");
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status}):\n${tail}`);
  }
  return r.stdout || "";
}

/** Whether `require(pkg)` succeeds in a fresh Node process (a broken addon can abort the process). */
function loads(pkg) {
  const r = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(pkg)})`], {
    cwd: projectRoot,
    encoding: "utf8",
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" },
  });
  return { ok: r.status === 0, why: (r.stderr || "").trim().split("\n").find((l) => /Error|error/.test(l)) || `exit ${r.status}` };
}

function python() {
  for (const candidate of [process.env.PYTHON, "python3", "/usr/bin/python3", "python"]) {
    if (candidate && spawnSync(candidate, ["--version"]).status === 0) return candidate;
  }
  throw new Error("no python3 found: it is needed to read the tensorflow wheel (and by node-gyp)");
}

/** A tensorflow wheel on disk: the one given, one cached, or one pip downloads. */
function findWheel(args, cacheDir) {
  if (args.wheel) {
    if (!fs.existsSync(args.wheel)) throw new Error(`--wheel ${args.wheel}: no such file`);
    return path.resolve(args.wheel);
  }
  const wheelDir = path.join(cacheDir, "wheels");
  const project = args.gpu ? "tensorflow" : "tensorflow_cpu";
  const cached = () => (fs.existsSync(wheelDir) ? fs.readdirSync(wheelDir) : [])
    .filter((f) => f.startsWith(`${project}-${TF_WHEEL_VERSION}-`) && f.endsWith(".whl"))
    .map((f) => path.join(wheelDir, f))[0];
  if (cached()) return cached();
  fs.mkdirSync(wheelDir, { recursive: true });
  const spec = `${args.gpu ? "tensorflow" : "tensorflow-cpu"}==${TF_WHEEL_VERSION}`;
  run(python(), ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", wheelDir, spec]);
  if (!cached()) throw new Error(`pip downloaded no ${spec} wheel into ${wheelDir}`);
  return cached();
}

/** The TensorFlow headers the binding's sources include (beyond the C API roots). */
function bindingHeaders(pkgDir) {
  const dir = path.join(pkgDir, "binding");
  const found = new Set();
  for (const file of fs.readdirSync(dir)) {
    for (const m of fs.readFileSync(path.join(dir, file), "utf8").matchAll(/#include "(tensorflow\/[^"]+)"/g)) found.add(m[1]);
  }
  return [...found];
}

/** The C library + headers extracted from the wheel, stripped; built once per wheel, atomically. */
function prepareLibrary(wheel, cacheDir, headers) {
  const libDir = path.join(cacheDir, path.basename(wheel, ".whl"));
  if (fs.existsSync(path.join(libDir, ".complete"))) return libDir;
  const staging = `${libDir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  run(python(), [path.join(__dirname, "extract_libtensorflow.py"), wheel, staging, ...headers]);
  const libs = ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"].map((l) => path.join(staging, "lib", l));
  // Debug sections are ~25 % of the library and never used by the binding.
  if (spawnSync("strip", ["--version"]).status === 0) run("strip", ["--strip-unneeded", ...libs]);
  fs.writeFileSync(path.join(staging, ".complete"), `${path.basename(wheel)}\n`);
  fs.rmSync(libDir, { recursive: true, force: true });
  fs.renameSync(staging, libDir);
  return libDir;
}

function declaredVersion(pkg) {
  const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));
  const version = (manifest.optionalDependencies || {})[pkg] || (manifest.dependencies || {})[pkg];
  if (!version) throw new Error(`${pkg} is not declared in package.json`);
  return version;
}

/** npm removes an optional package whose install script failed; put it back without that script. */
function ensurePackage(pkg) {
  const pkgDir = path.join(projectRoot, "node_modules", pkg);
  if (fs.existsSync(path.join(pkgDir, "package.json"))) return pkgDir;
  const npm = process.env.npm_execpath
    ? [process.execPath, [process.env.npm_execpath]]
    : ["npm", []];
  run(npm[0], [...npm[1], "install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", `${pkg}@${declaredVersion(pkg)}`], {
    cwd: projectRoot,
    env: { ...process.env, THIEVES_NATIVE_SETUP: "inner" },
  });
  if (!fs.existsSync(path.join(pkgDir, "package.json"))) throw new Error(`npm did not install ${pkg}`);
  return pkgDir;
}

/** Hard links where possible (no second copy of ~630 MB), copies otherwise. */
function linkOrCopy(src, dst) {
  fs.rmSync(dst, { force: true });
  try {
    fs.linkSync(src, dst);
  } catch {
    fs.copyFileSync(src, dst);
  }
}

function placeLibrary(pkgDir, libDir) {
  const deps = path.join(pkgDir, "deps");
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(path.join(deps, "lib"), { recursive: true });
  for (const lib of ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"]) {
    linkOrCopy(path.join(libDir, "lib", lib), path.join(deps, "lib", lib));
  }
  // The names the binding links against, and the one tfjs-node's installer looks for.
  fs.symlinkSync("libtensorflow_cc.so.2", path.join(deps, "lib", "libtensorflow.so"));
  fs.symlinkSync("libtensorflow_framework.so.2", path.join(deps, "lib", "libtensorflow_framework.so"));
  fs.symlinkSync("libtensorflow_cc.so.2", path.join(deps, "lib", TFJS_NODE_LIB_MARKER));
  fs.cpSync(path.join(libDir, "include"), path.join(deps, "include"), { recursive: true });
}

/** Where node-pre-gyp puts the addon: module_path with the highest N-API version both sides support. */
function addonPath(pkgDir) {
  const binary = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")).binary;
  const napi = Math.max(...binary.napi_versions.filter((v) => v <= Number(process.versions.napi)));
  return path.join(pkgDir, binary.module_path.replace("{napi_build_version}", String(napi)), `${binary.module_name}.node`);
}

function nodeHeadersArgs() {
  // npm on Debian-style systems ships Node's headers in /usr/include/node; without them node-gyp downloads them.
  if (process.env.npm_config_nodedir) return [`--nodedir=${process.env.npm_config_nodedir}`];
  const prefix = path.resolve(path.dirname(process.execPath), "..");
  return fs.existsSync(path.join(prefix, "include", "node", "node_api.h")) ? [`--nodedir=${prefix}`] : [];
}

function buildAddon(pkgDir, libDir, pkg) {
  const version = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")).version;
  const target = addonPath(pkgDir);
  const cachedAddon = path.join(libDir, `${pkg.replace("/", "+")}-${version}-${path.basename(path.dirname(target))}-${process.arch}.node`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (fs.existsSync(cachedAddon)) {
    fs.copyFileSync(cachedAddon, target);
    return "linked the cached addon";
  }
  const preGyp = require.resolve("@mapbox/node-pre-gyp/bin/node-pre-gyp", { paths: [pkgDir] });
  run(process.execPath, [preGyp, "install", "--build-from-source", ...nodeHeadersArgs()], { cwd: pkgDir });
  fs.copyFileSync(target, `${cachedAddon}.tmp`);
  fs.renameSync(`${cachedAddon}.tmp`, cachedAddon);
  return "built the addon from source";
}

function setup(args) {
  const pkg = args.gpu ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node";
  if (!args.force && loads(pkg).ok) return `${pkg} loads: native TensorFlow backend ready`;
  const cacheDir = cacheRoot();
  const wheel = findWheel(args, cacheDir);
  const pkgDir = ensurePackage(pkg);
  const libDir = prepareLibrary(wheel, cacheDir, bindingHeaders(pkgDir));
  placeLibrary(pkgDir, libDir);
  const how = buildAddon(pkgDir, libDir, pkg);
  const check = loads(pkg);
  if (!check.ok) throw new Error(`${pkg} still does not load after the build: ${check.why}`);
  return `${pkg} built against TensorFlow ${TF_WHEEL_VERSION} from ${path.basename(wheel)} (${how}): native backend ready`;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (process.env.THIEVES_NATIVE_SETUP === "inner") return; // our own nested npm install
  if (args.auto && process.env.THIEVES_SKIP_NATIVE === "1") {
    console.log("setup-native: skipped (THIEVES_SKIP_NATIVE=1)");
    return;
  }
  try {
    console.log(`setup-native: ${setup(args)}`);
  } catch (err) {
    const msg = `setup-native: native TensorFlow backend NOT set up: ${err.message}\n` +
      "  The library will fall back to the wasm backend (about 50x slower to train).\n" +
      "  Fix: give a tensorflow-cpu 2.21 wheel with `npm run setup:native -- --wheel PATH`, or make pip able to download it.";
    console.error(msg);
    if (!args.auto) process.exitCode = 1;
  }
}

main();
