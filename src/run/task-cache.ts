// The task list of the last plan, kept beside the journal so a rerun on an unchanged catalog and
// config finds its tasks without opening the SQL engine (loading DuckDB and reading the catalog
// was a third of a no-op rerun, measured at 10k tasks).
//
//   const tasks = readTaskCache(root, key) ?? (await enumerate());
//   writeTaskCache(root, key, tasks);
//
// The key covers everything the list depends on: the catalog generation (a new index makes a new
// one), the config, and the selection. A missing or unreadable cache is simply rebuilt.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../fsutil/atomic.ts";
import { runsDir } from "./journal.ts";
import type { StepTask } from "./tasks.ts";

const cachePath = (root: string) => join(runsDir(root), "tasks.json");

export function readTaskCache(root: string, key: string): StepTask[] | undefined {
  try {
    const cached = JSON.parse(readFileSync(cachePath(root), "utf8")) as { key: string; tasks: StepTask[] };
    return cached.key === key ? cached.tasks : undefined;
  } catch {
    return undefined;
  }
}

export function writeTaskCache(root: string, key: string, tasks: readonly StepTask[]): void {
  try {
    writeFileAtomic(cachePath(root), JSON.stringify({ key, tasks }));
  } catch {
    // only a speed-up: a read-only dataset plans from the catalog every time
  }
}
