// What every executor (local processes now; a queue or a cluster later) promises: take tasks, run
// each as a process that writes its outputs, and report each outcome as the task finishes.
//
//   const executor: Executor = new LocalExecutor({ concurrency: 4 });
//   for await (const outcome of executor.run(tasks, { signal, onEvent: (e) => bar.update(e.counts) })) {
//     if (outcome.status !== "done") console.error(`${outcome.id}: ${outcome.message}`);
//   }
//
// The contract is about files, not processes, so a remote executor can keep it: a task either ends
// `done` with every declared output moved into place, or ends otherwise with its previous outputs
// untouched. Nothing here names a pid, a signal handler or a local path layout.

import { TroveError } from "../errors.ts";

/** One record × one step, resolved down to a command line. */
export interface TaskSpec {
  /** Unique per run, e.g. "alpha:REC-200319-A"; names the task in outcomes, events and logs. */
  id: string;
  /** argv, already resolved; no shell unless the step asked for one (["sh", "-c", "..."]). */
  command: string[];
  cwd: string;
  /** Added to the executor's own environment. */
  env: Record<string, string>;
  /**
   * Output name -> final absolute path. The task is told where to write each one instead
   * (env TROVE_OUTPUT_<NAME>, and TROVE_OUTPUTS as a JSON map); the executor moves them into place.
   */
  outputs: Record<string, string>;
  /**
   * Names the staging folder (default: id). A runner makes it unique per run, so a process left
   * running by a killed run cannot write into a later run's staging folder.
   */
  stagingKey?: string;
  /** Written (replaced) just before each attempt starts: path -> text (e.g. the task's JSON file). */
  files?: Record<string, string>;
  /** stdout and stderr are appended here, after a header line per attempt. */
  logFile: string;
  /** Per attempt; then the group gets SIGTERM, and SIGKILL after the executor's grace period. */
  timeoutMs?: number;
  /** Extra attempts after a `failed` attempt; timeouts, aborts and missing outputs are not retried. */
  retries?: number;
}

/**
 * - done: exited 0 and every declared output was moved into place
 * - failed: non-zero exit, killed by someone else's signal, or could not be started at all
 * - timeout: ran past `timeoutMs` and was stopped
 * - killed: stopped because the run was aborted
 * - missing-outputs: exited 0 without writing every declared output; nothing was moved
 */
export type TaskStatus = "done" | "failed" | "timeout" | "killed" | "missing-outputs";

export interface TaskOutcome {
  id: string;
  status: TaskStatus;
  exitCode: number | null;
  signal: string | null;
  /** 0 when the task was rejected before it could start. */
  attempts: number;
  startedAt: Date;
  endedAt: Date;
  /** Output name -> final path; filled only when status is done. */
  outputs: Record<string, string>;
  /** Why the task did not end `done`, in words for the user. */
  message?: string;
}

/** For a progress display; `failed` counts every outcome that is not done. */
export interface TaskCounts {
  queued: number;
  running: number;
  done: number;
  failed: number;
}

export type ExecutorEvent =
  | { kind: "started"; id: string; counts: TaskCounts }
  | { kind: "finished"; outcome: TaskOutcome; counts: TaskCounts };

export interface RunOptions {
  /** Aborting stops starting tasks, stops the running ones (status killed), and ends the run. */
  signal?: AbortSignal;
  /** Aborting stops starting tasks but lets the running ones finish; tasks not started get no outcome. */
  drain?: AbortSignal;
  onEvent?: (event: ExecutorEvent) => void;
}

export interface Executor {
  /** Yields one outcome per started task, in the order they finish. */
  run(tasks: AsyncIterable<TaskSpec> | Iterable<TaskSpec>, options?: RunOptions): AsyncIterable<TaskOutcome>;
}

/** An executor was set up wrongly, or a task spec cannot be run as written. */
export class ExecutorError extends TroveError {
  override name = "ExecutorError";
}
