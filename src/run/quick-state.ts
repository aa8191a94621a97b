// The fast path of planning: one short key per task, written after each run, that says "up to
// date" when the files still have the identities (size, mtime, ctime, inode) they had then.
//
//   writeQuickState(root, plan, journal.lastDone);         // after a run
//   const plan = await quickPlan(config, tasks, selected);  // next time: a Plan, or undefined
//
// A no-op rerun must not read every row of the journal nor hash anything: at 100k tasks that was
// most of its time. The key covers the step's command, code and params and the identities of the
// task's inputs and outputs, so it is stricter than the fingerprint (a touched input with the same
// content fails it): whenever any task fails it, the full planner decides instead, and rewrites
// the keys. A task recorded as missing an input (data not available, or waiting for an upstream
// task) stays so while that input is still missing. Everything else (a failed task, a forced
// run) takes the full planner.

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "../config/load.ts";
import { writeFileAtomic } from "../fsutil/atomic.ts";
import { fileKey, hashText } from "./fingerprint.ts";
import { runsDir, type RunRow } from "./journal.ts";
import { fillCommand } from "./patterns.ts";
import { type Plan, type PlannedTask, stepBasis, type StepBasis } from "./plan.ts";
import type { StepTask } from "./tasks.ts";

const statePath = (root: string) => join(runsDir(root), "quick-state.json");

/** What a task's key is made of: the step's parts, and the identities of its files. */
function keyOf(command: string, basis: Pick<StepBasis, "code" | "params">, inputs: [string, string][], outputs: [string, string][]): string {
  const files = [...inputs, ["", ""], ...outputs].map(([p, k]) => `${p}\0${k}`).join("\n");
  return hashText(`${command}\n${basis.code}\n${basis.params}\n${files}`);
}

function commandPart(config: Config, basis: StepBasis, t: StepTask, known?: Map<string, string>): string {
  const argv = fillCommand(basis.command, { in: t.inputs as Record<string, string>, out: t.outputs as Record<string, string>, params: config.steps[t.step].params, entities: t.entities }).join("\0");
  // a command naming no path or entity (e.g. a script reading $TROVE_TASK) is the same for every
  // task of its step: hashed once, not 10k times (a tenth of a no-op rerun, measured)
  let hash = known?.get(argv);
  if (hash === undefined) {
    hash = hashText(argv);
    known?.set(argv, hash);
  }
  return hash;
}

/**
 * Keys for the tasks the plan found up to date or missing an input, and for those done in the
 * run that followed it (`done`: each task's last successful execution).
 */
export function writeQuickState(config: Config, plan: Plan, done: ReadonlyMap<string, RunRow>, ranNow: ReadonlySet<string>): void {
  const state: Record<string, string> = {};
  for (const t of plan.tasks) {
    const row = done.get(t.id);
    if ((t.decision === "up-to-date" || ranNow.has(t.id)) && row && row.status === "done") {
      const outputs = Object.values(t.outputs).map((p) => [p!, fileKey(resolve(config.root, p!)) ?? "-"] as [string, string]);
      // the identities the plan just read, or those recorded as the task ran
      const inputs = !ranNow.has(t.id) && t.inputRecords ? t.inputRecords : row.inputs;
      state[t.id] = keyOf(row.parts.command, { code: row.parts.code, params: row.parts.params }, inputs.map((i) => [i.path, i.key]), outputs);
    } else if ((t.decision === "data-not-available" || t.decision === "waiting") && t.missing !== undefined) {
      state[t.id] = `missing\0${t.missing}\0${t.decision}\0${t.reasons.join(", ")}`;
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
  let state: Record<string, string>;
  try {
    state = JSON.parse(readFileSync(statePath(config.root), "utf8")) as Record<string, string>;
  } catch {
    return undefined;
  }
  const bases = new Map<string, StepBasis>();
  const commands = new Map<string, string>(); // argv -> its hash
  const byId = new Map<string, PlannedTask>();
  const prefix = `${config.root}/`; // task paths are relative and normalised: no resolve() per file
  const ids = (paths: Record<string, string | null>): [string, string][] | undefined => {
    const out: [string, string][] = [];
    for (const k in paths) {
      const p = paths[k];
      if (p === null) return undefined;
      out.push([p, fileKey(prefix + p) ?? "-"]);
    }
    return out;
  };
  for (const task of tasks) {
    const recorded = state[task.id];
    if (recorded === undefined) return undefined;
    const planned: PlannedTask = Object.assign(task, { decision: "up-to-date" as PlannedTask["decision"], reasons: [] as string[], selected: selected.has(task.step), upstream: [] as string[], missing: undefined as string | undefined });
    if (recorded.startsWith("missing\0")) {
      const [, path, decision, reason] = recorded.split("\0");
      if (fileKey(prefix + path) !== null) return undefined;
      planned.decision = decision as PlannedTask["decision"];
      planned.reasons = [reason];
      planned.missing = path;
    } else {
      let basis = bases.get(task.step);
      if (!basis) bases.set(task.step, (basis = stepBasis(config, task.step)));
      if (basis.codeMissing.length > 0) return undefined;
      const inputs = ids(task.inputs);
      const outputs = ids(task.outputs);
      if (!inputs || !outputs || keyOf(commandPart(config, basis, task, commands.size < 64 ? commands : undefined), basis, inputs, outputs) !== recorded) return undefined;
    }
    byId.set(task.id, planned);
  }
  return { order, tasks: [...byId.values()], byId };
}
