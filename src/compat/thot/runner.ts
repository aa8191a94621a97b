// Runs a Thot or Syre project's analysis the way Thot does (bottom-up, priority groups), but
// incrementally, in parallel, with staging and provenance in trove's runs table.
//
//   const project = await ThotProject.open("/data/inclined-plane");
//   const report = await runThotProject(project, { jobs: 4, ignoreErrors: true });
//   report.counts     // { run: 3, done: 3, failed: 0, skipped: 0, upToDate: 4 }
//
// A script at a container reruns only when the script, the subtree it analyses (properties and
// asset contents, including assets its children's scripts added) or its command changed, or the
// assets it made last time are gone or changed. The assets it adds are staged and moved in only
// when it exits 0, so a failed, stopped or timed-out script leaves the project as it was.

import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { STAGING_PREFIX } from "../../catalog/walk.ts";
import { acquireLock } from "../../fsutil/lock.ts";
import { TaskChannel } from "../../run/channel.ts";
import type { Executor, ExecutorEvent, TaskOutcome, TaskSpec } from "../../run/executor.ts";
import { FileHashes, changedParts, fileKey, fingerprintOf, hashJson } from "../../run/fingerprint.ts";
import { type ExecutionStatus, type Journal, type PathRecord, type RunRow, openJournal, readJournal, runLockPath, runsDir, writeJournalSnapshot } from "../../run/journal.ts";
import { LocalExecutor } from "../../run/local-executor.ts";
import { newRunId } from "../../run/run-id.ts";
import { TROVE_VERSION } from "../../version.ts";
import { stagingDir } from "../../run/staging.ts";
import { AddedAssetError, moveInAssets } from "./added-assets.ts";
import type { ScriptAssociation, ThotContainer } from "./model.ts";
import { ThotProject } from "./project.ts";
import { type QuickResult, forgetQuickState, quickCheck, recordQuickState } from "./quick-check.ts";
import { resolveProjectPath } from "./properties.ts";
import { BottomUpOrder, type OrderOptions, type ScriptGroup, type ScriptRun, scriptRunId } from "./run-order.ts";
import { RunState } from "./run-state.ts";
import { type ScriptInputs, keyInContainer, scriptInputs, scriptTaskSpec } from "./run-task.ts";

export interface ThotRunOptions extends OrderOptions {
  /** Thot's --ignore-errors: after a failure, go on with every other script (its ancestors too). */
  ignoreErrors?: boolean;
  /** Scripts at once; default the number of cores. */
  jobs?: number;
  /** Per script; then its whole process tree is stopped. */
  timeoutSeconds?: number;
  /** Run even the scripts that are up to date. */
  force?: boolean;
  /** Decide only: the report lists what would run and why. */
  dryRun?: boolean;
  /** Called after a run in which scripts succeeded (e.g. to re-index the catalog, so the added assets join it with their provenance). */
  reindex?: () => Promise<unknown>;
  signal?: AbortSignal;
  onEvent?: (event: ThotRunEvent) => void;
  executor?: Executor;
}

export type ThotRunEvent = { kind: "planned"; total: number } | ExecutorEvent | { kind: "settled"; id: string; status: ThotTaskResult["status"] } | { kind: "reindexing" };

export interface ThotTaskResult {
  /** `<script>:<container>` ("." for the root container). */
  id: string;
  container: string;
  script: string;
  priority: number;
  status: ExecutionStatus | "up-to-date" | "skipped" | "would-run";
  /** Why it ran (or would run): new, script changed, inputs changed, ... */
  reasons: string[];
  message: string | null;
  /** Relative to the project root. */
  log: string | null;
  /** Assets the script added, relative to the project root. */
  added: string[];
  seconds: number;
}

export interface ThotRunReport {
  run: string;
  generation: string;
  /** In the order they ended (a dry run: in an order the run could take). */
  tasks: ThotTaskResult[];
  counts: { run: number; done: number; failed: number; skipped: number; upToDate: number };
  seconds: number;
  /** Problems in the project's files, and things that did not fail the run. */
  warnings: string[];
}

/** Runs the project at `source` (a folder, or a project already open). */
export async function runThotProject(source: string | ThotProject, options: ThotRunOptions = {}): Promise<ThotRunReport> {
  const started = Date.now();
  const root = typeof source === "string" ? resolve(source) : source.root;
  const key = quickKey(options);
  if (!options.force && !options.dryRun) {
    const quick = await quickCheck(root, key);
    if (quick) return upToDate(newRunId(), quick, started, options);
  }
  const project = typeof source === "string" ? await ThotProject.open(root) : source;
  const order = new BottomUpOrder(project, options);
  const run = newRunId();
  mkdirSync(runsDir(root), { recursive: true });
  const lock = options.dryRun ? undefined : acquireLock(runLockPath(root), `trove thot run ${run}`);
  try {
    const report: ThotRunReport = { run, generation: project.generation, tasks: [], counts: { run: 0, done: 0, failed: 0, skipped: 0, upToDate: 0 }, seconds: 0, warnings: project.problems.map((p) => p.message) };
    const journal = readJournal(root);
    const context = new RunContext(project, journal, options, report);
    await context.prefetch(order);
    options.onEvent?.({ kind: "planned", total: order.runs.length });
    if (options.dryRun) await context.dryRun(order);
    else {
      sweepStaging(root, order);
      forgetQuickState(root);
      await context.execute(order);
      const { failed, skipped } = report.counts;
      if (failed === 0 && skipped === 0 && !options.signal?.aborted && project.problems.length === 0) {
        const tasks = order.runs.map((r) => ({ id: r.id, container: r.container.path, script: r.association.script, priority: r.association.priority }));
        await recordQuickState(root, key, { generation: project.generation, tasks });
      }
      if (options.reindex && report.counts.done > 0) {
        options.onEvent?.({ kind: "reindexing" });
        try {
          await options.reindex();
        } catch (e) {
          report.warnings.push(`the added assets were not indexed: ${(e as Error).message}; run \`trove index\``);
        }
      }
    }
    report.seconds = (Date.now() - started) / 1000;
    return report;
  } finally {
    lock?.release();
  }
}

/** What the recorded quick state must have been made under: the scripts in scope, and how they run. */
function quickKey(options: ThotRunOptions): string {
  const { root, scripts, only, timeoutSeconds } = options;
  return hashJson({ version: TROVE_VERSION, python: process.env.TROVE_PYTHON ?? null, root: root ?? null, scripts: scripts ? [...scripts].sort() : null, only: only ? [...only].sort() : null, timeoutSeconds: timeoutSeconds ?? null });
}

/** The report of a run with nothing to do, from the quick state. */
function upToDate(run: string, { generation, tasks }: QuickResult, started: number, options: ThotRunOptions): ThotRunReport {
  options.onEvent?.({ kind: "planned", total: tasks.length });
  return {
    run,
    generation,
    tasks: tasks.map((t) => ({ ...t, status: "up-to-date", reasons: [], message: null, log: null, added: [], seconds: 0 })),
    counts: { run: 0, done: 0, failed: 0, skipped: 0, upToDate: tasks.length },
    seconds: (Date.now() - started) / 1000,
    warnings: [],
  };
}

/** Staging folders of killed runs, in the containers this run may write to (the lock says no run is using them). */
function sweepStaging(root: string, order: BottomUpOrder): void {
  for (const c of order.containers) {
    const folder = join(root, c.path);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) if (name.startsWith(STAGING_PREFIX)) rmSync(join(folder, name), { recursive: true, force: true });
  }
}

interface Launched {
  run: ScriptRun;
  inputs: ScriptInputs;
  reasons: string[];
  staging: string;
  replaceable: Set<string>;
  log: string;
}

class RunContext {
  private readonly state: RunState;
  private readonly files: FileHashes;
  /** Outputs of the tasks that ended `done` in this run. */
  private readonly madeNow = new Map<string, string[]>();
  /** Containers with a script below them that ran (or would run, in a dry run) in this run. */
  private readonly ranBelow = new Set<string>();

  constructor(
    private readonly project: ThotProject,
    private readonly journal: Journal,
    private readonly options: ThotRunOptions,
    private readonly report: ThotRunReport,
  ) {
    this.state = new RunState(project);
    this.files = new FileHashes(project.root, journal.hashes);
  }

  /** Hashes, in one parallel pass, the asset files below the containers in scope that are new or changed since the last run. */
  async prefetch(order: BottomUpOrder): Promise<void> {
    if (order.runs.length === 0) return;
    const top = order.containers[0].path;
    await this.files.prefetch(this.state.subtree(top).assets.map((a) => a.file));
  }

  /** What a task made last: this run's outputs if it ran, else those of its last successful run. */
  private outputsOf(id: string): string[] {
    return this.madeNow.get(id) ?? this.journal.lastDone.get(id)?.outputs.map((o) => o.path) ?? [];
  }

  /**
   * The assets a script at a container made: what its last run added, and the assets there whose
   * creator is that script (made by Thot itself before trove ran the project).
   */
  private madeBy(container: ThotContainer, script: ScriptAssociation): string[] {
    const made = new Set(this.outputsOf(scriptRunId(script.script, container.path)));
    for (const a of this.state.assetsOf(container.path)) if (a.creator_type === "script" && createdBy(this.project, a.creator, script)) made.add(a.key);
    return [...made];
  }

  /** Asset keys a script must not count as inputs: what it, and the scripts of its and later groups at its container, made. */
  private excluded(run: ScriptRun): Set<string> {
    const out = new Set<string>();
    for (const a of run.container.scripts) if (a.priority >= run.association.priority) for (const p of this.madeBy(run.container, a)) out.add(p);
    return out;
  }

  /** Whether it must run, and why; or the reason it cannot. */
  private async decide(run: ScriptRun): Promise<{ inputs: ScriptInputs; reasons: string[] } | { missing: string }> {
    const inputs = await scriptInputs(this.state, run, this.excluded(run), this.files);
    if ("missing" in inputs) return inputs;
    if (this.options.force) return { inputs, reasons: ["forced"] };
    const last = this.journal.lastDone.get(run.id);
    if (!last) return { inputs, reasons: ["new"] };
    const words = { inputs: "inputs changed", code: "script changed", params: "settings changed", command: "command changed" } as const;
    const reasons: string[] = changedParts(inputs.parts, last.parts).map((k) => words[k]);
    if (reasons.includes("inputs changed") && this.descendantRan(run)) reasons[reasons.indexOf("inputs changed")] = "inputs changed (scripts below reran)";
    if (last.outputs.some((o) => fileKey(resolve(this.project.root, o.path)) !== o.key)) reasons.push("added assets changed or missing");
    return { inputs, reasons };
  }

  private descendantRan(run: ScriptRun): boolean {
    return this.ranBelow.has(run.container.path);
  }

  /** Notes that a script at this container runs: every container above it has a descendant that ran. */
  private ranAt(run: ScriptRun): void {
    for (let p = run.container.parent; p !== null && !this.ranBelow.has(p); p = this.state.container(p).parent) this.ranBelow.add(p);
  }

  async dryRun(order: BottomUpOrder): Promise<void> {
    for (const group of order.sequence()) {
      for (const run of group.runs) {
        const d = await this.decide(run);
        const descendant = this.descendantRan(run);
        const reasons = "missing" in d ? [] : d.reasons.length === 0 && descendant ? ["scripts below will rerun"] : d.reasons;
        const status = "missing" in d ? "failed" : reasons.length > 0 ? "would-run" : "up-to-date";
        if (status === "would-run") this.ranAt(run);
        this.push(run, status, reasons, "missing" in d ? missingScript(run) : null);
      }
    }
  }

  async execute(order: BottomUpOrder): Promise<void> {
    const { options, report } = this;
    const executor = options.executor ?? new LocalExecutor({ concurrency: options.jobs });
    const schedule = order.schedule();
    const channel = new TaskChannel<TaskSpec>();
    const launched = new Map<string, Launched>();
    const pending = new Map<ScriptGroup, number>();
    const groupOf = new Map<string, ScriptGroup>();
    let groupsLeft = [...order.groups.values()].reduce((n, g) => n + g.length, 0);
    let stopping = false;
    const drain = new AbortController();
    const host = hostname();
    const writer = openJournal(this.project.root);
    const failed = (error: unknown) => {
      report.warnings.push(`internal error: ${(error as Error).message}`);
      stopping = true;
      channel.close();
    };

    const settle = (run: ScriptRun) => {
      const group = groupOf.get(run.id)!;
      const left = pending.get(group)! - 1;
      pending.set(group, left);
      if (left > 0) return;
      groupsLeft--;
      for (const next of schedule.finished(group)) startGroup(next).catch(failed);
      if (groupsLeft === 0) channel.close();
    };
    const startGroup = async (group: ScriptGroup) => {
      pending.set(group, group.runs.length);
      for (const run of group.runs) groupOf.set(run.id, group);
      for (const run of group.runs) {
        if (stopping) {
          this.push(run, "skipped", [], options.signal?.aborted ? "the run was stopped" : "the run stopped after a failure (--ignore-errors goes on)");
          settle(run);
          continue;
        }
        const d = await this.decide(run);
        if ("missing" in d) {
          this.push(run, "failed", [], missingScript(run));
          if (!options.ignoreErrors) stopping = true;
          settle(run);
        } else if (d.reasons.length === 0) {
          this.push(run, "up-to-date", [], null);
          settle(run);
        } else {
          this.ranAt(run);
          const staging = stagingDir(`${report.run}/${run.id}`, join(this.project.root, run.container.path, "asset"));
          const replaceable = new Set(this.madeBy(run.container, run.association).map((p) => keyInContainer(run.container.path, p)));
          const spec = scriptTaskSpec(this.state, run, { runId: report.run, staging, replaceable: [...replaceable], timeoutMs: options.timeoutSeconds === undefined ? undefined : options.timeoutSeconds * 1000 });
          launched.set(run.id, { run, inputs: d.inputs, reasons: d.reasons, staging, replaceable, log: relative(this.project.root, spec.logFile) });
          channel.push(spec);
        }
      }
    };

    const onAbort = () => (stopping = true);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      if (groupsLeft === 0) channel.close();
      // the executor starts on the first ready scripts while the others are still being checked
      const starting = (async () => {
        for (const group of schedule.start()) await startGroup(group);
      })().catch(failed);
      for await (const outcome of executor.run(channel, { signal: options.signal, drain: drain.signal, onEvent: options.onEvent })) {
        const entry = launched.get(outcome.id)!;
        const row = await this.finish(entry, outcome, host);
        writer.append(row);
        const ok = row.status === "done";
        this.push(entry.run, row.status, entry.reasons, row.message, entry.log, row.seconds, row.outputs.map((o) => o.path));
        if (!ok && !options.ignoreErrors && !stopping) {
          stopping = true;
          drain.abort();
        }
        settle(entry.run);
      }
      await starting;
      // stopped: tasks handed to the executor that never started
      const ended = new Set(report.tasks.map((t) => t.id));
      for (const [id, entry] of launched) if (!ended.has(id)) this.push(entry.run, "skipped", entry.reasons, "the run was stopped before it started", entry.log);
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
      channel.close();
      writer.close();
      writeJournalSnapshot(this.project.root);
      for (const entry of launched.values()) rmSync(entry.staging, { recursive: true, force: true });
    }
  }

  /** Checks what a script did, moves its assets in if it succeeded, and makes its runs-table row. */
  private async finish(entry: Launched, outcome: TaskOutcome, host: string): Promise<RunRow> {
    let status: ExecutionStatus = outcome.status;
    let message = outcome.message ?? null;
    const outputs: PathRecord[] = [];
    if (status === "done") {
      const touched = entry.inputs.inputs.find((i) => i.key !== "missing" && fileKey(resolve(this.project.root, i.path)) !== i.key);
      if (touched) {
        status = "modified-input";
        message = `the script changed asset ${touched.name} (${touched.path}); Thot scripts may only add assets, so nothing it added was kept`;
      } else {
        try {
          const moved = await moveInAssets(this.state, entry.run, entry.staging, entry.replaceable);
          for (const path of moved.outputs) {
            const known = await this.files.get(path, true);
            if (known) outputs.push({ name: keyInContainer(entry.run.container.path, path), path, ...known });
          }
          this.madeNow.set(entry.run.id, moved.outputs);
        } catch (e) {
          status = "failed";
          message = e instanceof AddedAssetError ? e.message : `the assets it added could not be taken in: ${(e as Error).message}`;
        }
      }
    }
    return journalRow(this.report.run, entry, outcome, host, status, message, outputs);
  }

  private push(run: ScriptRun, status: ThotTaskResult["status"], reasons: string[], message: string | null, log: string | null = null, seconds = 0, added: string[] = []): void {
    const { counts } = this.report;
    this.report.tasks.push({ id: run.id, container: run.container.path, script: run.association.script, priority: run.association.priority, status, reasons, message, log, added, seconds });
    if (status === "up-to-date") counts.upToDate++;
    else if (status === "skipped") counts.skipped++;
    else if (status === "would-run") counts.run++;
    else {
      if (status !== "failed" || log !== null) counts.run++;
      counts[status === "done" ? "done" : "failed"]++;
    }
    this.options.onEvent?.({ kind: "settled", id: run.id, status });
  }
}

/** Whether an asset's creator names this script: its rid (0.10/Syre), or its path as Thot 0.x wrote it (root:/..., absolute or relative to the root). */
function createdBy(project: ThotProject, creator: string | null, script: ScriptAssociation): boolean {
  if (creator === null) return false;
  if (creator === script.written) return true;
  if (project.generation !== "thot-0.x") return false;
  const resolved = isAbsolute(creator) ? { path: relative(project.root, creator) } : resolveProjectPath(creator, "");
  return "path" in resolved && resolved.path === script.script;
}

function missingScript(run: ScriptRun): string {
  const where = run.container.path === "" ? "the project root" : `container ${run.container.path}`;
  return `script ${run.association.script} (associated with ${where} as "${run.association.written}") does not exist`;
}

function journalRow(runId: string, entry: Launched, outcome: TaskOutcome, host: string, status: ExecutionStatus, message: string | null, outputs: PathRecord[]): RunRow {
  const { run, inputs } = entry;
  return {
    run: runId,
    task: run.id,
    step: run.association.script,
    record: run.container.path === "" ? "." : run.container.path,
    unit: {},
    status,
    fingerprint: fingerprintOf(inputs.parts),
    parts: inputs.parts,
    started: outcome.startedAt.toISOString(),
    ended: outcome.endedAt.toISOString(),
    seconds: (outcome.endedAt.getTime() - outcome.startedAt.getTime()) / 1000,
    exit_code: outcome.exitCode,
    attempts: outcome.attempts,
    host,
    inputs: inputs.inputs,
    outputs,
    log: entry.log,
    message,
  };
}
