// The data files of a version: which ones (its content manifest, optionally narrowed by SQL over
// its files table), where their objects are, and putting them into a folder, verified.
//
//   const files = await manifestRows(store, v, "task = 'RS'");
//   await restoreFiles(await objectsStoreOf(store, v), files, "/data/copy");

import { copyFileSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { openDuckDB, sqlPath } from "../catalog/duckdb.ts";
import { tempPathFor } from "../fsutil/atomic.ts";
import type { Store } from "../store/store.ts";
import { defaultCacheDir, objectFile, sha256File, versionFile } from "./cache.ts";
import { VersionError } from "./errors.ts";
import type { VersionEntry } from "./layout.ts";
import { eachLimit } from "./pool.ts";
import { storeFor } from "./stores.ts";

export interface DataFile {
  path: string;
  size: number;
  sha256: string;
}

/** The version's files (path, size, sha256), those whose files-table row matches `where` when given. */
export async function manifestRows(store: Store, v: VersionEntry, where?: string, cacheDir = defaultCacheDir()): Promise<DataFile[]> {
  const manifest = await versionFile(store, v, "tables/manifest/manifest.parquet", cacheDir);
  const db = await openDuckDB({ userSql: true });
  try {
    await db.run(`CREATE VIEW manifest AS SELECT * FROM read_parquet(${sqlPath(manifest)})`);
    let filter = "";
    if (where) {
      const files = await versionFile(store, v, "tables/files/files.parquet", cacheDir);
      await db.run(`CREATE VIEW files AS SELECT * FROM read_parquet(${sqlPath(files)})`);
      filter = `WHERE path IN (SELECT path FROM files WHERE (${where}\n))`;
    }
    const rows = await db.all(`SELECT path, size, sha256 FROM manifest ${filter} ORDER BY path`);
    return rows.map((r) => ({ path: String(r.path), size: Number(r.size), sha256: String(r.sha256) }));
  } finally {
    db.close();
  }
}

/** The store holding the version's data objects; an error when it was pushed without them. */
export async function objectsStoreOf(store: Store, v: VersionEntry): Promise<Store> {
  const where = v.description.trove?.objects;
  if (!where) throw new VersionError(`version ${v.id} in ${store.uri} holds no data files (it was not pushed with --data)`);
  return where === "objects/" ? store : storeFor(where);
}

export interface RestoreOptions {
  concurrency?: number;
  cacheDir?: string;
  onProgress?: (done: number, total: number) => void;
}

/** Puts each file under `dest` from its object (through the cache); files already there with the right content are kept. */
export async function restoreFiles(objects: Store, files: readonly DataFile[], dest: string, opts: RestoreOptions = {}): Promise<{ fetched: number; present: number }> {
  let fetched = 0;
  let done = 0;
  await eachLimit(files, opts.concurrency ?? 8, async (f) => {
    if (f.path.startsWith("/") || f.path.split("/").includes("..")) throw new VersionError(`refusing to write outside ${dest}: ${f.path}`);
    const target = join(dest, ...f.path.split("/"));
    const have = statSync(target, { throwIfNoEntry: false });
    if (!(have?.isFile() && have.size === f.size && (await sha256File(target)) === f.sha256)) {
      const cached = await objectFile(objects, f.sha256, opts.cacheDir ?? defaultCacheDir());
      mkdirSync(dirname(target), { recursive: true });
      const temp = tempPathFor(target);
      try {
        copyFileSync(cached, temp);
        renameSync(temp, target);
      } catch (e) {
        rmSync(temp, { force: true });
        throw e;
      }
      fetched++;
    }
    opts.onProgress?.(++done, files.length);
  });
  return { fetched, present: files.length - fetched };
}
