// The cluster executors' benchmark: N trivial tasks (`true`, one output each) through an executor,
// against the local executor in the same run. Each executor is one measurement function in
// MEASUREMENTS below (name -> run it, give figures); add a section per executor.
//
//   npx tsx bench/cluster-bench.ts               # every section, N = 1000
//   BENCH_N=200 npx tsx bench/cluster-bench.ts slurm
//
// redis: see cluster-redis.ts (private redis-server, two `trove worker`s, executor and end to end).
// slurm: starts a private single-node Slurm (scripts/ci/start-slurm.sh, free ports, temp folder)
// and stops it at the end; reports sbatch calls, array elements, total time and time per task.
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
import { redis } from "./cluster-redis.ts";

const N = Number(process.env.BENCH_N ?? 1000);

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

const perTask = (s: number, n: number) => `${((s / n) * 1000).toFixed(1)} ms`;

async function local(): Promise<Figures> {
  const r = await timed(new LocalExecutor({ concurrency: 2 }), N);
  return [["local -j 2: total", `${r.seconds.toFixed(2)} s (${r.done}/${N} done)`], ["local: per task", perTask(r.seconds, N)]];
}

async function slurm(): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), "trove-slurm-bench-"));
  const start = spawnSync(join(REPO, "scripts/ci/start-slurm.sh"), [join(dir, "slurm"), String(await freePort()), String(await freePort())], { encoding: "utf8" });
  if (start.status !== 0) throw new Error(`Slurm did not start: ${start.stderr}`);
  process.env.SLURM_CONF = start.stdout.trim().split("\n").pop();
  const rows: Figures = [];
  try {
    for (const pack of [undefined, 50]) {
      const executor = new SlurmExecutor({ pack, pollMs: 500 });
      const r = await timed(executor, N);
      const label = `slurm --pack ${pack ?? "auto"}`;
      rows.push([`${label}: sbatch calls / array elements`, `${executor.stats.sbatch} / ${executor.stats.elements}`]);
      rows.push([`${label}: total`, `${r.seconds.toFixed(2)} s (${r.done}/${N} done)`], [`${label}: per task`, perTask(r.seconds, N)]);
    }
  } finally {
    spawnSync(join(REPO, "scripts/ci/stop-slurm.sh"), [join(dir, "slurm"), "--rm"], { stdio: "inherit" });
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** One section per executor; the local one is the yardstick. */
const MEASUREMENTS: Record<string, () => Promise<Figures>> = { local, slurm, redis: () => redis(N) };

const wanted = process.argv.slice(2);
const out: string[] = [`# Cluster executors, N = ${N} trivial tasks (${new Date().toISOString()})`, "", "| what | figure |", "|---|---|"];
for (const [name, measure] of Object.entries(MEASUREMENTS)) {
  if (wanted.length && !wanted.includes(name) && name !== "local") continue;
  for (const [what, value] of await measure()) {
    out.push(`| ${what} | ${value} |`);
    process.stdout.write(`${what}: ${value}\n`);
  }
}
mkdirSync(join(REPO, "bench/out"), { recursive: true });
writeFileSync(join(REPO, "bench/out/cluster-results.md"), out.join("\n") + "\n");
