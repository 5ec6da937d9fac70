/**
 * `lineFigure`: the loss / accuracy / sparsity curves the experiments draw, as a plotly figure.
 */
import type { Figure, Trace } from "./figure";

export interface LineSeries {
  /** Legend entry. */
  name: string;
  /** x values (steps, epochs, sparsity, …); same length as `y`. */
  x: ArrayLike<number | string>;
  /** y values; `null`/`NaN` leave a gap. */
  y: ArrayLike<number | null>;
  /** plotly dash style ("dash", "dot", "dashdot", …); default solid. The papers draw teachers dashed. */
  dash?: string;
  /** Line colour; default plotly's colorway in series order. */
  color?: string;
  /** Draw point markers; default: only when the series has at most 30 points. */
  markers?: boolean;
}

export interface LineFigureArgs {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  series: LineSeries[];
  /** "log" for a logarithmic x axis; default linear. */
  xType?: "linear" | "log";
  /** "log" for a logarithmic y axis; default linear. */
  yType?: "linear" | "log";
  /** Fixed y range, e.g. [0, 1] for accuracy; default automatic. */
  yRange?: [number, number];
  /** Figure height in pixels; default 420. */
  height?: number;
}

export function lineFigure(args: LineFigureArgs): Figure {
  const data: Trace[] = args.series.map((s) => {
    if (s.x.length !== s.y.length) {
      throw new Error(`lineFigure: series "${s.name}" has ${s.x.length} x values but ${s.y.length} y values`);
    }
    const markers = s.markers ?? s.y.length <= 30;
    const line: Trace["line"] = {};
    if (s.dash) line.dash = s.dash;
    if (s.color) line.color = s.color;
    const trace: Trace = {
      type: "scatter",
      mode: markers ? "lines+markers" : "lines",
      name: s.name,
      x: Array.from(s.x),
      y: Array.from(s.y, (v) => (v === null || Number.isNaN(v) ? null : v)),
      line,
    };
    if (s.color) trace.marker = { color: s.color };
    return trace;
  });
  const axis = (title: string | undefined, type: string | undefined, range?: [number, number]) => {
    const a: Record<string, unknown> = {};
    if (title) a.title = { text: title };
    if (type && type !== "linear") a.type = type;
    if (range) a.range = type === "log" ? range.map(Math.log10) : range;
    return a;
  };
  return {
    data,
    layout: {
      ...(args.title ? { title: { text: args.title } } : {}),
      xaxis: axis(args.xTitle, args.xType),
      yaxis: axis(args.yTitle, args.yType, args.yRange),
      height: args.height ?? 420,
      margin: { t: args.title ? 60 : 30 },
    },
  };
}
