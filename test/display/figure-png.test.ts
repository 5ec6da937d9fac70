/**
 * Static images beside every written figure: the SVG (own renderer) always, the PNG (plotly.js in
 * headless Chromium) when Chromium is present. The PNG cases skip without Chromium, saying what to
 * install, except under CI=true, where they fail.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CHROMIUM_HINT, findChromium, loadPlaywright } from "../../lib/display/chromium";
import { figureToSvg } from "../../lib/display/figure-svg";
import { lineFigure } from "../../lib/display/line-figure";
import { writeFigurePngs } from "../../lib/display/figure-png";
import { writeFigure, writeFigureFiles } from "../../lib/display/write-figure";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-png-"));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const fig = () =>
  lineFigure({ title: "Sparsity vs accuracy", xTitle: "sparsity", yTitle: "accuracy", series: [{ name: "IMP", x: [0, 0.5, 0.9], y: [0.9, 0.88, 0.7] }] });

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const b = fs.readFileSync(file);
  assert.deepEqual([...b.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function withEnv<T>(name: string, value: string | undefined, fn: () => T): T {
  const old = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return fn();
  } finally {
    if (old === undefined) delete process.env[name];
    else process.env[name] = old;
  }
}

const noChromium = !findChromium() || !loadPlaywright() ? `no headless Chromium: ${CHROMIUM_HINT}` : undefined;
function needChromium(t: { skip(m: string): void }): boolean {
  if (!noChromium) return true;
  if (process.env.CI === "true") assert.fail(`${noChromium} (CI=true: failing instead of skipping)`);
  t.skip(noChromium);
  return false;
}

test("writeFigure(.html) always puts the own SVG beside it; png: false writes no PNG", () => {
  const html = path.join(dir, "a", "curve.html");
  assert.equal(writeFigure(fig(), html, { png: false }), html);
  assert.equal(fs.readFileSync(path.join(dir, "a", "curve.svg"), "utf8"), `${figureToSvg(fig())}\n`);
  assert.ok(!fs.existsSync(path.join(dir, "a", "curve.png")));
  const files = withEnv("THIEVES_FIGURE_PNG", "0", () => writeFigureFiles(fig(), path.join(dir, "b", "curve.html")));
  assert.deepEqual(files, { html: path.join(dir, "b", "curve.html"), svg: path.join(dir, "b", "curve.svg") });
});

test("without Chromium the PNG is skipped by default and an error when required", (t) => {
  const warnings: string[] = [];
  t.mock.method(console, "warn", (s: string) => warnings.push(s));
  withEnv("THIEVES_CHROMIUM", "none", () => {
    const files = writeFigureFiles(fig(), path.join(dir, "c", "curve.html"));
    assert.equal(files.png, undefined);
    assert.deepEqual(warnings, [], "no Chromium is not worth a warning");
    assert.throws(() => writeFigure(fig(), path.join(dir, "c", "curve.html"), { png: true }), /cannot write .*curve\.png: .*install Chromium/);
  });
});

test("a Chromium that fails to start costs the PNG, with a warning, not the figure", (t) => {
  if (!needChromium(t)) return;
  const warnings: string[] = [];
  t.mock.method(console, "warn", (s: string) => warnings.push(s));
  const files = withEnv("THIEVES_CHROMIUM", "/bin/false", () => writeFigureFiles(fig(), path.join(dir, "d", "curve.html")));
  assert.equal(files.png, undefined);
  assert.ok(fs.existsSync(files.svg) && fs.existsSync(files.html));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^writeFigure: no PNG beside .*curve\.html \(.+\); the SVG is there$/);
});

test("with Chromium, writeFigure(.html) also writes plotly's own drawing as a PNG", (t) => {
  if (!needChromium(t)) return;
  const files = writeFigureFiles(fig(), path.join(dir, "e", "curve.html"));
  assert.equal(files.png, path.join(dir, "e", "curve.png"));
  assert.deepEqual(pngSize(files.png!), { width: 1400, height: 840 }, "700 x 420 at scale 2");
  assert.ok(fs.statSync(files.png!).size > 10_000, "the PNG has content");
});

test("writeFigurePngs draws several figures with one browser, at the layout's size", async (t) => {
  if (!needChromium(t)) return;
  const wide = fig();
  wide.layout = { ...wide.layout, width: 900, height: 300 };
  const histogram = { data: [{ type: "histogram", x: [1, 2, 2, 3, 3, 3] }], layout: { title: "distances" } };
  const out = await writeFigurePngs([{ figure: wide, file: path.join(dir, "f", "wide.png") }, { figure: histogram, file: path.join(dir, "f", "hist.png") }], { scale: 1 });
  assert.deepEqual(out, [path.join(dir, "f", "wide.png"), path.join(dir, "f", "hist.png")]);
  assert.deepEqual(pngSize(out[0]), { width: 900, height: 300 });
  assert.deepEqual(pngSize(out[1]), { width: 700, height: 420 });
});
