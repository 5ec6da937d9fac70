/** Rows from any loader as an arquero table, for display in a notebook or for table verbs. */
import * as aq from "arquero";

/** An arquero table with one column per field of the rows (nested values such as SQuAD answers stay objects). */
export function toTable<T extends object>(rows: readonly T[]): aq.ColumnTable {
  return aq.from(rows as T[]);
}
