// Writes a version onto a store in the order that keeps readers safe: every file the version
// names first (skipping those already there: a rerun after a crash only writes what is missing),
// then its dataset_description.json (from then on the version exists), then the `latest/` mirror
// and last `versions/latest_version.json`. A reader that finds a description finds all it names.
// Pushing the same version again writes nothing: a description or pointer already as it would be
// written is left alone (a repeated push costs reads, not PUTs).
//
//   await publishVersion(store, description, (rel) => ({ path: join(stage, rel), size }));
//   await promoteLatest(store, description, bodyOf);

import type { Body, Store } from "../store/store.ts";
import type { DatasetDescription } from "./description.ts";
import { DESCRIPTION, LATEST_POINTER, LATEST_PREFIX, readJson, versionPrefix } from "./layout.ts";
import { eachLimit } from "./pool.ts";

export type BodyOf = (rel: string) => Body;

export interface PublishOptions {
  concurrency?: number;
  /** Called after each file is stored or found already stored. */
  onFile?: (rel: string, written: boolean) => void;
}

const json = (d: unknown) => new TextEncoder().encode(JSON.stringify(d, null, 2) + "\n");

export async function publishVersion(store: Store, description: DatasetDescription, bodyOf: BodyOf, opts: PublishOptions = {}): Promise<{ written: number; skipped: number }> {
  const prefix = versionPrefix(description.version);
  const files = Object.entries(description.trove?.files ?? {});
  let written = 0;
  await eachLimit(files, opts.concurrency ?? 8, async ([rel, f]) => {
    // a version's files never change under its id, so one of the right size is the one a crashed push wrote
    const have = await store.stat(prefix + rel);
    const write = have?.size !== f.size;
    if (write) {
      await store.write(prefix + rel, bodyOf(rel), { sha256: f.sha256 });
      written++;
    }
    opts.onFile?.(rel, write);
  });
  if (!sameJson(await readJson(store, prefix + DESCRIPTION), description)) await store.write(prefix + DESCRIPTION, json(description));
  return { written, skipped: files.length - written };
}

/**
 * Makes `description` the latest unless the store's latest is newer: the `latest/` folder (for
 * fw-dataset's readers) is rewritten, files no longer part of it removed, then the pointer moved.
 * Returns whether it did.
 */
export async function promoteLatest(store: Store, description: DatasetDescription, bodyOf: BodyOf): Promise<boolean> {
  const current = await readJson(store, LATEST_POINTER);
  if (current && current.version !== description.version && String(current.created) > description.created) return false;
  // the pointer is written last, so one already naming this very description has its latest/ complete
  if (sameJson(current, description)) return true;
  const files = description.trove?.files ?? {};
  await eachLimit(Object.entries(files), 8, async ([rel, f]) => {
    await store.write(LATEST_PREFIX + rel, bodyOf(rel), { sha256: f.sha256 });
  });
  await store.write(LATEST_PREFIX + DESCRIPTION, json(description));
  const keep = new Set([...Object.keys(files), DESCRIPTION].map((rel) => LATEST_PREFIX + rel));
  for (const o of (await store.list(LATEST_PREFIX)).objects) if (!keep.has(o.key)) await store.delete(o.key);
  await store.write(LATEST_POINTER, json(description));
  return true;
}

function sameJson(a: unknown, b: unknown): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
