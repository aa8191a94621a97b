import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { tempDir } from "../../test/helpers.ts";
import { LockedError } from "../errors.ts";
import { acquireLock } from "./lock.ts";

const deadPid = () => Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);

/** A child process that takes the lock, logs its holding interval, and lets go. */
const CHILD = `
import { appendFileSync } from "node:fs";
import { acquireLock } from ${JSON.stringify(join(repoRoot, "src/fsutil/lock.ts"))};
const [lockFile, log, go] = process.argv.slice(2);
while (Date.now() < Number(go)); // all children reach for the lock at the same moment
let lock;
try { lock = acquireLock(lockFile, "child"); } catch (e) { process.exit(e.name === "LockedError" ? 3 : 1); }
appendFileSync(log, "start " + process.pid + "\\n");
await new Promise((r) => setTimeout(r, 150));
appendFileSync(log, "end " + process.pid + "\\n");
lock.release();
`;

describe("acquireLock", () => {
  it("names the live holder and lets go on release", () => {
    const file = join(tempDir(), "lock");
    const lock = acquireLock(file, "trove index");
    expect(() => acquireLock(file, "other")).toThrow(LockedError);
    expect(() => acquireLock(file, "other")).toThrow(/held by trove index \(pid \d+ on /);
    lock.release();
    acquireLock(file, "other").release();
  });

  it("lets exactly one of many racing processes take over a dead holder's lock", async () => {
    const dir = tempDir();
    const file = join(dir, "lock");
    const log = join(dir, "log");
    const script = join(dir, "child.mts");
    writeFileSync(script, CHILD);
    writeFileSync(log, "");
    writeFileSync(file, JSON.stringify({ pid: deadPid(), host: hostname(), command: "dead", started: "then" }));
    const go = String(Date.now() + 3000);
    const codes = await Promise.all(
      Array.from({ length: 12 }, () =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, ["--import", "tsx", script, file, log, go], { cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"] });
          child.on("exit", resolve);
        }),
      ),
    );
    expect(codes.filter((c) => c !== 0 && c !== 3)).toEqual([]);
    let holding = 0;
    let most = 0;
    for (const line of readFileSync(log, "utf8").trim().split("\n")) {
      holding += line.startsWith("start") ? 1 : -1;
      most = Math.max(most, holding);
    }
    expect(codes.filter((c) => c === 0).length).toBeGreaterThanOrEqual(1);
    expect(most).toBe(1);
  }, 60_000);

  it("takes over a half-written lock file once it is old", () => {
    const file = join(tempDir(), "lock");
    writeFileSync(file, "{ garbage");
    expect(() => acquireLock(file, "x")).toThrow(/a starting trove/);
    const old = new Date(Date.now() - 60_000);
    appendFileSync(file, "");
    spawnSync("touch", ["-d", old.toISOString(), file]);
    acquireLock(file, "x").release();
  });
});
