#!/usr/bin/env node
/**
 * Runs a TypeScript entry point (`node scripts/launch.js lib/cli/reproduce.ts args…`) with tsx,
 * preloading tcmalloc when the machine has it: TensorFlow's many short-lived allocations make a
 * training step ~8 % faster with it here (npm run bench measures both). THIEVES_TCMALLOC=0 opts out.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");

// Kept in step with lib/engine/tcmalloc.ts (this launcher runs before TypeScript can be loaded).
const TCMALLOC = [
  "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4",
  "/usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4",
  "/usr/lib64/libtcmalloc_minimal.so.4",
  "/usr/local/lib/libtcmalloc_minimal.so.4",
].find((p) => fs.existsSync(p));

const env = { ...process.env };
if (TCMALLOC && env.THIEVES_TCMALLOC !== "0" && !(env.LD_PRELOAD || "").includes("tcmalloc")) {
  env.LD_PRELOAD = [TCMALLOC, env.LD_PRELOAD].filter(Boolean).join(":");
}
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/launch.js ENTRY.ts [args…]");
  process.exit(2);
}
const r = spawnSync(process.execPath, ["--import", "tsx", entry, ...args], { stdio: "inherit", env });
process.exit(r.status ?? 1);
