// Makes a version's catalog tables the dataset's current catalog (`trove checkout`, `trove pull`):
// a new catalog generation holding the version's files, records and containers, swapped in by
// the same atomic rename as an index. The next `trove index` compares the tree with it.
//
//   await installCatalog(root, store, version);

import { copyFileSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type CatalogManifest, catalogDir, lastGeneration, readManifest, stateDir, writeManifest } from "../catalog/manifest.ts";
import { fsyncDir } from "../fsutil/atomic.ts";
import { acquireLock } from "../fsutil/lock.ts";
import type { Store } from "../store/store.ts";
import { defaultCacheDir, versionFile } from "./cache.ts";
import { VersionError } from "./errors.ts";
import type { VersionEntry } from "./layout.ts";

const TABLES = ["files", "records", "containers"];

export async function installCatalog(root: string, store: Store, v: VersionEntry, cacheDir = defaultCacheDir()): Promise<CatalogManifest> {
  const frozen = v.description.trove?.catalog;
  if (!frozen) throw new VersionError(`version ${v.id} of ${store.uri} was not written by trove (no catalog to restore); open it with Dataset.open instead`);
  const sources = await Promise.all(TABLES.map((t) => versionFile(store, v, `tables/${t}/${t}.parquet`, cacheDir)));
  mkdirSync(catalogDir(root), { recursive: true });
  const lock = acquireLock(join(stateDir(root), "lock"), "trove checkout");
  try {
    const generation = Math.max(readManifest(root, { damaged: "ignore" })?.generation ?? 0, lastGeneration(root)) + 1;
    const dir = `g${String(generation).padStart(6, "0")}`;
    const staging = join(catalogDir(root), `.${dir}.${process.pid}.tmp`);
    mkdirSync(staging, { recursive: true });
    TABLES.forEach((t, i) => copyFileSync(sources[i], join(staging, `${t}.parquet`)));
    // no state.json: the file states of another tree (or time) would make the next index trust stale hashes
    const final = join(catalogDir(root), dir);
    rmSync(final, { recursive: true, force: true });
    fsyncDir(staging);
    renameSync(staging, final);
    fsyncDir(catalogDir(root));
    const manifest: CatalogManifest = { ...frozen, generation, dir, created: new Date().toISOString() };
    writeManifest(root, manifest);
    return manifest;
  } finally {
    lock.release();
  }
}
