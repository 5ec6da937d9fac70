/**
 * Backend choice at start-up: native TensorFlow on a GPU, native TensorFlow on the CPU,
 * WebAssembly, then the plain-JavaScript cpu backend — the first that loads wins, unless
 * THIEVES_BACKEND names one. The choice is printed once and recorded in every result file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
// A static import: tslab compiles only what is imported statically, and notebooks may fall back to wasm.
import { registerWasmTrainingKernels } from "./wasm-kernels";

export type BackendName = "tensorflow-gpu" | "tensorflow" | "wasm" | "cpu";
export const BACKEND_ORDER: readonly BackendName[] = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"];
export const BACKEND_ENV = "THIEVES_BACKEND";

export interface BackendInfo {
  /** Our name for the backend (tfjs calls both native ones "tensorflow"). */
  name: BackendName;
  /** tfjs's name for the active backend. */
  tfjsBackend: string;
  /** Package and library versions, e.g. "@tensorflow/tfjs-node 4.22.0, TensorFlow 2.21.0". */
  engine: string;
  /** Why each backend ahead of the chosen one was passed over. */
  skipped: Partial<Record<BackendName, string>>;
}

/** Training-speed cost of the fallbacks, measured on our 2-core machines (see README, Performance). */
const SLOWDOWN_NOTE: Partial<Record<BackendName, string>> = {
  wasm: "training on wasm is about 50x slower than on native TensorFlow",
  cpu: "the cpu backend is a slow reference, several hundred times slower than native TensorFlow",
};

let active: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).split("\n")[0];
}

/** Whether a native package's addon was built: requiring one without it half-registers its kernels. */
function addonBuilt(pkg: string): boolean {
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return false;
  }
  const lib = path.join(dir, "lib");
  return fs.existsSync(lib) && fs.readdirSync(lib).some((d) => fs.existsSync(path.join(lib, d, "tfjs_binding.node")));
}

/** Loads a native package; tfjs-node registers the "tensorflow" backend as a side effect. */
function loadNative(pkg: string): string {
  if (!addonBuilt(pkg)) throw new Error(`${pkg} is not installed with a built addon`);
  // TensorFlow's C++ logging (oneDNN notices, CPU feature lines) would flood notebooks and CLIs.
  if (process.env.TF_CPP_MIN_LOG_LEVEL === undefined) process.env.TF_CPP_MIN_LOG_LEVEL = "2";
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod = require(pkg);
  const tfVersion: string = (tf.findBackend("tensorflow") as unknown as { binding?: { TF_Version?: string } })?.binding?.TF_Version ?? "?";
  return `${pkg} ${mod.version?.["tfjs-node"] ?? ""}, TensorFlow ${tfVersion}`.replace("  ", " ");
}

async function tryBackend(name: BackendName): Promise<string> {
  switch (name) {
    case "tensorflow-gpu": {
      const engine = loadNative("@tensorflow/tfjs-node-gpu");
      if (!(await tf.setBackend("tensorflow"))) throw new Error("tfjs-node-gpu loaded but its backend did not start");
      return engine;
    }
    case "tensorflow": {
      const engine = loadNative("@tensorflow/tfjs-node");
      if (!(await tf.setBackend("tensorflow"))) throw new Error("tfjs-node loaded but its backend did not start");
      return engine;
    }
    case "wasm": {
      require("@tensorflow/tfjs-backend-wasm");
      registerWasmTrainingKernels();
      if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend did not start");
      return `@tensorflow/tfjs-backend-wasm ${tf.version.tfjs} (SIMD: ${await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")})`;
    }
    case "cpu":
      if (!(await tf.setBackend("cpu"))) throw new Error("the cpu backend did not start");
      return `@tensorflow/tfjs-backend-cpu ${tf.version.tfjs}`;
  }
}

function requestedBackend(): BackendName | undefined {
  const value = process.env[BACKEND_ENV];
  if (!value) return undefined;
  if (!(BACKEND_ORDER as readonly string[]).includes(value)) {
    throw new Error(`${BACKEND_ENV}=${value} is not a backend; use one of ${BACKEND_ORDER.join(", ")} (or unset it to pick the fastest that loads)`);
  }
  return value as BackendName;
}

/**
 * Picks and starts the backend once per process and returns what was chosen.
 * `prefer` (or $THIEVES_BACKEND) forces one backend and fails if it cannot start.
 */
export function initBackend(options: { prefer?: BackendName; quiet?: boolean } = {}): Promise<BackendInfo> {
  if (!pending) pending = chooseBackend(options.prefer ?? requestedBackend(), options.quiet ?? false);
  return pending;
}

async function chooseBackend(forced: BackendName | undefined, quiet: boolean): Promise<BackendInfo> {
  const skipped: Partial<Record<BackendName, string>> = {};
  for (const name of forced ? [forced] : BACKEND_ORDER) {
    try {
      const engine = await tryBackend(name);
      tf.enableProdMode();
      active = { name, tfjsBackend: tf.getBackend(), engine, skipped };
      if (!quiet) announce(active);
      return active;
    } catch (err) {
      skipped[name] = firstLine(err);
      if (forced) throw new Error(`backend ${name} (from ${BACKEND_ENV} or the caller) could not start: ${skipped[name]}`);
    }
  }
  throw new Error(`no tfjs backend could start: ${JSON.stringify(skipped)}`);
}

function announce(info: BackendInfo): void {
  let line = `[thieves-lab] backend: ${info.name} (${info.engine})`;
  const note = SLOWDOWN_NOTE[info.name];
  if (note) {
    const why = info.skipped.tensorflow ? `; native TensorFlow unavailable: ${info.skipped.tensorflow}` : "";
    line += `\n[thieves-lab] warning: ${note}${why}. Run \`npm run setup:native\` to build it.`;
  }
  console.error(line);
}

/** The backend chosen by initBackend; throws if it has not run yet. */
export function backendInfo(): BackendInfo {
  if (!active) throw new Error("no backend chosen yet: await initBackend() first");
  return active;
}

export { tf };
