// What `trove run` prints: the plan (for --dry-run) and the outcome of a run, in words.
//
//   process.stdout.write(describeRun(report));
//   // ran 12 tasks in 3.2 s: 11 done, 1 failed
//   //   failed  alpha:REC-200319-A:task=RS  exited with code 1
//   //           log: trove log alpha REC-200319-A:task=RS

import type { RunReport } from "../run/runner.ts";
import type { StepStatusRow } from "../run/step-status.ts";

const SHOW = 20;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "60 up to date, 3 data not available" for the tasks that did not need to run. */
function restLine(r: RunReport): string {
  const c = r.counts;
  const parts = [
    c.upToDate && `${c.upToDate} up to date`,
    c.notAvailable && `${c.notAvailable} data not available`,
    c.waiting && `${c.waiting} waiting for upstream outputs`,
    c.blocked && `${c.blocked} blocked`,
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "";
}

export function describePlan(r: RunReport): string {
  const toRun = r.plan.tasks.filter((t) => t.selected && t.decision === "run");
  const lines = [toRun.length ? `would run ${plural(toRun.length, "task")}:` : "nothing to run: every task is up to date or cannot run"];
  for (const t of toRun.slice(0, SHOW)) lines.push(`  ${t.id}  ${t.reasons.join(", ")}`);
  if (toRun.length > SHOW) lines.push(`  ... and ${toRun.length - SHOW} more (--json lists all)`);
  const rest = restLine(r);
  if (rest) lines.push(rest);
  lines.push(...notRunnable(r));
  return lines.join("\n") + "\n";
}

/** The tasks that cannot run, with why: the user has something to fix or to wait for. */
function notRunnable(r: RunReport): string[] {
  const lines: string[] = [];
  for (const decision of ["blocked", "data-not-available"] as const) {
    const tasks = r.plan.tasks.filter((t) => t.selected && t.decision === decision);
    if (tasks.length === 0) continue;
    lines.push(`${decision === "blocked" ? "blocked" : "data not available"}:`);
    for (const t of tasks.slice(0, decision === "blocked" ? SHOW : 5)) lines.push(`  ${t.id}  ${t.reasons.join(", ")}`);
    if (tasks.length > (decision === "blocked" ? SHOW : 5)) lines.push(`  ... and ${tasks.length - (decision === "blocked" ? SHOW : 5)} more`);
  }
  return lines;
}

export function describeRun(r: RunReport): string {
  const c = r.counts;
  const lines: string[] = [];
  if (c.run === 0) lines.push("nothing to run: every task is up to date or cannot run");
  else {
    const parts = [`${c.done} done`, c.failed && `${c.failed} failed`, c.skipped && `${c.skipped} not run`].filter(Boolean);
    lines.push(`ran ${plural(c.done + c.failed, "task")} in ${r.seconds.toFixed(1)} s: ${parts.join(", ")}`);
  }
  const bad = r.results.filter((x) => x.status !== "done");
  for (const x of bad.slice(0, SHOW)) {
    lines.push(`  ${x.status.padEnd(15)} ${x.id}  ${x.message ?? ""}`);
    if (x.log) lines.push(`  ${"".padEnd(15)} log: trove log ${x.id.replace(":", " ")}`);
  }
  if (bad.length > SHOW) lines.push(`  ... and ${bad.length - SHOW} more (--json lists all)`);
  const rest = restLine(r);
  if (rest) lines.push(rest);
  lines.push(...notRunnable(r));
  if (r.index && !r.index.upToDate) lines.push(`catalog updated: ${r.index.added.length} added, ${r.index.changed.length} changed, ${r.index.removed.length} removed`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n") + "\n";
}

const SHORT: Record<StepStatusRow["status"], string> = {
  init: "init",
  "data-ready": "ready",
  processing: "running",
  done: "done",
  error: "ERROR",
  "data-not-available": "n/a",
};

/** Counts per step, then the record x step matrix (one row per record and unit). */
export function describeStepStatus(order: readonly string[], rows: readonly StepStatusRow[], limit: number): string {
  const lines: string[] = [];
  for (const step of order) {
    const counts = new Map<string, number>();
    for (const r of rows) if (r.step === step) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    lines.push(`${step}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(", ") || "no tasks"}`);
  }
  const matrix = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const unit = Object.entries(r.unit).map(([k, v]) => `${k}=${v}`).join(",");
    const key = unit ? `${r.record} ${unit}` : r.record;
    if (!matrix.has(key)) matrix.set(key, new Map());
    matrix.get(key)!.set(r.step, SHORT[r.status]);
  }
  const keys = [...matrix.keys()].sort();
  const first = Math.max(6, ...keys.map((k) => k.length));
  const widths = order.map((s) => Math.max(s.length, 7));
  lines.push("", ["record".padEnd(first), ...order.map((s, i) => s.padEnd(widths[i]))].join("  ").trimEnd());
  for (const key of keys.slice(0, limit)) {
    const cells = order.map((s, i) => (matrix.get(key)!.get(s) ?? "").padEnd(widths[i]));
    lines.push([key.padEnd(first), ...cells].join("  ").trimEnd());
  }
  if (keys.length > limit) lines.push(`... and ${keys.length - limit} more rows (--all shows them)`);
  return lines.join("\n") + "\n";
}
