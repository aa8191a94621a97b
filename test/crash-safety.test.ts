// Killing `trove index` at any moment leaves the previous catalog intact and readable, and the
// lock it left behind is recovered by the next run.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.ts";
import { indexDataset } from "../src/catalog/indexer.ts";
import { readManifest, tablePath } from "../src/catalog/manifest.ts";
import { Dataset } from "../src/dataset/dataset.ts";
import { writeDemoDataset } from "../src/demo/sonetaa.ts";
import { LockedError } from "../src/errors.ts";
import { acquireLock } from "../src/fsutil/lock.ts";
import { tempDir, troveBin } from "./helpers.ts";

function killAfter(root: string, ms: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [troveBin, "index", root, "--full"], { stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("exit", (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
  });
}

describe("crash safety", () => {
  it("keeps the previous catalog when index is SIGKILLed at any point", async () => {
    const root = tempDir();
    writeDemoDataset(root, { records: 600 });
    const config = await loadConfig(root);
    await indexDataset(config);
    const before = readFileSync(tablePath(root, readManifest(root)!, "files"));
    const expectedFiles = before.length;

    let killed = 0;
    for (const ms of [60, 150, 250, 350, 450, 600, 800, 1000]) {
      const signal = await killAfter(root, ms);
      if (signal === "SIGKILL") killed++;
      const manifest = readManifest(root)!;
      const ds = await Dataset.open(root);
      const [{ n }] = await ds.query("SELECT count(*)::INT AS n FROM files");
      ds.close();
      expect(n).toBeGreaterThan(5000);
      // every generation of the same tree has the same bytes, whichever one is current
      expect(readFileSync(tablePath(root, manifest, "files")).length).toBe(expectedFiles);
    }
    expect(killed).toBeGreaterThan(3);
    const after = await indexDataset(config, { full: true }); // recovers the dead run's lock
    expect(after.files).toBeGreaterThan(5000);
    expect(readFileSync(tablePath(root, readManifest(root)!, "files")).equals(before)).toBe(true);
  }, 120_000);

  it("keeps the previous catalog when killed while writing the new one, and recovers the lock", async () => {
    const root = tempDir();
    writeDemoDataset(root, { records: 600 });
    const config = await loadConfig(root);
    await indexDataset(config);
    const before = readFileSync(tablePath(root, readManifest(root)!, "files"));
    for (const stage of ["staging folder", "files table"]) {
      const child = spawn(process.execPath, [troveBin, "index", root, "--full"], { stdio: "ignore" });
      const exited = new Promise((resolve) => child.on("exit", resolve));
      const catalog = join(root, ".trove", "catalog");
      // wait until the write phase is under way: the staging generation (and then its files table) exists
      for (;;) {
        const staging = readdirSync(catalog).find((n) => n.startsWith(".g") && n.endsWith(".tmp"));
        if (staging && (stage === "staging folder" || existsSync(join(catalog, staging, "files.parquet")))) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      child.kill("SIGKILL");
      await exited;
      expect(existsSync(join(root, ".trove", "lock"))).toBe(true); // the killed run still "holds" it
      expect(readFileSync(tablePath(root, readManifest(root)!, "files")).equals(before)).toBe(true);
      const ds = await Dataset.open(root);
      expect((await ds.query("SELECT count(*)::INT AS n FROM files"))[0].n).toBeGreaterThan(5000);
      ds.close();
    }
    await indexDataset(config, { full: true });
    expect(existsSync(join(root, ".trove", "lock"))).toBe(false);
    const catalogEntries = readdirSync(join(root, ".trove", "catalog"));
    expect(catalogEntries.filter((n) => n.endsWith(".tmp"))).toEqual([]); // abandoned staging cleaned up
  }, 120_000);

  it("keeps a second writer out and names the holder", async () => {
    const root = tempDir();
    writeDemoDataset(root, { records: 3 });
    const config = await loadConfig(root);
    await indexDataset(config);
    const lock = acquireLock(join(root, ".trove", "lock"), "trove test");
    try {
      await expect(indexDataset(config)).rejects.toThrow(LockedError);
      await expect(indexDataset(config)).rejects.toThrow(new RegExp(`held by trove test \\(pid ${process.pid}`));
    } finally {
      lock.release();
    }
    await expect(indexDataset(config)).resolves.toMatchObject({ upToDate: true });
  });

  it("takes over a lock whose holder is dead", async () => {
    const root = tempDir();
    writeDemoDataset(root, { records: 3 });
    const config = await loadConfig(root);
    await indexDataset(config);
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    writeFileSync(join(root, ".trove", "lock"), JSON.stringify({ pid: Number(dead.stdout), host: hostname(), command: "trove index", started: "then" }));
    await expect(indexDataset(config)).resolves.toMatchObject({ upToDate: true });
  });
});
