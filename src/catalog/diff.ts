// Compares a fresh walk with the catalogued file states: what was added, changed, removed.
//
//   const d = diffStates(previous, walked);
//   d.added // ["sub-03/anat/sub-03_T1w.nii.gz"]
//
// A file is unchanged when size, mtime, ctime and inode all match (what git checks); anything
// else re-hashes it. ctime catches an edit whose mtime was put back (touch -r, some copy tools).

import type { FileState } from "./manifest.ts";
import type { FileStat } from "./walk.ts";

export interface CatalogDiff {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
}

export function diffStates(previous: ReadonlyMap<string, FileState>, current: readonly FileStat[]): CatalogDiff {
  const added: string[] = [];
  const changed: string[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  for (const file of current) {
    seen.add(file.path);
    const before = previous.get(file.path);
    if (!before) added.push(file.path);
    else if (sameStat(before, file)) unchanged++;
    else changed.push(file.path);
  }
  const removed: string[] = [];
  for (const path of previous.keys()) if (!seen.has(path)) removed.push(path);
  removed.sort();
  return { added, changed, removed, unchanged };
}

function sameStat(a: FileStat, b: FileStat): boolean {
  return a.size === b.size && a.mtimeUs === b.mtimeUs && a.ctimeUs === b.ctimeUs && a.ino === b.ino;
}

export function isEmptyDiff(d: CatalogDiff): boolean {
  return d.added.length === 0 && d.changed.length === 0 && d.removed.length === 0;
}
