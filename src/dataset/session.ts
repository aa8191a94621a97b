// The open catalog a Dataset and its scopes share: an in-memory DuckDB with one view per table
// (the catalog's, imported ONE tables, and the runs and status of `trove run`),
// plus what the config says about scope names (tasks and their modalities).
//
//   const session = await openSession(config, manifest);
//   await session.db.all("SELECT count(*) FROM files");

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/load.ts";
import { fileColumns, ident } from "../catalog/columns.ts";
import { type DuckDB, openDuckDB, sqlPath } from "../catalog/duckdb.ts";
import { type CatalogManifest, importedOneDir, readManifest, tablePath } from "../catalog/manifest.ts";
import { CatalogError } from "../errors.ts";
import { runViews } from "../run/views.ts";
import { containersViewSql } from "../catalog/json-struct.ts";

export interface CatalogSession {
  db: DuckDB;
  config: Config;
  name: string;
  /** Columns of the files table and their DuckDB types. */
  columns: Record<string, string>;
  /** Task name -> its modalities, from [tasks] in trove.toml. */
  tasks: Record<string, string[]>;
  modalities: string[];
  /** The catalog generation the views read. */
  manifest: CatalogManifest;
  /** Every record id, read once per catalog generation. */
  recordIds(): Promise<ReadonlySet<string>>;
  /** Moves the views to the newest catalog generation (after a run re-indexed the dataset). */
  refresh(): Promise<void>;
}

const CATALOG_TABLES = ["files", "records", "containers"] as const;

export async function openSession(config: Config, manifest: CatalogManifest): Promise<CatalogSession> {
  const db = await openDuckDB({ userSql: true });
  try {
    await createViews(db, config, manifest);
  } catch (e) {
    db.close();
    throw e;
  }
  const tasks = Object.fromEntries(Object.entries(config.tasks).map(([t, v]) => [t, v.modalities]));
  let ids: Promise<ReadonlySet<string>> | undefined;
  const session: CatalogSession = {
    db,
    config,
    manifest,
    name: config.dataset.name,
    columns: columnTypes(manifest),
    tasks,
    modalities: [...new Set(Object.values(tasks).flat())],
    recordIds: () => (ids ??= db.all("SELECT record FROM records").then((rows) => new Set(rows.map((r) => String(r.record))))),
    async refresh() {
      const now = readManifest(config.root);
      if (!now || now.generation === session.manifest.generation) return;
      await createViews(db, config, now);
      session.manifest = now;
      session.columns = columnTypes(now);
      ids = undefined;
    },
  };
  return session;
}

function columnTypes(manifest: CatalogManifest): Record<string, string> {
  return Object.fromEntries(fileColumns(manifest.entities).map((c) => [c.name, c.type]));
}

async function createViews(db: DuckDB, config: Config, manifest: CatalogManifest): Promise<void> {
  for (const table of CATALOG_TABLES) {
    const file = tablePath(config.root, manifest, table);
    if (!existsSync(file)) throw new CatalogError(`the catalog is damaged: ${file} is missing; run \`trove index --full\` to rebuild it`);
    // containers: metadata as STRUCTs, so `metadata.angle = 30` and `metadata.material = 'steel'` work
    const select = table === "containers" ? await containersViewSql(db, file) : `SELECT * FROM read_parquet(${sqlPath(file)})`;
    await db.run(`CREATE OR REPLACE VIEW ${ident(table)} AS ${select}`);
  }
  // ONE cache tables imported into this dataset (trove one import) are part of its catalog
  for (const [view, file] of [["one_sessions", "sessions.pqt"], ["one_datasets", "datasets.pqt"]]) {
    const path = join(importedOneDir(config.root), file);
    if (existsSync(path)) await db.run(`CREATE OR REPLACE VIEW ${ident(view)} AS SELECT * FROM read_parquet(${sqlPath(path)})`);
  }
  for (const sql of runViews(config.root)) await db.run(sql);
}
