// Record × step statuses with Sinagot's names and codes, and the snapshot behind the `status` view.
//
//   const rows = stepStatuses(plan, journal, report.results);
//   rows[0]  // { task: "alpha:REC-1:task=RS", record: "REC-1", step: "alpha", status: "done", code: 30, ... }
//   writeStatusSnapshot(root, rows);   // .trove/runs/status.jsonl, read by the `status` view
//
// Sinagot derives a status from output existence and its last log line; trove from the plan (which
// knows fingerprints) and the journal. The snapshot is as of the last `trove run` or
// `trove status --steps`; both refresh it for the tasks they planned.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../fsutil/atomic.ts";
import { fingerprintOf } from "./fingerprint.ts";
import type { Journal } from "./journal.ts";
import { runLockPath, runsDir, taskLogPath } from "./journal.ts";
import { lockHolder } from "../fsutil/lock.ts";
import type { Plan } from "./plan.ts";
import type { TaskResult } from "./runner.ts";

export const SINAGOT_STATUS = { init: 0, "data-ready": 10, processing: 20, done: 30, error: 40, "data-not-available": 41 } as const;
export type StepStatusName = keyof typeof SINAGOT_STATUS;

export interface StepStatusRow {
  task: string;
  record: string;
  step: string;
  unit: Record<string, string>;
  status: StepStatusName;
  /** Sinagot's StepStatus number. */
  code: number;
  /** Why, in words: the plan's reasons or the last execution's message. */
  reason: string;
  as_of: string;
}

export const statusSnapshotPath = (root: string) => join(runsDir(root), "status.jsonl");

/** The run holding the dataset now, if one does (its tasks with a log but no journal line are running). */
export function runInProgress(root: string): string | undefined {
  return /^trove run (\S+)$/.exec(lockHolder(runLockPath(root))?.command ?? "")?.[1];
}

export function stepStatuses(plan: Plan, journal: Journal, results: readonly TaskResult[] = [], running?: { root: string; run: string }): StepStatusRow[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  const asOf = new Date().toISOString();
  return plan.tasks.map((t) => {
    const result = byId.get(t.id);
    const last = journal.latest.get(t.id);
    let status: StepStatusName;
    let reason = t.reasons.join(", ");
    if (result) {
      status = result.status === "done" ? "done" : result.status === "skipped" ? "init" : "error";
      reason = result.message ?? "";
    } else if (running && t.decision === "run" && last?.run !== running.run && existsSync(taskLogPath(running.root, running.run, t.step, t.id))) {
      status = "processing";
      reason = `running in ${running.run}`;
    } else if (t.decision === "up-to-date") status = "done";
    else if (t.decision === "waiting") status = "init";
    else if (t.decision === "data-not-available") status = "data-not-available";
    else if (t.decision === "blocked") status = "error";
    else if (last && last.status !== "done" && t.parts && last.fingerprint === fingerprintOf(t.parts)) {
      status = "error";
      reason = `last run ${last.status}: ${last.message ?? ""}`;
    } else status = "data-ready";
    return { task: t.id, record: t.record, step: t.step, unit: t.unit, status, code: SINAGOT_STATUS[status], reason, as_of: asOf };
  });
}

/** Replaces the rows of the given tasks in the snapshot, keeping the others. */
export function writeStatusSnapshot(root: string, rows: readonly StepStatusRow[]): void {
  const file = statusSnapshotPath(root);
  const merged = new Map<string, string>();
  if (existsSync(file)) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line) continue;
      try {
        merged.set((JSON.parse(line) as StepStatusRow).task, line);
      } catch {
        // a snapshot is rewritten whole; a bad line is dropped
      }
    }
  }
  for (const row of rows) merged.set(row.task, JSON.stringify(row));
  writeFileAtomic(file, [...merged.values()].map((l) => `${l}\n`).join(""));
}
