// The tasks of a step: one per record, or per record × task (or × any other entity its paths
// name), with the step's input and output paths filled in for each.
//
//   const tasks = await stepTasks(config, db, "alpha", { ids: ["REC-200319-A"] });
//   tasks[0].id       // "alpha:REC-200319-A:task=RS"
//   tasks[0].inputs   // { clean: "derived/REC-200319-A/REC-200319-A-RS-clean.fif" }
//
// Which units a step has comes from the catalog: the records (narrowed by the step's `where` and
// the caller's selection) and, for each entity the step's paths or command name beyond the record,
// the values the record's files have. `{task}` is the exception, as in Sinagot: a step scoped to
// tasks (or to modalities that belong to tasks) runs for every record × each of those tasks, so a
// record missing one shows up as "data not available" rather than not at all.

import type { Config } from "../config/load.ts";
import type { StepConfig } from "../config/schema.ts";
import { ident } from "../catalog/columns.ts";
import type { DuckDB } from "../catalog/duckdb.ts";
import type { Entities } from "../layout/layout.ts";
import { type PathPattern, parseCommand, parsePatternSyntax, fillPattern } from "./patterns.ts";

export interface StepTask {
  /** "step:record" plus ":name=value,..." for the unit entities that are not the record itself. */
  id: string;
  step: string;
  record: string;
  /** The record and every entity the step names, as filled for this task. */
  entities: Entities;
  unit: Record<string, string>;
  /** Relative paths; null when this record has no value for an entity the pattern needs. */
  inputs: Record<string, string | null>;
  outputs: Record<string, string | null>;
}

/** Narrows which tasks exist; every part is optional. */
export interface TaskSelection {
  ids?: readonly string[];
  /** SQL over the files table: tasks of records with a matching file. */
  where?: string;
  /** A scope's condition over the files table (the library's ds.RS.EEG), with its parameters. */
  scope?: { sql: string; params: unknown[] };
  /** Only these values of the named unit entities (a scope's task). */
  only?: Record<string, string>;
}

/** The tasks a step applies to for a given selection, or undefined when it applies to every task. */
export function stepTaskSet(config: Config, step: StepConfig): string[] | undefined {
  if (step.tasks) return step.tasks;
  const known = Object.entries(config.tasks);
  if (!step.modalities || known.length === 0) return undefined;
  return known.filter(([, t]) => t.modalities.some((m) => step.modalities!.includes(m))).map(([name]) => name);
}

/** Entity names a step's paths and command refer to, besides in./out./params. ones. */
export function stepEntityNames(name: string, step: StepConfig): string[] {
  const names = new Set<string>();
  for (const pattern of [...Object.values(step.inputs), ...Object.values(step.outputs)]) {
    for (const n of parsePatternSyntax(pattern, name).names) names.add(n);
  }
  for (const word of parseCommand(step.command, { step: name }).words) {
    for (const p of word) if (p.kind === "ref" && !p.ref.includes(".")) names.add(p.ref);
  }
  return [...names];
}

export async function stepTasks(config: Config, db: DuckDB, name: string, selection: TaskSelection = {}): Promise<StepTask[]> {
  const step = config.steps[name];
  const taskSet = stepTaskSet(config, step);
  const names = stepEntityNames(name, step);
  const enumerateTask = taskSet !== undefined && names.includes("task");
  const dims = names.filter((n) => n !== "record" && !(enumerateTask && n === "task"));

  const params: unknown[] = [];
  const where = ["record IS NOT NULL", ...dims.map((d) => `${ident(d)} IS NOT NULL`)];
  if (step.where) where.push(`(${step.where}\n)`);
  if (!taskSet && step.modalities) {
    where.push(`modality IN ${listParam(params, step.modalities)}`);
  }
  if (selection.where) where.push(`(${selection.where}\n)`);
  if (selection.ids) {
    where.push(`record IN ${listParam(params, selection.ids)}`);
  }
  if (selection.scope && selection.scope.sql !== "true") {
    // the scope's parameters are numbered from $1: renumber them after ours
    const offset = params.length;
    const sql = selection.scope.sql.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) + offset}`);
    params.push(...selection.scope.params);
    where.push(`record IN (SELECT record FROM files WHERE ${sql})`);
  }
  const columns = ["record", ...dims].map(ident).join(", ");
  const rows = await db.all(`SELECT DISTINCT ${columns} FROM files WHERE ${where.join(" AND ")} ORDER BY ${columns}`, params);

  const patterns = {
    inputs: Object.entries(step.inputs).map(([k, p]) => [k, parsePatternSyntax(p, name)] as const),
    outputs: Object.entries(step.outputs).map(([k, p]) => [k, parsePatternSyntax(p, name)] as const),
  };
  const only = selection.only ?? {};
  const taskValues = enumerateTask ? taskSet.filter((t) => only.task === undefined || only.task === t) : [undefined];
  const tasks: StepTask[] = [];
  for (const row of rows) {
    const record = String(row.record);
    const base: Entities = { record };
    for (const d of dims) base[d] = String(row[d]);
    if (dims.some((d) => only[d] !== undefined && only[d] !== base[d])) continue;
    for (const task of taskValues) {
      const entities: Entities = task === undefined ? base : { ...base, task };
      const unit: Record<string, string> = {};
      for (const n of Object.keys(entities).sort()) if (n !== "record" && entities[n] !== record) unit[n] = entities[n]!;
      const suffix = Object.entries(unit).map(([k, v]) => `${k}=${v}`).join(",");
      tasks.push({
        id: `${name}:${record}${suffix ? `:${suffix}` : ""}`,
        step: name,
        record,
        entities,
        unit,
        inputs: fill(patterns.inputs, entities),
        outputs: fill(patterns.outputs, entities),
      });
    }
  }
  return tasks;
}

function fill(patterns: readonly (readonly [string, PathPattern])[], entities: Entities): Record<string, string | null> {
  return Object.fromEntries(patterns.map(([k, p]) => [k, fillPattern(p, entities)]));
}

/** A list bound as one JSON parameter, so any number of values costs one placeholder. */
function listParam(params: unknown[], values: readonly string[]): string {
  params.push(JSON.stringify(values));
  return `(SELECT unnest(from_json($${params.length}::VARCHAR, '["VARCHAR"]')))`;
}
