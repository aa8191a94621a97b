// The catalog on disk: `.trove/catalog/catalog.json` points at the current generation folder
// holding the Parquet tables. A new index writes a whole new generation, then swaps the pointer
// with one atomic rename, so a reader or a crash never sees tables from two different runs.
//
//   .trove/catalog/catalog.json         { format, generation: 3, dir: "g000003", ... }
//   .trove/catalog/g000003/files.parquet, records.parquet, containers.parquet, state.json (file-states.ts)
//
//   const current = readManifest(root);  // null before the first index

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CatalogError } from "../errors.ts";
import type { HashAlgorithm } from "../config/schema.ts";
import type { Problem } from "../layout/layout.ts";
import { writeFileAtomic } from "../fsutil/atomic.ts";
import { CATALOG_FORMAT } from "./columns.ts";

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
  /** Rows with step provenance; absent in catalogs written before it was counted (unknown). */
  provenance?: number;
  problems: { count: number; examples: Problem[] };
}

export const stateDir = (root: string) => join(root, ".trove");
export const catalogDir = (root: string) => join(root, ".trove", "catalog");
/** ONE cache tables imported into the dataset (`trove one import`), seen as views one_sessions, one_datasets. */
export const importedOneDir = (root: string) => join(root, ".trove", "one");
const manifestPath = (root: string) => join(catalogDir(root), "catalog.json");

/**
 * The current catalog's manifest, or null before the first index. A damaged manifest is an error
 * for readers; `index` passes `damaged: "ignore"` and rebuilds over it.
 */
export function readManifest(root: string, options: { damaged?: "throw" | "ignore" } = {}): CatalogManifest | null {
  const file = manifestPath(root);
  if (!existsSync(file)) return null;
  let manifest: CatalogManifest;
  try {
    manifest = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    if (options.damaged === "ignore") return null;
    throw new CatalogError(`${file} is damaged (${(e as Error).message}); run \`trove index\` to rebuild the catalog`);
  }
  if (typeof manifest.format !== "number" || manifest.format > CATALOG_FORMAT) {
    throw new CatalogError(
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

/** The highest generation number with a folder on disk (0 when none). */
export function lastGeneration(root: string): number {
  let last = 0;
  for (const name of readdirSync(catalogDir(root))) {
    const m = /^g(\d+)$/.exec(name);
    if (m) last = Math.max(last, Number(m[1]));
  }
  return last;
}
