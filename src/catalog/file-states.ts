// The catalogued state of every file (path, size, mtime, ctime, inode, hash), kept beside the
// Parquet tables in `state.json` so `status` and an incremental `index` can compare a walk with
// the catalog without loading an SQL engine.
//
//   const before = FileStates.read(dir);        // FileStates.empty() before the first index
//   before.path(0), before.hash(0)
//   FileStates.write(dir, files, (i) => hashes[i]);   // files sorted by path
//
// Stored as parallel arrays sorted by path: at 100k files that parses several times faster than
// one small array or object per file, and a sorted walk is compared with it by merging, with no
// 100k-entry map to build.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../fsutil/atomic.ts";
import { comparePaths } from "../fsutil/paths.ts";
import type { FileStat } from "./walk.ts";

interface Columns {
  path: string[];
  size: number[];
  mtimeUs: number[];
  ctimeUs: number[];
  ino: number[];
  hash: (string | null)[];
}

const FILE = "state.json";

export class FileStates {
  private constructor(private readonly columns: Columns) {}

  static empty(): FileStates {
    return new FileStates({ path: [], size: [], mtimeUs: [], ctimeUs: [], ino: [], hash: [] });
  }

  /** The states in a generation folder; empty when missing or unreadable (then every file is new). */
  static read(dir: string): FileStates {
    try {
      const columns = JSON.parse(readFileSync(join(dir, FILE), "utf8")) as Columns;
      const n = columns.path.length;
      const whole = [columns.size, columns.mtimeUs, columns.ctimeUs, columns.ino, columns.hash].every((c) => Array.isArray(c) && c.length === n);
      return whole && isSorted(columns.path) ? new FileStates(columns) : FileStates.empty();
    } catch {
      return FileStates.empty();
    }
  }

  static write(dir: string, files: readonly FileStat[], hashOf: (i: number) => string | null): void {
    const columns: Columns = {
      path: files.map((s) => s.path),
      size: files.map((s) => s.size),
      mtimeUs: files.map((s) => s.mtimeUs),
      ctimeUs: files.map((s) => s.ctimeUs),
      ino: files.map((s) => s.ino),
      hash: files.map((_, i) => hashOf(i)),
    };
    writeFileAtomic(join(dir, FILE), JSON.stringify(columns));
  }

  get count(): number {
    return this.columns.path.length;
  }

  path(i: number): string {
    return this.columns.path[i];
  }

  hash(i: number): string | null {
    return this.columns.hash[i];
  }

  /** Same size, mtime, ctime and inode: the file was not touched (git's test). */
  unchanged(i: number, file: FileStat): boolean {
    const c = this.columns;
    return c.size[i] === file.size && c.mtimeUs[i] === file.mtimeUs && c.ctimeUs[i] === file.ctimeUs && c.ino[i] === file.ino;
  }

  hasMissingHashes(): boolean {
    return this.columns.hash.includes(null);
  }
}

function isSorted(paths: readonly string[]): boolean {
  for (let i = 1; i < paths.length; i++) if (comparePaths(paths[i - 1], paths[i]) >= 0) return false;
  return true;
}
