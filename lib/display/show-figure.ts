/**
 * `showFigure`: a plotly figure inline in a tslab notebook, or a text summary in a terminal.
 *
 * In a notebook the output carries the interactive chart (HTML + script), a static SVG inside
 * that HTML for viewers that drop scripts, the figure as `application/vnd.plotly.v1+json` (drawn
 * natively where JupyterLab has the plotly extension), and a text summary. plotly.js (~4.8 MB)
 * is embedded once per kernel session, in the first figure shown; restart the kernel and run all
 * (or pass `embedPlotly: true`) if that first output was cleared before saving.
 */
import { normalizeFigure, type Figure } from "./figure";
import { figureHtmlFragment } from "./figure-html";
import { figureToText } from "./figure-text";
import { displayBundle, inNotebook } from "./notebook";

export interface ShowFigureOptions {
  /** Replaces the figure's title. */
  title?: string;
  /** Embed plotly.js in this output even if an earlier one in this kernel session did. */
  embedPlotly?: boolean;
}

/** Kept on globalThis so that tslab re-loading this module does not forget it. */
const state = ((globalThis as Record<symbol, unknown>)[Symbol.for("thieves-lab.display")] ??= { plotlyEmbedded: false }) as {
  plotlyEmbedded: boolean;
};

export function showFigure(figure: Figure, options: ShowFigureOptions = {}): void {
  const fig = normalizeFigure(figure, { title: options.title });
  if (!inNotebook()) {
    console.log(figureToText(fig));
    return;
  }
  const includePlotly = options.embedPlotly === true || !state.plotlyEmbedded;
  displayBundle({
    "text/html": figureHtmlFragment(fig, { includePlotly }),
    "text/plain": figureToText(fig),
    "application/vnd.plotly.v1+json": { data: fig.data, layout: fig.layout ?? {}, config: fig.config ?? {} },
  });
  state.plotlyEmbedded = true;
}
