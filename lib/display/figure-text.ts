/**
 * A plain-text summary of a figure: what a terminal shows instead of the chart, and the
 * `text/plain` part of a notebook display.
 */
import { titleText, type Figure } from "./figure";

function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

function range(values: unknown[]): string {
  const nums = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (nums.length === 0) {
    const strings = values.filter((v) => v !== null && v !== undefined).map(String);
    return strings.length ? `${strings[0]} … ${strings[strings.length - 1]}` : "(none)";
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of nums) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return `${fmt(lo)} … ${fmt(hi)}`;
}

export function figureToText(fig: Figure): string {
  const layout = fig.layout ?? {};
  const title = titleText(layout.title) || "(untitled figure)";
  const xTitle = titleText(layout.xaxis?.title);
  const yTitle = titleText(layout.yaxis?.title);
  const axes = xTitle || yTitle ? `  [x: ${xTitle || "?"}, y: ${yTitle || "?"}]` : "";
  const lines = [`Figure: ${title}${axes}`];
  const names = fig.data.map((t, i) => t.name ?? `trace ${i}`);
  const pad = Math.max(0, ...names.map((n) => n.length));
  fig.data.forEach((t, i) => {
    const ys = Array.from(t.y ?? []) as unknown[];
    const xs = Array.from(t.x ?? []) as unknown[];
    const last = [...ys].reverse().find((v) => typeof v === "number" && Number.isFinite(v));
    const parts = [
      `${t.type ?? "scatter"}`,
      `${Math.max(xs.length, ys.length)} points`,
      xs.length ? `x ${range(xs)}` : "",
      ys.length ? `y ${range(ys)}` : "",
      typeof last === "number" ? `last y ${fmt(last)}` : "",
    ].filter(Boolean);
    lines.push(`  ${names[i].padEnd(pad)}  ${parts.join(", ")}`);
  });
  return lines.join("\n");
}
