// file-lock: O_EXCL lock files holding a pid; conflicts, release, stale takeover.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { LindiLockedError, acquireLock, lockPathFor } from "./file-lock.ts";

describe("acquireLock", () => {
  it("holds the pid, refuses a second holder, and frees on release", async () => {
    const path = join(tempDir(), "a.lindi.tar");
    const lock = await acquireLock(path);
    expect(lock.lockPath).toBe(`${path}.lock`);
    expect(readFileSync(lock.lockPath, "utf8")).toBe(`${process.pid}\n`);
    const err = await acquireLock(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LindiLockedError);
    expect((err as LindiLockedError).pid).toBe(process.pid);
    expect((err as Error).message).toBe(`a.lindi.tar is open for writing by pid ${process.pid} (this process)`);
    await lock.release();
    await lock.release();
    expect(existsSync(lock.lockPath)).toBe(false);
    await (await acquireLock(path)).release();
  });

  it("takes over a lock file with no pid in it", async () => {
    const path = join(tempDir(), "b.lindi.d");
    writeFileSync(lockPathFor(`${path}/`), "garbage");
    const lock = await acquireLock(path);
    expect(readFileSync(lock.lockPath, "utf8")).toBe(`${process.pid}\n`);
    await lock.release();
  });

  it("leaves a lock it no longer owns alone", async () => {
    const path = join(tempDir(), "c.lindi.json");
    const lock = await acquireLock(path);
    writeFileSync(lock.lockPath, `${process.ppid}\n`);
    await lock.release();
    expect(readFileSync(lock.lockPath, "utf8")).toBe(`${process.ppid}\n`);
  });
});
