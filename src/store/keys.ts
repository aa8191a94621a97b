// Turns store keys into object names under a store's prefix and back. Keys are "/"-separated and
// relative; a prefix is stored without leading or trailing slashes.
//
//   const k = new KeyMapper("lab/ds");  k.toName("a/b.bin") === "lab/ds/a/b.bin"; k.fromName("lab/ds/a/") === "a/"

import { StoreError } from "./errors.ts";

export class KeyMapper {
  readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix.replace(/^\/+|\/+$/g, "");
  }

  /** The full object name of `key`; "" (the root) maps to the prefix folder itself. */
  toName(key: string): string {
    if (key.startsWith("/") || key.split("/").some((p) => p === "..")) {
      throw new StoreError(`bad store key "${key}": keys are relative and may not contain ".."`);
    }
    if (!this.prefix) return key;
    return key ? `${this.prefix}/${key}` : `${this.prefix}/`;
  }

  /** The key of a full object name (or common prefix) that lies under this store's prefix. */
  fromName(name: string): string {
    if (!this.prefix) return name;
    return name.startsWith(this.prefix + "/") ? name.slice(this.prefix.length + 1) : name;
  }
}

/** Removes the quotes S3 and Azure put around entity tags, so every store reports them alike. */
export function bareEtag(etag: string | undefined): string | undefined {
  return etag?.replace(/^W\//, "").replace(/^"|"$/g, "");
}

/** The quoted form S3 and Azure expect in If-Match. */
export function quotedEtag(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}
