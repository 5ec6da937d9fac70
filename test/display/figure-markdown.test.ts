/** figureImageMarkdown: `![title](relative/path.svg)` for RESULTS.md and the README. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { figureImageMarkdown } from "../../lib/display/figure-markdown";
import { PROJECT_ROOT } from "../../lib/data/paths";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-md-"));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.mkdirSync(path.join(dir, "results", "my figs"), { recursive: true });
for (const f of ["loss.html", "loss.svg", "acc.html", "acc.svg", "acc.png"]) fs.writeFileSync(path.join(dir, "results", f), "x");
fs.writeFileSync(path.join(dir, "results", "my figs", "a(1).svg"), "x");

test("links the SVG beside the written .html, relative to the Markdown file's folder", () => {
  const html = path.join(dir, "results", "loss.html");
  assert.equal(figureImageMarkdown(html, { from: dir, title: "Training loss" }), "![Training loss](results/loss.svg)");
  assert.equal(figureImageMarkdown(html, { from: path.join(dir, "results") }), "![loss](loss.svg)");
  assert.equal(figureImageMarkdown(html, { from: path.join(dir, "docs") }), "![loss](../results/loss.svg)");
});

test("format png picks the PNG when there is one, else the SVG", () => {
  assert.equal(figureImageMarkdown(path.join(dir, "results", "acc.html"), { from: dir, format: "png" }), "![acc](results/acc.png)");
  assert.equal(figureImageMarkdown(path.join(dir, "results", "loss.html"), { from: dir, format: "png" }), "![loss](results/loss.svg)");
});

test("titles and paths cannot break the Markdown", () => {
  const md = figureImageMarkdown(path.join(dir, "results", "my figs", "a(1).svg"), { from: dir, title: "IMP [rewind]\nvs random" });
  assert.equal(md, "![IMP \\[rewind\\] vs random](results/my%20figs/a(1).svg)");
});

test("a missing image is an error naming it; the default folder is the project root", () => {
  assert.throws(() => figureImageMarkdown(path.join(dir, "results", "none.html"), { from: dir }), /none\.svg does not exist \(write the figure with writeFigure/);
  const inRoot = path.join(PROJECT_ROOT, "results", "tmp", `md-test-${process.pid}.svg`);
  fs.mkdirSync(path.dirname(inRoot), { recursive: true });
  fs.writeFileSync(inRoot, "x");
  try {
    assert.equal(figureImageMarkdown(inRoot), `![md-test-${process.pid}](results/tmp/md-test-${process.pid}.svg)`);
  } finally {
    fs.rmSync(inRoot);
  }
});
