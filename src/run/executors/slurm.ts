// Runs tasks on a Slurm cluster: each wave of ready tasks becomes one job array (sbatch --array),
// many small tasks packed into each element, whose driver (slurm-driver.ts) runs them one by one
// with the local executor's semantics and leaves a result file per task on the shared file system.
//
//   const executor = new SlurmExecutor({ partition: "short", time: "01:00:00", pack: 10 });
//   await runSteps(config, catalog, { executor });          // or: trove run --executor slurm
//
// The runner hands tasks as their upstream tasks finish, so a wave only holds tasks whose inputs
// exist: no `--dependency=afterok` is needed. Tasks handed within `gatherMs` of each other go into
// the same wave. Progress comes from polling: the wave's started/ and results/ folders, and squeue
// for elements that ended without writing a result (a crash, an OOM kill, an outside scancel),
// whose end state scontrol tells. Aborting scancels every element; draining scancels the pending
// ones and tells the running ones (a `drain` file) to start no further task.

import { randomBytes } from "node:crypto";
import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ExecutorError, type Executor, type RunOptions, type TaskCounts, type TaskOutcome, type TaskSpec } from "../executor.ts";
import { elementStates, liveElements, type ElementState, partitionCpus, sbatch, scancel } from "./slurm-commands.ts";
import { drainFile, elementLog, readResult, resultsDir, startedDir, writeElements } from "./slurm-files.ts";
import { autoPack, journalTaskSeconds, slurmSeconds, TaskTimes } from "./slurm-pack.ts";

export interface SlurmExecutorOptions {
  partition?: string;
  /** Per array element (sbatch --time), e.g. "30" or "01:00:00". */
  time?: string;
  /** Per array element (sbatch --mem), e.g. "4G". */
  mem?: string;
  /** sbatch --cpus-per-task. */
  cpus?: number;
  account?: string;
  /** Tasks per array element; default: slurm-pack.ts's rule (from measured task times and the partition's CPUs). */
  pack?: number;
  /** Most elements per wave with the automatic pack (default 500). */
  maxElements?: number;
  /** CPUs the automatic pack counts on; default: sinfo's for the partition. */
  cores?: number;
  /** Elements of one array running at once (--array=0-K%throttle). */
  throttle?: number;
  /** Folder on a file system the nodes share; default <first task's cwd>/.trove/runs/slurm/<new>. */
  runDir?: string;
  /** What an element runs, before "<waveDir> <element>"; default: this trove's driver. */
  driver?: string[];
  /** Added to every sbatch call. */
  sbatchArgs?: string[];
  pollMs?: number;
  gatherMs?: number;
  /** How long after an element left squeue its missing result files are still waited for (NFS). */
  settleMs?: number;
}

interface Wave {
  dir: string;
  jobId: string;
  specs: TaskSpec[];
  pack: number;
  /** Task indexes without an outcome yet. */
  open: Set<number>;
  started: Set<number>;
  /** Element -> when it was first seen gone from squeue. */
  gone: Map<number, number>;
}

export class SlurmExecutor implements Executor {
  /** What the last run() did, for tests and benches. */
  readonly stats = { sbatch: 0, elements: 0, jobIds: [] as string[], packs: [] as number[] };
  private readonly o: SlurmExecutorOptions & { maxElements: number; pollMs: number; gatherMs: number; settleMs: number };

  constructor(options: SlurmExecutorOptions = {}) {
    for (const key of ["pack", "maxElements", "throttle", "cpus", "cores"] as const) {
      const v = options[key];
      if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new ExecutorError(`${key} must be a whole number of at least 1, not ${v}`);
    }
    this.o = { maxElements: 500, pollMs: 1000, gatherMs: 200, settleMs: 3000, ...options };
  }

  async *run(tasks: AsyncIterable<TaskSpec> | Iterable<TaskSpec>, { signal, drain, onEvent }: RunOptions = {}): AsyncGenerator<TaskOutcome> {
    const o = this.o;
    const counts: TaskCounts = { queued: 0, running: 0, done: 0, failed: 0 };
    const queue: TaskSpec[] = [];
    const finished: TaskOutcome[] = [];
    const waves: Wave[] = [];
    const source: { done: boolean; error?: { cause: unknown } } = { done: false };
    let lastAdd = 0;
    let runDir = o.runDir;
    const name = `trove-${randomBytes(5).toString("hex")}`;
    let wake = () => {};
    const nudge = () => wake();
    signal?.addEventListener("abort", nudge);
    drain?.addEventListener("abort", nudge);
    Object.assign(this.stats, { sbatch: 0, elements: 0, jobIds: [], packs: [] });
    const times = new TaskTimes(); // this run's own task times, for the next waves' pack
    let measured: { cores: number | undefined; journal: Map<string, number> } | undefined;

    void (async () => {
      for await (const task of tasks) {
        if (signal?.aborted || drain?.aborted) break;
        queue.push(task);
        counts.queued++;
        lastAdd = Date.now();
        wake();
      }
    })().then(
      () => (source.done = true),
      (cause: unknown) => (source.error = { cause }),
    ).finally(nudge);

    const finish = (wave: Wave, index: number, outcome: TaskOutcome) => {
      wave.open.delete(index);
      if (outcome.status === "done") times.add(stepOf(wave.specs[index]), (outcome.endedAt.getTime() - outcome.startedAt.getTime()) / 1000);
      if (wave.started.has(index)) counts.running--;
      else counts.queued--;
      counts[outcome.status === "done" ? "done" : "failed"]++;
      finished.push(outcome);
      onEvent?.({ kind: "finished", outcome, counts: { ...counts } });
    };
    const forget = (wave: Wave, index: number) => {
      wave.open.delete(index); // never started and the run is stopping: no outcome, as locally
      counts.queued--;
    };

    const submit = async (specs: TaskSpec[]) => {
      runDir ??= join(specs[0].cwd, ".trove", "runs", "slurm", name);
      let pack = o.pack;
      if (pack === undefined) {
        if (!measured) {
          // elements that can run at once: the partition's CPUs over each element's, within -j
          const cpus = o.cores ?? (await partitionCpus(o.partition));
          const slots = cpus === undefined ? o.throttle : Math.min(Math.max(1, Math.floor(cpus / (o.cpus ?? 1))), o.throttle ?? Infinity);
          measured = { cores: slots, journal: journalTaskSeconds(specs[0].cwd) };
        }
        const known = specs.map((s) => times.mean(stepOf(s)) ?? measured!.journal.get(stepOf(s)));
        const taskSeconds = known.every((t) => t !== undefined) ? known.reduce((a, t) => a + t!, 0) / known.length : undefined;
        pack = autoPack({ tasks: specs.length, cores: measured.cores, taskSeconds, limitSeconds: slurmSeconds(o.time), maxElements: o.maxElements });
      }
      this.stats.packs.push(pack);
      const perArray = pack * 1000; // Slurm's default MaxArraySize is 1001
      for (let at = 0; at < specs.length; at += perArray) {
        const part = specs.slice(at, at + perArray);
        const dir = join(runDir, `w${this.stats.sbatch}`);
        const elements = writeElements(dir, part, pack);
        const script = join(dir, "element.sh");
        writeFileSync(script, `#!/bin/sh\nexec ${shellQuote([...(o.driver ?? defaultDriver())])} ${shellQuote([dir])} "$SLURM_ARRAY_TASK_ID"\n`);
        chmodSync(script, 0o755);
        const wave: Wave = { dir, jobId: "", specs: part, pack, open: new Set(part.map((_, i) => i)), started: new Set(), gone: new Map() };
        try {
          wave.jobId = await sbatch([...this.sbatchArgs(name, dir, part[0].cwd), `--array=0-${elements - 1}${o.throttle ? `%${o.throttle}` : ""}`, script]);
        } catch (e) {
          for (const i of wave.open) finish(wave, i, outcomeOf(part[i], "failed", `could not submit to Slurm: ${(e as Error).message}`));
          continue;
        }
        this.stats.sbatch++;
        this.stats.elements += elements;
        this.stats.jobIds.push(wave.jobId);
        waves.push(wave);
      }
    };

    let cancelled = false;
    let drained = false;
    let abortedAt = 0;
    let lingering = false; // aborted: elements still ending (Slurm lists them COMPLETING until their processes are gone)
    const poll = async () => {
      if (signal?.aborted && !cancelled) {
        cancelled = true;
        abortedAt = Date.now();
        await scancel(waves.map((w) => w.jobId)).catch(() => {});
      } else if (drain?.aborted && !drained) {
        drained = true;
        if (runDir) writeFileSync(drainFile(join(runDir, "w")), "");
        await scancel(waves.map((w) => w.jobId), true).catch(() => {});
      }
      const live = await liveElements(name).catch(() => undefined);
      lingering = cancelled && (live === undefined || live.size > 0) && Date.now() - abortedAt < 60_000;
      for (const wave of waves) await this.pollWave(wave, live, { stopping: cancelled || drained, cancelled, giveUp: cancelled && Date.now() - abortedAt > 60_000 }, finish, forget, onEvent, counts);
      for (let i = waves.length - 1; i >= 0; i--) if (waves[i].open.size === 0) waves.splice(i, 1);
    };

    let lastPoll = 0;
    try {
      for (;;) {
        if (finished.length > 0) {
          yield finished.shift()!;
          continue;
        }
        const stopping = signal?.aborted || drain?.aborted || source.error !== undefined;
        if (stopping && queue.length > 0) counts.queued -= queue.splice(0).length; // never submitted: no outcome
        const ready = queue.length > 0 && (source.done || Date.now() - lastAdd >= o.gatherMs);
        if (ready) {
          await submit(queue.splice(0));
          continue;
        }
        if (waves.length === 0 && !lingering && queue.length === 0 && (source.done || stopping)) break;
        if ((waves.length > 0 || lingering) && (Date.now() - lastPoll >= o.pollMs || (signal?.aborted && !cancelled) || (drain?.aborted && !drained))) {
          lastPoll = Date.now();
          await poll();
          continue;
        }
        const delay = Math.max(1, Math.min(queue.length > 0 ? lastAdd + o.gatherMs - Date.now() : Infinity, waves.length > 0 || lingering ? lastPoll + o.pollMs - Date.now() : Infinity, 60_000));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      if (source.error) throw source.error.cause;
    } finally {
      signal?.removeEventListener("abort", nudge);
      drain?.removeEventListener("abort", nudge);
      // the caller left early (or something threw): nothing of this run may keep running
      if (waves.length > 0) await scancel(waves.map((w) => w.jobId)).catch(() => {});
      if (runDir && waves.length === 0 && counts.failed === 0 && !drain?.aborted && !signal?.aborted) rmSync(runDir, { recursive: true, force: true });
    }
  }

  private sbatchArgs(name: string, dir: string, cwd: string): string[] {
    const o = this.o;
    const args = [`--job-name=${name}`, `--output=${join(dir, "slurm-%A_%a.out")}`, `--chdir=${cwd}`, "--export=ALL"];
    if (o.partition) args.push(`--partition=${o.partition}`);
    if (o.time) args.push(`--time=${o.time}`);
    if (o.mem) args.push(`--mem=${o.mem}`);
    if (o.cpus) args.push(`--cpus-per-task=${o.cpus}`);
    if (o.account) args.push(`--account=${o.account}`);
    return [...args, ...(o.sbatchArgs ?? [])];
  }

  /** Picks up what one wave's elements did since the last look. */
  private async pollWave(
    wave: Wave,
    live: Map<string, string> | undefined,
    run: { stopping: boolean; cancelled: boolean; giveUp: boolean },
    finish: (wave: Wave, index: number, outcome: TaskOutcome) => void,
    forget: (wave: Wave, index: number) => void,
    onEvent: RunOptions["onEvent"],
    counts: TaskCounts,
  ): Promise<void> {
    for (const name of readdirSync(startedDir(wave.dir))) {
      const i = Number(name);
      if (!wave.open.has(i) || wave.started.has(i)) continue;
      wave.started.add(i);
      counts.queued--;
      counts.running++;
      onEvent?.({ kind: "started", id: wave.specs[i].id, counts: { ...counts } });
    }
    let states: Map<number, ElementState> | undefined;
    const stateOf = async (element: number) => (states ??= await elementStates(wave.jobId)).get(element) ?? { state: "UNKNOWN", exitCode: null, signal: null, reason: "" };
    for (const name of readdirSync(resultsDir(wave.dir))) {
      if (!name.endsWith(".json")) continue;
      const i = Number(name.slice(0, -5));
      if (!wave.open.has(i)) continue;
      let outcome = readResult(wave.dir, i);
      if (!wave.started.has(i)) {
        wave.started.add(i); // started and ended between two looks
        counts.queued--;
        counts.running++;
      }
      const element = Math.floor(i / wave.pack);
      const endedBySlurm = async () => ["CANCELLED", "TIMEOUT"].includes((await stateOf(element)).state);
      if (outcome.status !== "done" && !run.cancelled && (outcome.status === "killed" || (await endedBySlurm()))) {
        // stopped by a SIGTERM trove did not send: an outside scancel, or the element's time limit
        // (Slurm signals every process of the job, so the task may fail before the driver knows)
        const st = await stateOf(element);
        const timeout = st.state === "TIMEOUT";
        const message = timeout ? `its Slurm job ${wave.jobId}_${element} reached its time limit` : `cancelled outside trove: Slurm job ${wave.jobId}_${element} ended ${st.state} (scancel?)`;
        outcome = { ...outcome, status: timeout ? "timeout" : "failed", message };
      }
      finish(wave, i, outcome);
    }
    if (!live) return; // squeue did not answer: look again next time
    const now = Date.now();
    for (const i of [...wave.open]) {
      const element = Math.floor(i / wave.pack);
      if (live.has(`${wave.jobId}_${element}`) && !run.giveUp) continue;
      const since = wave.gone.get(element) ?? wave.gone.set(element, now).get(element)!;
      if (now - since < this.o.settleMs && !run.giveUp && !(run.stopping && !wave.started.has(i))) continue;
      const spec = wave.specs[i];
      if (run.stopping && !wave.started.has(i)) {
        forget(wave, i);
        continue;
      }
      if (run.cancelled) {
        finish(wave, i, outcomeOf(spec, "killed", "stopped: the run was aborted"));
        continue;
      }
      const st = await stateOf(element);
      const log = elementLog(wave.dir, wave.jobId, element);
      const how = `${st.state}${st.exitCode ? ` (exit code ${st.exitCode})` : ""}${st.signal ? ` (signal ${st.signal})` : ""}`;
      const message = `its Slurm job ${wave.jobId}_${element} ended ${how} ${wave.started.has(i) ? "before the task ended" : "before the task started"}; job log: ${log}`;
      noteInLog(spec, message, log);
      const status = st.state === "TIMEOUT" ? "timeout" : "failed";
      finish(wave, i, { ...outcomeOf(spec, status, message), attempts: wave.started.has(i) ? 1 : 0 });
    }
  }
}

/** The step a task belongs to, as the runner tells it (env TROVE_STEP); "" for a bare spec. */
const stepOf = (spec: TaskSpec) => spec.env.TROVE_STEP ?? "";

function outcomeOf(spec: TaskSpec, status: TaskOutcome["status"], message: string): TaskOutcome {
  const now = new Date();
  return { id: spec.id, status, exitCode: null, signal: null, attempts: 0, startedAt: now, endedAt: now, outputs: {}, message };
}

/** The task's own log gets the reason and the tail of the element's Slurm log, for `trove log`. */
function noteInLog(spec: TaskSpec, message: string, elementLogFile: string): void {
  try {
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const tail = existsSync(elementLogFile) ? readFileSync(elementLogFile, "utf8").split("\n").slice(-20).join("\n") : "(no job log)";
    appendFileSync(spec.logFile, `=== trove: ${spec.id} ${message}\n${tail.trimEnd()}\n`);
  } catch {
    // the outcome carries the message anyway
  }
}

/**
 * How an element starts this trove's driver: from source through tsx (development, tests), or as
 * the installed CLI's hidden `slurm-element` command (bundled). Nodes need the same paths.
 */
export function defaultDriver(): string[] {
  const here = fileURLToPath(import.meta.url);
  let root = dirname(here);
  while (!existsSync(join(root, "package.json")) && dirname(root) !== root) root = dirname(root);
  if (here.endsWith(".ts")) return [process.execPath, "--import", pathToFileURL(join(root, "node_modules", "tsx", "dist", "loader.mjs")).href, join(dirname(here), "slurm-driver.ts")];
  return [process.execPath, join(root, "bin", "trove.js"), "slurm-element"];
}

function shellQuote(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}
