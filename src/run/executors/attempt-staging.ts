// A staging folder per queue attempt: when a job is handed out again (its worker was SIGKILLed),
// the new attempt writes to a folder of its own, so the dead worker's task process, which may
// still be running (it is in its own session, and nobody is left to kill it), cannot write into
// the outputs the new attempt is about to move into place.
//
//   const spec = attemptSpec(job.data.spec, 2);   // staging key "<key>#2", paths rewritten
//   cleanEarlierAttempts(job.data.spec, 2);        // removes attempt 1's staging folders
//
// The runner has already written the staged paths into the task (its command's {out.NAME}, its
// TROVE_TASK file), so a new key means rewriting them: every staged path holds the folder name
// `.trove-staging-<16 hex of the key's hash>`, which nothing else contains, and whatever quoting
// or escaping surrounds it leaves it unchanged, so a plain replace of that name is exact.

import { rmSync } from "node:fs";
import { basename } from "node:path";
import type { TaskSpec } from "../executor.ts";
import { stagingDir } from "../staging.ts";

/** The staging key of attempt `attempt` (1: the key the runner chose). */
export function attemptKey(spec: TaskSpec, attempt: number): string {
  const key = spec.stagingKey ?? spec.id;
  return attempt <= 1 ? key : `${key}#${attempt}`;
}

/** The folder name (not path) of a staging key: the same under every output's folder. */
const folderName = (key: string) => basename(stagingDir(key, "/x"));

/** The spec as attempt `attempt` runs it: its own staging key, and every staged path moved there. */
export function attemptSpec(spec: TaskSpec, attempt: number): TaskSpec {
  if (attempt <= 1) return spec;
  const key = attemptKey(spec, attempt);
  const from = folderName(attemptKey(spec, 1));
  const to = folderName(key);
  const swap = (text: string) => text.replaceAll(from, to);
  const mapValues = (r: Record<string, string>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, swap(v)]));
  return {
    ...spec,
    stagingKey: key,
    command: spec.command.map(swap),
    env: mapValues(spec.env),
    ...(spec.files ? { files: mapValues(spec.files) } : {}),
  };
}

/**
 * Removes the staging folders of the attempts before `attempt`: what a dead worker's task wrote
 * there can never be moved into place, and a task still running there then fails to write.
 */
export function cleanEarlierAttempts(spec: TaskSpec, attempt: number): void {
  for (let k = 1; k < attempt; k++) {
    const key = attemptKey(spec, k);
    for (const final of Object.values(spec.outputs)) {
      try {
        rmSync(stagingDir(key, final), { recursive: true, force: true });
      } catch {
        // not ours to fail over: the folder is skipped by the catalog walk either way
      }
    }
  }
}
