import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { verifiedFile } from "../../lib/data/checksum";
import { datasetPath } from "../../lib/data/paths";
import { REMOTE_DATASETS, VENDORED_DATASETS, VendoredFile, remoteDataset, vendoredFile } from "../../lib/data/registry";

const manifest = datasetPath("MANIFEST.md");
const root = path.dirname(manifest);
const registered = VENDORED_DATASETS.flatMap((d) => d.files);
const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : 1);

/** The rows of MANIFEST.md's "Files" table: | `path` | bytes | lines | `sha256` |. */
function manifestFiles(): VendoredFile[] {
  const section = fs.readFileSync(manifest, "utf8").split(/^## Files$/m)[1];
  assert.ok(section, "MANIFEST.md has a ## Files section");
  const rows = section.split("\n").filter((l) => l.startsWith("| `"));
  return rows.map((row) => {
    const m = /^\| `([^`]+)` \| (\d+) \| (\d+) \| `([0-9a-f]{64})` \|$/.exec(row);
    assert.ok(m, `unexpected Files row: ${row}`);
    return { path: m[1], bytes: Number(m[2]), lines: Number(m[3]), sha256: m[4] };
  });
}

test("the registry lists exactly the files of MANIFEST.md, with the same bytes, lines and sha256", () => {
  const listed = manifestFiles();
  assert.equal(listed.length, 69);
  assert.deepEqual([...registered].sort(byPath), [...listed].sort(byPath));
});

test("the multilingual MANIFEST agrees with the registry", () => {
  const text = fs.readFileSync(path.join(root, "multilingual", "MANIFEST.md"), "utf8");
  const rows = text.split("\n").filter((l) => /^\| `\w+\.txt\.gz` \|/.test(l));
  assert.equal(rows.length, 15);
  for (const row of rows) {
    const cells = row.split("|").map((c) => c.trim().replace(/`/g, ""));
    const entry = vendoredFile(`multilingual/${cells[1]}`);
    assert.ok(entry, cells[1]);
    assert.deepEqual([Number(cells[2]), Number(cells[3]), cells[7]], [entry.bytes, entry.lines, entry.sha256], cells[1]);
  }
});

test("every data file under datasets/ is registered (only the MANIFESTs are not)", () => {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (!e.name.endsWith(".md")) found.push(path.relative(root, full).split(path.sep).join("/"));
    }
  };
  walk(root);
  assert.deepEqual(found.sort(), registered.map((f) => f.path).sort());
});

test("every vendored file matches its sha256", () => {
  for (const f of registered) assert.equal(fs.statSync(verifiedFile(f.path)).size, f.bytes, f.path);
});

test("remote datasets have https URLs, unique cache paths and well-formed hashes", () => {
  assert.deepEqual(REMOTE_DATASETS.map((d) => d.name).sort(), ["boolq", "mnli", "qnli", "qqp", "squad-train", "wikitext-103"]);
  const files = REMOTE_DATASETS.flatMap((d) => d.files);
  assert.equal(new Set(files.map((f) => f.path)).size, files.length);
  for (const f of files) {
    assert.match(f.url, /^https:\/\//, f.path);
    if (f.sha256 !== undefined) assert.match(f.sha256, /^[0-9a-f]{64}$/, f.path);
    if (f.md5 !== undefined) assert.match(f.md5, /^[0-9a-f]{32}$/, f.path);
  }
  assert.equal(remoteDataset("squad-train").files[0].url, "https://rajpurkar.github.io/SQuAD-explorer/dataset/train-v1.1.json");
  assert.throws(() => remoteDataset("xnli"), /"xnli" is vendored/);
  assert.throws(() => remoteDataset("nope"), /no remote dataset "nope"; remote datasets are mnli, qqp/);
});
