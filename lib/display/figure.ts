/**
 * The figure type: a plain plotly.js `{data, layout}` object, so anything plotly can draw can
 * be shown, written and reloaded (`JSON.parse` of a written `.json` is a figure again).
 * Only the fields this folder reads are typed; every other plotly attribute passes through.
 */

/** A plotly title: plotly.js 3 wants `{text}`; a bare string is accepted and normalised. */
export type PlotlyTitle = string | { text?: string; [key: string]: unknown };

export interface Axis {
  title?: PlotlyTitle;
  /** "linear" (default), "log" or "category". */
  type?: string;
  range?: [number, number];
  [key: string]: unknown;
}

export interface Trace {
  /** plotly trace type; default "scatter". */
  type?: string;
  name?: string;
  x?: ArrayLike<number | string | null>;
  y?: ArrayLike<number | string | null>;
  /** For scatter: "lines", "markers", "lines+markers". */
  mode?: string;
  line?: { dash?: string; color?: string; width?: number; [key: string]: unknown };
  marker?: { color?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Layout {
  title?: PlotlyTitle;
  xaxis?: Axis;
  yaxis?: Axis;
  width?: number;
  height?: number;
  [key: string]: unknown;
}

export interface Figure {
  data: Trace[];
  layout?: Layout;
  /** plotly config (modebar, responsiveness); optional. */
  config?: Record<string, unknown>;
}

/** plotly.js's default colorway, so static renderings match the interactive ones. */
export const PLOTLY_COLORS: readonly string[] = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
];

/** The text of a title in either form ("" when absent). */
export function titleText(title: PlotlyTitle | undefined): string {
  if (title === undefined || title === null) return "";
  return typeof title === "string" ? title : String(title.text ?? "");
}

/**
 * A copy of the figure in the form plotly.js 3 accepts: string titles become `{text}`,
 * typed arrays become plain arrays (so the figure serialises to JSON).
 */
export function normalizeFigure(fig: Figure, overrides: { title?: string } = {}): Figure {
  if (!fig || !Array.isArray(fig.data)) throw new Error("a figure needs a `data` array of plotly traces");
  const fixTitle = (t: PlotlyTitle | undefined) => (typeof t === "string" ? { text: t } : t);
  const layout: Layout = { ...(fig.layout ?? {}) };
  if (overrides.title !== undefined) layout.title = { text: overrides.title };
  else if (layout.title !== undefined) layout.title = fixTitle(layout.title);
  for (const key of Object.keys(layout)) {
    const axis = layout[key];
    if (/^[xy]axis\d*$/.test(key) && axis && typeof axis === "object") {
      const a = { ...(axis as Axis) };
      if (a.title !== undefined) a.title = fixTitle(a.title);
      layout[key] = a;
    }
  }
  const data = fig.data.map((trace) => {
    const t: Trace = { ...trace };
    for (const key of ["x", "y"] as const) {
      const v = t[key];
      if (v !== undefined && !Array.isArray(v)) t[key] = Array.from(v);
    }
    return t;
  });
  return fig.config ? { data, layout, config: fig.config } : { data, layout };
}
