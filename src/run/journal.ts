// The run journal: one JSON line per task execution, appended as each task ends. It is the `runs`
// table, and what the next run reads to decide what is up to date.
//
//   const journal = readJournal(root);
//   journal.lastDone.get("alpha:REC-1")?.fingerprint
//   const writer = openJournal(root);
//   writer.append(row);  writer.close();
//
// A line is written with one write() after the task's outputs are in place, so a killed `trove run`
// leaves either the whole line or none: a task whose line is missing simply runs again, and nothing
// half-done is ever counted as done. A torn last line (power loss) is skipped when read.

import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";
import { stateDir } from "../catalog/manifest.ts";
import type { TaskStatus } from "./executor.ts";
import type { FingerprintParts, KnownHash } from "./fingerprint.ts";
import type { Provenance } from "../catalog/rows.ts";

export const runsDir = (root: string) => join(stateDir(root), "runs");
export const journalPath = (root: string) => join(runsDir(root), "journal.jsonl");

/** An input or output of one execution; paths relative to the dataset root. */
export interface PathRecord {
  name: string;
  path: string;
  hash: string;
  key: string;
}

export type ExecutionStatus = TaskStatus | "modified-input";

/** One execution of one task: a row of the `runs` table. */
export interface RunRow {
  /** The `trove run` it belonged to. */
  run: string;
  task: string;
  step: string;
  record: string;
  /** Entities besides the record that tell this task from the step's others (e.g. task = RS). */
  unit: Record<string, string>;
  status: ExecutionStatus;
  fingerprint: string;
  parts: FingerprintParts;
  started: string;
  ended: string;
  seconds: number;
  exit_code: number | null;
  attempts: number;
  host: string;
  inputs: PathRecord[];
  outputs: PathRecord[];
  /** The execution's log, relative to the dataset root. */
  log: string;
  message: string | null;
}

export interface Journal {
  /** Last execution of each task, whatever its outcome. */
  latest: Map<string, RunRow>;
  /** Last successful execution of each task. */
  lastDone: Map<string, RunRow>;
  /** Content hashes known from earlier runs, by path, for reuse while a file is unchanged. */
  hashes: Map<string, KnownHash>;
  rows: number;
}

/** Every execution in the journal, oldest first. */
export function journalRows(root: string): RunRow[] {
  const file = journalPath(root);
  if (!existsSync(file)) return [];
  const rows: RunRow[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line === "") continue;
    try {
      rows.push(JSON.parse(line) as RunRow);
    } catch {
      // torn by a crash mid-write: that execution never counted
    }
  }
  return rows;
}

export function readJournal(root: string): Journal {
  const journal: Journal = { latest: new Map(), lastDone: new Map(), hashes: new Map(), rows: 0 };
  for (const row of journalRows(root)) {
    journal.rows++;
    journal.latest.set(row.task, row);
    if (row.status !== "done") continue;
    journal.lastDone.set(row.task, row);
    for (const p of [...row.inputs, ...row.outputs]) journal.hashes.set(p.path, { key: p.key, hash: p.hash });
  }
  return journal;
}

/** Step outputs (files or folders) by path, from each task's last successful run. */
export function outputProvenance(root: string): Map<string, Provenance> {
  const made = new Map<string, Provenance>();
  for (const row of readJournal(root).lastDone.values()) {
    const inputs = row.inputs.map((i) => i.path);
    for (const o of row.outputs) made.set(o.path, { task: row.task, run: row.run, record: row.record, unit: row.unit, inputs, key: o.key.startsWith("d:") ? null : o.key });
  }
  return made;
}

export interface JournalWriter {
  append(row: RunRow): void;
  close(): void;
}

export function openJournal(root: string): JournalWriter {
  mkdirSync(runsDir(root), { recursive: true });
  const fd = openSync(journalPath(root), "a+");
  // a line torn by a crash must not swallow the next one
  const size = fstatSync(fd).size;
  if (size > 0) {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) writeSync(fd, "\n");
  }
  return {
    append: (row) => void writeSync(fd, `${JSON.stringify(row)}\n`),
    close: () => closeSync(fd),
  };
}
