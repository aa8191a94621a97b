// `trove push URI [--data]`: copies a snapshot from the dataset's local version store to a store,
// and with `data` its files as content-addressed objects (objects/<sha256[0:2]>/<sha256>).
//
//   const r = await pushVersion("/data/ds", await storeFor("s3://bucket/lab/ds"), { data: true });
//   r.objects.uploaded, r.objects.skipped
//
// Objects are stat'ed before they are put (shared by every version and by every dataset pushed to
// the same objects store, so each content is stored once), uploaded a bounded number at a time, and
// checked by the store against their sha256. Everything the version names is stored before its
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
  const concurrency = opts.concurrency ?? 8;
  const objects = { uploaded: 0, skipped: 0, bytes: 0 };
  if (!v.description.trove) throw new VersionError(`version ${v.id} was not made by \`trove snapshot\``);
  const already = await readJson(target, v.prefix + DESCRIPTION);
  let objectsAt = already?.trove?.objects ?? null;

  if (opts.data) {
    const store = opts.objects ?? target;
    const unique = [...new Map((await manifestRows(local, v)).map((f) => [f.sha256, f])).values()];
    let done = 0;
    await eachLimit(unique, concurrency, async (f: DataFile) => {
      const key = objectKey(f.sha256);
      const have = await store.stat(key);
      if (have?.size === f.size) objects.skipped++;
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
