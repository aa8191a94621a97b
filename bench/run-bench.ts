// The `trove run` benchmark: N records × one trivial step (`true`) at -j 2, against the process floor
// `seq N | xargs -P2 -n1 true` measured in the same run, and the same workload under Snakemake, with
// the issue's goals, PASS or MISS.
//
//   npm run bench:run                    # builds dist/, then 1k and 10k tasks (a few minutes)
//   npm run bench:run -- --large         # adds 100k tasks (or BENCH_LARGE=1; takes long)
//   TROVE_BENCH_DIR=/scratch npm run bench:run   # where the trees go (default bench/out/)
//   BENCH_SNAKEMAKE_TIMEOUT=600          # seconds any Snakemake run may take before it is stopped (default 300)
//   BENCH_SIZES=200                      # other sizes (comma-separated), to check the bench itself
//
// Three trees per size under bench/out/trees/ (generated once, reused): run-noop-N (raw/R<i>.txt and
// a step `noop` running `true`, no outputs), run-touch-N (a step `touch` with output done/{id}: the
// Snakemake workload) and run-snakemake-N (the same raw files and a Snakefile). Each tree is indexed
// before anything is timed. Before each timed first run, DIR/.trove/runs (the journal, logs) is
// moved aside so every task runs again (and done/ for the touch tree, then re-indexed, untimed);
// what is moved aside goes to bench/out/trash/, emptied at the end (see discard()).
// Every trove figure is a whole `node bin/trove.js run ...` process (startup included; bin/ and
// dist/ copied to bench/out/snapshot-run/ first), under /usr/bin/time for peak RSS. After each run
// the journal is checked to hold one line per task. Snakemake runs to the end at 1k; above, its
// default (ILP) scheduler takes hours, so it is killed once it has taken 10x trove's time (which
// decides the goal) or BENCH_SNAKEMAKE_TIMEOUT. Writes bench/out/run-results.md. Speed is measured
// here, never asserted in tests.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { info, median, OUT, REPO, repeat, row, rounds, rssFig, type Run, s, sh, startBench, startupRows, trove, verdict, warmCache, writeResults, x2 } from "./measure.ts";

const RESULTS = join(REPO, "bench/out/run-results.md");
const LARGE = process.argv.includes("--large") || process.env.BENCH_LARGE === "1";
const SNAKEMAKE_TIMEOUT_S = Number(process.env.BENCH_SNAKEMAKE_TIMEOUT ?? 300);
const JOBS = "2";
/** BENCH_SIZES=200,1000: other sizes, for a quick check of the bench itself. */
const SIZES = process.env.BENCH_SIZES?.split(",").map(Number);

// Goals of the issue.
const OVERHEAD_MAX = 1.5; // first run (every task runs) <= 1.5x `seq N | xargs -P2 -n1 true`
const NOOP_MAX_S: Record<number, number> = { 10_000: 0.5, 100_000: 3 }; // no-op rerun, everything up to date
const PLAN_RSS_MAX_MB = 500; // `trove run -n` at 100k tasks
const SNAKEMAKE_MIN = 10; // trove >= 10x faster than Snakemake end to end

// Published figures for a machine of this kind (2 cores): Snakemake 7.21, 1,000 one-line shell jobs at -j 2.
const SMK_1K_S = 45.5;
const SMK_1K_GREEDY_S = 11.8;
const SMK_1K_NOOP_S = 1.7;
const XARGS_MS = 0.74;

const TREES_VERSION = 1;
const label = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
const ms = (sec: number, n: number) => `${((sec / n) * 1000).toFixed(2)} ms`;

const TROVE_TOML = (step: string) => `[dataset]
name = "bench"
[[layout]]
type = "template"
patterns = ["raw/{id}.txt"]
[layout.entities]
id = "R\\\\d+"
[record]
id_pattern = "R\\\\d+"
${step}`;
const NOOP_STEP = `[steps.noop]\ncommand = "true"\ninputs = { raw = "raw/{id}.txt" }\n`;
const TOUCH_STEP = `[steps.touch]\ncommand = "touch {out.done}"\ninputs = { raw = "raw/{id}.txt" }\noutputs = { done = "done/{id}" }\n`;
const SNAKEFILE = `IDS, = glob_wildcards("raw/{id}.txt")

rule all:
    input: expand("done/{id}", id=IDS)

rule touch:
    input: "raw/{id}.txt"
    output: "done/{id}"
    shell: "true; touch {output}"
`;

type Variant = "noop" | "touch" | "snakemake";

/** OUT/trees/run-<variant>-<N>: raw/R1.txt .. raw/R<N>.txt and its config, written once and reused. */
function prepareTree(variant: Variant, n: number): string {
  const root = join(OUT, "trees", `run-${variant}-${label(n)}`);
  const marker = `${root}.complete`;
  const stamp = JSON.stringify({ version: TREES_VERSION, files: n });
  const t0 = performance.now();
  const reused = existsSync(marker) && readFileSync(marker, "utf8") === stamp;
  if (!reused) {
    rmSync(marker, { force: true });
    rmSync(root, { recursive: true, force: true });
    mkdirSync(join(root, "raw"), { recursive: true });
    for (let i = 1; i <= n; i++) writeFileSync(join(root, "raw", `R${i}.txt`), `${i}\n`);
    writeFileSync(marker, stamp);
  }
  // rewritten only when it differs: a new mtime would show as a change to the next index
  const [file, text] = variant === "snakemake" ? ["Snakefile", SNAKEFILE] : ["trove.toml", TROVE_TOML(variant === "noop" ? NOOP_STEP : TOUCH_STEP)];
  const path = join(root, file);
  if (!existsSync(path) || readFileSync(path, "utf8") !== text) writeFileSync(path, text);
  console.log(`\n${variant} × ${label(n)}: ${n} raw files, ${reused ? "reused" : `generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`} (${root})`);
  return root;
}

/**
 * Moves a folder out of the way instead of deleting it: ext4 skips recently freed inodes when it
 * allocates new ones, so creating files next to thousands just deleted cost ~150 µs each instead of
 * ~30 (measured here), which the next timed run would pay for the bench's own rm. The trash is
 * emptied when the bench ends, after the last timed run.
 */
const TRASH = join(OUT, "trash");
let trashed = 0;
function discard(path: string): void {
  if (!existsSync(path)) return;
  mkdirSync(TRASH, { recursive: true });
  renameSync(path, join(TRASH, `${process.pid}-${++trashed}`));
}

/** Lines in DIR/.trove/runs/journal.jsonl: one per task execution. */
function journalLines(root: string): number {
  const file = join(root, ".trove/runs/journal.jsonl");
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, "utf8");
  let lines = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines++;
  return lines;
}

function expectJournal(root: string, n: number, what: string): void {
  const got = journalLines(root);
  if (got !== n) throw new Error(`${what}: the journal holds ${got} executions, expected ${n}`);
}

const countFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).length : 0);

/** The floor: as many `true` processes, two at a time. */
const floorXargs = (n: number) => sh(`seq ${n} | xargs -P2 -n1 true`);

const runArgs = (root: string, ...extra: string[]) => ["run", "-d", root, "-j", JOBS, ...extra];

/** A fresh catalog of the tree (untimed), so the timed runs find the index done. */
function indexFresh(root: string): void {
  discard(join(root, ".trove"));
  trove("index", root);
}

/** Every task of the noop tree runs: its journal moved aside first. */
function firstRun(root: string, n: number, ...extra: string[]): Run {
  discard(join(root, ".trove/runs"));
  const r = trove(...runArgs(root, ...extra));
  expectJournal(root, n, `first run ${extra.join(" ")}`);
  return r;
}

/** A run when every task is up to date: nothing may run. */
function noopRun(root: string, n: number, ...extra: string[]): Run {
  const r = trove(...runArgs(root, ...extra));
  expectJournal(root, n, `no-op run ${extra.join(" ")}`);
  return r;
}

/** Figures of one size that the Snakemake comparison reuses. */
interface NoopFigures { first: number; noop: number }

function benchNoop(n: number): NoopFigures {
  const tree = `noop × ${label(n)}`;
  const root = prepareTree("noop", n);
  const big = n >= 100_000;
  warmCache(root);
  indexFresh(root);

  // First runs (every task runs), interleaved with the floor: the machine is shared.
  const first = rounds(n <= 1000 ? 3 : 1, () => floorXargs(n), () => firstRun(root, n, "--no-index"));
  const floorS = median(first.floor);
  // No-op reruns, everything up to date: with the default pre-index, and without.
  const noop = repeat(big ? 3 : 5, () => noopRun(root, n));
  const noopNoIndex = repeat(big ? 3 : 5, () => noopRun(root, n, "--no-index"));
  // Planning only, with the journal of a complete run (every task up to date).
  const planUpToDate = trove(...runArgs(root, "-n"));

  info(tree, "floor: N × `true` via `xargs -P2 -n1`", s(floorS), { ratio: `${ms(floorS, n)}/process` });
  const ratio = first.seconds / floorS;
  row({ tree, what: "first run `trove run -j 2 --no-index` (all run)", trove: s(first.seconds), floor: s(floorS), ratio: x2(ratio),
    goal: `≤ ${OVERHEAD_MAX}x`, result: verdict(ratio <= OVERHEAD_MAX) });
  // Per task, fixed costs out: the no-op rerun has the same startup, one (no-change) index pass and a plan of N tasks.
  const perTask = (first.seconds - noop.seconds) / n;
  const perFloor = floorS / n;
  row({ tree, what: "per task: (first run − no-op rerun) / N", trove: ms(first.seconds - noop.seconds, n), floor: ms(floorS, n),
    ratio: x2(perTask / perFloor), goal: `≤ ${OVERHEAD_MAX}x`, result: verdict(perTask / perFloor <= OVERHEAD_MAX) });
  info(tree, "peak RSS of the first run", rssFig(first));

  const noopGoal = NOOP_MAX_S[n];
  const judgeNoop = (what: string, r: { seconds: number; rssKB: number }) =>
    row({ tree, what, trove: s(r.seconds), floor: "—", ratio: "—", goal: noopGoal ? `≤ ${noopGoal} s` : "(info)",
      result: noopGoal ? verdict(r.seconds <= noopGoal) : "—" });
  judgeNoop("no-op rerun `trove run -j 2` (pre-index)", noop);
  judgeNoop("no-op rerun `trove run -j 2 --no-index`", noopNoIndex);

  // Planning memory: up to date (journal of N executions loaded), and with no journal (every input hashed).
  discard(join(root, ".trove/runs"));
  const planFresh = trove(...runArgs(root, "-n"));
  const planMB = (r: Run) => (r.rssKB ?? 0) / 1024;
  for (const [what, r] of [["`trove run -n`, all up to date", planUpToDate], ["`trove run -n`, no journal (all new)", planFresh]] as const) {
    row({ tree, what: `${what}: peak RSS (time)`, trove: `${planMB(r).toFixed(0)} MB (${s(r.seconds)})`, floor: "—", ratio: "—",
      goal: big ? `≤ ${PLAN_RSS_MAX_MB} MB` : "(info)", result: big ? verdict(planMB(r) <= PLAN_RSS_MAX_MB) : "—" });
  }

  // For the record (not at 100k, where it takes long): what a user types, `trove run` with its pre-index (no change to index here).
  if (!big) {
    const withIndex = rounds(1, () => floorXargs(n), () => firstRun(root, n));
    const f = median(withIndex.floor);
    info(tree, "first run `trove run -j 2` (with pre-index)", s(withIndex.seconds), { floor: s(f), ratio: x2(withIndex.seconds / f) });
  }
  return { first: first.seconds, noop: noop.seconds };
}

interface Snakemake { version: string | null }

function snakemakeVersion(): Snakemake {
  const p = spawnSync("snakemake", ["--version"], { encoding: "utf8" });
  return { version: p.status === 0 ? p.stdout.trim() : null };
}

interface SnakemakeRun { seconds: number; stopped: boolean; progress: string }

/**
 * A Snakemake run in the tree, killed after `capS` seconds (SIGKILL: on SIGTERM in the middle of an
 * ILP solve it waited minutes to exit); how far it got, from its log.
 */
function snakemake(root: string, capS: number, ...extra: string[]): SnakemakeRun {
  const args = ["-j", JOBS, "-s", join(root, "Snakefile"), "-d", root, ...extra];
  const t0 = performance.now();
  const p = spawnSync("snakemake", args, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 256 << 20, timeout: Math.ceil(capS * 1000), killSignal: "SIGKILL" });
  const seconds = (performance.now() - t0) / 1000;
  const stopped = (p.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT";
  if (p.error && !stopped) throw p.error;
  const log = p.stderr?.toString() ?? "";
  if (!stopped && p.status !== 0) throw new Error(`snakemake ${args.join(" ")} exited ${p.status ?? p.signal}: ${log.trim().slice(-800)}`);
  const steps = [...log.matchAll(/(\d+) of (\d+) steps/g)].pop();
  return { seconds, stopped, progress: steps ? `${steps[1]} of ${steps[2]} jobs` : "no job done" };
}

const cleanSnakemake = (root: string) => ["done", ".snakemake"].forEach((d) => discard(join(root, d)));

function benchTouch(n: number, smk: Snakemake): void {
  const tree = `touch × ${label(n)}`;
  const root = prepareTree("touch", n);
  warmCache(root);

  // trove: the Snakemake workload (output done/{id}), end to end as a user runs it (with pre-index).
  discard(join(root, "done"));
  indexFresh(root);
  const first = trove(...runArgs(root));
  expectJournal(root, n, "touch first run");
  if (countFiles(join(root, "done")) !== n) throw new Error(`touch first run: ${countFiles(join(root, "done"))} outputs in done/, expected ${n}`);
  const noop = repeat(3, () => noopRun(root, n));
  info(tree, "first run `trove run -j 2` (output done/{id})", s(first.seconds), { ratio: `${ms(first.seconds, n)}/task` });
  info(tree, "no-op rerun `trove run -j 2`", s(noop.seconds));

  if (!smk.version) {
    console.log("  snakemake: not installed (apt-get install snakemake)");
    info(tree, "snakemake: not installed (apt-get install snakemake)", "—");
    if (n === 1000) {
      info(tree, `vs Snakemake 7.21 published ${SMK_1K_S} s (not run here)`, s(first.seconds), { floor: `${SMK_1K_S} s (published)`,
        ratio: `Snakemake ÷ trove ${x2(SMK_1K_S / first.seconds)}`, goal: `≥ ${SNAKEMAKE_MIN}x`, result: "n/a" });
    }
    return;
  }

  const sroot = prepareTree("snakemake", n);
  warmCache(sroot);
  const smkRun = (capS: number, ...extra: string[]) => {
    cleanSnakemake(sroot);
    const r = snakemake(sroot, capS, ...extra);
    if (!r.stopped && countFiles(join(sroot, "done")) !== n) throw new Error(`snakemake ${extra.join(" ")}: ${countFiles(join(sroot, "done"))} outputs, expected ${n}`);
    return r;
  };
  const smkFig = (r: SnakemakeRun) => (r.stopped ? `> ${s(r.seconds)} (stopped at ${r.progress})` : s(r.seconds));
  // At 1k Snakemake runs to the end, for the record. Above, its default (ILP) scheduler takes hours
  // (it solves an ILP over every ready job each time a slot frees): it is stopped once it has taken
  // 10x trove's time, which decides the goal, or after BENCH_SNAKEMAKE_TIMEOUT.
  const decide = SNAKEMAKE_MIN * first.seconds * 1.02;
  const full = smkRun(n <= 1000 ? SNAKEMAKE_TIMEOUT_S : Math.min(SNAKEMAKE_TIMEOUT_S, decide));
  const ratio = full.seconds / first.seconds;
  row({ tree, what: "trove vs `snakemake -j 2` (full run)", trove: s(first.seconds), floor: `snakemake ${smkFig(full)}`,
    ratio: `Snakemake ÷ trove ${full.stopped ? "> " : ""}${x2(ratio)}`, goal: `≥ ${SNAKEMAKE_MIN}x`,
    result: full.stopped && ratio < SNAKEMAKE_MIN ? "n/a" : verdict(ratio >= SNAKEMAKE_MIN) });
  if (!full.stopped) {
    const rerun = snakemake(sroot, SNAKEMAKE_TIMEOUT_S);
    info(tree, "trove vs snakemake: no-op rerun", s(noop.seconds), { floor: `snakemake ${smkFig(rerun)}`, ratio: `Snakemake ÷ trove ${x2(rerun.seconds / noop.seconds)}` });
  }
  if (n === 1000) {
    const greedy = smkRun(SNAKEMAKE_TIMEOUT_S, "--scheduler", "greedy");
    info(tree, "trove vs `snakemake -j 2 --scheduler greedy`", s(first.seconds), { floor: `snakemake ${smkFig(greedy)}`,
      ratio: `Snakemake ÷ trove ${greedy.stopped ? "> " : ""}${x2(greedy.seconds / first.seconds)}` });
  }
}

async function main(): Promise<void> {
  rmSync(TRASH, { recursive: true, force: true }); // left by a bench that was stopped
  const env = startBench("run", "snapshot-run");
  const smk = snakemakeVersion();
  console.log(smk.version ? `snakemake ${smk.version} (timeout ${SNAKEMAKE_TIMEOUT_S} s per run)` : "snakemake: not installed (apt-get install snakemake)");
  startupRows();
  info("—", `Snakemake 7.21, 1k jobs, -j 2 (published)`, `${SMK_1K_S} s`, { floor: `greedy ${SMK_1K_GREEDY_S} s`, ratio: `no-op ${SMK_1K_NOOP_S} s`, goal: "(reference)" });
  info("—", "xargs floor per process (published)", `${XARGS_MS} ms`, { goal: "(reference)" });

  const sizes = SIZES ?? [1000, 10_000, ...(LARGE ? [100_000] : [])];
  const began = performance.now();
  let at10k: NoopFigures | undefined;
  for (const n of sizes) {
    const t0 = performance.now();
    try {
      const figures = benchNoop(n);
      if (n === 10_000) at10k = figures;
    } catch (e) {
      row({ tree: `noop × ${label(n)}`, what: "error", trove: (e as Error).message.split("\n")[0].slice(0, 200), floor: "—", ratio: "—", goal: "runs", result: "MISS" });
    }
    if (n <= 10_000) {
      try {
        benchTouch(n, smk);
      } catch (e) {
        row({ tree: `touch × ${label(n)}`, what: "error", trove: (e as Error).message.split("\n")[0].slice(0, 200), floor: "—", ratio: "—", goal: "runs", result: "MISS" });
      }
    }
    console.log(`  (${label(n)} took ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  if (!LARGE && !SIZES && at10k) {
    // 100k repeats the noop measurements only: floor, one first run, 3 + 3 no-op reruns, 2 plans, 10x the work of 10k
    const est = 10 * (2 * at10k.first + 8 * at10k.noop);
    console.log(`\n100k tasks (--large) would take about ${(est / 60).toFixed(0)} min more, from the 10k figures.`);
  }
  const took = (performance.now() - began) / 60_000;
  rmSync(TRASH, { recursive: true, force: true });
  writeResults(RESULTS, "trove run benchmark", env, [
    `N records × one trivial step at \`-j ${JOBS}\`, N = ${sizes.map(label).join(", ")}${LARGE ? "" : " (100k with --large)"}; took ${took.toFixed(1)} min.`,
    `Floor: \`seq N | xargs -P2 -n1 true\`, interleaved with trove's first runs (median of 3 at 1k, 1 above). Trove: whole`,
    `\`node bin/trove.js run -d DIR -j 2\` processes on an indexed tree. First run: DIR/.trove/runs moved aside first, so every`,
    `task runs (median of 3 at 1k, 1 above); it ends with a re-index. Per task = (first run − no-op rerun with pre-index) / N:`,
    `both have startup and one index pass, so what is left is hashing the inputs, running and journaling the tasks.`,
    `No-op reruns: median of 5 (3 at 100k). Planning: \`trove run -n\` peak RSS, once with the journal of a complete run and`,
    `once without one. touch × N: a step with output done/{id} running \`touch\`, the Snakemake workload; trove's figure is`,
    `\`trove run -j 2\` end to end with its pre-index; Snakemake ${smk.version ?? "(not installed)"} runs the Snakefile rule`,
    `\`input: raw/{id}.txt, output: done/{id}, shell: "true; touch {output}"\` with done/ and .snakemake/ moved aside first;`,
    `to the end at 1k, above killed after 10x trove's time or ${SNAKEMAKE_TIMEOUT_S} s (its ILP scheduler takes hours at 10k).`,
  ]);
}

await main();
