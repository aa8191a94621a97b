// Runs tasks as processes on this machine, a bounded number at a time.
//
//   const executor = new LocalExecutor({ concurrency: 4 });
//   for await (const o of executor.run(tasks, { signal })) console.log(o.id, o.status);
//
// Each task runs in its own process group (its own session, in fact), so a timeout or an abort
// reaches the grandchildren a script starts: SIGTERM to the group, SIGKILL after a grace period
// if the leader is still there. When the leader exits, whatever it left running in the group is
// killed at once, so no stray keeps writing into an output once it is in place.
//
// Outputs are staged (staging.ts): a task writes each output to a folder beside it named after the
// task, told by env TROVE_OUTPUT_<NAME> (and TROVE_OUTPUTS, a JSON map).
// Only an exit 0 with every output present moves them into place, by rename within one folder;
// anything else removes the staging folder and leaves the previous outputs as they were.

import { setMaxListeners } from "node:events";
import { appendFileSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fsyncDir, fsyncFile, tempPathFor } from "../fsutil/atomic.ts";
import { ExecutorError, type Executor, type RunOptions, type TaskCounts, type TaskOutcome, type TaskSpec } from "./executor.ts";
import { stagedPath, stagingDir } from "./staging.ts";
import { ProcessLauncher } from "./launcher.ts";
import { type AttemptResult, type RunContext, runProcess, type TaskContext } from "./process.ts";

export interface LocalExecutorOptions {
  /** Tasks running at once; defaults to the number of cores. */
  concurrency?: number;
  /** How long a stopped task's leader may take to exit after SIGTERM before the group gets SIGKILL. */
  killGraceMs?: number;
  /**
   * What starts the task processes: a small helper (launcher.ts), "python" (posix_spawn; the
   * default, falling back to perl, then to node) or "perl" (forks that cost what xargs' do; falling
   * back to node), or "node" itself (a fork of trove: costly).
   */
  spawner?: "python" | "perl" | "node";
}

interface StagedOutput {
  name: string;
  envName: string;
  final: string;
  stagingDir: string;
  staged: string;
}

export class LocalExecutor implements Executor {
  readonly concurrency: number;
  readonly killGraceMs: number;
  readonly spawner: "python" | "perl" | "node";

  constructor({ concurrency = availableParallelism(), killGraceMs = 2000, spawner = "python" }: LocalExecutorOptions = {}) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new ExecutorError(`concurrency must be a whole number of at least 1, not ${concurrency}`);
    if (!(killGraceMs >= 0)) throw new ExecutorError(`killGraceMs must be 0 or more, not ${killGraceMs}`);
    this.concurrency = concurrency;
    this.killGraceMs = killGraceMs;
    this.spawner = spawner;
  }

  async *run(tasks: AsyncIterable<TaskSpec> | Iterable<TaskSpec>, { signal, drain, onEvent }: RunOptions = {}): AsyncGenerator<TaskOutcome> {
    const stop = new AbortController(); // the caller's abort, or the caller leaving the loop early
    setMaxListeners(0, stop.signal); // one listener per task handed to the launcher
    if (drain) setMaxListeners(0, drain);
    const forward = () => stop.abort();
    if (signal?.aborted) stop.abort();
    else signal?.addEventListener("abort", forward, { once: true });
    const counts: TaskCounts = { queued: 0, running: 0, done: 0, failed: 0 };
    const queue: TaskSpec[] = [];
    const finished: TaskOutcome[] = [];
    const pending = new Set<Promise<void>>();
    const runningIds = new Set<string>();
    const source: { done: boolean; error?: { cause: unknown } } = { done: false };
    let wake = () => {};
    const launcher = this.spawner === "node" ? null : ProcessLauncher.start(this.concurrency, this.spawner === "perl" ? ["perl"] : ["python", "perl"]);
    const context: RunContext = { stop: stop.signal, drain, launcher, killGraceMs: this.killGraceMs, logDirs: new Set(), cwds: new Set() };
    // The launcher holds tasks beyond those running and starts one the moment a slot frees, as
    // xargs does, instead of waiting for a round trip through this loop: a slot found nothing
    // queued one time in six with only `concurrency` extra (measured at 1k tasks). After a failure
    // it starts nothing until this loop has yielded the outcome and resumes it.
    const handed = this.concurrency + (launcher ? 2 * this.concurrency + 16 : 0);

    // Tasks start from here, not from the loop below, so a slow consumer does not idle the pool.
    const pump = () => {
      while (!stop.signal.aborted && !drain?.aborted && !source.error && pending.size < handed && queue.length > 0) start(queue.shift()!);
      wake();
    };
    const start = (spec: TaskSpec) => {
      // counts follow processes: a task is queued until its first process starts, running while one runs
      let started = false;
      let live = false;
      const onStarted = () => {
        live = true;
        counts.running++;
        if (started) return;
        started = true;
        counts.queued--;
        onEvent?.({ kind: "started", id: spec.id, counts: { ...counts } });
      };
      const onEnded = () => {
        if (live) counts.running--;
        live = false;
      };
      const duplicate = runningIds.has(spec.id); // would share a staging folder
      if (!duplicate) runningIds.add(spec.id);
      const outcome = duplicate ? Promise.resolve(rejected(spec, `another task with id ${spec.id} is running`)) : this.runTask(spec, { ...context, onStarted, onEnded });
      const settled = outcome.then((o) => {
        if (!duplicate) runningIds.delete(spec.id);
        pending.delete(settled);
        if (!started) counts.queued--;
        if (o) {
          counts[o.status === "done" ? "done" : "failed"]++;
          finished.push(o);
          onEvent?.({ kind: "finished", outcome: o, counts: { ...counts } });
        }
        // a failure may make the consumer drain the pool: it sees the outcome before more tasks go
        // out (the loop below pumps after each yield)
        if (o && o.status !== "done") wake();
        else pump();
      });
      pending.add(settled);
    };
    const dropQueue = () => {
      queue.length = counts.queued = 0; // never started, so they get no outcome
      wake();
    };
    stop.signal.addEventListener("abort", dropQueue);
    drain?.addEventListener("abort", dropQueue, { once: true });
    // The source is read ahead, so `queued` shows the whole backlog to a progress display.
    const add = (task: TaskSpec) => {
      if (drain?.aborted) return;
      queue.push(task);
      counts.queued++;
      pump();
    };
    readAhead(tasks, add, stop.signal).then(
      () => (source.done = true),
      (cause: unknown) => (source.error = { cause }),
    ).finally(() => wake());

    try {
      for (;;) {
        if (finished.length > 0) {
          const outcome = finished.shift()!;
          yield outcome;
          if (outcome.status !== "done") launcher?.resume();
          pump();
          continue;
        }
        const drained = stop.signal.aborted || drain?.aborted || source.error !== undefined || (source.done && queue.length === 0);
        if (drained && pending.size === 0) break;
        await new Promise<void>((r) => (wake = r));
      }
      if (source.error) throw source.error.cause; // after the tasks already running have finished
    } finally {
      stop.abort();
      await Promise.all(pending);
      signal?.removeEventListener("abort", forward);
      drain?.removeEventListener("abort", dropQueue);
      launcher?.close();
    }
  }

  /** Never throws: whatever goes wrong with one task is that task's outcome; null when it never started. */
  private async runTask(spec: TaskSpec, context: TaskContext): Promise<TaskOutcome | null> {
    const startedAt = new Date();
    let plan: StagedOutput[];
    try {
      plan = planStaging(spec);
    } catch (e) {
      return rejected(spec, (e as Error).message, startedAt);
    }
    const maxAttempts = 1 + Math.max(0, spec.retries ?? 0);
    let attempts = 0;
    let result: AttemptResult;
    try {
      do {
        // a retry: the failure that paused the launcher has been seen here
        if (attempts > 0) context.launcher?.resume();
        attempts++;
        const began = Date.now();
        result = await this.attempt(spec, plan, attempts, maxAttempts, context);
        if (result.cancelled) break;
        // a success needs no footer (the journal has its times); a failure says why, in the log
        if (result.status !== "done") appendFileSync(spec.logFile, `=== trove: ${spec.id} ${result.message} after ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
      } while (result.retryable && attempts < maxAttempts && !context.stop.aborted);
    } catch (e) {
      result = { status: "failed", exitCode: null, signal: null, message: (e as Error).message, retryable: false };
    }
    try {
      resetStaging(plan, false);
    } catch {
      // the next run of this task empties it anyway
    }
    if (result.cancelled && attempts === 1) return null;
    const { status, exitCode, signal, message } = result;
    const outputs = status === "done" ? Object.fromEntries(plan.map((o) => [o.name, o.final])) : {};
    return { id: spec.id, status, exitCode, signal, attempts, startedAt, endedAt: new Date(), outputs, message };
  }

  private async attempt(spec: TaskSpec, plan: StagedOutput[], n: number, of: number, context: TaskContext): Promise<AttemptResult> {
    resetStaging(plan, true);
    // one mkdir per log folder and run, not per task: every task of a step logs to the same folder
    const logDir = dirname(spec.logFile);
    if (!context.logDirs.has(logDir)) {
      mkdirSync(logDir, { recursive: true });
      context.logDirs.add(logDir);
    }
    const header = `=== trove: ${spec.id} attempt ${n}/${of} at ${new Date().toISOString()} in ${spec.cwd}: ${shellQuote(spec.command)}\n`;
    const result = await runProcess(spec, header, taskEnv(spec, plan, n), context);
    if (result.status !== "done") return result;
    const missing = plan.filter((o) => !lstatSync(o.staged, { throwIfNoEntry: false })).map((o) => o.name);
    if (missing.length > 0) {
      const message = `exited 0 without writing ${missing.length === 1 ? "output" : "outputs"} ${missing.join(", ")} (each goes to the path in $TROVE_OUTPUT_<NAME>)`;
      return { ...result, status: "missing-outputs", message };
    }
    return commitOutputs(plan) ?? result;
  }
}

async function readAhead(tasks: AsyncIterable<TaskSpec> | Iterable<TaskSpec>, add: (task: TaskSpec) => void, stop: AbortSignal): Promise<void> {
  let n = 0;
  for await (const task of tasks) {
    if (stop.aborted) return;
    add(task);
    if (++n % 256 === 0) await new Promise(setImmediate); // a long array must not starve the pool
  }
}

function rejected(spec: TaskSpec, message: string, startedAt = new Date()): TaskOutcome {
  return { id: spec.id, status: "failed", exitCode: null, signal: null, attempts: 0, startedAt, endedAt: new Date(), outputs: {}, message };
}

/** Where each output is staged; also rejects specs that cannot be run as written. */
function planStaging(spec: TaskSpec): StagedOutput[] {
  if (spec.command.length === 0 || spec.command[0] === "") throw new ExecutorError(`task ${spec.id} has an empty command`);
  const byEnv = new Map<string, string>();
  const byPath = new Map<string, string>();
  return Object.entries(spec.outputs).map(([name, path]) => {
    if (!isAbsolute(path)) throw new ExecutorError(`task ${spec.id}: output ${name} is not an absolute path: ${path}`);
    const final = resolve(path);
    const envName = `TROVE_OUTPUT_${name.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`;
    const clash = byEnv.get(envName) ?? byPath.get(final);
    if (clash !== undefined) throw new ExecutorError(`task ${spec.id}: outputs ${clash} and ${name} clash (same path or same ${envName})`);
    byEnv.set(envName, name);
    byPath.set(final, name);
    const key = spec.stagingKey ?? spec.id;
    return { name, envName, final, stagingDir: stagingDir(key, final), staged: stagedPath(key, final) };
  });
}

/** Empties the staging folders: leftovers of an earlier attempt or a crashed run must not count as written. */
function resetStaging(plan: StagedOutput[], recreate: boolean): void {
  for (const dir of new Set(plan.map((o) => o.stagingDir))) {
    rmSync(dir, { recursive: true, force: true });
    if (recreate) mkdirSync(dir, { recursive: true });
  }
}

/** What the task's environment adds to trove's own. */
function taskEnv(spec: TaskSpec, plan: StagedOutput[], attempt: number): Record<string, string> {
  const outputs = Object.fromEntries(plan.map((o) => [o.name, o.staged]));
  const env: Record<string, string> = { ...spec.env, TROVE_TASK_ID: spec.id, TROVE_ATTEMPT: String(attempt), TROVE_OUTPUTS: JSON.stringify(outputs) };
  for (const o of plan) env[o.envName] = o.staged;
  return env;
}

/** Flushes the outputs, then renames them into place; returns a failure, or undefined when all moved. */
function commitOutputs(plan: StagedOutput[]): AttemptResult | undefined {
  for (const o of plan) {
    try {
      fsyncTree(o.staged); // or a crash soon after could leave a renamed but empty file
      moveIntoPlace(o.staged, o.final);
    } catch (e) {
      const message = `cannot move output ${o.name} into place at ${o.final}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      return { status: "failed", exitCode: 0, signal: null, message, retryable: false };
    }
  }
  // The renames are not flushed one by one: a crash may undo one, and then the output is missing
  // or the previous one, whose identity does not match what the journal recorded, so the task
  // runs again. The content is flushed above, so a rename that survives never shows an empty file.
  return undefined;
}

function fsyncTree(path: string): void {
  const st = lstatSync(path);
  if (st.isFile()) fsyncFile(path);
  if (!st.isDirectory()) return;
  for (const entry of readdirSync(path)) fsyncTree(join(path, entry));
  fsyncDir(path);
}

function moveIntoPlace(staged: string, final: string): void {
  const old = lstatSync(final, { throwIfNoEntry: false });
  if (old === undefined || (!old.isDirectory() && !lstatSync(staged).isDirectory())) return renameSync(staged, final);
  // rename cannot replace a non-empty folder (nor swap a file and a folder): set the old one aside
  const aside = tempPathFor(final);
  renameSync(final, aside);
  try {
    renameSync(staged, final);
  } catch (e) {
    renameSync(aside, final);
    throw e;
  }
  rmSync(aside, { recursive: true, force: true });
}

function shellQuote(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}
