// The redis section of bench/cluster-bench.ts, and the tree both end-to-end measurements use: N
// trivial tasks through RedisExecutor with two `trove worker -c 1` processes (2 cores: the same 2
// slots as local -j 2), and `trove run --force` over a tree of N records (step `true`) with
// --executor redis, each against the local figures of the same N. Goal: redis <= 2x local.
//
//   npx tsx bench/cluster-bench.ts redis     (BENCH_N=10000 for 10k only)

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TaskSpec } from "../src/run/executor.ts";
import { RedisExecutor } from "../src/run/executors/redis.ts";
import { startRedis } from "../test/support/redis.ts";
import { REPO } from "./measure.ts";

const BIN = join(REPO, "bin/trove.js");

function tasks(root: string, n: number): TaskSpec[] {
  return Array.from({ length: n }, (_, i) => ({ id: `t${i}`, command: ["sh", "-c", ': > "$TROVE_OUTPUT_OUT"'], cwd: root, env: {}, outputs: { out: join(root, "out", `t${i}.txt`) }, logFile: join(root, "logs", `t${i}.log`) }));
}

async function timedExecutor(executor: RedisExecutor, n: number): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), "trove-cluster-bench-"));
  const t0 = performance.now();
  let done = 0;
  for await (const o of executor.run(tasks(root, n))) if (o.status === "done") done++;
  rmSync(root, { recursive: true, force: true });
  if (done !== n) throw new Error(`${done}/${n} tasks done`);
  return (performance.now() - t0) / 1000;
}

/** Runs the built CLI; its wall time in seconds. */
export function timedTrove(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`trove ${args.join(" ")} exited ${r.status}: ${r.stderr.slice(-500)}`);
  return (performance.now() - t0) / 1000;
}

/** A dataset of n records with one trivial step, indexed; made once per n under bench/out/trees. */
export function tree(n: number): string {
  const root = join(REPO, "bench/out/trees", `cluster-${n}`);
  if (!existsSync(join(root, "trove.toml"))) {
    mkdirSync(join(root, "raw"), { recursive: true });
    for (let i = 1; i <= n; i++) writeFileSync(join(root, `raw/R${i}.txt`), "");
    writeFileSync(join(root, "trove.toml"), `[dataset]\nname = "cluster"\n[[layout]]\ntype = "template"\npatterns = ["raw/{id}.txt"]\n[layout.entities]\nid = "R\\\\d+"\n[record]\nid_pattern = "R\\\\d+"\n[steps.noop]\ncommand = "true"\ninputs = { raw = "raw/{id}.txt" }\n`);
  }
  timedTrove(["index", root]);
  return root;
}

export function doneInLastRun(root: string): number {
  const lines = readFileSync(join(root, ".trove/runs/journal.jsonl"), "utf8").trim().split("\n");
  const last = JSON.parse(lines.at(-1)!).run;
  return lines.filter((l) => l.includes(last) && l.includes('"status":"done"')).length;
}

export async function redis(n: number, local: { executor: number; endToEnd: number }): Promise<string[][]> {
  const server = await startRedis();
  const workers = [1, 2].map(() => spawn(process.execPath, [BIN, "worker", "--redis", server.url, "-c", "1", "-q"], { stdio: "ignore" }));
  const rows: string[][] = [];
  const perTask = (s: number) => `${((s / n) * 1000).toFixed(1)} ms/task`;
  const ratio = (r: number, l: number) => `${(r / l).toFixed(2)}x local (goal <= 2x: ${r / l <= 2 ? "PASS" : "MISS"})`;
  try {
    await new Promise((r) => setTimeout(r, 1500)); // the workers connect
    const remote = await timedExecutor(new RedisExecutor({ url: server.url }), n);
    rows.push([`N=${n} redis executor (2 workers x 1)`, `${remote.toFixed(2)} s, ${perTask(remote)}, ${ratio(remote, local.executor)}`]);
    const root = tree(n);
    const r = timedTrove(["run", "-d", root, "--force", "--no-index", "--executor", "redis", "--redis", server.url]);
    if (doneInLastRun(root) !== n) throw new Error("the redis run did not journal every task as done");
    rows.push([`N=${n} trove run end to end --executor redis`, `${r.toFixed(2)} s, ${perTask(r)}, ${ratio(r, local.endToEnd)}`]);
  } finally {
    for (const w of workers) w.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    server.stop();
  }
  return rows;
}
