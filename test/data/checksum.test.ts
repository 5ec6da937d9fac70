import { test } from "node:test";
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { verifiedFile } from "../../lib/data/checksum";
import { datasetPath } from "../../lib/data/paths";
import { vendoredFile } from "../../lib/data/registry";
import { readXnli } from "../../lib/data/xnli";

const RELATIVE = "xnli/xnli_validation_sw.tsv";

/** A temporary datasets folder holding a copy of one file; `$THIEVES_DATASETS` points at it during `body`. */
function withCopy(body: (copy: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-datasets-"));
  const copy = path.join(dir, RELATIVE);
  fs.mkdirSync(path.dirname(copy), { recursive: true });
  fs.copyFileSync(datasetPath(RELATIVE), copy);
  const before = process.env.THIEVES_DATASETS;
  process.env.THIEVES_DATASETS = dir;
  try {
    body(copy);
  } finally {
    if (before === undefined) delete process.env.THIEVES_DATASETS;
    else process.env.THIEVES_DATASETS = before;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Flips one bit in the middle of a file and moves its mtime, as an edit would. */
function corrupt(file: string): string {
  const bytes = fs.readFileSync(file);
  const before = crypto.createHash("sha256").update(bytes).digest("hex");
  bytes[bytes.length >> 1] ^= 0x01;
  fs.writeFileSync(file, bytes);
  const later = new Date(Date.now() + 10_000);
  fs.utimesSync(file, later, later);
  const after = crypto.createHash("sha256").update(bytes).digest("hex");
  assert.notEqual(after, before);
  return after;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

test("$THIEVES_DATASETS is searched first", () => {
  withCopy((copy) => {
    assert.equal(verifiedFile(RELATIVE), copy);
    assert.equal(readXnli("sw", "dev").length, 2490);
  });
});

test("a corrupted copy fails, naming the file, the expected and the actual hash, and the fix", () => {
  withCopy((copy) => {
    const actual = corrupt(copy);
    const expected = vendoredFile(RELATIVE)!.sha256;
    assert.throws(() => readXnli("sw", "dev"), (e: Error) => {
      assert.match(e.message, new RegExp(`checksum mismatch for dataset file ${escape(RELATIVE)} \\(${escape(copy)}\\)`));
      assert.match(e.message, new RegExp(`expected sha256 ${expected}`));
      assert.match(e.message, new RegExp(`got ${actual}`));
      assert.match(e.message, /re-copy it from .*shared[/\\]datasets[/\\]xnli[/\\]xnli_validation_sw\.tsv/);
      assert.match(e.message, new RegExp(`git checkout -- datasets/${escape(RELATIVE)}`));
      return true;
    });
  });
});

test("a file verified once is checked again after it changes on disk", () => {
  withCopy((copy) => {
    verifiedFile(RELATIVE);
    corrupt(copy);
    assert.throws(() => verifiedFile(RELATIVE), /checksum mismatch/);
  });
});

test("a missing file says what to place where", () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-empty-"));
  try {
    assert.throws(() => verifiedFile("sst2/dev.tsv", { roots: [empty] }), (e: Error) => {
      assert.match(e.message, /dataset file sst2\/dev\.tsv not found; looked in /);
      assert.ok(e.message.includes(path.join(empty, "sst2/dev.tsv")), e.message);
      assert.match(e.message, /Place it at .*datasets[/\\]sst2[/\\]dev\.tsv/);
      assert.match(e.message, /cp -r \.\.\/shared\/datasets/);
      return true;
    });
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test("a file not in the registry is named in the error", () => {
  assert.throws(() => verifiedFile("sst2/test.tsv"), /sst2\/test\.tsv is not a registered dataset file/);
  assert.throws(() => verifiedFile("MANIFEST.md"), /MANIFEST\.md is not a registered dataset file/);
});
