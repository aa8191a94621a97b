// `trove pull URI DIR [--version V] [--where SQL]`: a version of a dataset from a store into a
// local folder: its trove.toml, its catalog (as the folder's current catalog, so every trove
// command and Dataset.open work there) and the data files the SQL selects (all without --where),
// each verified against its sha256 and kept in the local cache for the next pull.
//
//   const r = await pullVersion(await storeFor("s3://bucket/lab/ds"), "/tmp/ds", { where: "task = 'RS'" });
//   r.files.length, r.fetched

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../fsutil/atomic.ts";
import type { Store } from "../store/store.ts";
import { defaultCacheDir, versionFile } from "./cache.ts";
import { type DataFile, manifestRows, objectsStoreOf, restoreFiles } from "./data.ts";
import { installCatalog } from "./install.ts";
import { resolveVersion, type VersionEntry } from "./layout.ts";
import { localVersions } from "./local.ts";
import { promoteLatest, publishVersion } from "./publish.ts";

export interface PullOptions {
  version?: string;
  /** SQL over the version's files table choosing the data files to fetch. */
  where?: string;
  /** Fetch the catalog only. */
  catalogOnly?: boolean;
  concurrency?: number;
  cacheDir?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface PullReport {
  version: VersionEntry;
  files: DataFile[];
  fetched: number;
  present: number;
}

export async function pullVersion(source: Store, dest: string, opts: PullOptions = {}): Promise<PullReport> {
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const v = await resolveVersion(source, opts.version ?? "latest");
  // the selection is checked (bad SQL, no data) before anything is written
  const files = opts.catalogOnly ? [] : await manifestRows(source, v, opts.where, cacheDir);
  const objects = files.length ? await objectsStoreOf(source, v) : undefined;

  mkdirSync(dest, { recursive: true });
  const config = join(dest, "trove.toml");
  if (!existsSync(config)) writeFileAtomic(config, readFileSync(await versionFile(source, v, "provenance/trove.toml", cacheDir)));
  // the version itself goes into the folder's own version store, so it can be checked out again offline
  const local = localVersions(dest);
  const paths = new Map<string, string>();
  for (const rel of Object.keys(v.description.trove?.files ?? {})) paths.set(rel, await versionFile(source, v, rel, cacheDir));
  const description = { ...v.description, trove: { ...v.description.trove!, objects: null } };
  const bodyOf = (rel: string) => ({ path: paths.get(rel)!, size: description.trove.files[rel].size });
  await publishVersion(local, description, bodyOf);
  await promoteLatest(local, description, bodyOf);
  await installCatalog(dest, source, v, cacheDir);

  const counts = objects ? await restoreFiles(objects, files, dest, { concurrency: opts.concurrency, cacheDir, onProgress: opts.onProgress }) : { fetched: 0, present: 0 };
  return { version: v, files, ...counts };
}
