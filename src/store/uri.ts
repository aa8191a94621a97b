// Parses and prints store URIs: file:///path (or a plain path), s3://bucket/prefix,
// az://account/container/prefix, gs://bucket/prefix. A URI never carries credentials: one that
// tries (s3://key:secret@bucket) is refused without repeating what it contained.
//
//   parseStoreUri("s3://lab/ds/v1")   // { scheme: "s3", bucket: "lab", prefix: "ds/v1" }
//   formatStoreUri({ scheme: "gs", bucket: "b", prefix: "" })   // "gs://b"

import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { StoreError } from "./errors.ts";

export type StoreUri =
  | { scheme: "file"; path: string }
  | { scheme: "s3"; bucket: string; prefix: string }
  | { scheme: "az"; account: string; container: string; prefix: string }
  | { scheme: "gs"; bucket: string; prefix: string };

/** A store URI, or a path, that could not be understood. */
export class BadStoreUriError extends StoreError {
  override name = "BadStoreUriError";
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** True when `s` names a store by URI rather than by a plain path. */
export const isStoreUri = (s: string) => SCHEME.test(s);

export function parseStoreUri(input: string): StoreUri {
  const m = input.match(SCHEME);
  if (!m) {
    if (!input) throw new BadStoreUriError("empty store location: give a path or an s3://, az://, gs:// or file:// URI");
    return { scheme: "file", path: resolve(input) };
  }
  const scheme = m[1].toLowerCase();
  if (scheme === "file") {
    try {
      return { scheme: "file", path: fileURLToPath(input) };
    } catch (e) {
      throw new BadStoreUriError(`bad file URI ${input}: ${(e as Error).message}`);
    }
  }
  const rest = input.slice(m[0].length);
  const authority = rest.split("/")[0];
  if (authority.includes("@")) {
    // Never echo the URI: what precedes "@" is probably a secret.
    throw new BadStoreUriError(`a ${scheme}:// URI may not contain credentials (user:secret@); give them through the environment or a profile`);
  }
  const parts = rest.split("/").filter((p) => p !== "");
  const need = (n: number, shape: string) => {
    if (parts.length < n) throw new BadStoreUriError(`bad ${scheme}:// URI "${input}": expected ${shape}`);
  };
  switch (scheme) {
    case "s3":
    case "gs": {
      need(1, `${scheme}://bucket[/prefix]`);
      const bucket = parts[0];
      if (!/^[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]$/.test(bucket)) {
        throw new BadStoreUriError(`bad ${scheme}:// URI "${input}": "${bucket}" is not a valid bucket name (3-222 lowercase letters, digits, ".", "-", "_")`);
      }
      return { scheme, bucket, prefix: parts.slice(1).join("/") };
    }
    case "az":
      need(2, "az://account/container[/prefix]");
      return { scheme: "az", account: parts[0], container: parts[1], prefix: parts.slice(2).join("/") };
    default:
      throw new BadStoreUriError(`unknown store scheme "${scheme}://" in "${input}": use a path, file://, s3://, az:// or gs://`);
  }
}

export function formatStoreUri(u: StoreUri): string {
  const tail = (p: string) => (p ? `/${p}` : "");
  switch (u.scheme) {
    case "file":
      return pathToFileURL(u.path).href;
    case "s3":
    case "gs":
      return `${u.scheme}://${u.bucket}${tail(u.prefix)}`;
    case "az":
      return `az://${u.account}/${u.container}${tail(u.prefix)}`;
  }
}
