// The columns of the catalog tables. The files table has fixed columns, then one column per entity
// of the configured layouts, in layout order, so the same config always gives the same schema.
//
//   const cols = fileColumns(["subject", "session"]);
//   cols.map((c) => c.name) // ["path", "size", "mtime", ..., "subject", "session", "metadata", "qc"]

import { ConfigError } from "../errors.ts";

export interface Column {
  name: string;
  /** DuckDB type. */
  type: string;
}

/** Bump when a table's columns or meaning change; older catalogs are then rebuilt, newer refused. */
export const CATALOG_FORMAT = 3;

const LEADING: Column[] = [
  { name: "path", type: "VARCHAR" },
  { name: "size", type: "BIGINT" },
  { name: "mtime", type: "TIMESTAMP" },
  { name: "inode", type: "BIGINT" },
  { name: "hash", type: "VARCHAR" },
  { name: "record", type: "VARCHAR" },
  { name: "layout", type: "VARCHAR" },
  { name: "valid", type: "BOOLEAN" },
  { name: "unparsed", type: "VARCHAR" },
];
const TRAILING: Column[] = [
  { name: "metadata", type: "JSON" },
  { name: "qc", type: "VARCHAR" },
  // provenance of step outputs (`trove run`): the task that made the file, in which run, from what
  { name: "produced_by", type: "VARCHAR" },
  { name: "run_id", type: "VARCHAR" },
  { name: "derived_from", type: "VARCHAR[]" },
];

export const RESERVED_COLUMNS = new Set([...LEADING, ...TRAILING].map((c) => c.name));

export function fileColumns(entities: readonly string[]): Column[] {
  for (const e of entities) {
    if (RESERVED_COLUMNS.has(e)) {
      throw new ConfigError(`entity name "${e}" is reserved for a catalog column; rename it in trove.toml`);
    }
  }
  return [...LEADING, ...entities.map((name) => ({ name, type: "VARCHAR" })), ...TRAILING];
}

export const CONTAINER_COLUMNS: Column[] = [
  { name: "path", type: "VARCHAR" },
  { name: "kind", type: "VARCHAR" },
  { name: "name", type: "VARCHAR" },
  { name: "type", type: "VARCHAR" },
  { name: "description", type: "VARCHAR" },
  { name: "tags", type: "VARCHAR[]" },
  // Thot's meaning: `metadata` holds inherited and own keys, `own_metadata` the folder's own
  { name: "metadata", type: "JSON" },
  { name: "own_metadata", type: "JSON" },
  { name: "parent", type: "VARCHAR" },
  { name: "file", type: "VARCHAR" },
  { name: "creator", type: "VARCHAR" },
  { name: "creator_type", type: "VARCHAR" },
  { name: "notes", type: "JSON" },
  { name: "rid", type: "VARCHAR" },
  { name: "scripts", type: "JSON" },
];

/** Quotes an identifier for DuckDB. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
