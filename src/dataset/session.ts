// The open catalog a Dataset and its scopes share: an in-memory DuckDB with one view per table,
// plus what the config says about scope names (tasks and their modalities).
//
//   const session = await openSession(config, manifest);
//   await session.db.all("SELECT count(*) FROM files");

import { existsSync } from "node:fs";
import type { Config } from "../config/load.ts";
import { fileColumns, ident } from "../catalog/columns.ts";
import { type DuckDB, openDuckDB, sqlString } from "../catalog/duckdb.ts";
import { type CatalogManifest, tablePath } from "../catalog/manifest.ts";

export interface CatalogSession {
  db: DuckDB;
  name: string;
  /** Columns of the files table. */
  columns: string[];
  /** Task name -> its modalities, from [tasks] in trove.toml. */
  tasks: Record<string, string[]>;
  modalities: string[];
}

export const CATALOG_TABLES = ["files", "records", "containers"] as const;

export async function openSession(config: Config, manifest: CatalogManifest): Promise<CatalogSession> {
  const db = await openDuckDB();
  for (const table of CATALOG_TABLES) {
    const file = tablePath(config.root, manifest, table);
    if (existsSync(file)) await db.run(`CREATE VIEW ${ident(table)} AS SELECT * FROM read_parquet(${sqlString(file)})`);
  }
  const tasks = Object.fromEntries(Object.entries(config.tasks).map(([t, v]) => [t, v.modalities]));
  const modalities = [...new Set(Object.values(tasks).flat())];
  return { db, name: config.dataset.name, columns: fileColumns(manifest.entities).map((c) => c.name), tasks, modalities };
}
