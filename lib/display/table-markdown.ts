/**
 * Tables as GitHub-flavoured Markdown, for RESULTS.md and results/: `tableToMarkdown` returns
 * the text, `writeTableMarkdown` writes it to a file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { tableData, type TableInput, type TableOptions } from "./table";

function escapeCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

/** Every row, numbers right-aligned; ends with a newline. */
export function tableToMarkdown(table: TableInput, options: TableOptions = {}): string {
  const { columns, cells, numeric } = tableData(table, options);
  if (columns.length === 0) return "_(empty table)_\n";
  const line = (values: string[]) => `| ${values.join(" | ")} |`;
  return [
    line(columns.map(escapeCell)),
    line(numeric.map((n) => (n ? "---:" : "---"))),
    ...cells.map((row) => line(row.map(escapeCell))),
    "",
  ].join("\n");
}

/** Writes `tableToMarkdown(table)` to `file` (parent folders created); returns the path. */
export function writeTableMarkdown(table: TableInput, file: string, options: TableOptions = {}): string {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, tableToMarkdown(table, options));
  return file;
}
