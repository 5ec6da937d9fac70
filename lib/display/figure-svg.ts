/**
 * A static SVG rendering of a figure's scatter (line/marker) and bar traces: the fallback shown
 * where plotly's JavaScript does not run (untrusted notebooks, viewers that strip scripts) and an
 * image RESULTS.md can link. Other trace types are named in a note, not drawn.
 */
import { escapeHtml } from "./escape";
import { PLOTLY_COLORS, titleText, type Axis, type Figure, type Trace } from "./figure";

export interface SvgOptions {
  /** Width in pixels; default `layout.width` or 700. */
  width?: number;
  /** Height in pixels; default `layout.height` or 420. */
  height?: number;
}

const DASHES: Record<string, string> = {
  dot: "3,3",
  dash: "9,9",
  longdash: "15,15",
  dashdot: "9,3,3,3",
  longdashdot: "15,3,3,3",
};

type Scale = (v: number) => number;

interface Prepared {
  trace: Trace;
  color: string;
  kind: "scatter" | "bar";
  xs: (number | null)[];
  ys: (number | null)[];
}

const r2 = (v: number) => Math.round(v * 100) / 100;

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined || v === "") return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

function isCategorical(traces: Trace[], axis: Axis | undefined): boolean {
  if (axis?.type === "category") return true;
  return traces.some((t) => Array.from(t.x ?? []).some((v) => typeof v === "string" && toNumber(v) === null));
}

/** Rounded tick values covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Decimal places that show `step` exactly (0.25 → 2, 5 → 0). */
function decimalsOf(step: number): number {
  for (let d = 0; d <= 8; d++) {
    const scaled = Math.abs(step) * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
  }
  return 8;
}

function tickLabel(v: number, ticks: number[], log: boolean): string {
  if (log) return Math.abs(v) <= 4 ? String(Number((10 ** v).toPrecision(6))) : `1e${Math.round(v)}`;
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : v;
  return v.toFixed(decimalsOf(step));
}

function extent(values: (number | null)[], pad: number, includeZero: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (includeZero) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - (Math.abs(lo) || 1) * 0.1, hi + (Math.abs(hi) || 1) * 0.1];
  const p = (hi - lo) * pad;
  return [includeZero && lo === 0 ? 0 : lo - p, hi + p];
}

export function figureToSvg(fig: Figure, options: SvgOptions = {}): string {
  const layout = fig.layout ?? {};
  const width = options.width ?? (typeof layout.width === "number" ? layout.width : 700);
  const height = options.height ?? (typeof layout.height === "number" ? layout.height : 420);
  const xLog = layout.xaxis?.type === "log";
  const yLog = layout.yaxis?.type === "log";
  const logv = (v: number | null, log: boolean) => (v === null ? null : log ? (v > 0 ? Math.log10(v) : null) : v);

  const drawable: Trace[] = [];
  const skipped: string[] = [];
  fig.data.forEach((t, i) => {
    const type = t.type ?? "scatter";
    if (type === "scatter" || type === "scattergl" || type === "bar") drawable.push(t);
    else skipped.push(`${type} "${t.name ?? `trace ${i}`}"`);
  });

  const categorical = isCategorical(drawable, layout.xaxis);
  const categories: string[] = [];
  if (categorical) {
    for (const t of drawable) for (const v of Array.from(t.x ?? [])) if (v !== null && !categories.includes(String(v))) categories.push(String(v));
  }
  const prepared: Prepared[] = drawable.map((trace) => {
    const ys = Array.from(trace.y ?? [], (v) => logv(toNumber(v), yLog));
    const rawX = trace.x ? Array.from(trace.x) : ys.map((_, j) => j);
    const xs = rawX.map((v) => (categorical ? (v === null ? null : categories.indexOf(String(v))) : logv(toNumber(v), xLog)));
    const color = trace.line?.color ?? trace.marker?.color ?? PLOTLY_COLORS[fig.data.indexOf(trace) % PLOTLY_COLORS.length];
    return { trace, color: String(color), kind: (trace.type === "bar" ? "bar" : "scatter") as "bar" | "scatter", xs, ys };
  });
  const bars = prepared.filter((p) => p.kind === "bar");

  const title = titleText(layout.title);
  const xTitle = titleText(layout.xaxis?.title);
  const yTitle = titleText(layout.yaxis?.title);
  // plotly's rule: a legend when there is more than one trace, unless layout.showlegend says otherwise.
  const showLegend = typeof layout.showlegend === "boolean" ? layout.showlegend : fig.data.length > 1;
  const named = showLegend ? prepared.filter((p) => p.trace.name) : [];
  const legendWidth = named.length > 0 ? Math.min(220, 40 + 7 * Math.max(...named.map((p) => String(p.trace.name).length))) : 0;
  const left = 70;
  const right = 20 + legendWidth;
  const top = title ? 50 : 20;
  const bottom = (xTitle ? 55 : 35) + (skipped.length ? 18 : 0);
  const plotW = Math.max(50, width - left - right);
  const plotH = Math.max(50, height - top - bottom);

  const allX = prepared.flatMap((p) => p.xs);
  const allY = prepared.flatMap((p) => p.ys);
  const xr: [number, number] = layout.xaxis?.range
    ? [layout.xaxis.range[0], layout.xaxis.range[1]]
    : categorical
      ? [-0.5, Math.max(0, categories.length - 1) + 0.5]
      : extent(allX, bars.length ? 0.05 : 0, false);
  const yr: [number, number] = layout.yaxis?.range
    ? [layout.yaxis.range[0], layout.yaxis.range[1]]
    : extent(allY, 0.05, bars.length > 0 && !yLog);
  const sx: Scale = (v) => left + ((v - xr[0]) / (xr[1] - xr[0] || 1)) * plotW;
  const sy: Scale = (v) => top + plotH - ((v - yr[0]) / (yr[1] - yr[0] || 1)) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  if (title) out.push(`<text x="${r2(width / 2)}" y="28" text-anchor="middle" font-size="16">${escapeHtml(title)}</text>`);

  // Grid and tick labels.
  const yTicks = yLog ? niceTicks(Math.ceil(yr[0]), Math.floor(yr[1])).filter(Number.isInteger) : niceTicks(yr[0], yr[1]);
  for (const t of yTicks) {
    if (t < yr[0] - 1e-12 || t > yr[1] + 1e-12) continue;
    const y = r2(sy(t));
    out.push(`<line x1="${left}" x2="${r2(left + plotW)}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${r2(y + 4)}" text-anchor="end" fill="#444">${escapeHtml(tickLabel(t, yTicks, yLog))}</text>`);
  }
  if (categorical) {
    const every = Math.max(1, Math.ceil(categories.length / 12));
    categories.forEach((c, i) => {
      if (i % every) return;
      out.push(`<text x="${r2(sx(i))}" y="${r2(top + plotH + 16)}" text-anchor="middle" fill="#444">${escapeHtml(c)}</text>`);
    });
  } else {
    const xTicks = xLog ? niceTicks(Math.ceil(xr[0]), Math.floor(xr[1])).filter(Number.isInteger) : niceTicks(xr[0], xr[1]);
    for (const t of xTicks) {
      if (t < xr[0] - 1e-12 || t > xr[1] + 1e-12) continue;
      const x = r2(sx(t));
      out.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${r2(top + plotH)}" stroke="#f0f0f0"/>`);
      out.push(`<text x="${x}" y="${r2(top + plotH + 16)}" text-anchor="middle" fill="#444">${escapeHtml(tickLabel(t, xTicks, xLog))}</text>`);
    }
  }
  out.push(`<rect x="${left}" y="${top}" width="${r2(plotW)}" height="${r2(plotH)}" fill="none" stroke="#999"/>`);
  if (xTitle) out.push(`<text x="${r2(left + plotW / 2)}" y="${r2(top + plotH + 40)}" text-anchor="middle">${escapeHtml(xTitle)}</text>`);
  if (yTitle) out.push(`<text transform="translate(18 ${r2(top + plotH / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(yTitle)}</text>`);

  // Bars, grouped side by side.
  if (bars.length) {
    const positions = [...new Set(bars.flatMap((b) => b.xs).filter((v): v is number => v !== null))].sort((a, b) => a - b);
    let spacing = categorical ? 1 : Infinity;
    for (let i = 1; i < positions.length; i++) spacing = Math.min(spacing, positions[i] - positions[i - 1]);
    if (!Number.isFinite(spacing)) spacing = (xr[1] - xr[0]) / 2 || 1;
    const band = (Math.abs(sx(spacing) - sx(0)) * 0.8) / bars.length;
    const base = sy(Math.max(yr[0], Math.min(yr[1], 0)));
    bars.forEach((b, k) => {
      b.xs.forEach((x, j) => {
        const y = b.ys[j];
        if (x === null || y === null) return;
        const cx = sx(x) - (band * bars.length) / 2 + band * k;
        const top0 = Math.min(sy(y), base);
        out.push(`<rect x="${r2(cx)}" y="${r2(top0)}" width="${r2(band)}" height="${r2(Math.abs(base - sy(y)))}" fill="${escapeHtml(b.color)}"/>`);
      });
    });
  }

  // Lines and markers.
  for (const p of prepared) {
    if (p.kind !== "scatter") continue;
    const mode = p.trace.mode ?? (p.ys.length <= 20 ? "lines+markers" : "lines");
    const color = escapeHtml(p.color);
    if (mode.includes("lines")) {
      let d = "";
      let pen = false;
      p.xs.forEach((x, j) => {
        const y = p.ys[j];
        if (x === null || y === null) {
          pen = false;
          return;
        }
        d += `${pen ? "L" : "M"}${r2(sx(x))} ${r2(sy(y))}`;
        pen = true;
      });
      const dash = DASHES[String(p.trace.line?.dash ?? "")];
      const widthAttr = p.trace.line?.width ?? 2;
      if (d) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${widthAttr}"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`);
    }
    if (mode.includes("markers")) {
      p.xs.forEach((x, j) => {
        const y = p.ys[j];
        if (x !== null && y !== null) out.push(`<circle cx="${r2(sx(x))}" cy="${r2(sy(y))}" r="3" fill="${color}"/>`);
      });
    }
  }

  // Legend.
  named.forEach((p, i) => {
    const x = left + plotW + 16;
    const y = top + 10 + i * 18;
    const color = escapeHtml(p.color);
    if (p.kind === "bar") out.push(`<rect x="${r2(x)}" y="${y - 5}" width="20" height="10" fill="${color}"/>`);
    else {
      // Dashes at half scale, so that a 20 px sample shows the pattern.
      const dash = DASHES[String(p.trace.line?.dash ?? "")]?.split(",").map((v) => Number(v) / 2).join(",");
      out.push(`<line x1="${r2(x)}" x2="${r2(x + 20)}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`);
    }
    out.push(`<text x="${r2(x + 26)}" y="${y + 4}">${escapeHtml(String(p.trace.name))}</text>`);
  });

  if (skipped.length) {
    out.push(`<text x="${left}" y="${height - 6}" fill="#a00" font-size="11">Not drawn in this static preview: ${escapeHtml(skipped.join(", "))}</text>`);
  }
  out.push("</svg>");
  return out.join("\n");
}
