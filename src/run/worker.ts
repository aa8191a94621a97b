// `trove worker` as a function: take tasks from a BullMQ queue in Redis and run each exactly as
// `trove run` does locally (the LocalExecutor's code: staging, process group, timeout, retries,
// log file), returning the outcome as the job's result. The dataset's files must be at the same
// paths here as where `trove run` was started (a shared file system).
//
//   const worker = await startWorker({ url: "redis://10.0.0.5:6379", concurrency: 4 });
//   process.on("SIGTERM", () => void worker.close());
//
// Why the LocalExecutor, one per job: it is the one place that stages, moves outputs and writes
// the log, and a run() per job gives each job its own abort. Its processes are started with Node's
// spawn: a worker is a small process, so a fork costs little (the perl launcher is for trove run).

import { Worker } from "bullmq";
import { ExecutorError } from "./executor.ts";
import { LocalExecutor } from "./local-executor.ts";
import { cancelChannel, cancelKey, DEFAULT_QUEUE, type JobResult, type TaskJob } from "./executors/redis.ts";
import { redisConnection, RespClient } from "./executors/resp.ts";

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
  onJob?: (event: { kind: "started" | "finished"; id: string; status?: string }) => void;
}

export interface RunningWorker {
  /** Stops taking jobs; waits for the running ones (or, with `kill`, stops them). */
  close(kill?: boolean): Promise<void>;
}

export async function startWorker({ url, queue = DEFAULT_QUEUE, concurrency = 1, lockMs = 30_000, onJob }: WorkerOptions): Promise<RunningWorker> {
  const executor = new LocalExecutor({ concurrency: 1, spawner: "node" });
  const keys = redisConnection(url); // for the cancel key; reconnects by itself
  const runOf = new Map<string, string>(); // running job id -> its run
  const worker = new Worker<TaskJob, JobResult>(
    queue,
    async (job, _token, signal): Promise<JobResult> => {
      const { run, spec } = job.data;
      if ((await keys.get(cancelKey(queue, run))) !== null) return { notStarted: "the run was aborted" };
      runOf.set(job.id!, run);
      onJob?.({ kind: "started", id: spec.id });
      try {
        for await (const o of executor.run([spec], { signal })) {
          onJob?.({ kind: "finished", id: spec.id, status: o.status });
          return { outcome: { ...o, startedAt: o.startedAt.toISOString(), endedAt: o.endedAt.toISOString() } };
        }
        return { notStarted: "the run was aborted" };
      } finally {
        runOf.delete(job.id!);
      }
    },
    { connection: redisConnection(url), concurrency, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: 1, autorun: false },
  );
  worker.on("error", () => {}); // connection trouble: BullMQ reconnects; an unhandled 'error' would end the process

  // An aborted run publishes its token: stop its tasks running here (their outcome is `killed`).
  const listen = new RespClient(url);
  const subscribe = async () => {
    await listen.connect();
    await listen.send("SUBSCRIBE", [cancelChannel(queue)]);
  };
  listen.onmessage = (message) => {
    if (!Array.isArray(message) || message[0] !== "message") return;
    for (const [jobId, run] of runOf) if (run === message[2]) worker.cancelJob(jobId, "the run was aborted");
  };
  let closing = false;
  listen.onclose = () => {
    // resubscribe after Redis comes back
    const retry = () => !closing && subscribe().catch(() => setTimeout(retry, 1000));
    if (!closing) setTimeout(retry, 1000);
  };
  try {
    await subscribe();
  } catch (e) {
    // the first connection says whether the server is there at all: a user's error, not ours
    closing = true;
    listen.close();
    keys.disconnect();
    await worker.close().catch(() => {});
    throw new ExecutorError(`cannot reach Redis at ${url.replace(/\/\/[^@/]*@/, "//")}: ${(e as Error).message}`);
  }
  void worker.run();
  await worker.waitUntilReady();
  return {
    async close(kill = false) {
      closing = true;
      if (kill) worker.cancelAllJobs("the worker was stopped");
      await worker.close();
      listen.close();
      keys.disconnect();
    },
  };
}
