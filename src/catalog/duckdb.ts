// A small face over an in-memory DuckDB: each process opens its own over the Parquet files
// (a .duckdb file would allow one writer process only).
//
//   const db = await openDuckDB();
//   const rows = await db.all("SELECT 42 AS x");   // [{ x: 42 }]
//   db.close();
//
// The native module is imported on first use: commands that need no SQL (status) never pay for it.

import { createRequire } from "node:module";
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from "@duckdb/node-api";
import { QueryError } from "../errors.ts";

export type Row = Record<string, unknown>;
export type Params = Record<string, unknown> | unknown[];

export interface DuckDB {
  run(sql: string): Promise<void>;
  /** Rows as plain JS objects; BIGINT becomes number when it fits, dates become ISO strings. */
  all(sql: string, params?: Params): Promise<Row[]>;
  /** Column names and rows as DuckDB prints them (for tables and CSV). */
  table(sql: string, params?: Params): Promise<{ columns: string[]; types: string[]; rows: Row[] }>;
  close(): void;
  readonly connection: DuckDBConnection;
}

export interface DuckDBOptions {
  threads?: number;
  /**
   * SQL comes (partly) from the user: failures are `QueryError`s (their input to fix, exit 2).
   * Otherwise a failure is trove's own bug and keeps DuckDB's error as it is.
   */
  userSql?: boolean;
}

/**
 * Loads the native module now (about 0.2 s), e.g. while a child process walks the tree, so that
 * the first openDuckDB does not wait for it.
 */
export function preloadDuckDB(): void {
  duckdbModule();
}

// require, not import(): the package is CommonJS, and importing it made Node scan all of its
// modules for their exports first (a quarter of a second on every command, measured)
const duckdbModule = () => createRequire(import.meta.url)("@duckdb/node-api") as typeof import("@duckdb/node-api");

export async function openDuckDB(options: DuckDBOptions = {}): Promise<DuckDB> {
  const { DuckDBInstance } = duckdbModule();
  const config: Record<string, string> = { autoinstall_known_extensions: "false", autoload_known_extensions: "false" };
  if (options.threads) config.threads = String(options.threads);
  const instance: DuckDBInstance = await DuckDBInstance.create(":memory:", config);
  const connection = await instance.connect();
  // Parquet footers are read once per process instead of once per query (a third of a small
  // query's time). The extension is built in; LOAD only registers its settings.
  await connection.run("LOAD parquet; SET parquet_metadata_cache = true");

  const execute = async (sql: string, params?: Params) => {
    try {
      return await connection.runAndReadAll(sql, params as Record<string, DuckDBValue> | DuckDBValue[] | undefined);
    } catch (e) {
      if (options.userSql) throw new QueryError(`${(e as Error).message}\n  in query: ${sql}`);
      throw e;
    }
  };
  return {
    connection,
    async run(sql) {
      await execute(sql);
    },
    async all(sql, params) {
      const reader = await execute(sql, params);
      return reader.getRowObjectsJS().map(plainRow);
    },
    async table(sql, params) {
      const reader = await execute(sql, params);
      return {
        columns: reader.columnNames(),
        types: reader.columnTypes().map((t) => t.toString()),
        rows: reader.getRowObjectsJS().map(plainRow),
      };
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * DuckDB values to what a JS user expects to hold: numbers, strings, Dates, arrays, objects.
 * The rows are fresh objects from the reader, so they are converted in place (a warm one-record
 * query spends a third of its time turning values into JS).
 */
function plainRow(row: Record<string, unknown>): Row {
  for (const k in row) {
    const v = row[k];
    if (v !== null && (typeof v === "bigint" || typeof v === "object")) row[k] = plainValue(v);
  }
  return row;
}

function plainValue(v: unknown): unknown {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(plainValue);
  if (v && typeof v === "object" && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    const out: Row = {};
    for (const [k, x] of Object.entries(v)) out[k] = plainValue(x);
    return out;
  }
  return v;
}

export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * A file path for DuckDB's readers, which expand `*`, `?` and `[...]` even in a single path: a
 * dataset in `/data/study[2024]` must not read `/data/study2`'s catalog. Each such character is
 * wrapped in brackets, which matches only itself.
 */
export function sqlPath(path: string): string {
  return sqlString(path.replace(/[*?[]/g, (c) => `[${c}]`));
}
