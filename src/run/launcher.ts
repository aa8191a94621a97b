// Starts task processes from a small helper process instead of from trove itself.
//
//   const launcher = ProcessLauncher.start(4);         // 4 at once; null where neither python3 nor perl runs
//   const child = launcher!.launch({ command: ["sh", "-c", "echo hi"], cwd: "/data", env: {}, logFile: "/tmp/x.log" });
//   await child.pid;       // 4242 (also its process group)
//   await child.ended;     // { code: 0, signal: null }, or { errno: "ENOENT" } when it could not start
//   launcher!.close();
//
// Why: starting a process forks the parent, and a fork costs in proportion to the parent's
// memory. trove holds DuckDB and the plan of every task, which made each spawn cost ~8 ms against
// ~1 ms for xargs (measured, 2 cores); the per-task overhead was 5x the floor. The helper is a
// small script: python3's (launcher-python.ts, posix_spawn: no fork at all) where python3 runs,
// else perl's (launcher-perl.ts; perl-base is part of every Debian system), whose forks are as
// cheap as xargs'. Each child gets its own session (so trove can signal its whole process group),
// stdin from /dev/null, stdout and stderr appended to its log, and exec's error number is reported,
// so "command not found" is as precise as with Node's spawn.
//
// Protocol: requests are NUL-separated fields (values may hold anything but NUL):
//   R token cwd log prelude nfiles [path text]... nenv [key value]... nargs [arg]...
//   C token                    (cancel: drop it if it has not started)
//   G                          (go on: after a command exits non-zero the helper starts nothing
//                               more until trove has seen the failure and says so, so a stop
//                               stops at once however many commands it holds queued)
// The helper writes the files and the prelude (to the log) just before it starts the command;
// replies are lines: "ready" (once, first: the helper can run here; one that dies before saying it
// is replaced by the next helper), then per request "P token pid" (started) and "X token status"
// (exited; a wait status: code << 8 | signal; the rest of its process group is killed by then), or
// "E token errno" (could not start).

import { spawn, type ChildProcessByStdio } from "node:child_process";
import { accessSync, closeSync, constants as fsConstants, openSync, readSync } from "node:fs";
import { constants } from "node:os";
import { delimiter, join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { PERL_HELPER } from "./launcher-perl.ts";
import { PYTHON_HELPER } from "./launcher-python.ts";

export type Helper = "python" | "perl";

/** How each helper is started. */
const HELPERS: Record<Helper, { command: string; args: (max: number) => string[] }> = {
  python: { command: "python3", args: (max) => ["-I", "-S", "-c", PYTHON_HELPER, String(max)] },
  perl: { command: "perl", args: (max) => ["-e", PERL_HELPER, String(max)] },
};


export interface LaunchRequest {
  command: string[];
  cwd: string;
  /** Added to the launcher's environment (trove's own, as it was when the launcher started). */
  env: Record<string, string>;
  logFile: string;
  /** Appended to the log before the command's own output. */
  prelude?: string;
  /** Written (replaced) just before the command starts: path -> text. */
  files?: Record<string, string>;
}

export interface LaunchedProcess {
  /** Drops the command if it has not started yet (then `ended` gives errno ECANCELED). */
  cancel(): void;
  /** The pid (also the process group id); undefined when no process was made. */
  pid: Promise<number | undefined>;
  /** The exit (by then what it left running in its group is killed), or the error code (ENOENT, EACCES, ...) that kept it from starting. */
  ended: Promise<{ code: number | null; signal: string | null } | { errno: string }>;
}

interface Pending {
  pid: (pid: number | undefined) => void;
  ended: (r: { code: number | null; signal: string | null } | { errno: string }) => void;
}

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));
const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/**
 * Where a command is on PATH, preferring a program to a script: a version manager's shim (pyenv's
 * python3 is a bash script) costs 0.1-0.3 s to start and hands the helper, so every task, its own
 * PATH and variables. No process is started to find out (a probe cost 30-250 ms a run, measured).
 */
function locate(command: string): string | undefined {
  let script: string | undefined;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const path = join(dir || ".", command);
    try {
      accessSync(path, fsConstants.X_OK);
    } catch {
      continue; // not in this folder
    }
    if (!startsWithShebang(path)) return path;
    script ??= path;
  }
  return script;
}

function startsWithShebang(path: string): boolean {
  const head = Buffer.alloc(2);
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    return readSync(fd, head, 0, 2, 0) === 2 && head.toString("latin1") === "#!";
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export class ProcessLauncher {
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  private lineBuffer = "";
  private failure: Error | undefined;
  private helper!: ChildProcessByStdio<Writable, Readable, null>;
  /** Written to a helper that has not said "ready" yet: replayed to the next helper if it cannot run here. */
  private unconfirmed: string[] | undefined = [];
  private closed = false;

  private constructor(
    /** Each helper to try, with the program found for it. */
    private readonly helpers: [Helper, string][],
    private readonly maxRunning: number,
  ) {
    this.startHelper();
  }

  /**
   * A launcher running at most `maxRunning` commands at once (more may be queued in it), through
   * the first of `helpers` found on PATH (the next one if it cannot run: python3 too old, say);
   * null when none is there (then use child_process.spawn).
   */
  static start(maxRunning: number, helpers: readonly Helper[] = ["python", "perl"]): ProcessLauncher | null {
    const found = helpers.map((h) => [h, locate(HELPERS[h].command)]).filter((f): f is [Helper, string] => f[1] !== undefined);
    return found.length > 0 ? new ProcessLauncher(found, maxRunning) : null;
  }

  private startHelper(): void {
    const [name, program] = this.helpers.shift()!;
    const { command, args } = HELPERS[name];
    const helper = spawn(program, args(this.maxRunning), { stdio: ["pipe", "pipe", "inherit"] });
    this.helper = helper;
    this.lineBuffer = "";
    const gone = (error: Error) => {
      if (this.helper !== helper) return;
      if (this.unconfirmed && this.helpers.length > 0) {
        // it died before "ready": nothing it was sent has started, so the next helper takes it all
        const replay = this.unconfirmed;
        this.unconfirmed = [];
        this.startHelper();
        for (const request of replay) this.write(request);
        if (this.closed) this.helper.stdin.end();
        return;
      }
      this.fail(error);
    };
    helper.stdout.setEncoding("utf8");
    helper.stdout.on("data", (chunk: string) => {
      if (this.helper === helper) this.receive(chunk);
    });
    helper.on("exit", (code, signal) => gone(new Error(`the process launcher (${command}) ended (${signal ?? `code ${code}`})`)));
    helper.on("error", gone);
    // writing to a helper that died before "ready" fails; its exit decides what happens next
    helper.stdin.on("error", (e) => this.unconfirmed || gone(e));
  }

  private write(request: string): void {
    this.unconfirmed?.push(request);
    this.helper.stdin.write(request);
  }

  launch(request: LaunchRequest): LaunchedProcess {
    let pid!: Pending["pid"];
    let ended!: Pending["ended"];
    let token = 0;
    const result: LaunchedProcess = {
      pid: new Promise((r) => (pid = r)),
      ended: new Promise((r) => (ended = r)),
      cancel: () => {
        if (this.pending.has(token) && !this.failure) this.write(`C\0${token}\0`);
      },
    };
    const env = Object.entries(request.env).flat();
    const files = Object.entries(request.files ?? {}).flat();
    const fields = ["R", "", request.cwd, request.logFile, request.prelude ?? "", String(files.length / 2), ...files, String(env.length / 2), ...env, String(request.command.length), ...request.command];
    if (this.failure || fields.some((f) => f.includes("\0"))) {
      pid(undefined);
      ended({ errno: this.failure ? "ELAUNCHER" : "EINVAL" });
      return result;
    }
    token = this.next++;
    fields[1] = String(token);
    this.pending.set(token, { pid, ended });
    this.write(fields.join("\0") + "\0");
    return result;
  }

  /** Lets the helper start queued commands again after a failure (see G in the protocol). */
  resume(): void {
    if (!this.failure) this.write("G\0");
  }

  /** Lets the helper exit once the processes it started have ended. */
  close(): void {
    this.closed = true;
    this.helper.stdin.end();
  }

  private receive(chunk: string): void {
    this.lineBuffer += chunk;
    let newline: number;
    while ((newline = this.lineBuffer.indexOf("\n")) >= 0) {
      const [kind, token, value] = this.lineBuffer.slice(0, newline).split(" ");
      this.lineBuffer = this.lineBuffer.slice(newline + 1);
      if (kind === "ready") this.unconfirmed = undefined;
      const pending = this.pending.get(Number(token));
      if (!pending) continue;
      const n = Number(value);
      if (kind === "P") pending.pid(n);
      else if (kind === "E" || kind === "X") {
        this.pending.delete(Number(token));
        pending.pid(undefined); // no-op once the pid is known
        if (kind === "E") pending.ended({ errno: ERRNO_NAMES.get(n) ?? `errno ${n}` });
        else if (n & 127) pending.ended({ code: null, signal: SIGNAL_NAMES.get(n & 127) ?? `signal ${n & 127}` });
        else pending.ended({ code: n >> 8, signal: null });
      }
    }
  }

  /** The helper died: whatever it was tracking can no longer be waited for. */
  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const p of this.pending.values()) {
      p.pid(undefined);
      p.ended({ errno: "ELAUNCHER" });
    }
    this.pending.clear();
  }
}
