/**
 * A figure as HTML: a `<div>` holding the static SVG rendering, and a script that replaces it
 * with the interactive plotly chart once plotly.js is on the page. Without JavaScript (untrusted
 * notebooks, sanitising viewers) the SVG stays; if plotly.js arrives later on the page, the
 * figure waits for it in `window.__thievesPlotlyQueue`.
 */
import { randomBytes } from "node:crypto";
import { escapeHtml, jsonForScript } from "./escape";
import { normalizeFigure, titleText, type Figure } from "./figure";
import { figureToSvg } from "./figure-svg";
import { figureToText } from "./figure-text";
import { plotlyScriptTag } from "./plotly-source";

const DEFAULT_CONFIG = { responsive: true, displaylogo: false };

export interface FigureHtmlOptions {
  /** Put plotly.js itself (~4.8 MB) in front of the figure; default false. */
  includePlotly?: boolean;
  /** Element id; default random. */
  id?: string;
}

/** The static rendering as an `<img>` (data URI), which HTML sanitisers keep while they drop inline `<svg>`. */
export function staticImageTag(fig: Figure): string {
  const svg = Buffer.from(figureToSvg(fig), "utf8").toString("base64");
  const alt = escapeHtml(figureToText(fig));
  return `<img src="data:image/svg+xml;base64,${svg}" alt="${alt}" style="max-width:100%;height:auto"/>`;
}

export function figureHtmlFragment(figure: Figure, options: FigureHtmlOptions = {}): string {
  const fig = normalizeFigure(figure);
  const id = options.id ?? `thieves-fig-${randomBytes(6).toString("hex")}`;
  const payload = jsonForScript({ data: fig.data, layout: fig.layout, config: { ...DEFAULT_CONFIG, ...(fig.config ?? {}) } });
  const script = [
    `<script type="text/javascript">(function () {`,
    `  var fig = ${payload};`,
    `  function draw() {`,
    `    var el = document.getElementById(${jsonForScript(id)});`,
    `    if (!el || !window.Plotly) return;`,
    `    el.innerHTML = "";`,
    `    window.Plotly.newPlot(el, fig.data, fig.layout, fig.config);`,
    `  }`,
    `  if (window.Plotly) draw(); else (window.__thievesPlotlyQueue = window.__thievesPlotlyQueue || []).push(draw);`,
    `})();</script>`,
  ].join("\n");
  const div = `<div id="${escapeHtml(id)}" class="thieves-figure">${staticImageTag(fig)}</div>`;
  return `${options.includePlotly ? `${plotlyScriptTag()}\n` : ""}${div}\n${script}`;
}

/** A complete offline HTML page with plotly.js inlined. */
export function standaloneFigureHtml(figure: Figure): string {
  const title = titleText(figure.layout?.title) || "figure";
  return [
    "<!DOCTYPE html>",
    `<html lang="en">`,
    `<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    `<body style="margin:16px;font-family:Helvetica,Arial,sans-serif">`,
    plotlyScriptTag(),
    figureHtmlFragment(figure),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
