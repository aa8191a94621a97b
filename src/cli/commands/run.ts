// `trove run [STEP...]`: run the steps of trove.toml over the records whose tasks are out of date.

import type { Command } from "commander";
import type { Config } from "../../config/load.ts";
import { indexDataset } from "../../catalog/indexer.ts";
import { CATALOG_FORMAT } from "../../catalog/columns.ts";
import { readManifest } from "../../catalog/manifest.ts";
import { type CatalogSession, openSession } from "../../dataset/session.ts";
import { type RunEvent, type RunReport, runSteps } from "../../run/runner.ts";
import { positiveInt } from "../options.ts";
import { progressBar, type TaskProgress, taskProgress } from "../progress.ts";
import { describeRun, describePlan } from "../run-report.ts";
import { interruptible } from "../interrupt.ts";
import { executorFor } from "../../run/executors/index.ts";
import { loadRunConfig } from "./run-config.ts";
import { executorChoice } from "./run-executor.ts";

interface RunOpts {
  dataset: string;
  where?: string;
  id?: string[];
  force?: boolean;
  dryRun?: boolean;
  jobs?: number;
  keepGoing?: boolean;
  index: boolean;
  json?: boolean;
  executor?: string;
  redis?: string;
  queue?: string;
}

export function register(program: Command): void {
  // what each Slurm array element runs (src/run/executors/slurm-driver.ts); not for users
  program
    .command("slurm-element", { hidden: true })
    .argument("<wave>")
    .argument("<element>")
    .action(async (wave: string, element: string) => {
      const { runSlurmElement } = await import("../../run/executors/slurm-driver.ts");
      process.exitCode = await runSlurmElement(wave, Number(element));
    });
  program
    .command("run")
    .description("run the steps of trove.toml for every record whose outputs are out of date")
    .argument("[steps...]", "steps to run (default: all, in dependency order)")
    .option("-d, --dataset <dir>", "dataset folder (holding trove.toml)", ".")
    .option("-w, --where <sql>", "only records with a file matching this SQL condition over the files table")
    .option("--id <id...>", "only these records")
    .option("-f, --force", "run even the tasks that are up to date")
    .option("-n, --dry-run", "list what would run and why; run nothing")
    .option("-j, --jobs <n>", "tasks at once (default: number of cores)", positiveInt)
    .option("-k, --keep-going", "after a failure, go on with the tasks that do not depend on it")
    .option("--no-index", "do not update the catalog before planning (new raw files stay unseen)")
    .option("--json", "print the report as JSON")
    .option("--executor <name>", "where tasks run: local (default), redis (on `trove worker`s; see `trove worker --help`) or slurm (job arrays; a shared file system is assumed)")
    .option("--redis <url>", "with --executor redis: the server (default: $TROVE_REDIS_URL, then [executor.redis] url in trove.toml)")
    .option("--queue <name>", "with --executor redis: the queue (default: trove)")
    .option("--partition <p>", "with --executor slurm: sbatch --partition")
    .option("--time <t>", "with --executor slurm: time limit per array element (sbatch --time)")
    .option("--mem <m>", "with --executor slurm: memory per array element (sbatch --mem)")
    .option("--cpus <n>", "with --executor slurm: sbatch --cpus-per-task", positiveInt)
    .option("--account <a>", "with --executor slurm: sbatch --account")
    .option("--pack <n>", "with --executor slurm: tasks per array element (default: automatic, see below)", positiveInt)
    .addHelpText(
      "after",
      `
A task is one step for one record (or record x task when the step's paths use {task}). It is up to
date when its last successful run had the same fingerprint (command, code files, params, env and
the content of its inputs) and its outputs are unchanged; otherwise it runs, and so does everything
downstream of it. A task whose inputs are missing is "data not available", not an error.

Each task runs in the dataset folder, in its own process group, with:
  TROVE_TASK        a JSON file: record, entities, inputs, outputs (where to write), params
  TROVE_INPUT_<N>   each input's path       TROVE_OUTPUT_<N>  where to write each output
  TROVE_RECORD, TROVE_STEP, TROVE_ROOT
Outputs are written to a staging folder and moved into place only when the command exits 0 and
every output exists; a failed or stopped task leaves the previous outputs as they were.
Logs: .trove/runs/logs/ (\`trove log STEP ID\`); history: the runs table (\`trove query\`).
Ctrl-C stops the running tasks (their whole process group) and ends the run.

Elsewhere than here (--executor): the file system is shared, at the same paths on every machine.
  redis   tasks go to a BullMQ queue; \`trove worker --redis URL\` processes take them (any machine)
  slurm   one job array per wave of ready tasks (sbatch --array, -j N throttles: %N); --pack N tasks
          per array element. Without --pack, an element holds ~30 s of work when the step's task
          time is known (this run's earlier tasks, else the runs table), but there are at least as
          many elements as the partition has CPUs; when it is not known, 2 elements per CPU (sinfo);
          at most 500 elements per wave. So 10k tasks of 10 ms on 64 CPUs are 64 elements, not 10k jobs.
  A Sinagot workspace's [run] mode = "dask" picks redis or slurm from [dask] cluster.address
  (redis://HOST:PORT, or "slurm"); the command says which. --executor wins over it.

Exit status: 0 when every task that ran succeeded, 1 when one failed or was not run, 2 when the
run cannot start (bad usage, bad trove.toml, another run holds the dataset), 130 on Ctrl-C.

Examples:
  trove run                         everything out of date
  trove run alpha --id REC-200319-A one step, one record
  trove run -n                      what would run, and why
  trove run -j 8 --keep-going       eight at a time, past failures`,
    )
    .action(async (steps: string[], opts: RunOpts) => {
      const config = await loadRunConfig(opts.dataset);
      // thot.ts (imported only for a config without steps) would load the config validator
      if (Object.keys(config.steps).length === 0) {
        const thot = await import("./thot.ts");
        if (thot.isThotRun(config)) return thot.runThotFromRun(config, steps, { ...opts, executor: opts.executor ?? "local" });
      }
      if (opts.index) {
        const bar = progressBar();
        try {
          await indexDataset(config, { onProgress: (phase, done, total) => bar.update(done, total, phase) });
        } finally {
          bar.stop();
        }
      }
      const chosen = await executorChoice(opts, config);
      const executor = await executorFor(chosen.name, { ...chosen.options, jobs: opts.jobs, config });
      const live = Boolean(process.stderr.isTTY) && !process.env.CI;
      const bar = taskProgress(live);
      // the SQL engine is opened only if the tasks are not known from the last plan already
      const manifest = await catalogManifest(config, opts.dataset);
      let session: Promise<CatalogSession> | undefined;
      const catalog = { generation: manifest.generation, db: async () => (await (session ??= openSession(config, manifest))).db };
      let report: RunReport;
      try {
        report = await interruptible((signal) =>
          runSteps(config, catalog, {
            steps: steps.length ? steps : undefined,
            where: opts.where,
            ids: opts.id,
            force: opts.force,
            dryRun: opts.dryRun,
            jobs: opts.jobs,
            executor,
            keepGoing: opts.keepGoing,
            signal,
            onEvent: live ? progress(bar) : undefined, // per task: a visible share of a 10k-task run, profiled
          }),
        );
      } finally {
        bar.stop();
        if (session) (await session).db.close();
      }
      if (opts.json) process.stdout.write(JSON.stringify(jsonReport(report), null, 1) + "\n");
      else process.stdout.write(opts.dryRun ? describePlan(report) : describeRun(report));
      const bad = report.counts.failed > 0 || (report.counts.skipped > 0 && !opts.dryRun);
      if (bad && process.exitCode !== 130) process.exitCode = 1;
    });
}

/**
 * The catalog's manifest; dataset.ts (imported only to say why there is none usable) would load
 * the config validator, which a run whose config is cached does without.
 */
async function catalogManifest(config: Config, dir: string) {
  const manifest = readManifest(config.root);
  if (manifest && manifest.format >= CATALOG_FORMAT) return manifest;
  return (await import("../../dataset/dataset.ts")).currentCatalog(config, dir);
}

/** Feeds the progress line from the run's events (the executor's counts, plus skipped tasks). */
function progress(bar: TaskProgress) {
  let total = 0;
  let skipped = 0;
  let counts = { done: 0, failed: 0, running: 0 };
  return (e: RunEvent) => {
    if (e.kind === "planned") total = e.toRun;
    else if (e.kind === "started" || e.kind === "finished") counts = e.counts;
    else if (e.kind === "skipped") skipped++;
    if (e.kind === "reindexing") bar.stop();
    else if (total > 0) bar.update({ ...counts, failed: counts.failed + skipped }, total);
  };
}

function jsonReport(report: RunReport) {
  const planned = report.plan.tasks.filter((t) => t.selected).map((t) => ({ id: t.id, step: t.step, record: t.record, unit: t.unit, decision: t.decision, reasons: t.reasons }));
  return { run: report.run, counts: report.counts, seconds: report.seconds, results: report.results, warnings: report.warnings, tasks: planned };
}
