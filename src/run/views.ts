// The provenance tables as SQL views over the files `trove run` writes: `runs` (one row per task
// execution, from the journal) and `status` (record × step with Sinagot's statuses, as of the
// last run or `trove status --steps`). Both exist, empty, before the first run, so queries that
// join them work on any dataset.
//
//   for (const sql of runViews(root)) await db.run(sql);
//   await db.all("SELECT step, status, count(*) FROM runs GROUP BY ALL");

import { existsSync } from "node:fs";
import { ident } from "../catalog/columns.ts";
import { sqlPath, sqlString } from "../catalog/duckdb.ts";
import { journalPath } from "./journal.ts";
import { statusSnapshotPath } from "./step-status.ts";

const PATH_RECORD = "STRUCT(name VARCHAR, path VARCHAR, hash VARCHAR, key VARCHAR)[]";

const RUNS: [string, string][] = [
  ["run", "VARCHAR"], ["task", "VARCHAR"], ["step", "VARCHAR"], ["record", "VARCHAR"], ["unit", "MAP(VARCHAR, VARCHAR)"],
  ["status", "VARCHAR"], ["fingerprint", "VARCHAR"], ["started", "TIMESTAMPTZ"], ["ended", "TIMESTAMPTZ"], ["seconds", "DOUBLE"],
  ["exit_code", "INTEGER"], ["attempts", "INTEGER"], ["host", "VARCHAR"], ["inputs", PATH_RECORD], ["outputs", PATH_RECORD],
  ["log", "VARCHAR"], ["message", "VARCHAR"],
];

const STATUS: [string, string][] = [
  ["task", "VARCHAR"], ["record", "VARCHAR"], ["step", "VARCHAR"], ["unit", "MAP(VARCHAR, VARCHAR)"], ["status", "VARCHAR"],
  ["code", "INTEGER"], ["reason", "VARCHAR"], ["as_of", "TIMESTAMPTZ"],
];

function view(name: string, file: string, columns: [string, string][]): string {
  if (!existsSync(file)) {
    const nulls = columns.map(([c, t]) => `NULL::${t} AS ${ident(c)}`).join(", ");
    return `CREATE OR REPLACE VIEW ${ident(name)} AS SELECT ${nulls} WHERE false`;
  }
  const spec = columns.map(([c, t]) => `${sqlString(c)}: ${sqlString(t)}`).join(", ");
  // ignore_errors: a line torn by a crash is skipped, as the journal reader does
  return `CREATE OR REPLACE VIEW ${ident(name)} AS SELECT * FROM read_json(${sqlPath(file)}, format = 'newline_delimited', columns = {${spec}}, ignore_errors = true)`;
}

export function runViews(root: string): string[] {
  return [view("runs", journalPath(root), RUNS), view("status", statusSnapshotPath(root), STATUS)];
}
