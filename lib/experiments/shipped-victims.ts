/**
 * Victims shipped with the project. The extraction and defense notebooks demo attacks on live
 * victims (their answer shares, a live HTTP attack, a watermark, a membership gate), and training
 * a `small` victim takes 3–5 minutes each, so a clean clone would retrain them before a class
 * could read the notebooks. `models/victims/<preset>-<name>/` holds a float16 copy of each, with
 * the key of the settings and miniature it was trained from: a changed setting or retrained
 * miniature gives another key, and the victim is trained again as before.
 */
import * as path from "node:path";
import { PROJECT_ROOT } from "../data/paths";
import { loadModel, saveModel } from "../model/io";
import { writeFileAtomic } from "../model/safetensors";
import { copyTokenizerFiles } from "../tokenize/train";
import { readKept } from "./kept";

const VICTIM_FILE = "victim.json";

/** Where a shipped victim lives. */
export function shippedVictimDir(preset: string, name: string, root = PROJECT_ROOT): string {
  return path.join(root, "models", "victims", `${preset}-${name}`);
}

/** The shipped victim's folder when it was trained with these settings (`key`), else undefined. */
export function findShippedVictim(preset: string, name: string, key: string, root = PROJECT_ROOT): string | undefined {
  const dir = shippedVictimDir(preset, name, root);
  return readKept<{ key?: string }>(path.join(dir, VICTIM_FILE))?.key === key ? dir : undefined;
}

/** Copies a trained victim folder to its shipped place as float16 weights, recording `key` in its victim.json. */
export function shipVictim(trainedDir: string, preset: string, name: string, key: string, root = PROJECT_ROOT): string {
  const dir = shippedVictimDir(preset, name, root);
  // Copying the shipped copy onto itself would record the wrong settings key.
  if (path.resolve(trainedDir) === path.resolve(dir)) throw new Error(`${name}: ${trainedDir} is the shipped copy itself; train the victim into results/runs/ first`);
  const info = readKept<Record<string, unknown>>(path.join(trainedDir, VICTIM_FILE));
  if (!info) throw new Error(`${trainedDir}: no ${VICTIM_FILE}; only a finished victim can be shipped`);
  const { model } = loadModel(trainedDir);
  try {
    saveModel(model, dir, {}, { precision: "float16" });
  } finally {
    model.dispose();
  }
  copyTokenizerFiles(trainedDir, dir);
  writeFileAtomic(path.join(dir, VICTIM_FILE), JSON.stringify({ ...info, key, weights: "float16 copy of the trained (float32) victim; its scores are the float32 one's" }, null, 2) + "\n");
  return dir;
}
