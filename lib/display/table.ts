/**
 * Tables as every renderer here sees them: an arquero table or an array of row objects, turned
 * into column names, rows and per-column formatting. Arquero is not imported: anything with
 * `columnNames()` and `objects()` is a table.
 */

/** The part of an arquero table the renderers use. */
export interface TableLike {
  columnNames(): string[];
  objects(options?: { limit?: number }): object[];
  numRows(): number;
}

export type TableInput = TableLike | readonly object[];

export interface TableOptions {
  /** Columns to show, in this order; default all. */
  columns?: string[];
  /** Decimal places for non-integer numbers, for all columns or per column; default 3. */
  digits?: number | Record<string, number>;
}

export interface TableData {
  columns: string[];
  /** The rows given (at most `limit`), each cell already formatted as text. */
  cells: string[][];
  /** Whether each column holds only numbers (renderers right-align those). */
  numeric: boolean[];
  /** Rows in the whole table, including ones past `limit`. */
  totalRows: number;
}

export function isTableLike(value: unknown): value is TableLike {
  const t = value as Partial<TableLike> | null;
  return !!t && typeof t.columnNames === "function" && typeof t.objects === "function" && typeof t.numRows === "function";
}

/** A cell as text: integers as they are, other numbers with `digits` decimals (tiny ones in exponent form). */
export function formatCell(value: unknown, digits = 3): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
    if (Number.isInteger(value)) return String(value);
    if (Math.abs(value) < 0.5 * 10 ** -digits) return value.toExponential(2);
    return value.toFixed(digits);
  }
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function tableData(table: TableInput, options: TableOptions & { limit?: number } = {}): TableData {
  let columns: string[];
  let rows: Record<string, unknown>[];
  let totalRows: number;
  const limit = options.limit ?? Infinity;
  if (isTableLike(table)) {
    columns = table.columnNames();
    totalRows = table.numRows();
    rows = (Number.isFinite(limit) ? table.objects({ limit }) : table.objects()) as Record<string, unknown>[];
  } else if (Array.isArray(table)) {
    columns = [];
    for (const row of table) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
    totalRows = table.length;
    rows = table.slice(0, limit) as Record<string, unknown>[];
  } else {
    throw new Error("expected an arquero table or an array of row objects");
  }
  if (options.columns) {
    const missing = options.columns.filter((c) => !columns.includes(c));
    if (missing.length) throw new Error(`no column ${missing.map((c) => `"${c}"`).join(", ")} in the table (columns: ${columns.join(", ")})`);
    columns = options.columns;
  }
  const digitsFor = (c: string) => (typeof options.digits === "number" ? options.digits : options.digits?.[c] ?? 3);
  const numeric = columns.map((c) => {
    const values = rows.map((r) => r[c]).filter((v) => v !== null && v !== undefined);
    return values.length > 0 && values.every((v) => typeof v === "number" || typeof v === "bigint");
  });
  const cells = rows.map((r) => columns.map((c) => formatCell(r[c], digitsFor(c))));
  return { columns, cells, numeric, totalRows };
}
