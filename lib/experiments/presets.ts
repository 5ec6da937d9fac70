/**
 * Run sizes: `tiny` (seconds; CI and tests — plumbing, not quality), `small` (the default; each
 * experiment ≤ 30 min on 2 CPU cores; the committed RESULTS.md), `paper` (papers' sizes; GPU).
 */
export type Preset = "tiny" | "small" | "paper";
export const PRESETS: readonly Preset[] = ["tiny", "small", "paper"];
export const PRESET_ENV = "THIEVES_PRESET";

/** The preset named by the argument, else $THIEVES_PRESET, else `small`. */
export function resolvePreset(name?: string): Preset {
  const value = name ?? process.env[PRESET_ENV] ?? "small";
  if (!(PRESETS as readonly string[]).includes(value)) throw new Error(`unknown preset "${value}"; use one of ${PRESETS.join(", ")}`);
  return value as Preset;
}
