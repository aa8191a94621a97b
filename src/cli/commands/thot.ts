// `trove thot run`: run a Thot or Syre project's analysis scripts (also what `trove run` does in
// such a project).

import { isAbsolute, relative, resolve } from "node:path";
import type { Command } from "commander";
import { ThotProject, detectThotGeneration } from "../../compat/thot/index.ts";
import { resolveProjectPath } from "../../compat/thot/properties.ts";
import { type ThotRunEvent, type ThotRunReport, runThotProject } from "../../compat/thot/runner.ts";
import type { Config } from "../../config/load.ts";
import { TroveError } from "../../errors.ts";
import { interruptible } from "../interrupt.ts";
import { positiveInt } from "../options.ts";
import { type TaskProgress, progressBar, taskProgress } from "../progress.ts";
import { describeThotRun } from "../thot-report.ts";

export interface ThotRunCliOptions {
  dataset: string;
  root?: string;
  scripts?: string[];
  where?: string;
  ignoreErrors?: boolean;
  jobs?: number;
  timeout?: number;
  force?: boolean;
  dryRun?: boolean;
  index: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const thot = program.command("thot").description("Thot and Syre projects: run their analysis scripts the way Thot does, incrementally");
  thot
    .command("run")
    .description("run the project's scripts bottom-up (children before parents, by priority), only where out of date")
    .option("-d, --dataset <dir>", "the project folder (Thot 0.x, Thot 0.10 .thot/ or Syre .syre/)", ".")
    .option("--root <container>", "run only this container's subtree (its folder, relative to the project or absolute)")
    .option("--scripts <json>", 'only these scripts: a JSON list of paths as Thot takes them (["root:/scripts/prep.py"]); named scripts run even with autorun false', parseScripts)
    .option("-w, --where <sql>", "only the containers matching this SQL over the catalog's containers table, not their subtrees")
    .option("--ignore-errors", "after a failure, go on with every other script (Thot's --ignore-errors)")
    .option("-j, --jobs <n>", "scripts at once (default: number of cores)", positiveInt)
    .option("--timeout <seconds>", "stop a script (and every process it started) after this long", positiveInt)
    .option("-f, --force", "run even the scripts that are up to date")
    .option("-n, --dry-run", "list what would run and why; run nothing")
    .option("--no-index", "do not update the catalog (before answering --where, and after scripts added assets)")
    .option("--json", "print the report as JSON")
    .addHelpText("after", HELP)
    .action((opts: ThotRunCliOptions) => runThotCommand(opts));
}

const HELP = `
The order is Thot's: a container's scripts run after every container below it is done; at one
container, scripts are grouped by priority (lower first), the groups run one after another and the
scripts of a group at the same time, as do sibling subtrees. Scripts with autorun false run only
when named in --scripts. Each script runs with its container's folder as working directory and
THOT_CONTAINER_ID (Syre: SYRE_CONTAINER_ID) and THOT_SCRIPT_ID set; Python scripts written for
Thot or Syre run unchanged: \`import thot\` / \`import syre\` find packages trove ships
(ThotProject, LocalProject, Database: root, find_container(s), find_asset(s), add_asset).

Unlike Thot, a script runs only when it is out of date: new, its file changed, or what it
analyses changed (the properties and inherited metadata of its subtree, the content of every
asset file below it, including assets scripts below added), or the assets it added are gone.
Assets a script adds are written to a staging folder and moved into the project only when it
exits 0; scripts may add assets, never change or replace existing ones (a clear error says so).
Each execution is a row of the runs table (\`trove query -d DIR "SELECT * FROM runs"\`), with
the asset files it read and the assets it added; logs are in .trove/runs/logs/.

Exit status: 0 when every script that ran succeeded, 1 when one failed or was not run, 2 when
the run cannot start (bad usage, not a project, another run holds it), 130 on Ctrl-C.

Examples:
  trove thot run -d /data/inclined-plane              everything out of date
  trove thot run --root deg30 -n                      what would run below deg30, and why
  trove thot run --where "type = 'sample' AND metadata.angle > 20"   those samples only
  trove thot run --scripts '["root:/scripts/plot.py"]' --ignore-errors -j 4`;

function parseScripts(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = [text]; // a single path, not JSON
  }
  if (typeof value === "string") value = [value];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw new TroveError(`--scripts: expected a JSON list of script paths, got ${text}`);
  return value as string[];
}

/** A dataset whose trove.toml declares no steps (or that has none) over a Thot/Syre project: `trove run` runs its scripts. */
export function isThotRun(config: Config): boolean {
  return Object.keys(config.steps).length === 0 && detectThotGeneration(config.root) !== null;
}

/** `trove run` in a Thot/Syre project: its flags as `trove thot run` takes them. */
export function runThotFromRun(config: Config, steps: string[], opts: { dataset: string; where?: string; id?: string[]; force?: boolean; dryRun?: boolean; jobs?: number; keepGoing?: boolean; index: boolean; json?: boolean; executor: string }): Promise<void> {
  if (opts.id) throw new TroveError("--id names records; in a Thot/Syre project pick containers with --where (or `trove thot run --root`)");
  if (opts.executor !== "local") throw new TroveError(`--executor ${opts.executor}: a Thot/Syre project's scripts run on this machine only (the local executor)`);
  const { where, force, dryRun, jobs, keepGoing, index, json, dataset } = opts;
  return runThotCommand({ dataset, where, force, dryRun, jobs, ignoreErrors: keepGoing, index, json, scripts: steps.length ? steps : undefined }, config);
}

export async function runThotCommand(opts: ThotRunCliOptions, loaded?: Config): Promise<void> {
  // the config and the catalog are needed for --where and after scripts added assets: a run with
  // nothing to do (checked first, from the recorded state) reads neither
  let config = loaded;
  const getConfig = async () => (config ??= await (await import("../../config/load.ts")).loadConfig(opts.dataset));
  // loaded when used: the catalog's engine (DuckDB) costs a no-op run most of its time
  const index = async (c: Config, onProgress?: (phase: string, done: number, total?: number) => void) => (await import("../../catalog/indexer.ts")).indexDataset(c, { onProgress });
  const folder = loaded?.root ?? resolve(opts.dataset);
  // opened here only to check the names given; else the runner may not need it at all
  const project = opts.root !== undefined || opts.scripts !== undefined ? await ThotProject.open(folder) : undefined;
  const root = opts.root === undefined ? undefined : containerPath(project!, opts.root);
  const scripts = opts.scripts?.map((s) => scriptPath(project!, s));
  let only: Set<string> | undefined;
  if (opts.where !== undefined) {
    if (opts.index) {
      const bar = progressBar();
      try {
        await index(await getConfig(), (phase, done, total) => bar.update(done, total, phase));
      } finally {
        bar.stop();
      }
    }
    only = await selectContainers(await getConfig(), opts.dataset, opts.where);
  }
  const bar = taskProgress();
  let report: ThotRunReport;
  try {
    report = await interruptible((signal) =>
      runThotProject(project ?? folder, {
        root,
        scripts,
        only,
        ignoreErrors: opts.ignoreErrors,
        jobs: opts.jobs,
        timeoutSeconds: opts.timeout,
        force: opts.force,
        dryRun: opts.dryRun,
        reindex: opts.index ? async () => index(await getConfig()) : undefined,
        signal,
        onEvent: progress(bar),
      }),
    );
  } finally {
    bar.stop();
  }
  process.stdout.write(opts.json ? JSON.stringify(report, null, 1) + "\n" : describeThotRun(report, Boolean(opts.dryRun)));
  const bad = report.counts.failed > 0 || (report.counts.skipped > 0 && !opts.dryRun);
  if (bad && process.exitCode !== 130) process.exitCode = 1;
}

/** A container named as a folder (relative to the project, or absolute), as the runner's path. */
function containerPath(project: ThotProject, written: string): string {
  const rel = isAbsolute(written) ? relative(project.root, written) : relative(project.root, resolve(project.root, written));
  const path = rel === "." ? "" : rel.replaceAll("\\", "/");
  if (path.startsWith("..") || !project.container(path)) {
    throw new TroveError(`--root ${written}: no such container in ${project.root} (containers: ${project.containers.slice(0, 8).map((c) => c.path || ".").join(", ")}${project.containers.length > 8 ? ", ..." : ""})`);
  }
  return path;
}

/** A script as Thot names it (root:/..., relative to the project, or absolute), checked to be associated somewhere. */
function scriptPath(project: ThotProject, written: string): string {
  const resolved = isAbsolute(written) ? { path: relative(project.root, written) } : resolveProjectPath(written, "");
  if ("error" in resolved) throw new TroveError(`--scripts: ${resolved.error}`);
  if (!project.containers.some((c) => c.scripts.some((a) => a.script === resolved.path))) {
    throw new TroveError(`--scripts: no container of ${project.root} is associated with ${resolved.path}`);
  }
  return resolved.path;
}

async function selectContainers(config: Config, dataset: string, where: string): Promise<Set<string>> {
  const [{ openSession }, { currentCatalog }] = await Promise.all([import("../../dataset/session.ts"), import("../../dataset/dataset.ts")]);
  const session = await openSession(config, currentCatalog(config, dataset));
  try {
    const rows = await session.db.all(`SELECT path FROM containers WHERE kind = 'container' AND (${where})`).catch((e: Error) => {
      throw new TroveError(`--where: ${e.message}`);
    });
    return new Set(rows.map((r) => String(r.path)));
  } finally {
    session.db.close();
  }
}

function progress(bar: TaskProgress) {
  let total = 0;
  let settled = 0;
  let counts = { done: 0, failed: 0, running: 0 };
  return (e: ThotRunEvent) => {
    if (e.kind === "planned") total = e.total;
    else if (e.kind === "started" || e.kind === "finished") counts = e.counts;
    else if (e.kind === "settled" && (e.status === "up-to-date" || e.status === "skipped")) settled++;
    if (e.kind === "reindexing") return bar.stop();
    bar.update({ ...counts, done: counts.done + settled }, total);
  };
}
