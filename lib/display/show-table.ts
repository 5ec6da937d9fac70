/**
 * `showTable`: an arquero table (or array of row objects) as an HTML table inline in a tslab
 * notebook, or as aligned text in a terminal.
 */
import type { TableInput } from "./table";
import { tableToHtml, type TableHtmlOptions } from "./table-html";
import { tableToText } from "./table-text";
import { displayBundle, inNotebook } from "./notebook";

export function showTable(table: TableInput, options: TableHtmlOptions = {}): void {
  const text = (options.caption ? `${options.caption}\n` : "") + tableToText(table, options);
  if (!inNotebook()) {
    console.log(text);
    return;
  }
  displayBundle({ "text/html": tableToHtml(table, options), "text/plain": text });
}
