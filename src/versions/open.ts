// A version of a dataset opened for SQL, wherever it is (a pushed store, a local version store, an
// fw-dataset dataset in either of its layouts): each table becomes a view the first time a query
// names it, and only then are its Parquet files fetched (into the local cache; a version never
// changes, so they are fetched once).
//
//   const ds = await VersionedDataset.open("s3://bucket/lab/ds", { version: "v1.0" });
//   await ds.query("SELECT task, count(*) AS n FROM files GROUP BY task");
//   const conn = await ds.connect();      // fw-dataset's connect(): every table a view (fetched now)
//   ds.close();

import type { DuckDBConnection } from "@duckdb/node-api";
import { ident } from "../catalog/columns.ts";
import { type DuckDB, openDuckDB, type Params, type Row, sqlPath } from "../catalog/duckdb.ts";
import type { Store } from "../store/store.ts";
import { defaultCacheDir, versionFile } from "./cache.ts";
import { listVersions, resolveVersion, tableKeys, tableNames, type VersionEntry } from "./layout.ts";
import { storeFor } from "./stores.ts";

export interface OpenVersionOptions {
  /** Version id or label; "latest" by default. */
  version?: string;
  cacheDir?: string;
}

export class VersionedDataset {
  private readonly loaded = new Map<string, Promise<void>>();

  private constructor(
    readonly store: Store,
    readonly version: VersionEntry,
    /** Every table of the version. */
    readonly tables: readonly string[],
    private readonly db: DuckDB,
    private readonly cacheDir: string,
  ) {}

  static async open(source: string | Store, options: OpenVersionOptions = {}): Promise<VersionedDataset> {
    const store = await storeFor(source);
    const version = await resolveVersion(store, options.version ?? "latest");
    const tables = await tableNames(store, version);
    return new VersionedDataset(store, version, tables, await openDuckDB({ userSql: true }), options.cacheDir ?? defaultCacheDir());
  }

  get name(): string {
    return String(this.version.description.name ?? "");
  }

  /** The versions in the same store, latest first. */
  versions(): Promise<VersionEntry[]> {
    return listVersions(this.store);
  }

  /** SQL over the version's tables; those it names are fetched first (only those). */
  async query(sql: string, params?: Params): Promise<Row[]> {
    await this.loadNamed(sql);
    return this.db.all(sql, params);
  }

  async table(sql: string, params?: Params) {
    await this.loadNamed(sql);
    return this.db.table(sql, params);
  }

  /** fw-dataset's connect(): a DuckDB connection with every table as a view (all fetched now). */
  async connect(): Promise<DuckDBConnection> {
    await Promise.all(this.tables.map((t) => this.load(t)));
    return this.db.connection;
  }

  /** Tables whose views exist so far (what has been fetched). */
  get loadedTables(): string[] {
    return [...this.loaded.keys()].sort();
  }

  close(): void {
    this.db.close();
  }

  /** A table name appearing as a word of the SQL is fetched; one more than needed costs little, one fewer would fail. */
  private async loadNamed(sql: string): Promise<void> {
    const words = new Set(sql.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []);
    await Promise.all(this.tables.filter((t) => words.has(t.toLowerCase())).map((t) => this.load(t)));
  }

  private load(table: string): Promise<void> {
    let p = this.loaded.get(table);
    if (!p) {
      p = (async () => {
        const keys = await tableKeys(this.store, this.version, table);
        const files = await Promise.all(keys.map((k) => versionFile(this.store, this.version, k.slice(this.version.prefix.length), this.cacheDir)));
        const source = files.length ? `read_parquet([${files.map(sqlPath).join(", ")}], union_by_name = true)` : emptyOf(this.version, table);
        await this.db.run(`CREATE OR REPLACE VIEW ${ident(table)} AS SELECT * FROM ${source}`);
      })();
      p.catch(() => this.loaded.delete(table)); // a failed fetch is tried again by the next query
      this.loaded.set(table, p);
    }
    return p;
  }
}

/** A table with a schema but no Parquet file: its columns, as text, and no rows. */
function emptyOf(v: VersionEntry, table: string): string {
  const props = Object.keys(v.description.tables[table]?.data_model?.properties ?? {});
  const cols = props.length ? props.map((c) => `NULL::VARCHAR AS ${ident(c)}`).join(", ") : "NULL AS none";
  return `(SELECT ${cols} WHERE false)`;
}
