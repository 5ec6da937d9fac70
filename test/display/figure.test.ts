import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { lineFigure } from "../../lib/display/line-figure";
import { normalizeFigure, type Figure } from "../../lib/display/figure";
import { figureToSvg, niceTicks } from "../../lib/display/figure-svg";
import { figureToText } from "../../lib/display/figure-text";
import { figureHtmlFragment } from "../../lib/display/figure-html";
import { writeFigure } from "../../lib/display/write-figure";
import { showFigure } from "../../lib/display/show-figure";

const curves = () =>
  lineFigure({
    title: "Dev accuracy",
    xTitle: "epoch",
    yTitle: "accuracy",
    yRange: [0, 1],
    series: [
      { name: "teacher", x: [1, 2, 3], y: [0.8, 0.85, 0.9], dash: "dash" },
      { name: "student </script>", x: [1, 2, 3], y: [0.6, Number.NaN, 0.75] },
    ],
  });

test("lineFigure builds plotly scatter traces with plotly.js 3 style titles", () => {
  const fig = curves();
  assert.equal(fig.data.length, 2);
  assert.deepEqual(fig.data[0], { type: "scatter", mode: "lines+markers", name: "teacher", x: [1, 2, 3], y: [0.8, 0.85, 0.9], line: { dash: "dash" } });
  assert.deepEqual(fig.data[1].y, [0.6, null, 0.75]);
  assert.deepEqual(fig.layout?.title, { text: "Dev accuracy" });
  assert.deepEqual(fig.layout?.xaxis, { title: { text: "epoch" } });
  assert.deepEqual(fig.layout?.yaxis, { title: { text: "accuracy" }, range: [0, 1] });
  const long = lineFigure({ series: [{ name: "loss", x: Array.from({ length: 100 }, (_, i) => i), y: new Float32Array(100) as unknown as number[] }] });
  assert.equal(long.data[0].mode, "lines");
  assert.throws(() => lineFigure({ series: [{ name: "bad", x: [1, 2], y: [1] }] }), /"bad" has 2 x values but 1 y values/);
});

test("normalizeFigure turns string titles into {text} and typed arrays into arrays", () => {
  const fig = normalizeFigure({ data: [{ y: new Float32Array([1, 2]) as unknown as number[] }], layout: { title: "T", xaxis: { title: "x" }, yaxis2: { title: "y2" } } });
  assert.deepEqual(fig.layout, { title: { text: "T" }, xaxis: { title: { text: "x" } }, yaxis2: { title: { text: "y2" } } });
  assert.ok(Array.isArray(fig.data[0].y));
  assert.deepEqual(normalizeFigure(fig, { title: "new" }).layout?.title, { text: "new" });
  assert.throws(() => normalizeFigure({} as Figure), /needs a `data` array/);
});

test("the static SVG draws each series, the dash style, legend, titles, and gaps", () => {
  const svg = figureToSvg(curves());
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="700" height="420"/);
  const paths = svg.match(/<path d="[^"]*"[^>]*>/g) ?? [];
  assert.equal(paths.length, 2);
  assert.match(paths[0], /stroke="#1f77b4"[^>]*stroke-dasharray="9,9"/);
  assert.match(paths[1], /stroke="#ff7f0e"/);
  assert.equal((paths[1].match(/M/g) ?? []).length, 2, "a NaN splits the student line in two");
  assert.equal((svg.match(/<circle /g) ?? []).length, 5);
  for (const s of [">Dev accuracy<", ">epoch<", ">accuracy<", ">teacher<", ">student &lt;/script&gt;<"]) assert.ok(svg.includes(s), s);
  for (const tick of [">0.0<", ">0.2<", ">1.0<"]) assert.ok(svg.includes(tick), `y tick ${tick}`);
  assert.doesNotMatch(svg, /NaN|undefined/);
});

test("the static SVG names the trace types it cannot draw", () => {
  const svg = figureToSvg({ data: [{ type: "histogram", name: "distances", x: [1, 2] }, { type: "bar", x: ["en", "de"], y: [0.8, 0.7] }] });
  assert.match(svg, /Not drawn in this static preview: histogram &quot;distances&quot;/);
  assert.equal((svg.match(/<rect x=/g) ?? []).length, 3, "plot frame + 2 bars");
  assert.ok(svg.includes(">en<") && svg.includes(">de<"));
  const single = figureToSvg({ data: [{ type: "bar", name: "only", x: ["a"], y: [1] }] });
  assert.ok(!single.includes(">only<"), "like plotly, no legend for a single trace");
  assert.ok(figureToSvg({ data: [{ name: "only", y: [1, 2] }], layout: { showlegend: true } }).includes(">only<"));
});

test("niceTicks picks round steps", () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(-0.013, 0.051), [0, 0.02, 0.04]);
  assert.deepEqual(niceTicks(-1, 1), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(niceTicks(0, 100), [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(niceTicks(0, 7), [0, 2, 4, 6]);
  assert.deepEqual(niceTicks(3, 3), [3]);
});

test("figureToText summarises every trace", () => {
  assert.equal(
    figureToText(curves()),
    [
      "Figure: Dev accuracy  [x: epoch, y: accuracy]",
      "  teacher            scatter, 3 points, x 1 … 3, y 0.8 … 0.9, last y 0.9",
      "  student </script>  scatter, 3 points, x 1 … 3, y 0.6 … 0.75, last y 0.75",
    ].join("\n"),
  );
});

test("the notebook HTML cannot be broken out of by figure text, and embeds plotly only when asked", () => {
  const html = figureHtmlFragment(curves(), { id: "fig1" });
  assert.match(html, /^<div id="fig1" class="thieves-figure"><img src="data:image\/svg\+xml;base64,/);
  assert.equal((html.match(/<\/script>/g) ?? []).length, 1, "the trace name's </script> is escaped");
  assert.ok(html.includes("student \\u003c/script\\u003e"));
  assert.ok(html.length < 20_000);
  const withLib = figureHtmlFragment(curves(), { includePlotly: true });
  assert.ok(withLib.length > 3_000_000);
  assert.match(withLib, /^<script type="text\/javascript">\/\* plotly\.js \d+\.\d+\.\d+/);
});

test("writeFigure writes .html (offline, plotly inlined), .svg and .json by extension", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-fig-"));
  try {
    const fig = curves();
    const html = fs.readFileSync(writeFigure(fig, path.join(dir, "a", "fig.html")), "utf8");
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<title>Dev accuracy<\/title>/);
    assert.ok(html.includes("window.Plotly = Plotly"), "plotly.js is inlined");
    assert.doesNotMatch(html, /<script[^>]+src=/, "no external scripts");
    assert.ok(html.indexOf("window.Plotly = Plotly") < html.indexOf("Plotly.newPlot(el"));
    assert.equal(fs.readFileSync(writeFigure(fig, path.join(dir, "fig.svg")), "utf8"), `${figureToSvg(fig)}\n`);
    assert.deepEqual(JSON.parse(fs.readFileSync(writeFigure(fig, path.join(dir, "fig.json")), "utf8")), JSON.parse(JSON.stringify(fig)));
    assert.throws(() => writeFigure(fig, path.join(dir, "fig.png")), /use a \.html, \.svg or \.json/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("outside a notebook showFigure prints the text summary instead of crashing", (t) => {
  const logged: string[] = [];
  t.mock.method(console, "log", (s: string) => logged.push(s));
  showFigure(curves(), { title: "Renamed" });
  assert.equal(logged.length, 1);
  assert.match(logged[0], /^Figure: Renamed  \[x: epoch, y: accuracy\]\n  teacher/);
});
