#!/usr/bin/env node
/**
 * The README's test command (`npm test`):
 *   1. every test/**\/*.test.ts with `node --import tsx --test` (node:test prints its summary);
 *   2. unless --no-notebooks, every notebooks/*.ipynb executed headless on the `tiny` preset
 *      (`jupyter nbconvert --execute`), naming the notebook and cell that fail.
 * The last line is always `N passed, N failed`, counting notebooks. Exits non-zero on any failure.
 *
 * Usage: node scripts/test.js [--no-notebooks] [--no-unit] [--preset NAME] [FILTER ...]
 *   FILTER  run only test files / notebooks whose path contains one of these strings.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { projectRoot, listNotebooks, runNotebooks, INSTALL_HINT } = require("./notebooks");

function parseArgs(argv) {
  const args = { unit: true, notebooks: true, preset: "tiny", filters: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--no-notebooks") args.notebooks = false;
    else if (a === "--no-unit") args.unit = false;
    else if (a === "--preset") args.preset = argv[++i];
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}; usage: node scripts/test.js [--no-notebooks] [--no-unit] [--preset NAME] [FILTER ...]`);
    else args.filters.push(a);
  }
  return args;
}

/** test/**\/*.test.ts, sorted; Node 20's --test takes no glob. */
function testFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules" && !entry.name.startsWith(".")) found.push(...testFiles(full));
    else if (entry.isFile() && entry.name.endsWith(".test.ts")) found.push(full);
  }
  return found.sort();
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const keep = (f) => args.filters.length === 0 || args.filters.some((s) => path.relative(projectRoot, f).includes(s));
  let failures = 0;

  if (args.unit) {
    const files = testFiles(path.join(projectRoot, "test")).filter(keep);
    if (files.length === 0) {
      console.log("unit tests: none match");
    } else {
      const r = spawnSync(process.execPath, ["--import", "tsx", "--test", ...files.map((f) => path.relative(projectRoot, f))], {
        cwd: projectRoot,
        stdio: "inherit",
      });
      if (r.status !== 0) {
        failures++;
        console.log(`unit tests FAILED (${r.signal ? `signal ${r.signal}` : `exit ${r.status}`})`);
      }
    }
  }

  let passed = 0;
  let failed = 0;
  if (!args.notebooks) {
    console.log("notebooks: not run (--no-notebooks)");
  } else {
    const notebooks = listNotebooks().filter(keep);
    if (notebooks.length === 0) console.log("notebooks: none in notebooks/");
    try {
      ({ passed, failed } = runNotebooks(notebooks, { preset: args.preset }));
    } catch (err) {
      // Jupyter or the kernel is missing: every notebook counts as failed, never as skipped.
      failed = notebooks.length;
      failures++;
      console.log(`notebooks: cannot run: ${err.message.includes(INSTALL_HINT) ? err.message : `${err.message}\n${INSTALL_HINT}`}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failures > 0 || failed > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(`test: ${err.message}`);
  console.log("0 passed, 0 failed");
  process.exitCode = 1;
}
