/** Where vendored data lives: the project's datasets/ folder, else the shared mirror beside the checkout. */
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

export function datasetPath(relative: string): string {
  const candidates = [path.join(PROJECT_ROOT, "datasets", relative), path.join(PROJECT_ROOT, "..", "shared", "datasets", relative)];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`dataset file ${relative} not found; looked in ${candidates.join(" and ")}. Copy the data mirror into datasets/ (see datasets/MANIFEST.md).`);
  return found;
}
