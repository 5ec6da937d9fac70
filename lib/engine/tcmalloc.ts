/**
 * tcmalloc makes TensorFlow's many short-lived allocations cheaper (bench/: see README,
 * Performance). It must be preloaded before the process starts, so launchers use this.
 */
import * as fs from "node:fs";

/** Kept in step with scripts/launch.js, which preloads it for the CLI. */
const CANDIDATES = [
  "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4",
  "/usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4",
  "/usr/lib64/libtcmalloc_minimal.so.4",
  "/usr/local/lib/libtcmalloc_minimal.so.4",
];

/** Path of libtcmalloc_minimal on this machine, if installed (Debian: libtcmalloc-minimal4). */
export function findTcmalloc(): string | undefined {
  return CANDIDATES.find((p) => fs.existsSync(p));
}
