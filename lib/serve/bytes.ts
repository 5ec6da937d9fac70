/** Sizes on the command line: "65536", "64kb", "1mb" (binary units: 1kb = 1024 bytes). */

const UNITS: Record<string, number> = { "": 1, b: 1, kb: 1024, k: 1024, kib: 1024, mb: 1024 ** 2, m: 1024 ** 2, mib: 1024 ** 2 };

/** Bytes in a size such as "64kb"; `what` names the option in errors. */
export function parseByteSize(text: string, what = "size"): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`${what} "${text}" is not a size; write bytes or a number with kb or mb, e.g. 64kb`);
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes < 1) throw new Error(`${what} "${text}" is less than one byte`);
  return bytes;
}
