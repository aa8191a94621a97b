// One writer at a time for a LINDI file: `<path>.lock`, created with O_EXCL and holding the pid of
// the process that has the file open for writing. A lock left by a process that no longer exists is
// taken over, so a crash never locks a file for good.
//
//   const lock = await acquireLock("x.lindi.tar");   // throws LindiLockedError if another pid has it
//   try { ... } finally { await lock.release(); }

import { open, readFile, rm } from "node:fs/promises";
import { basename } from "node:path";
import { LindiError } from "./errors.ts";

/** Another live process has the LINDI file open for writing. */
export class LindiLockedError extends LindiError {
  override name = "LindiLockedError";
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(`${basename(path)} is open for writing by pid ${pid}${pid === process.pid ? " (this process)" : ""}`);
  }
}

export interface FileLock {
  readonly lockPath: string;
  release(): Promise<void>;
}

export function lockPathFor(path: string): string {
  return `${path.replace(/\/+$/, "")}.lock`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function holder(lockPath: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(lockPath, "utf8")).trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

export async function acquireLock(path: string): Promise<FileLock> {
  const lockPath = lockPathFor(path);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fh = await open(lockPath, "wx", 0o644);
      try {
        await fh.writeFile(`${process.pid}\n`);
      } finally {
        await fh.close();
      }
      let released = false;
      return {
        lockPath,
        async release() {
          if (released) return;
          released = true;
          // only remove the lock if it is still ours (it is, unless someone deleted it by hand)
          if ((await holder(lockPath)) === process.pid) await rm(lockPath, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const pid = await holder(lockPath);
    if (pid !== undefined && alive(pid)) throw new LindiLockedError(path, pid);
    // a dead holder, or a lock file being written right now (no pid yet): give a writer a moment
    if (pid === undefined && attempt === 0) {
      await new Promise((r) => setTimeout(r, 50));
      const again = await holder(lockPath);
      if (again !== undefined && alive(again)) throw new LindiLockedError(path, again);
    }
    await rm(lockPath, { force: true });
  }
  throw new LindiError(`${basename(path)}: could not take ${basename(lockPath)}`);
}
