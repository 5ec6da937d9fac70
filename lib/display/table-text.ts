/**
 * A table as aligned plain text, for terminals and the `text/plain` part of notebook outputs.
 */
import { tableData, type TableInput, type TableOptions } from "./table";

export function tableToText(table: TableInput, options: TableOptions & { maxRows?: number } = {}): string {
  const maxRows = options.maxRows ?? 50;
  const { columns, cells, numeric, totalRows } = tableData(table, { ...options, limit: maxRows });
  if (columns.length === 0) return "(empty table)";
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const pad = (v: string, i: number) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]));
  const lines = [
    columns.map(pad).join("  ").trimEnd(),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.map((r) => r.map(pad).join("  ").trimEnd()),
  ];
  const hidden = totalRows - cells.length;
  if (hidden > 0) lines.push(`… ${hidden} more row${hidden === 1 ? "" : "s"} (${totalRows} in all)`);
  return lines.join("\n");
}
