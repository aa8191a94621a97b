// The dataset's own version store: snapshots live in `<root>/.trove/versions/` (a LocalStore in
// the layout of any other store) until they are pushed.
//
//   const store = localVersions("/data/ds");
//   await listVersions(store);

import { join } from "node:path";
import { stateDir } from "../catalog/manifest.ts";
import { LocalStore } from "../store/local.ts";

export const versionsDir = (root: string) => join(stateDir(root), "versions");

export function localVersions(root: string): LocalStore {
  return new LocalStore(versionsDir(root));
}
