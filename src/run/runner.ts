// `trove run` as a function: plan the tasks, run those out of date through an executor in
// dependency order, journal each execution, and re-index so outputs join the catalog.
//
//   const report = await runSteps(config, db, { steps: ["alpha"], jobs: 4, onEvent: (e) => bar.update(e) });
//   report.counts    // { run: 12, done: 11, failed: 1, skipped: 0, upToDate: 60, notAvailable: 3, ... }
//
// One `trove run` at a time per dataset (a lock names the holder). Each task is told everything in
// a JSON task file (env TROVE_TASK) and env vars, so a script in any language needs no library.

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { STAGING_PREFIX } from "../catalog/walk.ts";
import { hostname } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import type { Config } from "../config/load.ts";
import type { DuckDB } from "../catalog/duckdb.ts";
import { indexDataset, type IndexReport } from "../catalog/indexer.ts";
import { acquireLock } from "../fsutil/lock.ts";
import { TroveError } from "../errors.ts";
import type { Executor, ExecutorEvent, TaskOutcome, TaskSpec } from "./executor.ts";
import { FileHashes, fingerprintOf, fileKey, hashJson } from "./fingerprint.ts";
import { readTaskCache, writeTaskCache } from "./task-cache.ts";
import { quickPlan, writeQuickState } from "./quick-state.ts";
import { planOrder } from "./graph.ts";
import { type Journal, type JournalWriter, openJournal, type PathRecord, type RunRow, runLockPath, runsDir, type ExecutionStatus, readJournal, taskLogPath, writeJournalSnapshot } from "./journal.ts";
import { statusSnapshotPath, stepStatuses, writeStatusSnapshot } from "./step-status.ts";
import { LocalExecutor } from "./local-executor.ts";
import { type CommandTemplate, fillCommand } from "./patterns.ts";
import { type Plan, type PlannedTask, planTasks, stepBasis, type StepBasis, taskParts } from "./plan.ts";
import { stagedPath } from "./staging.ts";
import { stepTasks, type TaskSelection } from "./tasks.ts";
import { TaskChannel } from "./channel.ts";

export interface RunStepsOptions extends TaskSelection {
  /** Steps to run; default all. Their upstream steps are not run, only used. */
  steps?: readonly string[];
  force?: boolean;
  /** Plan only: the report lists what would run and why. */
  dryRun?: boolean;
  /** Tasks at once; default the number of cores. */
  jobs?: number;
  /** Go on with independent tasks after a failure (its downstream is skipped either way). */
  keepGoing?: boolean;
  /** Re-index the dataset after the run so outputs join the catalog (default true). */
  reindex?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  executor?: Executor;
}

export type RunEvent =
  | { kind: "planned"; plan: Plan; toRun: number }
  | ExecutorEvent
  | { kind: "skipped"; id: string; reason: string }
  | { kind: "reindexing" };

/** How one task of this run ended; tasks that did not need to run have none. */
export interface TaskResult {
  id: string;
  status: ExecutionStatus | "skipped";
  message: string | null;
  /** Relative to the dataset root. */
  log: string | null;
  seconds: number;
}

export interface RunReport {
  run: string;
  plan: Plan;
  results: TaskResult[];
  counts: { run: number; done: number; failed: number; skipped: number; upToDate: number; notAvailable: number; waiting: number; blocked: number };
  seconds: number;
  index?: IndexReport;
  /** Things the user should know that did not fail the run. */
  warnings: string[];
}

/** The run cannot start: another run holds the dataset, or a named step does not exist. */
export class RunError extends TroveError {
  override name = "RunError";
}

/** Where tasks come from: the catalog generation, and its SQL engine, opened only if needed. */
export interface CatalogSource {
  generation: number;
  db(): Promise<DuckDB>;
}

/** Plans without running or locking: what `--dry-run` and `trove status --steps` show. */
export async function planRun(config: Config, catalog: CatalogSource, options: Pick<RunStepsOptions, "steps" | "force" | keyof TaskSelection> = {}): Promise<{ plan: Plan; journal: Journal; files: FileHashes; quick: boolean }> {
  const stepNames = Object.keys(config.steps);
  if (stepNames.length === 0) throw new RunError(`${config.file} declares no steps; add a [steps.NAME] section (see \`trove run --help\`)`);
  for (const s of options.steps ?? []) {
    if (!(s in config.steps)) throw new RunError(`no step "${s}"; steps are: ${stepNames.join(", ")}`);
  }
  const { order } = planOrder(stepNames.map((name) => ({ name, inputs: config.steps[name].inputs, outputs: config.steps[name].outputs, after: config.steps[name].after })));
  const { ids, where, scope, only } = options;
  const key = hashJson({ generation: catalog.generation, config, selection: { ids, where, scope, only } });
  let tasks = readTaskCache(config.root, key);
  if (!tasks) {
    const db = await catalog.db();
    tasks = (await Promise.all(order.map((name) => stepTasks(config, db, name, options)))).flat();
    writeTaskCache(config.root, key, tasks);
  }
  const selected = new Set(options.steps ?? order);
  const quick = options.force ? undefined : quickPlan(config, order, tasks, selected);
  if (quick) return { plan: quick, journal: { latest: new Map(), lastDone: new Map(), hashes: new Map(), rows: 0 }, files: new FileHashes(config.root), quick: true };
  const journal = readJournal(config.root);
  const files = new FileHashes(config.root, journal.hashes);
  const plan = await planTasks({ config, journal, files, order, tasks, selected, force: options.force });
  return { plan, journal, files, quick: false };
}

export async function runSteps(config: Config, catalog: CatalogSource, options: RunStepsOptions = {}): Promise<RunReport> {
  const started = Date.now();
  const root = config.root;
  mkdirSync(runsDir(root), { recursive: true });
  const run = newRunId();
  // the lock names the run, so `trove status --steps` can tell which tasks are running now
  const lock = options.dryRun ? undefined : acquireLock(runLockPath(root), `trove run ${run}`);
  try {
    const { plan, journal, files, quick } = await planRun(config, catalog, options);
    const toRun = plan.tasks.filter((t) => t.selected && t.decision === "run");
    options.onEvent?.({ kind: "planned", plan, toRun: toRun.length });
    const report: RunReport = { run, plan, results: [], counts: countPlan(plan), seconds: 0, warnings: [] };
    if (options.dryRun) return finish(report, started);
    if (toRun.length === 0) {
      // statuses only change when something runs; a first no-op run still leaves a snapshot
      if (!existsSync(statusSnapshotPath(root))) writeStatusSnapshot(root, stepStatuses(plan, journal));
      if (!quick) writeQuickState(config, plan, journal.lastDone, new Set());
      return finish(report, started);
    }

    sweepStaging(root, toRun);
    const journalFile = openJournal(root);
    const appended: RunRow[] = [];
    const writer: JournalWriter = { append: (row) => (journalFile.append(row), appended.push(row)), close: () => journalFile.close() };
    try {
      await execute(config, toRun, files, writer, report, options);
    } finally {
      writer.close();
      // the lock kept other writers out since planRun read the journal
      const now = writeJournalSnapshot(root, quick ? undefined : { read: journal, appended });
      writeQuickState(config, plan, now.lastDone, new Set(report.results.filter((r) => r.status === "done").map((r) => r.id)));
      writeStatusSnapshot(root, stepStatuses(plan, journal, report.results));
    }
    if (options.reindex !== false && report.counts.done > 0) {
      options.onEvent?.({ kind: "reindexing" });
      try {
        report.index = await indexDataset(config);
        const made = new Set(report.results.flatMap((r) => (r.status === "done" ? Object.values(plan.byId.get(r.id)!.outputs) : [])));
        const stray = [...report.index.added, ...report.index.changed].filter((p) => !madeBy(made, p));
        if (stray.length > 0) {
          report.warnings.push(`${stray.length} file(s) appeared or changed during the run that no task declared as an output (a script writing outside its outputs?): ${stray.slice(0, 5).join(", ")}${stray.length > 5 ? ", ..." : ""}`);
        }
      } catch (e) {
        report.warnings.push(`outputs were not re-indexed: ${(e as Error).message}; run \`trove index\``);
      }
    }
    return finish(report, started);
  } finally {
    lock?.release();
  }
}

/**
 * Removes staging folders left by killed runs beside the outputs about to be written (the lock
 * says no other run is writing them). A process orphaned by such a run may still be writing into
 * its folder; it is gone from the tree, and this run's folders have other names.
 */
function sweepStaging(root: string, tasks: readonly PlannedTask[]): void {
  const folders = new Set(tasks.flatMap((t) => Object.values(t.outputs).map((p) => dirname(resolve(root, p!)))));
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue; // not made yet
    }
    for (const name of names) if (name.startsWith(STAGING_PREFIX)) rmSync(join(folder, name), { recursive: true, force: true });
  }
}

/** Whether a path is one of the outputs, or inside an output folder. */
function madeBy(outputs: ReadonlySet<string | null>, path: string): boolean {
  for (let p = path; p !== ""; p = p.slice(0, Math.max(0, p.lastIndexOf("/")))) if (outputs.has(p)) return true;
  return false;
}

function finish(report: RunReport, started: number): RunReport {
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

function countPlan(plan: Plan): RunReport["counts"] {
  const counts = { run: 0, done: 0, failed: 0, skipped: 0, upToDate: 0, notAvailable: 0, waiting: 0, blocked: 0 };
  for (const t of plan.tasks) {
    if (!t.selected) continue;
    if (t.decision === "run") counts.run++;
    else if (t.decision === "up-to-date") counts.upToDate++;
    else if (t.decision === "data-not-available") counts.notAvailable++;
    else if (t.decision === "waiting") counts.waiting++;
    else counts.blocked++;
  }
  return counts;
}

function newRunId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}-${randomBytes(3).toString("hex")}`;
}

async function execute(config: Config, toRun: PlannedTask[], files: FileHashes, writer: JournalWriter, report: RunReport, options: RunStepsOptions): Promise<void> {
  const root = config.root;
  const executor = options.executor ?? new LocalExecutor({ concurrency: options.jobs });
  const running = new Set(toRun.map((t) => t.id));
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, PlannedTask[]>();
  for (const t of toRun) {
    const ups = t.upstream.filter((u) => running.has(u));
    waitingOn.set(t.id, ups.length);
    for (const u of ups) {
      const list = dependents.get(u);
      if (list) list.push(t);
      else dependents.set(u, [t]);
    }
  }
  const bases = new Map<string, StepBasis>();
  const basis = (step: string) => bases.get(step) ?? bases.set(step, stepBasis(config, step)).get(step)!;
  const launched = new Map<string, { task: PlannedTask; inputs: PathRecord[]; fingerprint: string; parts: NonNullable<PlannedTask["parts"]>; log: string }>();
  const channel = new TaskChannel<TaskSpec>();
  let open = toRun.length; // tasks not yet launched or skipped
  let stopping = false;
  const host = hostname();
  const runId = report.run;

  const skip = (t: PlannedTask, reason: string) => {
    report.results.push({ id: t.id, status: "skipped", message: reason, log: null, seconds: 0 });
    report.counts.skipped++;
    options.onEvent?.({ kind: "skipped", id: t.id, reason });
    settle(t, false);
  };
  const settle = (t: PlannedTask, ok: boolean) => {
    open--;
    for (const d of dependents.get(t.id) ?? []) {
      if (!ok) {
        if (waitingOn.get(d.id)! >= 0) {
          waitingOn.set(d.id, -1);
          skip(d, `upstream ${t.id} did not finish`);
        }
        continue;
      }
      const left = waitingOn.get(d.id)! - 1;
      if (left < 0) continue; // already skipped
      waitingOn.set(d.id, left);
      if (left === 0) void launch(d);
    }
    if (open === 0) channel.close();
  };
  const launch = async (t: PlannedTask) => {
    if (stopping) return skip(t, options.signal?.aborted ? "the run was stopped" : "the run stopped after a failure (use --keep-going to go on)");
    try {
      const known = t.parts && t.inputRecords ? { parts: t.parts, inputs: t.inputRecords } : await taskParts(config, basis(t.step), t, files);
      if ("missing" in known) return skip(t, `input ${known.missing} is missing`);
      const spec = taskSpec(config, runId, t, basis(t.step).command);
      launched.set(t.id, { task: t, inputs: known.inputs, parts: known.parts, fingerprint: fingerprintOf(known.parts), log: relative(root, spec.logFile) });
      channel.push(spec);
    } catch (e) {
      skip(t, (e as Error).message);
    }
  };

  const drain = new AbortController(); // stops starting tasks; running ones finish
  const onAbort = () => {
    stopping = true;
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const ready = toRun.filter((t) => waitingOn.get(t.id) === 0);
    for (const t of ready) await launch(t);
    if (open === 0) channel.close();
    for await (const outcome of executor.run(channel, { signal: options.signal, drain: drain.signal, onEvent: options.onEvent })) {
      const entry = launched.get(outcome.id)!;
      const row = await journalRow(root, runId, host, entry, outcome, files);
      writer.append(row);
      const ok = row.status === "done";
      report.results.push({ id: outcome.id, status: row.status, message: row.message, log: entry.log, seconds: row.seconds });
      report.counts[ok ? "done" : "failed"]++;
      if (!ok && !options.keepGoing && !stopping) {
        stopping = true;
        drain.abort();
      }
      settle(entry.task, ok);
    }
    // aborted or drained: tasks never launched, or launched but dropped before they started
    const ended = new Set(report.results.map((r) => r.id));
    for (const t of toRun) {
      if (ended.has(t.id)) continue;
      const entry = launched.get(t.id);
      report.results.push({ id: t.id, status: "skipped", message: entry ? "the run was stopped before it started" : "the run was stopped", log: entry?.log ?? null, seconds: 0 });
      report.counts.skipped++;
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    channel.close();
  }
}

function taskSpec(config: Config, runId: string, t: PlannedTask, template: CommandTemplate): TaskSpec {
  const root = config.root;
  const step = config.steps[t.step];
  const logFile = taskLogPath(root, runId, t.step, t.id);
  const taskFile = logFile.replace(/\.log$/, ".task.json");
  const abs = (p: string | null) => resolve(root, p!);
  const inputs = Object.fromEntries(Object.entries(t.inputs).map(([k, p]) => [k, abs(p)]));
  const outputs = Object.fromEntries(Object.entries(t.outputs).map(([k, p]) => [k, abs(p)]));
  const stagingKey = `${runId}/${t.id}`;
  const staged = Object.fromEntries(Object.entries(outputs).map(([k, p]) => [k, stagedPath(stagingKey, p)]));
  const command = fillCommand(template, { in: inputs, out: staged, params: step.params, entities: t.entities });
  const task = { trove_task: 1, id: t.id, step: t.step, record: t.record, entities: t.entities, unit: t.unit, root, inputs, outputs: staged, final_outputs: outputs, params: step.params, log: logFile };
  const env: Record<string, string> = { ...step.env, TROVE_TASK: taskFile, TROVE_ROOT: root, TROVE_STEP: t.step, TROVE_RECORD: t.record };
  for (const [k, p] of Object.entries(inputs)) env[`TROVE_INPUT_${k.toUpperCase()}`] = p;
  const files = { [taskFile]: JSON.stringify(task, null, 1) };
  return { id: t.id, command, cwd: root, env, outputs, stagingKey, files, logFile, timeoutMs: step.timeout === undefined ? undefined : step.timeout * 1000, retries: step.retries };
}

async function journalRow(root: string, run: string, host: string, entry: { task: PlannedTask; inputs: PathRecord[]; fingerprint: string; parts: NonNullable<PlannedTask["parts"]>; log: string }, outcome: TaskOutcome, files: FileHashes): Promise<RunRow> {
  const t = entry.task;
  let status: ExecutionStatus = outcome.status;
  let message = outcome.message ?? null;
  const outputs: PathRecord[] = [];
  if (status === "done") {
    const touched = entry.inputs.find((i) => fileKey(resolve(root, i.path)) !== i.key);
    if (touched) {
      status = "modified-input";
      message = `the task changed its input ${touched.name} (${touched.path}); a step must write only its outputs`;
    }
    for (const [name, path] of Object.entries(t.outputs)) {
      const known = await files.get(path!, true);
      if (known) outputs.push({ name, path: path!, ...known });
    }
  }
  return {
    run,
    task: t.id,
    step: t.step,
    record: t.record,
    unit: t.unit,
    status,
    fingerprint: entry.fingerprint,
    parts: entry.parts,
    started: outcome.startedAt.toISOString(),
    ended: outcome.endedAt.toISOString(),
    seconds: (outcome.endedAt.getTime() - outcome.startedAt.getTime()) / 1000,
    exit_code: outcome.exitCode,
    attempts: outcome.attempts,
    host,
    inputs: entry.inputs,
    outputs,
    log: entry.log,
    message,
  };
}
