// A Store from what a user typed: a URI (s3://, az://, gs://, file://) or a plain path.
//
//   const store = await storeFor("s3://bucket/lab/ds");   // or "/mnt/share/ds"

import { openStore } from "../store/open.ts";
import type { Store } from "../store/store.ts";

export async function storeFor(source: string | Store): Promise<Store> {
  return typeof source === "string" ? openStore(source) : source;
}

/** True when `s` names a store by URI rather than a plain path. */
export const isUri = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);
