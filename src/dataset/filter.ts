// Filters over catalog columns, turned into a SQL condition with bound parameters.
//
//   toSql({ task: "RS", extension: ["csv", "json"], session: null, subject: "sub-0*" }, columns)
//   // task = $1 AND ltrim(extension, '.') IN ($2, $3) AND session IS NULL AND subject GLOB $4
//
// A list means OR, `null` means "absent", `*`, `?` and `[...]` are wildcards (as in ONE's
// filter_by). Extensions match with or without their leading dot, since ALF writes `npy` and
// BIDS `.json`.

import { NotFoundError } from "../errors.ts";
import { ident } from "../catalog/columns.ts";

export type FilterValue = string | number | boolean | null | readonly (string | number | boolean | null)[];
export type Filter = Record<string, FilterValue | undefined>;

export interface SqlCondition {
  sql: string;
  params: unknown[];
}

const WILDCARD = /[*?[]/;

/** `columns` maps each column name to its DuckDB type. */
export function toSql(filter: Filter, columns: Readonly<Record<string, string>>, params: unknown[] = []): SqlCondition {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    const type = columns[key];
    if (type === undefined) {
      throw new NotFoundError(`no column "${key}" in the catalog; columns are: ${Object.keys(columns).join(", ")}`);
    }
    const textColumn = type === "VARCHAR";
    const values = Array.isArray(value) ? value : [value as Exclude<FilterValue, readonly unknown[]>];
    const isExtension = key === "extension";
    const column = isExtension ? `ltrim(${ident(key)}, '.')` : ident(key);
    const alternatives: string[] = [];
    const exact: string[] = [];
    for (const v of values) {
      if (v === null) {
        alternatives.push(`${ident(key)} IS NULL`);
        continue;
      }
      const text = isExtension ? String(v).replace(/^\./, "") : String(v);
      // entity columns are text: { run: 1 } means run "1"
      params.push(typeof v === "string" || textColumn ? text : v);
      const ref = `$${params.length}`;
      if (typeof v === "string" && WILDCARD.test(text)) alternatives.push(`${column} GLOB ${ref}`);
      else exact.push(ref);
    }
    if (exact.length === 1) alternatives.push(`${column} = ${exact[0]}`);
    else if (exact.length > 1) alternatives.push(`${column} IN (${exact.join(", ")})`);
    if (alternatives.length === 0) parts.push("false");
    else parts.push(alternatives.length === 1 ? alternatives[0] : `(${alternatives.join(" OR ")})`);
  }
  return { sql: parts.length ? parts.join(" AND ") : "true", params };
}

/** "task: RS, modality: EEG" for printing scopes. */
export function describeFilter(filter: Filter): string {
  return Object.entries(filter)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.map(String).join("|") : String(v)}`)
    .join(", ");
}
