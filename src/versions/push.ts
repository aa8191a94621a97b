// `trove push URI [--data]`: copies a snapshot from the dataset's local version store to a store,
// and with `data` its files as content-addressed objects (objects/<sha256[0:2]>/<sha256>).
//
//   const r = await pushVersion("/data/ds", await storeFor("s3://bucket/lab/ds"), { data: true });
//   r.objects.uploaded, r.objects.skipped
//
// An object already stored is not put again (objects are shared by every version and by every
// dataset pushed to the same objects store, so each content is stored once); what is there is
// learnt from one listing of objects/ when that is small next to the version's files, else by a
// stat of each. Uploads run a bounded number at a time, each checked by the store against its sha256. Everything the version names is stored before its
// description, and latest_version.json is written last: a push cut short leaves no version a
// reader can see, and rerunning it uploads only what is missing.

import { join } from "node:path";
import { ChecksumMismatchError } from "../store/errors.ts";
import type { Store } from "../store/store.ts";
import type { DatasetDescription } from "./description.ts";
import { type DataFile, manifestRows } from "./data.ts";
import { VersionError } from "./errors.ts";
import { DESCRIPTION, objectKey, readJson, resolveVersion, type VersionEntry } from "./layout.ts";
import { localVersions } from "./local.ts";
import { eachLimit } from "./pool.ts";
import { promoteLatest, publishVersion } from "./publish.ts";

export const DEFAULT_PUSH_CONCURRENCY = 8;

export interface PushOptions {
  /** Version id or label (default: the latest snapshot). */
  version?: string;
  /** Upload the data files too. */
  data?: boolean;
  /** Where objects go (default: `objects/` of the target store); share one across datasets to store each content once. */
  objects?: Store;
  /** Uploads in flight at once (default 8). */
  concurrency?: number;
  onProgress?: (phase: "objects" | "tables", done: number, total: number) => void;
}

export interface PushReport {
  version: VersionEntry;
  objects: { uploaded: number; skipped: number; bytes: number };
  files: { written: number; skipped: number };
  latest: boolean;
}

export async function pushVersion(root: string, target: Store, opts: PushOptions = {}): Promise<PushReport> {
  const local = localVersions(root);
  const v = await resolveVersion(local, opts.version ?? "latest");
  const concurrency = opts.concurrency ?? DEFAULT_PUSH_CONCURRENCY;
  const objects = { uploaded: 0, skipped: 0, bytes: 0 };
  if (!v.description.trove) throw new VersionError(`version ${v.id} was not made by \`trove snapshot\``);
  const already = await readJson(target, v.prefix + DESCRIPTION);
  let objectsAt = already?.trove?.objects ?? null;

  if (opts.data) {
    const store = opts.objects ?? target;
    const unique = [...new Map((await manifestRows(local, v)).map((f) => [f.sha256, f])).values()];
    const stored = await storedObjects(store, unique.length);
    let done = 0;
    await eachLimit(unique, concurrency, async (f: DataFile) => {
      const key = objectKey(f.sha256);
      if ((await stored(key)) === f.size) objects.skipped++;
      else {
        try {
          await store.write(key, { path: join(root, ...f.path.split("/")), size: f.size }, { sha256: f.sha256 });
        } catch (e) {
          if (e instanceof ChecksumMismatchError) {
            throw new VersionError(`${f.path} changed since version ${v.id} was made; run \`trove index\` and \`trove snapshot\`, then push the new version`);
          }
          if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new VersionError(`${f.path} (in version ${v.id}) is no longer in ${root}; it cannot be pushed`);
          throw e;
        }
        objects.uploaded++;
        objects.bytes += f.size;
      }
      opts.onProgress?.("objects", ++done, unique.length);
    });
    objectsAt = store === target ? "objects/" : store.uri;
  }

  const description: DatasetDescription = { ...v.description, trove: { ...v.description.trove!, objects: objectsAt } };
  const bodyOf = (rel: string) => ({ path: local.pathOf(v.prefix + rel), size: description.trove!.files[rel].size });
  const total = Object.keys(description.trove!.files).length;
  let done = 0;
  const files = await publishVersion(target, description, bodyOf, { concurrency, onFile: () => opts.onProgress?.("tables", ++done, total) });
  const latest = await promoteLatest(target, description, bodyOf);
  return { version: v, objects, files, latest };
}

/**
 * How big the object under a key is (undefined: absent). A listing page names 1000 objects for the
 * price of a few HEADs: one listing of objects/ replaces a HEAD per file (for 10k files on radosgw,
 * 10 requests instead of 10k; on a first push, 1). Past LIST_PER_FILE objects per file to check,
 * the objects store is mostly other datasets' content: the listing stops there, and keys beyond its
 * last one (keys list in order) are stat'ed one by one.
 */
async function storedObjects(store: Store, files: number): Promise<(key: string) => Promise<number | undefined>> {
  const listed = await store.list("objects/", { limit: files * LIST_PER_FILE });
  const sizes = new Map(listed.objects.map((o) => [o.key, o.size]));
  const last = listed.objects.at(-1)?.key ?? "";
  return async (key) => {
    if (!listed.truncated || key <= last) return sizes.get(key);
    return (await store.stat(key))?.size;
  };
}

const LIST_PER_FILE = 20;
