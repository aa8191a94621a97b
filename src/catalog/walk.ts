// Walks a dataset folder and stats every file: the one pass both `trove index` and `trove status`
// pay for.
//
//   const { files, problems } = walk("/data/ds", { ignore: ["**/*.tmp"], followSymlinks: false });
//   files[0] // { path: "sub-01/anat/sub-01_T1w.nii.gz", size: 1234, mtimeUs: 1.7e15, ino: 42 }
//
// fdir lists the tree (it is several times faster than Node's own recursive readdir); a thin
// wrapper around the fs calls it makes records the folders it could not read, which fdir itself
// would swallow. Files that cannot be catalogued (broken symlinks, names that are not UTF-8,
// unreadable entries) are reported as problems, never thrown.

import * as fs from "node:fs";
import { fdir } from "fdir";
import picomatch from "picomatch";
import type { Problem } from "../layout/layout.ts";
import { describeFsError } from "../fsutil/describe.ts";
import { comparePaths } from "../fsutil/paths.ts";

export interface FileStat {
  /** Relative to the root, posix separators. */
  path: string;
  size: number;
  /** Modification time, microseconds since the epoch (the catalog's precision). */
  mtimeUs: number;
  /** Status-change time: moves on any write, even one that puts the mtime back (as git checks). */
  ctimeUs: number;
  ino: number;
}

export interface WalkOptions {
  ignore?: readonly string[];
  /** Relative paths of files to leave out (the dataset's own trove.toml). */
  skip?: readonly string[];
  followSymlinks?: boolean;
  /** Called every few thousand files: first while listing the tree, then while statting. */
  onProgress?: (stage: WalkStage, done: number, total?: number) => void;
}

export type WalkStage = "list" | "stat";

export interface WalkResult {
  files: FileStat[];
  problems: Problem[];
}

/** Folders that are never data, at any depth: trove's own state and git's internals. */
export const ALWAYS_IGNORED = new Set([".trove", ".git"]);
/** Where a running step writes its outputs before they are moved into place: never data yet. */
export const STAGING_PREFIX = ".trove-staging-";

export function walk(root: string, options: WalkOptions = {}): WalkResult {
  const problems: Problem[] = [];
  const isIgnored = ignoreMatcher(options.ignore ?? []);
  const prefix = root.endsWith("/") ? root : `${root}/`;
  const relative = (abs: string) => abs.slice(prefix.length).replace(/\/$/, "");
  let listed = 0;
  const skip = new Set(options.skip ?? []);

  let builder = new fdir({ fs: recordingFs(problems, relative) } as never)
    .withRelativePaths()
    .exclude((name, dirPath) => ALWAYS_IGNORED.has(name) || name.startsWith(STAGING_PREFIX) || isIgnored(relative(dirPath)))
    .filter((path) => {
      if (++listed % 8192 === 0) options.onProgress?.("list", listed);
      return !skip.has(path) && !isIgnored(path);
    });
  if (options.followSymlinks) builder = builder.withSymlinks({ resolvePaths: false });
  const paths = builder.crawl(root).sync() as string[];
  paths.sort(comparePaths);

  const files: FileStat[] = [];
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i];
    if (i % 4096 === 0) options.onProgress?.("stat", i, paths.length);
    if (path.includes("\uFFFD")) {
      problems.push({ path, message: "name is not valid UTF-8; rename it to catalogue it" });
      continue;
    }
    const stat = statFile(prefix + path, path, problems);
    if (stat) files.push(stat);
  }
  options.onProgress?.("stat", paths.length, paths.length);
  problems.sort((a, b) => comparePaths(a.path, b.path));
  return { files, problems };
}

/** The file's stat (through a symlink), or undefined with a problem recorded when it cannot be catalogued. */
export function statFile(abs: string, path: string, problems: Problem[]): FileStat | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(abs);
  } catch (e) {
    problems.push({ path, message: describeFsError(e, "cannot stat") });
    return undefined;
  }
  if (st.isSymbolicLink()) {
    try {
      st = fs.statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const message = code === "ENOENT" ? "broken symlink (its target does not exist)" : code === "ELOOP" ? "symlink loop" : describeFsError(e, "cannot follow symlink");
      problems.push({ path, message });
      return undefined;
    }
    if (st.isDirectory()) {
      problems.push({ path, message: "symlink to a folder, not followed (set index.follow_symlinks = true)" });
      return undefined;
    }
  }
  if (!st.isFile()) return undefined;
  return { path, size: st.size, mtimeUs: Math.round(st.mtimeMs * 1000), ctimeUs: Math.round(st.ctimeMs * 1000), ino: st.ino };
}

export function ignoreMatcher(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const match = picomatch(globs as string[], { dot: true });
  return (path) => path !== "" && match(path);
}

/** The fs calls fdir makes, recording failures fdir would otherwise drop silently. */
function recordingFs(problems: Problem[], relative: (abs: string) => string) {
  const record = (what: string) => (path: fs.PathLike, e: unknown) => {
    const rel = relative(String(path));
    const message = rel.includes("\uFFFD") ? "folder name is not valid UTF-8; rename it to catalogue what it holds" : describeFsError(e, what);
    problems.push({ path: rel, message });
  };
  const onReaddir = record("cannot read folder");
  const onResolve = record("cannot follow symlink");
  return {
    ...fs,
    readdirSync: (path: fs.PathLike, opts: never) => {
      try {
        return fs.readdirSync(path, opts);
      } catch (e) {
        onReaddir(path, e);
        throw e;
      }
    },
    realpathSync: (path: fs.PathLike) => {
      try {
        return fs.realpathSync(path);
      } catch (e) {
        onResolve(path, e);
        throw e;
      }
    },
  };
}
