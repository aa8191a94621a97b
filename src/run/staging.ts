// Where a task writes an output before it is moved into place: a folder beside the final path,
// named after the task, so the move is a rename within one file system and the catalog walk
// (which skips STAGING_PREFIX folders) never sees a half-written output.
//
//   stagedPath("alpha:REC-1", "/data/derived/REC-1-alpha.csv")
//   // "/data/derived/.trove-staging-3f9c0e1a2b4d5c6e/REC-1-alpha.csv"
//
// The runner fills `{out.NAME}` in commands with this path and the executor moves from it, so both
// must agree: this module is the one place that decides it.

import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { STAGING_PREFIX } from "../catalog/walk.ts";

/** The staging folder a task's outputs in `dirname(final)` are written to. */
export function stagingDir(taskId: string, final: string): string {
  return join(dirname(final), STAGING_PREFIX + createHash("sha256").update(taskId).digest("hex").slice(0, 16));
}

export function stagedPath(taskId: string, final: string): string {
  return join(stagingDir(taskId, final), basename(final));
}
