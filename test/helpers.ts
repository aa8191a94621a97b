// Shared test helpers: temporary folders and running the real `trove` binary.
//
//   const dir = tempDir();
//   const { code, stdout } = runTrove(["index", dir]);

import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./fixtures.ts";

export const troveBin = join(repoRoot, "bin", "trove.js");

export function tempDir(prefix = "trove-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `trove args...` to completion (optionally wrapped, e.g. in setpriv to drop root). */
export function runTrove(args: string[], options: SpawnSyncOptions & { wrap?: string[] } = {}): Run {
  const { wrap = [], ...spawnOptions } = options;
  const [cmd, ...rest] = [...wrap, process.execPath, troveBin, ...args];
  const r = spawnSync(cmd, rest, { encoding: "utf8", env: { ...process.env, CI: "true" }, ...spawnOptions });
  return { code: r.status, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}
