// Writes that a crash cannot half-do: data goes to a temporary file beside the target, is flushed
// to disk, and is renamed over the target, so readers see the old bytes or the new, never a mix.
//
//   await writeFileAtomic(".trove/catalog/catalog.json", JSON.stringify(manifest));

import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** A temporary name in the same folder as `target` (same file system, so rename is atomic). */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const temp = tempPathFor(target);
  try {
    const fd = openSync(temp, "w");
    try {
      writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    fsyncDir(dirname(target));
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

/** Flushes a file written by someone else (DuckDB) to disk. */
export function fsyncFile(file: string): void {
  const fd = openSync(file, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename durable; some file systems refuse to open folders, which is harmless. */
export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort: the rename itself is already atomic
  }
}
