/**
 * `npm run bench`: training and inference throughput of the bench/config.json encoder on the
 * native and wasm backends, and of the same model and step in PyTorch on this CPU, each with and
 * without tcmalloc, one after another in this run. Prints a table, then one JSON line whose
 * ratios compare like with like (our default allocator setting vs PyTorch with the same one).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { findTcmalloc } from "../lib/engine/tcmalloc";

interface Measurement {
  label: string;
  train_tokens_per_s: number;
  infer_tokens_per_s: number;
  peak_rss_mb: number;
  [key: string]: unknown;
}

const root = path.resolve(__dirname, "..");

function lastJsonLine(out: string): Record<string, unknown> {
  const line = out.trim().split("\n").reverse().find((l) => l.startsWith("{"));
  if (!line) throw new Error(`no JSON result in output:\n${out.slice(-2000)}`);
  return JSON.parse(line);
}

function measure(label: string, cmd: string, args: string[], env: Record<string, string | undefined>): Measurement | undefined {
  process.stderr.write(`bench: ${label} … `);
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 16 << 20 });
  if (r.status !== 0) {
    process.stderr.write(`failed (exit ${r.status}): ${(r.stderr || "").trim().split("\n").slice(-3).join(" | ")}\n`);
    return undefined;
  }
  const m = { label, ...lastJsonLine(r.stdout) } as Measurement;
  process.stderr.write(`train ${m.train_tokens_per_s.toFixed(0)} tok/s, inference ${m.infer_tokens_per_s.toFixed(0)} tok/s\n`);
  return m;
}

/** Pythons that can run the reference: the project venv, $THIEVES_PYTHON, Debian's python3 (python3-torch + OpenBLAS). */
function referencePythons(): string[] {
  const candidates = [process.env.THIEVES_PYTHON, path.join(root, ".venv", "bin", "python"), "/usr/bin/python3"].filter((p): p is string => !!p && fs.existsSync(p));
  // One venv reached by two paths (a symlinked .venv) is measured once; the key is its folder, since a venv's python links to the base interpreter.
  const byFolder = new Map(candidates.map((p) => [path.join(fs.realpathSync(path.dirname(p)), path.basename(p)), p]));
  return [...byFolder.values()].filter((py) => spawnSync(py, ["-c", "import torch, transformers"]).status === 0);
}

function main(): void {
  const tcmalloc = findTcmalloc();
  const allocators: [string, string | undefined][] = [["system malloc", ""], ...(tcmalloc ? [["tcmalloc", tcmalloc] as [string, string]] : [])];
  const ours = (backend: string, steps: number, preload: string | undefined, alloc: string, batch?: number, adamw?: "ops") =>
    measure(`thieves-lab ${backend}${batch ? ` (batch ${batch})` : ""}, ${alloc}${adamw ? ", AdamW as tfjs ops" : ""}`, process.execPath,
      ["--import", "tsx", "bench/measure.ts", String(steps), batch ? String(batch) : "", adamw ?? ""], { THIEVES_BACKEND: backend, LD_PRELOAD: preload });
  const nativeSteps = Number(process.env.THIEVES_BENCH_STEPS ?? 6);
  const results: Measurement[] = [];
  for (const [alloc, preload] of allocators) {
    const m = ours("tensorflow", nativeSteps, preload, alloc);
    if (m) results.push({ ...m, allocator: alloc });
  }
  // The fused AdamW kernels' share of the step: the same run with AdamW as a dozen tfjs ops per parameter.
  const [lastAlloc, lastPreload] = allocators[allocators.length - 1];
  const opsRun = ours("tensorflow", nativeSteps, lastPreload, lastAlloc, undefined, "ops");
  if (opsRun) results.push({ ...opsRun, allocator: lastAlloc });
  if (process.env.THIEVES_BENCH_WASM !== "0") {
    // wasm runs out of its 4 GB heap at batch 32 and takes about a minute per step: one timed step
    // at batch 8 (tokens/s is per token, so it still compares) is enough to see the gap.
    const m = ours("wasm", 1, "", "system malloc", 8);
    if (m) results.push({ ...m, allocator: "system malloc" });
  }
  const pythons = referencePythons();
  if (pythons.length === 0) console.error("bench: no Python with torch + transformers found: set THIEVES_PYTHON or create .venv (see README); no reference ratio.");
  for (const py of pythons) {
    for (const [alloc, preload] of allocators) {
      const m = measure(`PyTorch (${py}), ${alloc}`, py, ["bench/torch_reference.py"], { LD_PRELOAD: preload });
      if (m) results.push({ ...m, allocator: alloc, python: py });
    }
  }
  const native = results.filter((r) => r.backend === "tensorflow" && r.adamw === "fused");
  const torch = results.filter((r) => r.torch !== undefined);
  const defaultAlloc = tcmalloc ? "tcmalloc" : "system malloc";
  const headline = native.find((r) => r.allocator === defaultAlloc) ?? native[0];
  const sameAlloc = torch.filter((r) => r.allocator === headline?.allocator);
  const reference = (sameAlloc.length ? sameAlloc : torch).sort((a, b) => b.train_tokens_per_s - a.train_tokens_per_s)[0];

  console.log("\n| run | train tokens/s | inference tokens/s | peak RSS MB |\n|---|---:|---:|---:|");
  for (const r of results) console.log(`| ${r.label} | ${r.train_tokens_per_s.toFixed(0)} | ${r.infer_tokens_per_s.toFixed(0)} | ${r.peak_rss_mb.toFixed(0)} |`);
  const ratio = (a?: number, b?: number) => (a && b ? Number((a / b).toFixed(3)) : null);
  const wasm = results.find((r) => r.backend === "wasm");
  console.log(JSON.stringify({
    backend: headline?.backend ?? "unavailable",
    allocator: headline?.allocator,
    train_tokens_per_s: headline?.train_tokens_per_s,
    infer_tokens_per_s: headline?.infer_tokens_per_s,
    torch_train_tokens_per_s: reference?.train_tokens_per_s,
    torch_infer_tokens_per_s: reference?.infer_tokens_per_s,
    torch_reference: reference ? `${reference.python} torch ${reference.torch} (${reference.blas}), ${reference.allocator}` : null,
    train_ratio: ratio(headline?.train_tokens_per_s, reference?.train_tokens_per_s),
    infer_ratio: ratio(headline?.infer_tokens_per_s, reference?.infer_tokens_per_s),
    adamw_fused_vs_ops_train_ratio: ratio(native.find((r) => r.allocator === lastAlloc)?.train_tokens_per_s, opsRun?.adamw === "tfjs ops" ? opsRun.train_tokens_per_s : undefined),
    wasm_train_tokens_per_s: wasm?.train_tokens_per_s,
    wasm_infer_tokens_per_s: wasm?.infer_tokens_per_s,
    peak_rss_mb: headline?.peak_rss_mb,
    runs: results,
  }));
}

main();
