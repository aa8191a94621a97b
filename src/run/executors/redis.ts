// Runs tasks on `trove worker` processes (any machine sharing the dataset's file system) through a
// BullMQ queue in Redis. This process keeps the journal: workers only run tasks and report each
// outcome as their job's return value.
//
//   const executor = new RedisExecutor({ url: "redis://10.0.0.5:6379", queue: "trove" });
//   await runSteps(config, catalog, { executor });     // with `trove worker --redis ...` running elsewhere
//
// A job's id is a hash of its task spec, which names this run (its staging key), so a task handed
// over twice runs once, and a run never picks up an earlier run's result. A worker killed mid-task
// leaves a stalled job that BullMQ gives to another worker; outcomes are kept once per task id.
// Aborting removes the waiting jobs and tells the workers (a key they check before starting, and a
// pub/sub message while running) to stop this run's tasks.

import { createHash, randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { Queue, QueueEvents } from "bullmq";
import { ExecutorError, type Executor, type RunOptions, type TaskCounts, type TaskOutcome, type TaskSpec } from "../executor.ts";
import { openRedisMany, redactUrl } from "./redis-connection.ts";

export const DEFAULT_QUEUE = "trove";
/** Pub/sub channel where a run's token is published when it is aborted. */
export const cancelChannel = (queue: string) => `trove:${queue}:cancel`;
/** Set (with a TTL) when a run is aborted; a worker checks it before starting one of its tasks. */
export const cancelKey = (queue: string, run: string) => `trove:${queue}:cancel:${run}`;

/** What a job carries. */
export interface TaskJob {
  run: string;
  spec: TaskSpec;
}

/** What a worker returns: the outcome with dates as ISO strings, or nothing when it never started. */
export type JobResult = { outcome: Omit<TaskOutcome, "startedAt" | "endedAt"> & { startedAt: string; endedAt: string } } | { notStarted: string };

export interface RedisExecutorOptions {
  /** redis://[user:password@]host:port[/db] (or rediss:// for TLS) */
  url: string;
  queue?: string;
  /** How often, when no event came, the executor checks its jobs directly (a missed event, a lost server). */
  pollMs?: number;
  /** How long Redis may stay unreachable before the run fails. */
  unreachableMs?: number;
}

/** Where `trove run --executor redis` finds Redis: the flag, TROVE_REDIS_URL, then trove.toml. */
export function redisUrlFor(options: { redis?: string; config?: { executor?: { redis?: { url?: string } } } }): string {
  const url = options.redis ?? process.env.TROVE_REDIS_URL ?? options.config?.executor?.redis?.url;
  if (!url) throw new ExecutorError("--executor redis needs a Redis URL: --redis redis://HOST:PORT, TROVE_REDIS_URL, or [executor.redis] url in trove.toml");
  return url;
}

export function jobIdOf(spec: TaskSpec): string {
  return createHash("sha256").update(JSON.stringify(spec)).digest("hex").slice(0, 32);
}

export class RedisExecutor implements Executor {
  readonly url: string;
  readonly queueName: string;
  private readonly pollMs: number;
  private readonly unreachableMs: number;

  constructor({ url, queue = DEFAULT_QUEUE, pollMs = 3000, unreachableMs = 30_000 }: RedisExecutorOptions) {
    if (!/^rediss?:\/\//.test(url)) throw new ExecutorError(`not a redis:// URL: ${redactUrl(url)}`);
    this.url = url;
    this.queueName = queue;
    this.pollMs = pollMs;
    this.unreachableMs = unreachableMs;
  }

  async *run(tasks: AsyncIterable<TaskSpec> | Iterable<TaskSpec>, { signal, drain, onEvent }: RunOptions = {}): AsyncGenerator<TaskOutcome> {
    const run = randomBytes(8).toString("hex");
    const where = redactUrl(this.url); // messages never show the password
    // the queue's commands fail soon when the server is gone (the poll below must hear of it);
    // the events' blocking reads wait for the reconnect, as BullMQ requires
    const [connection, eventsConnection] = await openRedisMany(this.url, [{}, { waitForReconnect: true }]);
    const queue = new Queue<TaskJob, JobResult>(this.queueName, { connection });
    const events = new QueueEvents(this.queueName, { connection: eventsConnection });
    // BullMQ re-emits connection errors; with no listener an 'error' would end the process
    queue.on("error", () => {});
    events.on("error", () => {});
    const stop = new AbortController();
    setMaxListeners(0, stop.signal);
    const counts: TaskCounts = { queued: 0, running: 0, done: 0, failed: 0 };
    const byJob = new Map<string, TaskSpec>(); // jobs of this run without an outcome yet
    const seen = new Set<string>(); // task ids handed over (a second one with the same id is dropped)
    const started = new Set<string>();
    const finished: TaskOutcome[] = [];
    const source: { done: boolean; error?: { cause: unknown } } = { done: false };
    let failure: Error | undefined;
    let wake = () => {};
    let lastNews = Date.now();

    const finish = (jobId: string, outcome: TaskOutcome | null) => {
      const spec = byJob.get(jobId);
      if (!spec) return; // another run's job, or already reported
      byJob.delete(jobId);
      lastNews = Date.now();
      if (started.delete(jobId)) counts.running--;
      else counts.queued--;
      if (outcome) {
        counts[outcome.status === "done" ? "done" : "failed"]++;
        finished.push(outcome);
        onEvent?.({ kind: "finished", outcome, counts: { ...counts } });
      }
      wake();
    };
    const fromResult = (jobId: string, result: unknown): TaskOutcome | null => {
      const r = (typeof result === "string" ? JSON.parse(result) : result) as JobResult;
      if ("notStarted" in r) return null;
      return { ...r.outcome, id: byJob.get(jobId)?.id ?? r.outcome.id, startedAt: new Date(r.outcome.startedAt), endedAt: new Date(r.outcome.endedAt) };
    };
    const lost = (jobId: string, message: string): TaskOutcome => {
      const now = new Date();
      return { id: byJob.get(jobId)!.id, status: "failed", exitCode: null, signal: null, attempts: 1, startedAt: now, endedAt: now, outputs: {}, message };
    };

    events.on("active", ({ jobId }) => {
      if (!byJob.has(jobId) || started.has(jobId)) return; // a stalled job taken again counts once
      lastNews = Date.now();
      started.add(jobId);
      counts.queued--;
      counts.running++;
      onEvent?.({ kind: "started", id: byJob.get(jobId)!.id, counts: { ...counts } });
    });
    events.on("completed", ({ jobId, returnvalue }) => {
      if (byJob.has(jobId)) finish(jobId, fromResult(jobId, returnvalue));
    });
    events.on("failed", ({ jobId, failedReason }) => {
      if (byJob.has(jobId)) finish(jobId, lost(jobId, `the worker failed: ${failedReason}`));
    });

    // Tasks are added in batches: one round trip per batch, not per task.
    let batch: TaskSpec[] = [];
    let adding = Promise.resolve();
    const flush = () => {
      const jobs = batch.map((spec) => ({ name: spec.id, data: { run, spec }, opts: { jobId: jobIdOf(spec) } }));
      batch = [];
      if (jobs.length > 0) adding = adding.then(() => queue.addBulk(jobs).then(() => undefined));
      return adding;
    };
    const add = (spec: TaskSpec) => {
      if (seen.has(spec.id) || drain?.aborted) return;
      seen.add(spec.id);
      byJob.set(jobIdOf(spec), spec);
      counts.queued++;
      batch.push(spec);
      if (batch.length === 1) setImmediate(() => void flush().catch((e: unknown) => ((source.error ??= { cause: e }), wake())));
    };

    // Aborting: no new jobs start (the key), waiting ones go, running ones are told to stop.
    let cancelling: Promise<void> | undefined;
    const cancel = (kill: boolean) =>
      (cancelling ??= (async () => {
        await adding.catch(() => {});
        if (kill) {
          await connection.set(cancelKey(this.queueName, run), "1", "EX", 86400);
          await connection.publish(cancelChannel(this.queueName), run);
        }
        for (const jobId of [...byJob.keys()]) {
          if (started.has(jobId)) continue;
          if ((await queue.remove(jobId)) === 1) finish(jobId, null);
        }
      })().catch(() => {}).finally(() => wake()));
    const onAbort = () => {
      stop.abort();
      void cancel(true);
    };
    const onDrain = () => void cancel(false);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    drain?.addEventListener("abort", onDrain, { once: true });

    // Events can be missed (a reconnect) and a server restarted without persistence forgets the
    // jobs: when nothing was heard for a while, ask Redis about each job directly.
    let unreachableSince: number | undefined;
    let polling = false; // one look at a time: a slow server must not pile them up
    const poll = setInterval(() => {
      if (polling || Date.now() - lastNews < this.pollMs || byJob.size === 0 || failure) return;
      polling = true;
      void (async () => {
        const ids = [...byJob.keys()];
        const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
        unreachableSince = undefined;
        lastNews = Date.now();
        const vanished = ids.filter((_, i) => states[i] === "unknown");
        for (const [i, id] of ids.entries()) {
          if (states[i] === "completed") finish(id, fromResult(id, (await queue.getJob(id))?.returnvalue));
          else if (states[i] === "failed") finish(id, lost(id, `the worker failed: ${(await queue.getJob(id))?.failedReason}`));
        }
        if (vanished.length > 0 && !cancelling) {
          failure = new ExecutorError(`Redis at ${where} lost ${vanished.length} task(s) of this run (restarted without persistence?); the run stops here, and \`trove run\` again runs what is left`);
          wake();
        }
      })().catch(() => {
        unreachableSince ??= Date.now();
        if (Date.now() - unreachableSince > this.unreachableMs) {
          failure = new ExecutorError(`Redis at ${where} has been unreachable for ${Math.round(this.unreachableMs / 1000)} s; the run stops here, and \`trove run\` again runs what is left`);
          wake();
        }
      }).finally(() => (polling = false));
    }, Math.max(100, this.pollMs / 3));

    try {
      try {
        await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      } catch (e) {
        throw new ExecutorError(`cannot reach Redis at ${where}: ${(e as Error).message}`);
      }
      void (async () => {
        for await (const task of tasks) {
          if (stop.signal.aborted || drain?.aborted) break;
          add(task);
        }
        await flush();
      })().then(
        () => (source.done = true),
        (cause: unknown) => (source.error ??= { cause }),
      ).finally(() => wake());

      for (;;) {
        if (finished.length > 0) {
          yield finished.shift()!;
          continue;
        }
        if (failure) throw failure;
        const ended = stop.signal.aborted || drain?.aborted || source.error !== undefined || source.done;
        if (ended && byJob.size === 0) break;
        if (ended && source.error && !cancelling) void cancel(true);
        await new Promise<void>((r) => (wake = r));
      }
      if (source.error) throw source.error.cause;
    } finally {
      clearInterval(poll);
      signal?.removeEventListener("abort", onAbort);
      drain?.removeEventListener("abort", onDrain);
      if (byJob.size > 0) await within(5000, cancel(true)); // the caller left early, or Redis failed
      await within(5000, Promise.allSettled([events.close(), queue.close()]));
      // ours to close (BullMQ closes only what it opened); disconnect() also ends any reconnecting
      connection.disconnect();
      eventsConnection.disconnect();
    }
  }
}

/** Waits for `p`, but no longer than `ms` (closing a connection to a dead server must not hang the run). */
function within(ms: number, p: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise((r) => (timer = setTimeout(r, ms)))]).finally(() => clearTimeout(timer));
}
