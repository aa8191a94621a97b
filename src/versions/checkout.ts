// `trove checkout V`: the dataset's catalog becomes version V's, and with a store holding its data
// (`from`, pushed with --data) the files whose content differs from V's come back from the store.
// Files V does not have are left alone: nothing is deleted.
//
//   await checkoutVersion(config, "v1.0");                                 // catalog only
//   await checkoutVersion(config, "v1.0", { from: await storeFor("s3://b/ds"), data: true });

import type { Config } from "../config/load.ts";
import type { Store } from "../store/store.ts";
import { type DataFile, manifestRows, objectsStoreOf, restoreFiles } from "./data.ts";
import { installCatalog } from "./install.ts";
import { resolveVersion, type VersionEntry } from "./layout.ts";
import { localVersions } from "./local.ts";

export interface CheckoutOptions {
  /** Where the version is (default: the dataset's local version store). */
  from?: Store;
  /** Also restore the data files from `from`. */
  data?: boolean;
  cacheDir?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface CheckoutReport {
  version: VersionEntry;
  files: DataFile[];
  fetched: number;
  present: number;
}

export async function checkoutVersion(config: Config, ref: string, opts: CheckoutOptions = {}): Promise<CheckoutReport> {
  const store = opts.from ?? localVersions(config.root);
  const v = await resolveVersion(store, ref);
  const files = await manifestRows(store, v, undefined, opts.cacheDir);
  let counts = { fetched: 0, present: 0 };
  if (opts.data) counts = await restoreFiles(await objectsStoreOf(store, v), files, config.root, opts);
  await installCatalog(config.root, store, v, opts.cacheDir);
  return { version: v, files, ...counts };
}
