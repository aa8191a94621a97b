// Local copies of what versions name: their tables (by version id: a version never changes) and
// data objects (by sha256), each checked against the sha256 the version gives before it is kept.
// A LocalStore's files are used where they are, with no copy.
//
//   const path = await versionFile(store, v, "tables/files/files.parquet");
//   const data = await objectFile(objects, "e3b0c4…", defaultCacheDir());
//
// The cache folder is $TROVE_CACHE, else $XDG_CACHE_HOME/trove, else ~/.cache/trove.

import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../fsutil/atomic.ts";
import { LocalStore } from "../store/local.ts";
import type { Store } from "../store/store.ts";
import { CorruptObjectError } from "./errors.ts";
import { objectKey, type VersionEntry } from "./layout.ts";

export function defaultCacheDir(): string {
  if (process.env.TROVE_CACHE) return process.env.TROVE_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "trove");
}

const storeTag = (uri: string) => createHash("sha256").update(uri).digest("hex").slice(0, 16);

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function verify(bytes: Uint8Array, expected: string | undefined, key: string, store: Store): void {
  if (!expected) return;
  const got = createHash("sha256").update(bytes).digest("hex");
  if (got !== expected) {
    throw new CorruptObjectError(`${key} in ${store.uri} is corrupted: its sha256 is ${got}, the version says ${expected}; re-push it from a good copy`);
  }
}

/** A local path holding the version's file `rel` (relative to its folder). */
export async function versionFile(store: Store, v: VersionEntry, rel: string, cacheDir = defaultCacheDir()): Promise<string> {
  const key = v.prefix + rel;
  if (store instanceof LocalStore) return store.pathOf(key);
  const expected = v.description.trove?.files[rel];
  const path = join(cacheDir, "versions", storeTag(store.uri), v.id, ...rel.split("/"));
  const have = statSync(path, { throwIfNoEntry: false });
  if (have && (!expected || have.size === expected.size)) return path;
  const bytes = await store.read(key);
  verify(bytes, expected?.sha256, key, store);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, bytes);
  return path;
}

/** A local path holding the data object with this sha256, verified. */
export async function objectFile(objects: Store, sha256: string, cacheDir = defaultCacheDir()): Promise<string> {
  const key = objectKey(sha256);
  const path = join(cacheDir, "objects", sha256.slice(0, 2), sha256);
  if (existsSync(path)) return path; // only verified bytes are ever written here
  const bytes = await objects.read(key);
  verify(bytes, sha256, key, objects);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, bytes);
  return path;
}
