// Names of files inside a .lindi.tar or .lindi.d ("blobs/acq/data/0.0"): checked before they touch
// the file system, so a crafted ref or key cannot reach outside the folder. LINDI rejects path
// components starting with ".."; we also reject absolute and empty names.
//
//   internalName("./blobs/a/0");   // "blobs/a/0"
//   internalName("../etc/passwd"); // throws LindiError

import { LindiError } from "./errors.ts";

/** Chunk keys at or above this size become blobs/<key> files in a tar or folder (LindiTarStore). */
export const BLOB_MIN_SIZE = 1000;

/** A ref's "./name" (or a bare name) as the member or file name it stands for. */
export function internalName(ref: string): string {
  const name = ref.startsWith("./") ? ref.slice(2) : ref;
  if (!name || name.startsWith("/") || /^[A-Za-z]:[\\/]/.test(name)) throw new LindiError(`invalid name inside a LINDI file: "${ref}" (absolute or empty)`);
  for (const part of name.split(/[\\/]/)) {
    if (part.startsWith("..")) throw new LindiError(`invalid name inside a LINDI file: "${ref}" (a path component starts with "..")`);
    if (part === "") throw new LindiError(`invalid name inside a LINDI file: "${ref}" (empty path component)`);
  }
  return name;
}

/** Whether LINDI keeps this key inline whatever its size: .zattrs/.zgroup/.zarray, zarr.json. */
export function isMetaKey(key: string): boolean {
  const base = key.split("/").pop() ?? "";
  return base.startsWith(".") || base.endsWith(".json");
}

/** blobs/<key>, or blobs/<key>.v2, .v3, ... when the name is taken (LindiTarStore). */
export function blobName(key: string, taken: (name: string) => boolean | Promise<boolean>): Promise<string> {
  const base = internalName(`blobs/${key.replace(/^\/+/, "")}`);
  return (async () => {
    if (!(await taken(base))) return base;
    let v = 2;
    while (await taken(`${base}.v${v}`)) v++;
    return `${base}.v${v}`;
  })();
}
