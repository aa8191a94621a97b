// `trove version delete ID`: removes a version from a store. Its description goes first, so the
// version disappears at once and a delete cut short leaves only unnamed files behind. The latest
// version cannot be deleted. Data objects stay: other versions (and datasets) may share them.
//
//   await deleteVersion(localVersions(root), "6650f1a2c3d4e5f60718293a");

import type { Store } from "../store/store.ts";
import { VersionError } from "./errors.ts";
import { DESCRIPTION, resolveVersion } from "./layout.ts";

export async function deleteVersion(store: Store, ref: string): Promise<string> {
  const v = await resolveVersion(store, ref);
  if (v.latest || ref === "latest") throw new VersionError(`version ${v.id} is the latest; it cannot be deleted (snapshot a newer one first)`);
  await store.delete(v.prefix + DESCRIPTION);
  for (const o of (await store.list(v.prefix)).objects) await store.delete(o.key);
  return v.id;
}
