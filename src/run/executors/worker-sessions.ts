// What a `trove worker` runs its jobs on: one LocalExecutor run per `trove run` it serves, fed job
// by job, so tasks start through the local executor's launcher (a posix_spawn helper: ~4 ms a
// task here, against ~14 ms for a spawn from Node) and a run's abort stops exactly its tasks.
//
//   const sessions = new RunSessions(4);
//   const outcome = await sessions.run(job.data.run, spec);   // null: stopped before it started
//   sessions.abort(run);          // that run's tasks end `killed`
//   await sessions.close(true);   // the worker stops
//
// A session ends after `idleMs` without a task, which closes its launcher.

import { setMaxListeners } from "node:events";
import { TaskChannel } from "../channel.ts";
import type { TaskOutcome, TaskSpec } from "../executor.ts";
import { LocalExecutor } from "../local-executor.ts";

interface Session {
  channel: TaskChannel<TaskSpec>;
  stop: AbortController;
  /** Task id -> the job waiting for its outcome. */
  waiting: Map<string, (outcome: TaskOutcome | null) => void>;
  ended: Promise<void>;
  idle?: NodeJS.Timeout;
}

export class RunSessions {
  private readonly executor: LocalExecutor;
  private readonly sessions = new Map<string, Session>();
  private readonly ending = new Set<Promise<void>>();
  /** Runs aborted while this worker listened: their later jobs do not start. */
  private readonly aborted = new Set<string>();

  constructor(concurrency: number, private readonly idleMs = 2000) {
    this.executor = new LocalExecutor({ concurrency });
  }

  /** Runs `spec` in `run`'s session; its outcome, or null when it was stopped before it started. */
  run(run: string, spec: TaskSpec): Promise<TaskOutcome | null> {
    if (this.aborted.has(run)) return Promise.resolve(null);
    const session = this.sessions.get(run) ?? this.open(run);
    clearTimeout(session.idle);
    return new Promise((resolve) => {
      session.waiting.set(spec.id, resolve);
      session.channel.push(spec);
    });
  }

  /** Stops `run`'s tasks here: running ones end `killed`, queued ones never start. */
  abort(run: string): void {
    this.aborted.add(run);
    this.sessions.get(run)?.stop.abort();
  }

  /** Lets the running tasks end (or, with `kill`, stops them); resolves when every session ended. */
  async close(kill = false): Promise<void> {
    for (const [run, s] of this.sessions) {
      clearTimeout(s.idle);
      if (kill) s.stop.abort();
      s.channel.close();
      this.sessions.delete(run);
    }
    await Promise.all(this.ending);
  }

  private open(run: string): Session {
    const stop = new AbortController();
    setMaxListeners(0, stop.signal);
    const session: Session = { channel: new TaskChannel<TaskSpec>(), stop, waiting: new Map(), ended: Promise.resolve() };
    const end = () => {
      if (this.sessions.get(run) === session) this.sessions.delete(run);
      session.channel.close(); // the tasks handed over still run; nothing more comes
    };
    const armIdle = () => {
      clearTimeout(session.idle);
      session.idle = setTimeout(end, this.idleMs);
      session.idle.unref();
    };
    session.ended = (async () => {
      try {
        for await (const outcome of this.executor.run(session.channel, { signal: stop.signal })) {
          const waiter = session.waiting.get(outcome.id);
          session.waiting.delete(outcome.id);
          waiter?.(outcome);
          if (session.waiting.size === 0) armIdle();
        }
      } finally {
        end();
        clearTimeout(session.idle);
        for (const waiter of session.waiting.values()) waiter(null); // dropped before they started
        session.waiting.clear();
      }
    })();
    this.ending.add(session.ended);
    void session.ended.finally(() => this.ending.delete(session.ended));
    this.sessions.set(run, session);
    return session;
  }
}
