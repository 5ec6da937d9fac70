/**
 * Where vendored data lives: `$THIEVES_DATASETS` if set (tests point it at a temporary copy),
 * then the project's datasets/ folder, then the shared mirror beside the checkout.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The project root: the nearest folder above this file (symlinks resolved: notebooks reach lib/
 * through notebooks/lib) whose package.json is this project's.
 */
function findProjectRoot(): string {
  let dir = fs.realpathSync(__dirname);
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "thieves-lab") return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the thieves-lab project root above ${__dirname}`);
    dir = parent;
  }
}

export const PROJECT_ROOT = findProjectRoot();

/** The folders searched for a dataset file, in order. Read on every call, so tests can change the variable. */
export function datasetRoots(): string[] {
  const roots = [path.join(PROJECT_ROOT, "datasets"), path.join(PROJECT_ROOT, "..", "shared", "datasets")];
  const override = process.env.THIEVES_DATASETS;
  return override ? [path.resolve(override), ...roots] : roots;
}

/**
 * The absolute path of a file given relative to datasets/ (not checksum-verified: loaders use
 * `verifiedFile` from checksum.ts). Throws, saying what to place where, if no root has it.
 */
export function datasetPath(relative: string, roots: readonly string[] = datasetRoots()): string {
  const candidates = roots.map((root) => path.join(root, relative));
  const found = candidates.find((p) => fs.existsSync(p));
  if (found) return found;
  throw new Error(
    `dataset file ${relative} not found; looked in ${candidates.join(", ")}. ` +
      `Place it at ${path.join(PROJECT_ROOT, "datasets", relative)}: copy the mirror with \`cp -r ../shared/datasets/. datasets/\` ` +
      `from the project root, or restore it with \`git checkout -- datasets/${relative}\` (files and checksums: datasets/MANIFEST.md).`,
  );
}
