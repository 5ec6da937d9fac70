/**
 * A table as a self-styled HTML `<table>` (styles inline, so they survive notebook sanitisers
 * and nbconvert), numbers right-aligned, long tables cut with a note of how many rows are hidden.
 */
import { escapeHtml } from "./escape";
import { tableData, type TableInput, type TableOptions } from "./table";

export interface TableHtmlOptions extends TableOptions {
  /** Rows shown; default 50. */
  maxRows?: number;
  /** Caption above the table. */
  caption?: string;
}

const CELL = "padding:3px 10px;border-bottom:1px solid #ddd";

export function tableToHtml(table: TableInput, options: TableHtmlOptions = {}): string {
  const maxRows = options.maxRows ?? 50;
  const { columns, cells, numeric, totalRows } = tableData(table, { ...options, limit: maxRows });
  if (columns.length === 0) return "<div><em>(empty table)</em></div>";
  const align = (i: number) => `text-align:${numeric[i] ? "right" : "left"}`;
  const head = columns.map((c, i) => `<th style="${CELL};${align(i)};border-bottom:2px solid #888">${escapeHtml(c)}</th>`).join("");
  const body = cells
    .map((row) => `<tr>${row.map((v, i) => `<td style="${CELL};${align(i)}">${escapeHtml(v)}</td>`).join("")}</tr>`)
    .join("\n");
  const parts = [`<table class="thieves-table" style="border-collapse:collapse;font-variant-numeric:tabular-nums;margin:4px 0">`];
  if (options.caption) parts.push(`<caption style="caption-side:top;text-align:left;font-weight:bold;padding:4px 0">${escapeHtml(options.caption)}</caption>`);
  parts.push(`<thead><tr>${head}</tr></thead>`, `<tbody>\n${body}\n</tbody>`, "</table>");
  const hidden = totalRows - cells.length;
  if (hidden > 0) parts.push(`<div style="color:#666;font-size:90%">… ${hidden} more row${hidden === 1 ? "" : "s"} (${totalRows} in all)</div>`);
  return parts.join("\n");
}
