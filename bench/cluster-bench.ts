// The cluster executors' benchmark, at N = 1k and 10k trivial tasks (`true`-like, one output each):
// each executor on its own (executor.run over bare task specs) and end to end (`trove run --force`
// over a tree of N records), against the local executor with the same 2 slots. Each executor is
// one measurement function in MEASUREMENTS below (name, N -> figures).
//
//   npm run bench:cluster                          # every section, N = 1000 then 10000
//   BENCH_N=200 npx tsx bench/cluster-bench.ts slurm
//
// redis: see cluster-redis.ts (private redis-server, two `trove worker`s). slurm: a private
// single-node Slurm (scripts/ci/start-slurm.sh, free ports, temp folder), stopped at the end;
// reports sbatch calls, array elements, total time, time per task and the ratio to local.
// Writes bench/out/cluster-results.md.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Executor, TaskSpec } from "../src/run/executor.ts";
import { LocalExecutor } from "../src/run/local-executor.ts";
import { SlurmExecutor } from "../src/run/executors/slurm.ts";
import { freePort } from "../test/setup/servers.ts";
import { REPO } from "./measure.ts";
import { doneInLastRun, redis, timedTrove, tree } from "./cluster-redis.ts";

const SIZES = (process.env.BENCH_N ?? "1000,10000").split(",").map(Number);

function tasks(root: string, n: number): TaskSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    command: ["sh", "-c", ': > "$TROVE_OUTPUT_OUT"'],
    cwd: root,
    env: {},
    outputs: { out: join(root, "out", `t${i}.txt`) },
    logFile: join(root, "logs", `t${i}.log`),
  }));
}

async function timed(executor: Executor, n: number): Promise<{ seconds: number; done: number }> {
  const root = mkdtempSync(join(tmpdir(), "trove-cluster-bench-"));
  const t0 = performance.now();
  let done = 0;
  for await (const o of executor.run(tasks(root, n))) if (o.status === "done") done++;
  const seconds = (performance.now() - t0) / 1000;
  rmSync(root, { recursive: true, force: true });
  return { seconds, done };
}

type Figures = string[][]; // rows: what, value

const perTask = (s: number, n: number) => `${((s / n) * 1000).toFixed(1)} ms/task`;
const ratio = (s: number, local: number) => `${(s / local).toFixed(2)}x local`;
/** The local figures of each N, the yardstick of the other sections. */
const yardstick = new Map<number, { executor: number; endToEnd: number }>();

async function local(n: number): Promise<Figures> {
  const r = await timed(new LocalExecutor({ concurrency: 2 }), n);
  const root = tree(n);
  timedTrove(["run", "-d", root, "--force", "--no-index", "-j", "2"]); // warm-up
  const e2e = timedTrove(["run", "-d", root, "--force", "--no-index", "-j", "2"]);
  yardstick.set(n, { executor: r.seconds, endToEnd: e2e });
  return [
    [`N=${n} local -j 2: executor`, `${r.seconds.toFixed(2)} s (${r.done}/${n} done), ${perTask(r.seconds, n)}`],
    [`N=${n} local -j 2: trove run end to end`, `${e2e.toFixed(2)} s, ${perTask(e2e, n)}`],
  ];
}

let slurmConf: string | undefined;
let slurmDir: string | undefined;
async function startSlurm(): Promise<void> {
  if (slurmConf) return;
  slurmDir = mkdtempSync(join(tmpdir(), "trove-slurm-bench-"));
  const start = spawnSync(join(REPO, "scripts/ci/start-slurm.sh"), [join(slurmDir, "slurm"), String(await freePort()), String(await freePort())], { encoding: "utf8" });
  if (start.status !== 0) throw new Error(`Slurm did not start: ${start.stderr}`);
  slurmConf = start.stdout.trim().split("\n").pop()!;
  process.env.SLURM_CONF = slurmConf; // for this process's executor and the `trove run` children
}
function stopSlurm(): void {
  if (!slurmDir) return;
  spawnSync(join(REPO, "scripts/ci/stop-slurm.sh"), [join(slurmDir, "slurm"), "--rm"], { stdio: "inherit" });
  rmSync(slurmDir, { recursive: true, force: true });
}

async function slurm(n: number): Promise<Figures> {
  await startSlurm();
  const base = yardstick.get(n)!;
  const rows: Figures = [];
  // --pack 50 (the earlier bench's best) is compared at 1k only: at 10k it is 200 elements, minutes
  for (const pack of n <= 1000 ? [undefined, 50] : [undefined]) {
    const executor = new SlurmExecutor({ pack, pollMs: 500 });
    const r = await timed(executor, n);
    const label = `N=${n} slurm executor --pack ${pack ?? `auto (${executor.stats.packs.join(",")})`}`;
    rows.push([`${label}: sbatch calls / array elements`, `${executor.stats.sbatch} / ${executor.stats.elements}`]);
    rows.push([`${label}: total`, `${r.seconds.toFixed(2)} s (${r.done}/${n} done), ${perTask(r.seconds, n)}, ${ratio(r.seconds, base.executor)}`]);
  }
  const root = tree(n);
  const e2e = timedTrove(["run", "-d", root, "--force", "--no-index", "--executor", "slurm"]);
  if (doneInLastRun(root) !== n) throw new Error("the slurm run did not journal every task as done");
  rows.push([`N=${n} trove run end to end --executor slurm (auto pack)`, `${e2e.toFixed(2)} s, ${perTask(e2e, n)}, ${ratio(e2e, base.endToEnd)}`]);
  return rows;
}

/** One section per executor; the local one is the yardstick, always measured first. */
const MEASUREMENTS: Record<string, (n: number) => Promise<Figures>> = { local, slurm, redis: (n) => redis(n, yardstick.get(n)!) };

const wanted = process.argv.slice(2);
const out: string[] = [`# Cluster executors, N = ${SIZES.join(", ")} trivial tasks, 2 slots (${new Date().toISOString()})`, "", "| what | figure |", "|---|---|"];
try {
  for (const n of SIZES) {
    for (const [name, measure] of Object.entries(MEASUREMENTS)) {
      if (wanted.length && !wanted.includes(name) && name !== "local") continue;
      for (const [what, value] of await measure(n)) {
        out.push(`| ${what} | ${value} |`);
        process.stdout.write(`${what}: ${value}\n`);
      }
    }
  }
} finally {
  stopSlurm();
}
mkdirSync(join(REPO, "bench/out"), { recursive: true });
writeFileSync(join(REPO, "bench/out/cluster-results.md"), out.join("\n") + "\n");
