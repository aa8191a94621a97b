// One attempt of one task as a process: started in its own process group (through the perl
// launcher, or Node's spawn), stopped with its whole group on a timeout or an abort, and its exit
// turned into a result the executor can act on.
//
//   const result = await runProcess(spec, "=== header\n", { TROVE_TASK_ID: spec.id }, context);
//   result.status // "done" | "failed" | "timeout" | "killed"

import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, statSync, writeFileSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import type { TaskSpec, TaskStatus } from "./executor.ts";
import type { ProcessLauncher } from "./launcher.ts";

/** What one run() gives each of its tasks. */
export interface RunContext {
  stop: AbortSignal;
  drain?: AbortSignal;
  launcher: ProcessLauncher | null;
  killGraceMs: number;
  /** Log folders made in this run. */
  logDirs: Set<string>;
  /** Working folders seen to exist in this run (a stat per task was a visible share of its CPU). */
  cwds: Set<string>;
}

export interface TaskContext extends RunContext {
  /** A process of the task started / ended (once per attempt). */
  onStarted(): void;
  onEnded(): void;
}

export interface AttemptResult {
  /** Never started: dropped from the launcher's queue by an abort or a drain. */
  cancelled?: boolean;
  status: TaskStatus;
  exitCode: number | null;
  signal: string | null;
  message?: string;
  /** Only a plain failure may go better next time; a timeout would cost the same time again. */
  retryable: boolean;
}

type Exit = { code: number | null; signal: string | null } | { failure: string; cancelled?: boolean };

interface Started {
  /** The process group to signal, once it runs; undefined when the process could not start. */
  pid: Promise<number | undefined>;
  /** Drops it if it has not started yet. */
  cancel(): void;
  /** The exit, or a message saying why it never started. */
  ended: Promise<Exit>;
}

/** Starts the command in a new session with stdout and stderr appended to the log. */
function startProcess(spec: TaskSpec, header: string, env: Record<string, string>, launcher: ProcessLauncher | null, onEnded: () => void): Started {
  const [command, ...args] = spec.command;
  if (launcher) {
    const child = launcher.launch({ command: spec.command, cwd: spec.cwd, env, logFile: spec.logFile, prelude: header, files: spec.files });
    // first in line on the exit, so a count of running processes drops before the next one's start
    void child.ended.then(onEnded);
    return {
      pid: child.pid,
      cancel: child.cancel,
      ended: child.ended.then((e): Exit => {
        if (!("errno" in e)) return e;
        return { failure: spawnFailure(command, spec.cwd, { code: e.errno } as NodeJS.ErrnoException), cancelled: e.errno === "ECANCELED" };
      }),
    };
  }
  let log: number;
  try {
    for (const [path, text] of Object.entries(spec.files ?? {})) writeFileSync(path, text);
    log = openSync(spec.logFile, "a");
    writeSync(log, header);
  } catch (e) {
    return { pid: Promise.resolve(undefined), cancel() {}, ended: Promise.resolve({ failure: `cannot start: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }) };
  }
  try {
    // The child gets its own copy of the log's descriptor, so no pipe keeps the task alive for us.
    const child = spawn(command, args, { cwd: spec.cwd, env: { ...process.env, ...env }, stdio: ["ignore", log, log], detached: true });
    const ended = new Promise<Exit>((resolve) => {
      child.on("error", (e: NodeJS.ErrnoException) => resolve({ failure: spawnFailure(command, spec.cwd, e) }));
      child.on("exit", (code, signal) => {
        onEnded();
        resolve({ code, signal });
      });
    });
    return { pid: Promise.resolve(child.pid), cancel() {}, ended };
  } catch (e) {
    return { pid: Promise.resolve(undefined), cancel() {}, ended: Promise.resolve({ failure: `cannot run ${command}: ${(e as Error).message}` }) };
  } finally {
    closeSync(log);
  }
}

/** Runs the command in a new process group; a timeout or an abort stops the whole group. */
export async function runProcess(spec: TaskSpec, header: string, env: Record<string, string>, context: TaskContext): Promise<AttemptResult> {
  const { stop, drain, launcher, killGraceMs } = context;
  if (!context.cwds.has(spec.cwd)) {
    if (!statSync(spec.cwd, { throwIfNoEntry: false })?.isDirectory()) return notStarted(`cannot run ${spec.command[0]}: working folder ${spec.cwd} does not exist`);
    context.cwds.add(spec.cwd);
  }
  const started = startProcess(spec, header, env, launcher, context.onEnded);
  let running = false;
  let reason: "timeout" | "killed" | undefined;
  let timer: NodeJS.Timeout | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const halt = async (why: "timeout" | "killed") => {
    if (reason !== undefined) return;
    reason = why;
    if (!running) started.cancel(); // still queued in the launcher: it never starts
    const pid = await started.pid;
    if (pid === undefined) return;
    signalGroup(pid, "SIGTERM");
    graceTimer = setTimeout(() => signalGroup(pid, "SIGKILL"), killGraceMs);
  };
  const onAbort = () => void halt("killed");
  const onDrain = () => {
    if (!running) started.cancel();
  };
  void started.pid.then((pid) => {
    if (pid === undefined || reason !== undefined) return;
    running = true;
    context.onStarted();
    if (spec.timeoutMs !== undefined) timer = setTimeout(() => void halt("timeout"), spec.timeoutMs);
  });
  if (stop.aborted) onAbort();
  else stop.addEventListener("abort", onAbort, { once: true });
  drain?.addEventListener("abort", onDrain, { once: true });
  try {
    const ended = await started.ended;
    if ("failure" in ended) return ended.cancelled ? { ...notStarted("not started"), cancelled: true } : notStarted(ended.failure);
    return exitResult(ended.code, ended.signal, reason, spec.timeoutMs);
  } finally {
    clearTimeout(timer);
    clearTimeout(graceTimer);
    stop.removeEventListener("abort", onAbort);
    drain?.removeEventListener("abort", onDrain);
    // strays the leader left behind; a launcher has killed them already, as it reaped the leader
    const pid = launcher ? undefined : await started.pid;
    if (pid !== undefined) signalGroup(pid, "SIGKILL");
  }
}

function exitResult(exitCode: number | null, signal: string | null, reason: "timeout" | "killed" | undefined, timeoutMs?: number): AttemptResult {
  const base = { exitCode, signal, retryable: false };
  if (reason === "timeout") return { ...base, status: "timeout", message: `timed out after ${(timeoutMs ?? 0) / 1000} s` };
  if (reason === "killed") return { ...base, status: "killed", message: "stopped: the run was aborted" };
  if (exitCode === 0) return { ...base, status: "done" };
  const message = exitCode !== null ? `exited with code ${exitCode}` : `killed by ${signal}, not sent by trove`;
  return { ...base, status: "failed", message, retryable: true };
}

export function notStarted(message: string): AttemptResult {
  return { status: "failed", exitCode: null, signal: null, message, retryable: false };
}

function spawnFailure(command: string, cwd: string, e: NodeJS.ErrnoException): string {
  if (e.code === "ENOENT" && !command.includes("/")) return `cannot run ${command}: command not found on PATH`;
  // the kernel says ENOENT both for a missing file and for a script whose #! interpreter is missing
  if (e.code === "ENOENT") return `cannot run ${command}: ${existsSync(resolve(cwd, command)) ? "its #! interpreter does not exist" : "no such file"}`;
  if (e.code === "EACCES") return `cannot run ${command}: permission denied (is it executable?)`;
  return `cannot run ${command}: ${e.code ?? e.message}`;
}

/** Signals every process in the group; a group that is already gone is no error. */
function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the whole group has exited
  }
}

