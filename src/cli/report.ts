// How the CLI words the outcome of an index or status run.
//
//   process.stdout.write(describeIndex(report, seconds));

import type { IndexReport } from "../catalog/indexer.ts";
import type { Problem } from "../layout/layout.ts";

const EXAMPLES = 5;

export function describeIndex(r: IndexReport, seconds: number): string {
  const lines: string[] = [];
  if (r.rebuilt) lines.push(`full rebuild: ${r.rebuilt}`);
  if (r.upToDate) {
    lines.push(`catalog is up to date: ${r.files} files, ${r.records} records (generation ${r.generation}, checked in ${seconds.toFixed(2)} s)`);
  } else {
    lines.push(
      `indexed ${r.files} files into ${r.records} records in ${seconds.toFixed(2)} s (generation ${r.generation})`,
      `  added ${r.added.length}, changed ${r.changed.length}, removed ${r.removed.length}, unchanged ${r.unchanged}` +
        (r.hashed ? `; hashed ${r.hashed}` : ""),
    );
    if (r.invalid) lines.push(`  ${r.invalid} files no layout accepts (valid = false): \`trove ls files --where "not valid"\``);
  }
  lines.push(...describeProblems(r.problems));
  return lines.join("\n") + "\n";
}

/** Problems grouped by message, with a count and a few example paths each. */
export function describeProblems(problems: readonly Problem[]): string[] {
  if (problems.length === 0) return [];
  const groups = new Map<string, string[]>();
  for (const p of problems) {
    const list = groups.get(p.message) ?? [];
    list.push(p.path);
    groups.set(p.message, list);
  }
  const lines = [`${problems.length} problem${problems.length === 1 ? "" : "s"} (not catalogued or partly read):`];
  for (const [message, paths] of groups) lines.push(`  ${paths.length} × ${message}`, examples(paths));
  return lines;
}

/** A few example paths, indented, and how many more there are. */
export function examples(paths: readonly string[], n = EXAMPLES): string {
  const shown = paths.slice(0, n).map((p) => `      ${p || "."}`);
  if (paths.length > n) shown.push(`      … and ${paths.length - n} more`);
  return shown.join("\n");
}
