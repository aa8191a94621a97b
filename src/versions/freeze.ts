// The tables a snapshot freezes, written as Parquet into a staging folder: the catalog's (files,
// records, containers, imported ONE tables), `manifest` (every file's sha256 and size; files the
// catalog has not hashed with sha256 are hashed now) and the provenance tables `runs` and `status`.
//
//   const frozen = await freezeTables(root, catalog, "/tmp/stage");
//   frozen.tables.files.rows; frozen.content.bytes

import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ident } from "../catalog/columns.ts";
import { type DuckDB, openDuckDB, sqlPath } from "../catalog/duckdb.ts";
import { copyToParquet, readJsonLines, writeJsonLines } from "../catalog/duckdb-io.ts";
import { hashFiles } from "../catalog/hash.ts";
import { type CatalogManifest, importedOneDir, tablePath } from "../catalog/manifest.ts";
import { runViews } from "../run/views.ts";
import { VersionError } from "./errors.ts";

export interface FrozenTable {
  rows: number;
  columns: { name: string; type: string }[];
}

export interface Frozen {
  tables: Record<string, FrozenTable>;
  content: { files: number; bytes: number };
}

const PARQUET = "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 8192";

/** Writes `<stage>/tables/<t>/<t>.parquet` for every table. */
export async function freezeTables(
  root: string,
  catalog: CatalogManifest,
  stage: string,
  onProgress?: (done: number, total: number) => void,
): Promise<Frozen> {
  const db = await openDuckDB({ threads: 2 });
  const tables: Record<string, FrozenTable> = {};
  const out = (t: string) => {
    mkdirSync(join(stage, "tables", t), { recursive: true });
    return join(stage, "tables", t, `${t}.parquet`);
  };
  try {
    const copies: [string, string][] = ["files", "records", "containers"].map((t) => [t, tablePath(root, catalog, t)]);
    for (const [view, file] of [["one_sessions", "sessions.pqt"], ["one_datasets", "datasets.pqt"]]) {
      const path = join(importedOneDir(root), file);
      if (existsSync(path)) copies.push([view, path]);
    }
    for (const [t, file] of copies) copyFileSync(file, out(t)); // the catalog's bytes as they are

    for (const sql of runViews(root)) await db.run(sql);
    for (const t of ["runs", "status"]) await copyToParquet(db, `SELECT * FROM ${ident(t)}`, out(t), PARQUET);

    const content = await writeManifestTable(db, root, catalog, out("files"), out("manifest"), onProgress);
    for (const t of [...copies.map(([t]) => t), "runs", "status", "manifest"]) tables[t] = await describe(db, out(t));
    return { tables, content };
  } finally {
    db.close();
  }
}

async function writeManifestTable(
  db: DuckDB,
  root: string,
  catalog: CatalogManifest,
  filesParquet: string,
  target: string,
  onProgress?: (done: number, total: number) => void,
): Promise<{ files: number; bytes: number }> {
  const known = catalog.hash === "sha256";
  if (known) {
    // Every file hashed by the index (the usual case): the manifest is the files table's columns,
    // written by DuckDB alone; taking 100k rows through JavaScript and back cost ~0.5 s.
    const [{ n }] = await db.all(`SELECT count(*)::BIGINT AS n FROM read_parquet(${sqlPath(filesParquet)}) WHERE hash IS NULL`);
    if (Number(n) === 0) {
      await copyToParquet(db, `SELECT path, size::BIGINT AS size, hash::VARCHAR AS sha256 FROM read_parquet(${sqlPath(filesParquet)}) ORDER BY path`, target, PARQUET);
      const [t] = await db.all(`SELECT count(*)::BIGINT AS files, coalesce(sum(size), 0)::BIGINT AS bytes FROM read_parquet(${sqlPath(target)})`);
      return { files: Number(t.files), bytes: Number(t.bytes) };
    }
  }
  const rows = await db.all(`SELECT path, size, hash FROM read_parquet(${sqlPath(filesParquet)}) ORDER BY path`);
  const toHash = rows.filter((r) => !known || r.hash === null).map((r) => String(r.path));
  const hashed = await hashFiles(root, toHash, "sha256", (n) => onProgress?.(n, toHash.length));
  if (hashed.problems.length > 0) {
    const shown = hashed.problems.slice(0, 5).map((p) => `  ${p.path}: ${p.message}`).join("\n");
    throw new VersionError(`cannot hash ${hashed.problems.length} catalogued file(s); the catalog may be stale (run \`trove index\`):\n${shown}`);
  }
  const manifest = rows.map((r) => ({ path: String(r.path), size: Number(r.size), sha256: hashed.hashes.get(String(r.path)) ?? String(r.hash) }));
  const scratch = `${target}.ndjson.tmp`;
  writeJsonLines(scratch, manifest);
  await copyToParquet(db, `SELECT * FROM ${readJsonLines(scratch, [["path", "VARCHAR"], ["size", "BIGINT"], ["sha256", "VARCHAR"]])} ORDER BY path`, target, PARQUET);
  rmSync(scratch, { force: true });
  return { files: manifest.length, bytes: manifest.reduce((s, m) => s + m.size, 0) };
}

async function describe(db: DuckDB, file: string): Promise<FrozenTable> {
  const cols = await db.all(`DESCRIBE SELECT * FROM read_parquet(${sqlPath(file)})`);
  const n = await db.all(`SELECT count(*)::BIGINT AS n FROM read_parquet(${sqlPath(file)})`);
  return { rows: Number(n[0].n), columns: cols.map((c) => ({ name: String(c.column_name), type: String(c.column_type) })) };
}
