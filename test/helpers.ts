// Shared test helpers: temporary folders and running the real `trove` binary.
//
//   const dir = tempDir();
//   const { code, stdout } = runTrove(["index", dir]);

import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
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

/**
 * A dataset of `records` files raw/R<i>.txt ("record <i>") with one step `work` running `command`
 * (a trove.toml command template) from raw/{id}.txt to out/{id}.txt; `extra` is appended to trove.toml.
 */
export function stepDataset(records: number, command: string, extra = ""): string {
  const root = tempDir();
  writeFileSync(
    join(root, "trove.toml"),
    `[dataset]
name = "cli"
[[layout]]
type = "template"
patterns = ["raw/{id}.txt"]
[layout.entities]
id = "R\\\\d+"
[record]
id_pattern = "R\\\\d+"
[steps.work]
command = "${command}"
inputs = { raw = "raw/{id}.txt" }
outputs = { out = "out/{id}.txt" }
${extra}`,
  );
  mkdirSync(join(root, "raw"));
  for (let i = 1; i <= records; i++) writeFileSync(join(root, `raw/R${i}.txt`), `record ${i}\n`);
  return root;
}
