/**
 * plotly.js itself (the `plotly.js-dist-min` bundle), read once, as a `<script>` element that
 * works offline and defines `window.Plotly` even on pages that also load RequireJS or define
 * `module`. It then draws every figure that was waiting for it (see figure-html.ts).
 */
import * as fs from "node:fs";

let cached: string | undefined;

/** plotly.js's version, from its package.json. */
export function plotlyVersion(): string {
  return JSON.parse(fs.readFileSync(require.resolve("plotly.js-dist-min/package.json"), "utf8")).version;
}

/** The minified plotly.js source (~4.8 MB). */
export function plotlySource(): string {
  if (cached === undefined) {
    cached = fs.readFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), "utf8").replace(/<\/script/gi, "<\\/script");
  }
  return cached;
}

/** A `<script>` defining window.Plotly (unless already defined) and flushing the figure queue. */
export function plotlyScriptTag(): string {
  return [
    `<script type="text/javascript">/* plotly.js ${plotlyVersion()}, embedded by thieves-lab lib/display */`,
    "if (!window.Plotly) { (function (define, module, exports, require) {",
    plotlySource(),
    "}).call(window); }",
    "(window.__thievesPlotlyQueue || []).splice(0).forEach(function (draw) { draw(); });",
    "</script>",
  ].join("\n");
}
