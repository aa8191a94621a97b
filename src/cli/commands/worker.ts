// `trove worker --redis URL`: take tasks of `trove run --executor redis` from the queue and run
// them here, until stopped (SIGTERM / Ctrl-C lets the running tasks finish; a second one stops them).

import type { Command } from "commander";
import { ExecutorError } from "../../run/executor.ts";
import { positiveInt } from "../options.ts";

interface WorkerOpts {
  redis?: string;
  queue: string;
  concurrency: number;
  lockMs: number;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command("worker")
    .description("run the tasks that `trove run --executor redis` queues in Redis")
    .option("--redis <url>", "the Redis server (default: $TROVE_REDIS_URL)")
    .option("--queue <name>", "the queue", "trove")
    .option("-c, --concurrency <n>", "tasks at once", positiveInt, 1)
    .option("--lock-ms <ms>", "a job held by a worker that died goes to another worker after about this long", positiveInt, 30_000)
    .option("-q, --quiet", "print nothing per task")
    .addHelpText(
      "after",
      `
The file system is shared: each task runs in the dataset folder, at the same path as where
\`trove run\` was started, and reads and writes its files there (NFS, Lustre, one machine...).
A task runs exactly as with the local executor: its own process group, outputs staged and moved
into place only on success, its log file, timeout and retries. The outcome goes back to
\`trove run\`, which alone writes the runs table. A worker killed outright gives its tasks back to
the queue (after --lock-ms), and another worker runs each again in a staging folder of its own, so
a task process the dead worker left running cannot write into the new attempt's outputs.
A worker holds a few jobs per slot (-c), so it starts the next task the moment one ends.

Examples:
  trove worker --redis redis://10.0.0.5:6379 -c 8
  TROVE_REDIS_URL=redis://10.0.0.5:6379 trove worker`,
    )
    .action(async (opts: WorkerOpts) => {
      const url = opts.redis ?? process.env.TROVE_REDIS_URL;
      if (!url) throw new ExecutorError("trove worker needs --redis redis://HOST:PORT (or TROVE_REDIS_URL)");
      const log = (line: string) => opts.quiet || process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      // loaded here: BullMQ is parsed only by the commands that use it
      const { startWorker } = await import("../../run/worker.ts");
      const { redactUrl } = await import("../../run/executors/redis-connection.ts");
      const worker = await startWorker({
        url,
        queue: opts.queue,
        concurrency: opts.concurrency,
        lockMs: opts.lockMs,
        onJob: (e) => log(`${e.kind === "started" ? "start" : e.status} ${e.id}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ""}`),
      });
      log(`worker ${process.pid} on ${redactUrl(url)} queue ${opts.queue}, ${opts.concurrency} at once`);
      let stops = 0;
      await new Promise<void>((resolve) => {
        const stop = () => {
          stops++;
          log(stops === 1 ? "stopping after the running tasks" : "stopping the running tasks");
          // a Redis that is gone would keep close() waiting: give up on it after a while
          const cap = stops > 1 ? 2000 : 60_000;
          void Promise.race([worker.close(stops > 1), new Promise((r) => setTimeout(r, cap).unref())]).then(() => resolve());
        };
        process.on("SIGTERM", stop);
        process.on("SIGINT", stop);
      });
      // close() disconnects every connection, so nothing should be left; but a close given up on
      // above (a dead Redis) may leave a reconnect timer, and a stopped worker must end
      process.exit(0);
    });
}
