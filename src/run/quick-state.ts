// The fast path of planning: per task, the identities (size, mtime, ctime, inode) its files had
// after the last run; a rerun finding them all unchanged is up to date without the journal.
//
//   writeQuickState(config, plan, journal.lastDone, ranNow);   // after a run
//   const plan = quickPlan(config, order, tasks, selected);     // next time: a Plan, or undefined
//
// A no-op rerun must not read every row of the journal nor hash anything: at 100k tasks that was
// most of its time. The state holds a hash of the config (so of every command, param and env, and
// of the paths each task id resolves to), each step's code hash, and per task the identities of its
// inputs then outputs: checking a task is a stat per file and a string comparison. It is stricter
// than the fingerprint (a touched input with the same content fails it): whenever any task fails
// it, the full planner decides instead, and rewrites the state. A task recorded as missing an input
// (data not available, or waiting for an upstream task) stays so while that input is still
// missing. Everything else (a failed task, a forced run) takes the full planner.

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "../config/load.ts";
import { writeFileAtomic } from "../fsutil/atomic.ts";
import { codeHash, fileKey, hashJson } from "./fingerprint.ts";
import { runsDir, type RunRow } from "./journal.ts";
import type { Plan, PlannedTask } from "./plan.ts";
import type { StepTask } from "./tasks.ts";

const statePath = (root: string) => join(runsDir(root), "quick-state.json");

interface QuickState {
  /** hashJson of the config the state was written under. */
  config: string;
  /** Code hash of each step with up-to-date tasks. */
  code: Record<string, string>;
  /** Task id -> identities of its inputs then outputs ("\n"-joined), or "missing\0path\0decision\0reason". */
  tasks: Record<string, string>;
}

const MISSING = "missing\0";
/** A missing file's place in an identity list. */
const ABSENT = "-";

/**
 * The state for the tasks the plan found up to date or missing an input, and for those done in the
 * run that followed it (`done`: each task's last successful execution).
 */
export function writeQuickState(config: Config, plan: Plan, done: ReadonlyMap<string, RunRow>, ranNow: ReadonlySet<string>): void {
  const state: QuickState = { config: hashJson(config), code: {}, tasks: {} };
  for (const t of plan.tasks) {
    const row = done.get(t.id);
    if ((t.decision === "up-to-date" || ranNow.has(t.id)) && row && row.status === "done") {
      // one code hash per step: a task that ran with other code is left to the full planner
      const code = (state.code[t.step] ??= row.parts.code);
      if (code !== row.parts.code) continue;
      // the identities the plan just read, or those recorded as the task ran
      const inputs = !ranNow.has(t.id) && t.inputRecords ? t.inputRecords : row.inputs;
      const outputs = Object.values(t.outputs).map((p) => fileKey(resolve(config.root, p!)) ?? ABSENT);
      state.tasks[t.id] = [...inputs.map((i) => i.key), ...outputs].join("\n");
    } else if ((t.decision === "data-not-available" || t.decision === "waiting") && t.missing !== undefined) {
      state.tasks[t.id] = `${MISSING}${t.missing}\0${t.decision}\0${t.reasons.join(", ")}`;
    }
  }
  try {
    writeFileAtomic(statePath(config.root), JSON.stringify(state));
  } catch {
    // only a speed-up
  }
}

/** The plan, if every task is up to date or still missing its input; otherwise undefined. */
export function quickPlan(config: Config, order: string[], tasks: StepTask[], selected: ReadonlySet<string>): Plan | undefined {
  let state: QuickState;
  try {
    state = JSON.parse(readFileSync(statePath(config.root), "utf8")) as QuickState;
  } catch {
    return undefined;
  }
  if (state.config !== hashJson(config) || typeof state.tasks !== "object") return undefined;
  for (const step in state.code) {
    const code = codeHash(config.root, config.steps[step]?.code ?? []);
    if (code.missing.length > 0 || code.hash !== state.code[step]) return undefined;
  }
  const byId = new Map<string, PlannedTask>();
  const prefix = `${config.root}/`; // task paths are relative and normalised: no resolve() per file
  for (const task of tasks) {
    const recorded = state.tasks[task.id];
    if (recorded === undefined) return undefined;
    const planned: PlannedTask = Object.assign(task, { decision: "up-to-date" as PlannedTask["decision"], reasons: [] as string[], selected: selected.has(task.step), upstream: [] as string[], missing: undefined as string | undefined });
    if (recorded.startsWith(MISSING)) {
      const [, path, decision, reason] = recorded.split("\0");
      if (fileKey(prefix + path) !== null) return undefined;
      planned.decision = decision as PlannedTask["decision"];
      planned.reasons = [reason];
      planned.missing = path;
    } else if (!(task.step in state.code) || identities(prefix, task) !== recorded) {
      return undefined;
    }
    byId.set(task.id, planned);
  }
  return { order, tasks: [...byId.values()], byId };
}

/** The identities of a task's inputs then outputs, as the state records them; "" when a path is absent from the task. */
function identities(prefix: string, task: StepTask): string {
  let out = "";
  let first = true;
  for (const paths of [task.inputs, task.outputs]) {
    for (const k in paths) {
      const p = paths[k];
      if (p === null) return "";
      out += (first ? "" : "\n") + (fileKey(prefix + p) ?? ABSENT);
      first = false;
    }
  }
  return out;
}
