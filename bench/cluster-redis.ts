// The redis section of bench/cluster-bench.ts: N trivial tasks through RedisExecutor with two
// `trove worker -c 1` processes (2 cores: the same 2 slots as local -j 2), and the same end to end
// as `trove run --force` (a tree of N records, step `true`) with -j 2 locally and with
// --executor redis. Goal: redis <= 2x local.
//
//   npx tsx bench/cluster-bench.ts redis     (BENCH_N=10000 for 10k)

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Executor, TaskSpec } from "../src/run/executor.ts";
import { LocalExecutor } from "../src/run/local-executor.ts";
import { RedisExecutor } from "../src/run/executors/redis.ts";
import { startRedis } from "../test/support/redis.ts";
import { REPO } from "./measure.ts";

const BIN = join(REPO, "bin/trove.js");

function tasks(root: string, n: number): TaskSpec[] {
  return Array.from({ length: n }, (_, i) => ({ id: `t${i}`, command: ["sh", "-c", ': > "$TROVE_OUTPUT_OUT"'], cwd: root, env: {}, outputs: { out: join(root, "out", `t${i}.txt`) }, logFile: join(root, "logs", `t${i}.log`) }));
}

async function timed(executor: Executor, n: number): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), "trove-cluster-bench-"));
  const t0 = performance.now();
  let done = 0;
  for await (const o of executor.run(tasks(root, n))) if (o.status === "done") done++;
  rmSync(root, { recursive: true, force: true });
  if (done !== n) throw new Error(`${done}/${n} tasks done`);
  return (performance.now() - t0) / 1000;
}

function trove(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`trove ${args.join(" ")} exited ${r.status}: ${r.stderr.slice(-500)}`);
  return (performance.now() - t0) / 1000;
}

function tree(n: number): string {
  const root = join(REPO, "bench/out/trees", `cluster-${n}`);
  if (!existsSync(join(root, "trove.toml"))) {
    mkdirSync(join(root, "raw"), { recursive: true });
    for (let i = 1; i <= n; i++) writeFileSync(join(root, `raw/R${i}.txt`), "");
    writeFileSync(join(root, "trove.toml"), `[dataset]\nname = "cluster"\n[[layout]]\ntype = "template"\npatterns = ["raw/{id}.txt"]\n[layout.entities]\nid = "R\\\\d+"\n[record]\nid_pattern = "R\\\\d+"\n[steps.noop]\ncommand = "true"\ninputs = { raw = "raw/{id}.txt" }\n`);
  }
  trove(["index", root]);
  return root;
}

function doneInLastRun(root: string): number {
  const lines = readFileSync(join(root, ".trove/runs/journal.jsonl"), "utf8").trim().split("\n");
  const last = JSON.parse(lines.at(-1)!).run;
  return lines.filter((l) => l.includes(last) && l.includes('"status":"done"')).length;
}

export async function redis(n: number): Promise<string[][]> {
  const server = await startRedis();
  const workers = [1, 2].map(() => spawn(process.execPath, [BIN, "worker", "--redis", server.url, "-c", "1", "-q"], { stdio: "ignore" }));
  const rows: string[][] = [];
  const ratio = (r: number, l: number) => `${(r / l).toFixed(2)}x local (goal <= 2x: ${r / l <= 2 ? "PASS" : "MISS"})`;
  try {
    await new Promise((r) => setTimeout(r, 1500)); // the workers connect
    const local = await timed(new LocalExecutor({ concurrency: 2 }), n);
    const remote = await timed(new RedisExecutor({ url: server.url }), n);
    rows.push(["redis executor (2 workers x 1): total", `${remote.toFixed(2)} s, ${ratio(remote, local)} (local here ${local.toFixed(2)} s)`]);
    const root = tree(n);
    trove(["run", "-d", root, "--force", "--no-index", "-j", "2"]); // warm-up
    const l = trove(["run", "-d", root, "--force", "--no-index", "-j", "2"]);
    const r = trove(["run", "-d", root, "--force", "--no-index", "--executor", "redis", "--redis", server.url]);
    if (doneInLastRun(root) !== n) throw new Error("the redis run did not journal every task as done");
    rows.push(["trove run end to end: local -j 2", `${l.toFixed(2)} s`], ["trove run end to end: --executor redis", `${r.toFixed(2)} s, ${ratio(r, l)}`]);
  } finally {
    for (const w of workers) w.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    server.stop();
  }
  return rows;
}
