// Deciding what to run: for each task, whether it is up to date, must run (and why), or cannot run
// because its inputs are not there.
//
//   const plan = await planTasks({ config, journal, files, tasks, order, selected: new Set(["alpha"]) });
//   plan.tasks.filter((t) => t.decision === "run").map((t) => `${t.id}: ${t.reasons.join(", ")}`)
//   // ["alpha:REC-1:task=RS: new", "alpha:REC-2:task=RS: inputs changed"]
//
// A task is up to date when its last successful run had the same fingerprint and its outputs are
// still what that run left. A task whose upstream task runs must run too, and its fingerprint can
// only be known once the upstream outputs exist, so it is computed again just before it starts.
// Tasks of steps not selected are planned too (they order the others) but never run.

import { resolve } from "node:path";
import type { Config } from "../config/load.ts";
import { type CommandTemplate, fillCommand, parseCommand, StepConfigError } from "./patterns.ts";
import { changedParts, codeHash, type FileHashes, type FingerprintParts, fileKey, hashJson, hashText } from "./fingerprint.ts";
import type { Journal, PathRecord } from "./journal.ts";
import type { StepTask } from "./tasks.ts";

/**
 * - run: will run (reasons say why)
 * - up-to-date: its last successful run still holds
 * - data-not-available: an input is missing and no step produces it (Sinagot's status 41)
 * - waiting: an input comes from an upstream task that will not run now (Sinagot's "init")
 * - blocked: the task cannot be built (a code file is missing, an entity absent from its command)
 */
export type Decision = "run" | "up-to-date" | "data-not-available" | "waiting" | "blocked";

export interface PlannedTask extends StepTask {
  decision: Decision;
  reasons: string[];
  /** In a selected step (only those run). */
  selected: boolean;
  /** Tasks this one waits for: producers of its inputs and tasks of its `after` steps, same record and unit. */
  upstream: string[];
  /** Known when the inputs were there at planning time; else computed just before the task starts. */
  parts?: FingerprintParts;
  inputRecords?: PathRecord[];
  /** The input whose absence makes the task data-not-available. */
  missing?: string;
}

export interface Plan {
  /** Steps, upstream first. */
  order: string[];
  /** By step in plan order, then by id. */
  tasks: PlannedTask[];
  byId: Map<string, PlannedTask>;
}

export interface PlanInput {
  config: Config;
  journal: Journal;
  files: FileHashes;
  order: string[];
  /** In plan order: each step's tasks after those of the steps it depends on (as planRun lists them). */
  tasks: StepTask[];
  /** Steps whose tasks may run; default every step. */
  selected?: ReadonlySet<string>;
  force?: boolean;
}

/** What a task's fingerprint is made of, except its inputs' hashes; fixed per step. */
export interface StepBasis {
  command: CommandTemplate;
  code: string;
  codeMissing: string[];
  params: string;
}

export function stepBasis(config: Config, step: string): StepBasis {
  const s = config.steps[step];
  const code = codeHash(config.root, s.code);
  return {
    command: parseCommand(s.command, { step }),
    code: code.hash,
    codeMissing: code.missing,
    params: hashJson({ params: s.params, env: s.env }),
  };
}

/** The parts of a task's fingerprint from its inputs' current content; null when an input is missing. */
export async function taskParts(config: Config, basis: StepBasis, task: StepTask, files: FileHashes, known?: PathRecord[]): Promise<{ parts: FingerprintParts; inputs: PathRecord[] } | { missing: string }> {
  let inputs = known;
  if (!inputs) {
    inputs = [];
    for (const [name, path] of Object.entries(task.inputs)) {
      const now = await files.get(path!, true);
      if (!now) return { missing: name };
      inputs.push({ name, path: path!, ...now });
    }
  }
  // relative paths, so a dataset moved to another folder keeps its fingerprints
  const argv = fillCommand(basis.command, { in: task.inputs as Record<string, string>, out: task.outputs as Record<string, string>, params: config.steps[task.step].params, entities: task.entities });
  const parts = { command: hashText(argv.join("\0")), code: basis.code, params: basis.params, inputs: hashText(inputs.map((i) => `${i.name}\0${i.hash}`).join("\n")) };
  return { parts, inputs };
}

export async function planTasks(input: PlanInput): Promise<Plan> {
  const { config, journal, files, order, force = false } = input;
  const selected = input.selected ?? new Set(order);
  const producer = new Map<string, string>();
  for (const t of input.tasks) for (const k in t.outputs) if (t.outputs[k] !== null) producer.set(t.outputs[k]!, t.id);
  const byStepRecord = new Map<string, StepTask[]>();
  if (Object.values(config.steps).some((s) => s.after.length > 0)) {
    for (const t of input.tasks) {
      const key = `${t.step}\0${t.record}`;
      const list = byStepRecord.get(key);
      if (list) list.push(t);
      else byStepRecord.set(key, [t]);
    }
  }
  const byId = new Map<string, PlannedTask>();
  const bases = new Map<string, StepBasis>();
  await files.prefetch(input.tasks.flatMap((t) => Object.values(t.inputs).filter((p): p is string => p !== null)));

  for (const task of input.tasks) {
    const step = config.steps[task.step];
    const upstream: string[] = [];
    for (const k in task.inputs) {
      const from = task.inputs[k] === null ? undefined : producer.get(task.inputs[k]!);
      if (from !== undefined && from !== task.id && !upstream.includes(from)) upstream.push(from);
    }
    for (const after of step.after) {
      for (const other of byStepRecord.get(`${after}\0${task.record}`) ?? []) {
        if (sameUnit(other.unit, task.unit) && !upstream.includes(other.id)) upstream.push(other.id);
      }
    }
    // the task object becomes its plan entry (no copy: there may be 100k of them)
    const planned = Object.assign(task, { decision: "run" as Decision, reasons: [] as string[], selected: selected.has(task.step), upstream });
    byId.set(task.id, planned);
    await decide(planned);
  }
  return { order, tasks: [...byId.values()], byId };

  async function decide(t: PlannedTask): Promise<void> {
    const set = (decision: Decision, ...reasons: string[]) => {
      t.decision = decision;
      t.reasons = reasons;
    };
    t.missing = undefined;
    const absent = absentPath(t);
    if (absent) return set("data-not-available", `the record has no value for an entity in the path of ${absent}`);
    const rerunning = t.upstream.filter((id) => byId.get(id)?.decision === "run" && byId.get(id)!.selected);
    const inputs: PathRecord[] = [];
    for (const [name, path] of Object.entries(t.inputs)) {
      const from = producer.get(path!);
      if (from !== undefined && rerunning.includes(from)) continue;
      const known = await files.get(path!);
      if (known) {
        inputs.push({ name, path: path!, ...known });
        continue;
      }
      t.missing = path!;
      if (from !== undefined && from !== t.id) return set("waiting", `input ${name} (${path}) comes from ${from}, which has not made it`);
      return set("data-not-available", `missing ${path} (input "${name}")`);
    }
    let basis = bases.get(t.step);
    if (!basis) bases.set(t.step, (basis = stepBasis(config, t.step)));
    if (basis.codeMissing.length > 0) return set("blocked", `code file missing: ${basis.codeMissing.join(", ")}`);
    if (rerunning.length > 0) return set("run", `upstream reran (${rerunning[0]}${rerunning.length > 1 ? ` and ${rerunning.length - 1} more` : ""})`);
    let now;
    try {
      now = await taskParts(config, basis, t, files, inputs);
    } catch (e) {
      if (e instanceof StepConfigError) return set("blocked", e.message);
      throw e;
    }
    if ("missing" in now) return set("data-not-available", `input "${now.missing}" vanished while planning`);
    t.parts = now.parts;
    t.inputRecords = now.inputs;
    if (force) return set("run", "forced");
    const done = journal.lastDone.get(t.id);
    if (!done) return set("run", journal.latest.has(t.id) ? `last run ${journal.latest.get(t.id)!.status}` : "new");
    const changed = changedParts(now.parts, done.parts);
    if (changed.length > 0) return set("run", ...changed.map((c) => `${c} changed`));
    for (const [name, path] of Object.entries(t.outputs)) {
      const key = fileKey(resolve(config.root, path!));
      if (key === null) return set("run", `output ${name} missing`);
      if (done.outputs.find((o) => o.path === path)?.key !== key) return set("run", `output ${name} changed since it was made`);
    }
    set("up-to-date");
  }
}

function absentPath(t: StepTask): string | undefined {
  for (const k in t.inputs) if (t.inputs[k] === null) return k;
  for (const k in t.outputs) if (t.outputs[k] === null) return k;
  return undefined;
}

/** `after` links the tasks of one unit: alpha for task RS waits for preprocess of RS, not of MMN. */
function sameUnit(a: Record<string, string>, b: Record<string, string>): boolean {
  for (const k in a) if (k in b && a[k] !== b[k]) return false;
  return true;
}
