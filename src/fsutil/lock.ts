// A lock file that keeps two writers out of one dataset and names its holder; a lock left by a
// process that died is taken over.
//
//   const lock = acquireLock("/data/ds/.trove/lock", "trove index");
//   try { ... } finally { lock.release(); }

import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { LockedError } from "../errors.ts";

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  started: string;
}

export interface Lock {
  release(): void;
}

/** A lock file still empty or half-written after this long was left by a crash. */
const UNREADABLE_GRACE_MS = 10_000;

export function acquireLock(file: string, command: string): Lock {
  const me: LockHolder = { pid: process.pid, host: hostname(), command, started: new Date().toISOString() };
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const fd = openSync(file, "wx");
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      return { release: () => releaseIfMine(file, me) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = readHolder(file);
      if (holder === "gone") continue;
      if (holder === "stale" || !isAlive(holder)) {
        breakStaleLock(file, holder);
        continue;
      }
      throw new LockedError(
        `${file} is held by ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.started}); ` +
          `wait for it to finish, or delete the lock file if that process is gone`,
      );
    }
  }
  throw new LockedError(`could not take ${file}: other processes keep taking it`);
}

/**
 * Removes a dead holder's lock without racing another process doing the same: only one rename of
 * the file can succeed, and the winner checks it moved the lock it judged dead (not a fresh one
 * another process took meanwhile), putting a live one back.
 */
function breakStaleLock(file: string, judged: LockHolder | "stale"): void {
  const aside = `${file}.stale.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // someone else moved it first: try again from the start
  }
  const moved = readHolder(aside);
  const same = judged === "stale" ? moved === "stale" : typeof moved === "object" && moved.pid === judged.pid && moved.started === judged.started;
  if (same || moved === "gone") rmSync(aside, { force: true });
  else {
    // a live lock taken between our read and our rename: give it back unless a newer one exists
    try {
      linkSync(aside, file);
    } catch {
      // a newer lock is in place; the live holder will find its file replaced, which it tolerates on release
    }
    rmSync(aside, { force: true });
  }
}

function readHolder(file: string): LockHolder | "stale" | "gone" {
  try {
    const text = readFileSync(file, "utf8");
    const holder = JSON.parse(text) as LockHolder;
    if (typeof holder.pid === "number" && typeof holder.host === "string") return holder;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "gone";
  }
  try {
    return Date.now() - statSync(file).mtimeMs > UNREADABLE_GRACE_MS ? "stale" : { pid: -1, host: "?", command: "a starting trove", started: "just now" };
  } catch {
    return "gone";
  }
}

/** Who holds the lock now, if a live process does. */
export function lockHolder(file: string): LockHolder | undefined {
  const holder = readHolder(file);
  return typeof holder === "object" && holder.pid !== -1 && isAlive(holder) ? holder : undefined;
}

function isAlive(holder: LockHolder): boolean {
  if (holder.pid === -1) return true;
  if (holder.host !== hostname()) return true; // cannot tell for another machine: assume it is working
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function releaseIfMine(file: string, me: LockHolder): void {
  try {
    const holder = JSON.parse(readFileSync(file, "utf8")) as LockHolder;
    if (holder.pid === me.pid && holder.started === me.started) rmSync(file, { force: true });
  } catch {
    // already gone
  }
}
