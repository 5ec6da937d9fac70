/** Rows from any loader as an arquero table, for display in a notebook or for table verbs. */
// arquero ≥ 6 is an ES module. Node ≥ 20.19 loads it from CommonJS through require(esm), which
// TypeScript 5.0 (tslab's compiler) does not know of, so it flags the import (TS1479); the types still resolve.
// @ts-ignore TS1479
import * as aq from "arquero";

/** An arquero table with one column per field of the rows (nested values such as SQuAD answers stay objects). */
export function toTable<T extends object>(rows: readonly T[]): aq.ColumnTable {
  return aq.from(rows as T[]);
}
