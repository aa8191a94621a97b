// What `trove thot run` prints: the plan (for --dry-run) or the outcome, in words.
//
//   process.stdout.write(describeThotRun(report, false));
//   // ran 5 scripts in 1.2 s: 4 done, 1 failed
//   //   failed  deg30/test/test.py at deg30/test  exited with code 3
//   //           log: .trove/runs/logs/.../deg30%2ftest.log

import type { ThotRunReport, ThotTaskResult } from "../compat/thot/runner.ts";

const SHOW = 20;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const at = (t: ThotTaskResult) => `${t.script} at ${t.container === "" ? "the root" : t.container}`;

export function describeThotRun(r: ThotRunReport, dryRun: boolean): string {
  const c = r.counts;
  const lines: string[] = [];
  if (r.tasks.length === 0) {
    lines.push("nothing to run: no script is associated with the containers in scope");
  } else if (dryRun) {
    const toRun = r.tasks.filter((t) => t.status === "would-run");
    lines.push(toRun.length ? `would run ${plural(toRun.length, "script")}, in this order:` : "nothing to run: every script is up to date");
    for (const t of toRun.slice(0, SHOW)) lines.push(`  ${at(t)}  (priority ${t.priority}) ${t.reasons.join(", ")}`);
    if (toRun.length > SHOW) lines.push(`  ... and ${toRun.length - SHOW} more (--json lists all)`);
  } else if (c.run === 0 && c.failed === 0) {
    lines.push("nothing to run: every script is up to date");
  } else {
    const parts = [`${c.done} done`, c.failed && `${c.failed} failed`, c.skipped && `${c.skipped} not run`].filter(Boolean);
    lines.push(`ran ${plural(c.done + c.failed, "script")} in ${r.seconds.toFixed(1)} s: ${parts.join(", ")}`);
    const added = r.tasks.reduce((n, t) => n + t.added.length, 0);
    if (added > 0) lines.push(`${plural(added, "asset")} added or replaced`);
  }
  const bad = r.tasks.filter((t) => t.status !== "done" && t.status !== "up-to-date" && t.status !== "would-run" && t.status !== "skipped");
  for (const t of bad.slice(0, SHOW)) {
    lines.push(`  ${t.status.padEnd(15)} ${at(t)}  ${t.message ?? ""}`);
    if (t.log) lines.push(`  ${"".padEnd(15)} log: ${t.log}`);
  }
  if (bad.length > SHOW) lines.push(`  ... and ${bad.length - SHOW} more (--json lists all)`);
  if (c.skipped > 0 && !dryRun) lines.push(`${plural(c.skipped, "script")} not run (the run stopped; --ignore-errors goes on past failures)`);
  if (c.upToDate > 0) lines.push(`${c.upToDate} up to date`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n") + "\n";
}
