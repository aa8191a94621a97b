// Shared test helpers: temporary folders and running the real `trove` binary.
//
//   const dir = tempDir();
//   const { code, stdout } = runTrove(["index", dir]);

import { spawn, spawnSync, type SpawnSyncOptions } from "node:child_process";
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

/** Starts `trove args...` in the background: the child (to signal) and its outcome. */
export function startTrove(args: string[]) {
  const child = spawn(process.execPath, [troveBin, ...args], { env: { ...process.env, CI: "true" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const done = new Promise<Run>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** The pids (one per line) of processes whose command line holds `marker`; "" when none. */
export const processesWith = (marker: string) => spawnSync("pgrep", ["-f", marker], { encoding: "utf8" }).stdout.trim();

/** Polls until `check()` holds, or fails after `ms`. */
export async function waitFor(check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
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
