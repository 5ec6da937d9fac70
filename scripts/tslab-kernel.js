#!/usr/bin/env node
/**
 * The project's tslab kernel: stock tslab, patched in memory so notebooks can import the library
 * the way DESIGN.md says, `import { showFigure } from "../lib/display"`, and so failures say why.
 *
 * 1. Stock tslab compiles each cell with TypeScript `rootDir` = the notebook's folder, so any
 *    import from outside it fails with "File '…/lib/….ts' is not under 'rootDir'"
 *    (yunabe/tslab#63, open). Here rootDir is the project root: the nearest folder above the
 *    notebook holding node_modules/tslab (the rule tslab itself uses to find its local copy);
 *    compiled files are mapped back to their real paths.
 * 2. Stock tslab resolves a local import as `<path>.js` only; here a folder import
 *    (`../lib/display` → index.ts) finds the folder's index.
 * 3. Stock tslab answers a failed cell with a bare `status: "error"`, so nbconvert reports
 *    "<Error>:"; here the reply carries the error text it printed (ename, evalue, traceback).
 *
 * Used through the kernelspec that scripts/notebooks.js writes (argv: node, this file, kernel,
 * --config-path, {connection_file}). `patchTslab(root)` is exported for the tests.
 */
"use strict";
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

/** The nearest folder at or above `dir` (not a node_modules) that holds node_modules/tslab; else `dir`. */
function findProjectRoot(dir) {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (path.basename(d) !== "node_modules" && fs.existsSync(path.join(d, "node_modules", "tslab", "dist", "main.js"))) return d;
    if (path.dirname(d) === d) return path.resolve(dir);
  }
}

function replaceOnce(source, from, to, file) {
  const at = source.indexOf(from);
  if (at < 0 || source.indexOf(from, at + from.length) >= 0) {
    throw new Error(`tslab-kernel: cannot patch ${file}: expected exactly one "${from}" (tslab changed? update scripts/tslab-kernel.js)`);
  }
  return source.slice(0, at) + to + source.slice(at + from.length);
}

/**
 * `ename`, `evalue`, `traceback` for an execute_reply, from what a failed cell printed to stderr:
 * the last chunk is tslab's report (an exception's inspect() or a TypeScript diagnostic).
 */
const THIEVES_ERROR_REPLY = `
function thievesErrorReply(chunks) {
    const text = chunks.join("").replace(/\\s+$/, "");
    const report = (chunks.filter((c) => c.trim()).pop() || "").trim().split("\\n");
    let ename = "Error";
    let evalue = report[0] || "the cell failed (no message)";
    for (const line of report) {
        const m = /^([\\w$]*(?:Error|Exception))(?:: (.*))?$/.exec(line);
        if (m) { ename = m[1]; evalue = m[2] || ""; break; }
        if (/^(\\S+ )?\\d+:\\d+ - /.test(line)) { ename = "TypeScriptError"; evalue = line; break; }
    }
    const ours = (l) => !/node_modules\\/tslab\\/dist|\\(node:vm|at node:vm|sigintHandlersWrap|Script\\.runInThisContext/.test(l);
    return { ename, evalue, traceback: text.split("\\n").filter(ours).slice(-40) };
}
`;

/** Compiles `file` with `patches` applied (and `extra` code appended) and installs it in require's cache. */
function loadPatched(file, patches, extra = "") {
  let source = fs.readFileSync(file, "utf8");
  for (const [from, to] of patches) source = replaceOnce(source, from, to, file);
  source += extra;
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  Module._cache[file] = mod;
  try {
    mod._compile(source, file);
  } catch (err) {
    delete Module._cache[file];
    throw err;
  }
  mod.loaded = true;
  return mod.exports;
}

let patchedDir;

/** Patches tslab (once per process) to compile with rootDir `root`; returns tslab's package folder. */
function patchTslab(root = findProjectRoot(process.cwd())) {
  if (patchedDir) return patchedDir;
  const dir = path.dirname(require.resolve("tslab/package.json", { paths: [root] }));
  const dist = path.join(dir, "dist");
  const rootLiteral = JSON.stringify(root.replace(/\\/g, "/"));
  loadPatched(path.join(dist, "converter.js"), [
    [
      "const cwd = ts.sys.getCurrentDirectory();",
      "const cwd = ts.sys.getCurrentDirectory();\n" +
        `    const thievesRel = path_1.default.relative(${rootLiteral}, cwd);\n` +
        `    const thievesRoot = thievesRel.startsWith("..") || path_1.default.isAbsolute(thievesRel) ? cwd : ${rootLiteral};\n` +
        "    const thievesCwdInRoot = path_1.default.relative(thievesRoot, cwd);",
    ],
    ['(0, tspath_1.normalizeJoin)(outDir, "__tslab__.js")', '(0, tspath_1.normalizeJoin)(outDir, thievesCwdInRoot, "__tslab__.js")'],
    ['(0, tspath_1.normalizeJoin)(outDir, "__tslab__.d.ts")', '(0, tspath_1.normalizeJoin)(outDir, thievesCwdInRoot, "__tslab__.d.ts")'],
    ["rootDir: cwd,", "rootDir: thievesRoot,"],
    ["path: (0, tspath_1.normalizeJoin)(cwd, rel),", "path: (0, tspath_1.normalizeJoin)(thievesRoot, rel),"],
  ]);
  loadPatched(path.join(dist, "jupyter.js"), [
    [
      'process.stderr.write = this.createWriteToIopub("stderr", writeStream);',
      'const thievesStderr = this.createWriteToIopub("stderr", writeStream);\n' +
        "        const thievesErrors = [];\n" +
        "        process.stderr.write = (buffer, encoding) => {\n" +
        '            thievesErrors.push(typeof buffer === "string" ? buffer : Buffer.from(buffer).toString("utf8"));\n' +
        "            return thievesStderr(buffer, encoding);\n" +
        "        };",
    ],
    ["if (!ok) {\n            throw count;", "if (!ok) {\n            count.thievesErrors = thievesErrors;\n            throw count;"],
    [
      "return {\n            status: status,\n            execution_count: count ? count.count : undefined,\n        };",
      "return Object.assign({\n            status: status,\n            execution_count: count ? count.count : undefined,\n" +
        '        }, status === "error" && count && count.thievesErrors ? thievesErrorReply(count.thievesErrors) : {});',
    ],
  ], THIEVES_ERROR_REPLY);
  loadPatched(path.join(dist, "executor.js"), [
    [
      "if (!sideOutputs.has(filename)) {",
      'if (!sideOutputs.has(filename) && !sideModules.has(filename) && path_1.default.extname(id) === "") {\n' +
        '            const index = (0, tspath_1.normalizeJoin)(dirname, id, "index.js");\n' +
        "            if (sideOutputs.has(index) || sideModules.has(index)) return requireFromSideOutputs(id + \"/index\");\n" +
        "        }\n" +
        "        if (!sideOutputs.has(filename)) {",
    ],
  ]);
  patchedDir = dir;
  return dir;
}

module.exports = { patchTslab, findProjectRoot };

if (require.main === module) {
  const dir = patchTslab();
  require(path.join(dir, "dist", "main.js")).main();
}
