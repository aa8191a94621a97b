// `trove worker` as a function: take tasks from a BullMQ queue in Redis and run each exactly as
// `trove run` does locally (the LocalExecutor's code: staging, process group, timeout, retries,
// log file), returning the outcome as the job's result. The dataset's files must be at the same
// paths here as where `trove run` was started (a shared file system).
//
//   const worker = await startWorker({ url: "redis://10.0.0.5:6379", concurrency: 4 });
//   process.on("SIGTERM", () => void worker.close());
//
// Why the LocalExecutor (one run per `trove run` served, executors/worker-sessions.ts): it is the
// one place that stages, moves outputs and writes the log, and its launcher starts a task in a
// few milliseconds; an aborted run is one abort of its session.

import { Worker } from "bullmq";
import { attemptSpec, cleanEarlierAttempts } from "./executors/attempt-staging.ts";
import { cancelChannel, cancelKey, DEFAULT_QUEUE, type JobResult, type TaskJob } from "./executors/redis.ts";
import { openRedisMany } from "./executors/redis-connection.ts";
import { RunSessions } from "./executors/worker-sessions.ts";

/**
 * Jobs held per task slot: a task's own latency (spawn, exit, moving outputs) is ~11 ms here, and
 * with one job in hand per slot the slot idles through each job's round trips to Redis; with a
 * few in hand the launcher starts the next the moment one ends (one worker -c 1, trivial tasks:
 * 15 ms a task with one job in hand, 6 ms with four). Held jobs count as started in `trove run`.
 */
const PREFETCH = 4;

export interface WorkerOptions {
  url: string;
  queue?: string;
  /** Tasks at once in this worker (default 1). */
  concurrency?: number;
  /**
   * How long a job's lock lasts without renewal: a worker killed outright gives its job back to the
   * queue after about this long (BullMQ's stalled-job check runs at the same interval).
   */
  lockMs?: number;
  /** `attempt` counts the times the queue handed this job out (2 after a worker died with it). */
  onJob?: (event: { kind: "started" | "finished"; id: string; status?: string; attempt: number }) => void;
}

export interface RunningWorker {
  /** Stops taking jobs; waits for the running ones (or, with `kill`, stops them). */
  close(kill?: boolean): Promise<void>;
}

export async function startWorker({ url, queue = DEFAULT_QUEUE, concurrency = 1, lockMs = 30_000, onJob }: WorkerOptions): Promise<RunningWorker> {
  // The first connection says whether the server is there at all (RedisUnreachableError, the
  // user's to fix). All wait through a reconnect: a job cannot end while Redis is away anyway.
  const [keys, connection, listen] = await openRedisMany(url, [{ waitForReconnect: true }, { waitForReconnect: true }, { waitForReconnect: true }]);
  const sessions = new RunSessions(concurrency);
  const worker = new Worker<TaskJob, JobResult>(
    queue,
    async (job): Promise<JobResult> => {
      const { run, spec: asQueued } = job.data;
      if ((await keys.get(cancelKey(queue, run))) !== null) return { notStarted: "the run was aborted" };
      // A job taken again after its worker died gets its own staging folder: the dead worker's
      // task process may still be running, and must not write into this attempt's outputs.
      const attempt = Math.max(1, job.attemptsStarted || job.stalledCounter + 1);
      const spec = attemptSpec(asQueued, attempt);
      cleanEarlierAttempts(asQueued, attempt);
      onJob?.({ kind: "started", id: spec.id, attempt });
      const o = await sessions.run(run, spec);
      if (!o) return { notStarted: "the run was aborted" };
      onJob?.({ kind: "finished", id: spec.id, status: o.status, attempt });
      return { outcome: { ...o, startedAt: o.startedAt.toISOString(), endedAt: o.endedAt.toISOString() } };
    },
    { connection, concurrency: concurrency * PREFETCH, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: 1, autorun: false },
  );
  worker.on("error", () => {}); // connection trouble: BullMQ reconnects; an unhandled 'error' would end the process

  // An aborted run publishes its token: stop its tasks running here (their outcome is `killed`).
  // ioredis subscribes again by itself after a reconnect.
  listen.on("message", (_channel: string, run: string) => sessions.abort(run));
  try {
    await listen.subscribe(cancelChannel(queue));
    void worker.run();
    await worker.waitUntilReady();
  } catch (e) {
    await Promise.all([worker.close(true).catch(() => {}), sessions.close(true)]);
    for (const c of [keys, connection, listen]) c.disconnect();
    throw e;
  }
  return {
    async close(kill = false) {
      try {
        // the running jobs wait for their tasks: stop those first, or let them end
        await Promise.all([worker.close(), sessions.close(kill)]);
      } finally {
        // ours to close: BullMQ closes only the blocking connection it duplicated
        for (const c of [keys, connection, listen]) c.disconnect();
      }
    },
  };
}
