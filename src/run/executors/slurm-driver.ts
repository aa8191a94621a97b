// What one Slurm array element runs: its share of a wave's tasks, one by one, through the local
// executor (so staging, logs, timeouts and retries are exactly those of a local run), writing a
// result file per task for the submitting `trove run` to pick up from the shared file system.
//
//   node slurm-driver.ts <waveDir> <element>          # from source (the executor adds tsx)
//   trove slurm-element <waveDir> <element>           # from the installed CLI
//
// Files under <waveDir> (layout owned by slurm-files.ts): elements/<e>.json (the tasks),
// started/<i> (empty; the task began), results/<i>.json (its TaskOutcome, written atomically).
// A SIGTERM (scancel, or the job's time limit) stops the running task, which is reported
// `killed`; the tasks after it get no result, and the executor says why from the job's state.

import { existsSync, openSync, closeSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { TaskOutcome, TaskSpec } from "../executor.ts";
import { TaskChannel } from "../channel.ts";
import { LocalExecutor } from "../local-executor.ts";
import { drainFile, readElement, startedFile, writeResult } from "./slurm-files.ts";

/** Runs element `element` of the wave in `waveDir`; resolves with the process's exit status. */
export async function runSlurmElement(waveDir: string, element: number): Promise<number> {
  const { first, specs } = readElement(waveDir, element);
  const stop = new AbortController();
  const onTerm = () => stop.abort();
  process.on("SIGTERM", onTerm);
  process.on("SIGINT", onTerm);
  const indexOf = new Map(specs.map((s, k) => [s.id, first + k]));
  // Node spawns the tasks itself: Slurm signals every process of an element on scancel, and a
  // launcher helper dying first would turn "killed" into "failed"
  const executor = new LocalExecutor({ concurrency: 1, spawner: "node" });
  let failed = 0;
  // one task at a time, the next handed over only when one ends, so a drain or a cancel keeps the
  // rest unstarted (the local executor reads its source ahead)
  const queue = new TaskChannel<TaskSpec>();
  let next = 0;
  const handNext = () => {
    if (next < specs.length && !stop.signal.aborted && !existsSync(drainFile(waveDir))) queue.push(specs[next++]);
    else queue.close();
  };
  handNext();
  try {
    for await (const outcome of executor.run(queue, {
      signal: stop.signal,
      onEvent: (e) => {
        if (e.kind === "started") closeSync(openSync(startedFile(waveDir, indexOf.get(e.id)!), "w"));
      },
    })) {
      // scancel signals every process of the element at once: the task may die of it before this
      // process has run its own SIGTERM handler, so a SIGTERM from outside waits for ours a moment
      if (outcome.signal === "SIGTERM" && outcome.status === "failed" && !stop.signal.aborted) await settle(stop.signal, 1000);
      const o: TaskOutcome = stop.signal.aborted && outcome.status !== "done"
        ? { ...outcome, status: "killed", message: "stopped: its Slurm job was cancelled or ran out of time" }
        : outcome;
      if (o.status !== "done") failed++;
      writeResult(waveDir, indexOf.get(o.id)!, o);
      handNext();
    }
  } finally {
    process.off("SIGTERM", onTerm);
    process.off("SIGINT", onTerm);
  }
  return stop.signal.aborted ? 143 : failed > 0 ? 1 : 0;
}

/** Resolves when `signal` aborts, or after `ms`. */
function settle(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}

// Run directly (node --import tsx slurm-driver.ts <waveDir> <element>).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [waveDir, element] = process.argv.slice(2);
  runSlurmElement(waveDir, Number(element)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`trove slurm driver: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}
