// Writes ONE's cache files: `sessions.pqt`, `datasets.pqt` (ONE's columns, Parquet types and the
// pandas metadata that makes pandas rebuild the index and dtypes) and `cache_info.json`.
//
//   await writeOneCache("/data/ibl", tables);   // /data/ibl/sessions.pqt, datasets.pqt, cache_info.json
//   await copyOneCache(db, "/data/ibl", oneQueries(files, { ids: "uuid" }), metadata);   // straight from SQL
//
// Types: sessions.date DATE, number UINT16; datasets.file_size UINT64 (nullable, pandas UInt64),
// exists BOOLEAN, qc the ordered categories NOT_SET < PASS < WARNING < FAIL < CRITICAL. Each file
// is written to a temporary name and renamed.

import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { type DuckDB, openDuckDB, sqlPath, sqlString } from "../../catalog/duckdb.ts";
import { copyToParquet, readJsonLines, writeJsonLines } from "../../catalog/duckdb-io.ts";
import { tempPathFor, writeFileAtomic } from "../../fsutil/atomic.ts";
import { QC_LEVELS } from "../../layout/alf-qc.ts";
import type { OneTables } from "./tables.ts";

/** The lowest ONE that reads these tables as they are (projects column: 1.13; qc column: 2.7). */
export const MIN_API_VERSION = "2.7.0";

const SESSION_COLUMNS: [string, string, PandasType][] = [
  ["id", "VARCHAR", ["unicode", "object"]],
  ["lab", "VARCHAR", ["unicode", "object"]],
  ["subject", "VARCHAR", ["unicode", "object"]],
  ["date", "DATE", ["date", "object"]],
  ["number", "USMALLINT", ["uint16", "uint16"]],
  ["task_protocol", "VARCHAR", ["unicode", "object"]],
  ["projects", "VARCHAR", ["unicode", "object"]],
];

const DATASET_COLUMNS: [string, string, PandasType][] = [
  ["eid", "VARCHAR", ["unicode", "object"]],
  ["id", "VARCHAR", ["unicode", "object"]],
  ["rel_path", "VARCHAR", ["unicode", "object"]],
  ["file_size", "UBIGINT", ["uint64", "UInt64"]],
  ["hash", "VARCHAR", ["unicode", "object"]],
  ["exists", "BOOLEAN", ["bool", "bool"]],
  ["qc", "VARCHAR", ["categorical", "int8", { num_categories: QC_LEVELS.length, ordered: true }]],
];

type PandasType = [pandasType: string, numpyType: string, metadata?: Record<string, unknown>];

/** `extra` goes into cache_info.json beside ONE's keys (ONE ignores keys it does not know). */
export async function writeOneCache(dir: string, tables: OneTables, extra: Record<string, unknown> = {}): Promise<{ sessions: string; datasets: string }> {
  const db = await openDuckDB({ threads: 1 });
  const scratch: string[] = [];
  const source = (rows: readonly object[], columns: readonly [string, string, PandasType][]) => {
    const json = tempPathFor(join(dir, "rows.ndjson"));
    scratch.push(json);
    writeJsonLines(json, rows);
    return `SELECT * FROM ${readJsonLines(json, columns.map(([name, type]) => [name, type]))}`;
  };
  try {
    const queries = { sessions: source(tables.sessions, SESSION_COLUMNS), datasets: source(tables.datasets, DATASET_COLUMNS) };
    return (await copyOneCache(db, dir, queries, tables.metadata, extra)).files;
  } finally {
    for (const f of scratch) rmSync(f, { force: true });
    db.close();
  }
}

/**
 * Writes the two tables from SQL queries giving ONE's columns (build.ts `oneQueries`, or rows
 * read from JSON), then cache_info.json; the tables' row counts come back.
 */
export async function copyOneCache(
  db: DuckDB,
  dir: string,
  queries: { sessions: string; datasets: string },
  metadata: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<{ files: { sessions: string; datasets: string }; rows: { sessions: number; datasets: number } }> {
  const oneMetadata = JSON.stringify(metadata);
  const files = { sessions: join(dir, "sessions.pqt"), datasets: join(dir, "datasets.pqt") };
  await writeTable(db, files.sessions, queries.sessions, SESSION_COLUMNS, ["id"], oneMetadata);
  await writeTable(db, files.datasets, queries.datasets, DATASET_COLUMNS, ["eid", "id"], oneMetadata);
  const count = async (f: string) => Number((await db.all(`SELECT count(*)::BIGINT AS n FROM read_parquet(${sqlPath(f)})`))[0].n);
  const rows = { sessions: await count(files.sessions), datasets: await count(files.datasets) };
  const info = {
    date_created: metadata.date_created,
    origin: metadata.origin,
    min_api_version: MIN_API_VERSION,
    tables: {
      sessions: { nrecs: rows.sessions, size: statSync(files.sessions).size },
      datasets: { nrecs: rows.datasets, size: statSync(files.datasets).size },
    },
    ...extra,
  };
  writeFileAtomic(join(dir, "cache_info.json"), JSON.stringify(info, null, 2) + "\n");
  return { files, rows };
}

async function writeTable(
  db: DuckDB,
  target: string,
  query: string,
  columns: readonly [string, string, PandasType][],
  index: readonly string[],
  oneMetadata: string,
): Promise<void> {
  const select = columns.map(([name, type]) => `CAST("${name}" AS ${type}) AS "${name}"`).join(", ");
  const kv = `one_metadata: ${sqlString(oneMetadata)}, pandas: ${sqlString(pandasMetadata(columns, index))}`;
  await copyToParquet(db, `SELECT ${select} FROM (${query})`, target, `FORMAT parquet, COMPRESSION snappy, KV_METADATA {${kv}}`);
}

/** The `pandas` key pyarrow writes: which columns form the index, and each column's dtype. */
function pandasMetadata(columns: readonly [string, string, PandasType][], index: readonly string[]): string {
  return JSON.stringify({
    index_columns: index,
    column_indexes: [{ name: null, field_name: null, pandas_type: "unicode", numpy_type: "object", metadata: { encoding: "UTF-8" } }],
    columns: columns.map(([name, , [pandasType, numpyType, metadata]]) => ({
      name,
      field_name: name,
      pandas_type: pandasType,
      numpy_type: numpyType,
      metadata: metadata ?? null,
    })),
    creator: { library: "trove", version: "1" },
    pandas_version: "1.5.3",
  });
}
