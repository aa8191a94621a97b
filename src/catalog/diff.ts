// Compares a fresh walk with the catalogued file states: what was added, changed, removed.
//
//   const d = diffStates(FileStates.read(dir), walked);
//   d.added // ["sub-03/anat/sub-03_T1w.nii.gz"]
//
// A file is unchanged when size, mtime, ctime and inode all match (what git checks); anything
// else re-hashes it. ctime catches an edit whose mtime was put back (touch -r, some copy tools).

import { comparePaths } from "../fsutil/paths.ts";
import type { FileStates } from "./file-states.ts";
import type { FileStat } from "./walk.ts";

export interface CatalogDiff {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
}

export interface StateDiff extends CatalogDiff {
  /** For each walked file, its index in the previous states, or -1 when it is new. */
  previousIndex: Int32Array;
}

/** Both sides are sorted by path (the walk sorts, and states are written from its rows): a merge. */
export function diffStates(previous: FileStates, current: readonly FileStat[]): StateDiff {
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  const previousIndex = new Int32Array(current.length).fill(-1);
  let unchanged = 0;
  let j = 0;
  for (let i = 0; i < current.length; i++) {
    const file = current[i];
    while (j < previous.count && comparePaths(previous.path(j), file.path) < 0) removed.push(previous.path(j++));
    if (j < previous.count && previous.path(j) === file.path) {
      previousIndex[i] = j;
      if (previous.unchanged(j, file)) unchanged++;
      else changed.push(file.path);
      j++;
    } else added.push(file.path);
  }
  while (j < previous.count) removed.push(previous.path(j++));
  return { added, changed, removed, unchanged, previousIndex };
}

export function isEmptyDiff(d: CatalogDiff): boolean {
  return d.added.length === 0 && d.changed.length === 0 && d.removed.length === 0;
}
