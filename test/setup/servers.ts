// What the server setups (radosgw.ts, azurite.ts) share: deciding whether the selected test files
// need a server, a private run folder guarded by a watchdog, free ports, and failing loudly in CI.
//
//   if (!(await selectedFilesUse(project, "radosgw"))) return;
//   const run = serverRunDir("radosgw");   // run.dir; run.stop() kills every daemon under it

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

export const repoRoot = join(import.meta.dirname, "..", "..");
export const ciScript = (name: string) => join(repoRoot, "scripts", "ci", name);

/**
 * Whether a test file selected for this run imports test/support/<server>: only then is the server
 * started, so `vitest run src/h5` pays nothing. TROVE_TEST_SERVERS=all|none|radosgw,azurite overrides.
 */
export async function selectedFilesUse(project: TestProject, server: string): Promise<boolean> {
  const env = process.env.TROVE_TEST_SERVERS;
  if (env) return env === "all" || env.split(",").map((s) => s.trim()).includes(server);
  // vitest keeps the command line's file filters here (internal, so fall back to "all files").
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
  const { testFiles } = await project.globTestFiles(filters);
  const marker = new RegExp(`support/${server}(\\.ts)?["']`);
  return testFiles.some((f) => marker.test(readFileSync(f, "utf8")));
}

export interface ServerRun {
  dir: string;
  stop(): void;
}

/**
 * A fresh folder for one server's files and pids, plus a detached watchdog that stops everything
 * under it once this process is gone (a crashed or killed runner leaves no daemon behind).
 */
export function serverRunDir(server: string): ServerRun {
  reapOrphans(server);
  const dir = mkdtempSync(join(tmpdir(), `trove-${server}-`));
  writeFileSync(join(dir, "owner"), String(process.pid));
  const dog = spawn(ciScript("reap-when-gone.sh"), [String(process.pid), dir], { detached: true, stdio: "ignore" });
  dog.unref();
  return {
    dir,
    stop() {
      spawnSync(ciScript("stop-servers.sh"), [dir, "--rm"], { stdio: "inherit" });
      if (dog.pid) try { process.kill(dog.pid); } catch { /* already gone */ }
    },
  };
}

/** Folders of earlier runs whose runner died before its watchdog could act (e.g. a reboot-less SIGKILL of both). */
function reapOrphans(server: string): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(`trove-${server}-`)) continue;
    const dir = join(tmpdir(), name);
    const owner = Number(existsSync(join(dir, "owner")) ? readFileSync(join(dir, "owner"), "utf8") : NaN);
    if (owner && alive(owner)) continue;
    spawnSync(ciScript("stop-servers.sh"), [dir, "--rm"], { stdio: "ignore" });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A TCP port nothing listens on right now. */
/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** With CI=true a server that cannot start fails the run; otherwise its tests fail with `message`. */
export function serverUnavailable(message: string): { error: string } {
  if (process.env.CI === "true") throw new Error(message);
  process.stderr.write(`warning: ${message}; the tests that need it will fail\n`);
  return { error: message };
}
