// The catalog on disk: `.trove/catalog/catalog.json` points at the current generation folder
// holding the Parquet tables. A new index writes a whole new generation, then swaps the pointer
// with one atomic rename, so a reader or a crash never sees tables from two different runs.
//
//   .trove/catalog/catalog.json         { format, generation: 3, dir: "g000003", ... }
//   .trove/catalog/g000003/files.parquet, records.parquet, containers.parquet, state.json
//
//   const current = readManifest(root);  // null before the first index

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CatalogVersionError } from "../errors.ts";
import type { HashAlgorithm } from "../config/schema.ts";
import type { Problem } from "../layout/layout.ts";
import { writeFileAtomic } from "../fsutil/atomic.ts";
import { CATALOG_FORMAT } from "./columns.ts";
import type { FileStat } from "./walk.ts";

export interface CatalogManifest {
  format: number;
  trove: string;
  generation: number;
  /** Folder of this generation, relative to the catalog folder. */
  dir: string;
  created: string;
  /** Hash of everything in trove.toml that shapes the tables; a change means a full rebuild. */
  settings: string;
  hash: HashAlgorithm;
  entities: string[];
  tables: Record<string, { rows: number }>;
  /** Files no layout accepted. */
  invalid: number;
  problems: { count: number; examples: Problem[] };
}

/** What `status` and incremental `index` compare a walk with, one entry per catalogued file. */
export interface FileState extends FileStat {
  hash: string | null;
}

export const stateDir = (root: string) => join(root, ".trove");
export const catalogDir = (root: string) => join(root, ".trove", "catalog");
const manifestPath = (root: string) => join(catalogDir(root), "catalog.json");

export function readManifest(root: string): CatalogManifest | null {
  const file = manifestPath(root);
  if (!existsSync(file)) return null;
  let manifest: CatalogManifest;
  try {
    manifest = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CatalogVersionError(`${file} is not readable JSON (${(e as Error).message}); run \`trove index --full\` to rebuild it`);
  }
  if (typeof manifest.format !== "number" || manifest.format > CATALOG_FORMAT) {
    throw new CatalogVersionError(
      `${file} was written by trove ${manifest.trove ?? "?"} (catalog format ${manifest.format}); ` +
        `this trove reads format ${CATALOG_FORMAT}: upgrade trove`,
    );
  }
  return manifest;
}

export function writeManifest(root: string, manifest: CatalogManifest): void {
  writeFileAtomic(manifestPath(root), JSON.stringify(manifest, null, 2) + "\n");
}

export function generationDir(root: string, manifest: Pick<CatalogManifest, "dir">): string {
  return join(catalogDir(root), manifest.dir);
}

export function tablePath(root: string, manifest: Pick<CatalogManifest, "dir">, table: string): string {
  return join(generationDir(root, manifest), `${table}.parquet`);
}

/** Compact per-file state (path, size, mtime, inode, hash) so `status` needs no SQL engine. */
export function writeFileStates(dir: string, states: readonly FileState[]): void {
  const parts: string[] = [];
  for (const s of states) parts.push(JSON.stringify([s.path, s.size, s.mtimeUs, s.ino, s.hash]));
  writeFileAtomic(join(dir, "state.json"), `[${parts.join(",\n")}]\n`);
}

export function readFileStates(root: string, manifest: CatalogManifest): Map<string, FileState> {
  const rows = JSON.parse(readFileSync(join(generationDir(root, manifest), "state.json"), "utf8")) as [
    string,
    number,
    number,
    number,
    string | null,
  ][];
  const out = new Map<string, FileState>();
  for (const [path, size, mtimeUs, ino, hash] of rows) out.set(path, { path, size, mtimeUs, ino, hash });
  return out;
}
