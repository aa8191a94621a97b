// Writes ONE's cache files: `sessions.pqt`, `datasets.pqt` (ONE's columns, Parquet types and the
// pandas metadata that makes pandas rebuild the index and dtypes) and `cache_info.json`.
//
//   await writeOneCache("/data/ibl", tables);   // /data/ibl/sessions.pqt, datasets.pqt, cache_info.json
//
// Types: sessions.date DATE, number UINT16; datasets.file_size UINT64 (nullable, pandas UInt64),
// exists BOOLEAN, qc the ordered categories NOT_SET < PASS < WARNING < FAIL < CRITICAL. Each file
// is written to a temporary name and renamed.

import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { openDuckDB, sqlString } from "../../catalog/duckdb.ts";
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
  try {
    const metadata = JSON.stringify(tables.metadata);
    const sessions = join(dir, "sessions.pqt");
    const datasets = join(dir, "datasets.pqt");
    await writeTable(db, sessions, tables.sessions, SESSION_COLUMNS, ["id"], metadata);
    await writeTable(db, datasets, tables.datasets, DATASET_COLUMNS, ["eid", "id"], metadata);
    const info = {
      date_created: tables.metadata.date_created,
      origin: tables.metadata.origin,
      min_api_version: MIN_API_VERSION,
      tables: {
        sessions: { nrecs: tables.sessions.length, size: statSync(sessions).size },
        datasets: { nrecs: tables.datasets.length, size: statSync(datasets).size },
      },
      ...extra,
    };
    writeFileAtomic(join(dir, "cache_info.json"), JSON.stringify(info, null, 2) + "\n");
    return { sessions, datasets };
  } finally {
    db.close();
  }
}

async function writeTable(
  db: Awaited<ReturnType<typeof openDuckDB>>,
  target: string,
  rows: readonly object[],
  columns: readonly [string, string, PandasType][],
  index: readonly string[],
  oneMetadata: string,
): Promise<void> {
  const json = tempPathFor(`${target}.ndjson`);
  try {
    writeJsonLines(json, rows);
    const select = columns.map(([name]) => `"${name}"`).join(", ");
    const kv = `one_metadata: ${sqlString(oneMetadata)}, pandas: ${sqlString(pandasMetadata(columns, index))}`;
    const from = readJsonLines(json, columns.map(([name, type]) => [name, type]));
    await copyToParquet(db, `SELECT ${select} FROM ${from}`, target, `FORMAT parquet, COMPRESSION snappy, KV_METADATA {${kv}}`);
  } finally {
    rmSync(json, { force: true });
  }
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
