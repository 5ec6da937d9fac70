/**
 * Talking to the tslab kernel: whether code runs inside a notebook, and sending one display
 * with several MIME types (tslab's public `display` sends one type per output).
 */

type Bundle = Record<string, unknown>;
type WriteDisplayData = (content: { data: Bundle; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

interface TslabPublic {
  display: { html(s: string): void; text(s: string): void };
}

/** True inside a tslab kernel (its executor sets `globalThis.__tslab__`). */
export function inNotebook(): boolean {
  return (globalThis as { __tslab__?: unknown }).__tslab__ !== undefined;
}

function kernelWriter(): WriteDisplayData | undefined {
  try {
    // The kernel's own module (same file as the running kernel when tslab is the project's).
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData?: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Shows one output holding every representation in `bundle` (the front end picks the richest
 * it can render). Falls back to tslab's public API with the HTML alone when the kernel's
 * internals are not reachable (e.g. a globally installed tslab runs the kernel).
 */
export function displayBundle(bundle: { "text/html": string; "text/plain": string } & Bundle): void {
  const write = kernelWriter();
  if (write) {
    write({ data: bundle, metadata: {}, transient: {} }, false);
    return;
  }
  const tslab = require("tslab") as TslabPublic;
  tslab.display.html(bundle["text/html"]);
}
