// The redis executor against a real redis-server, with in-process workers: same outcomes as the
// local executor, one run per task id, events for the progress bar, abort, a lost server.
// (Workers as processes, SIGKILLed mid-task, are in test/run-redis-cli.test.ts.)

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../../test/helpers.ts";
import { startRedis, type TestRedis } from "../../../test/support/redis.ts";
import type { Executor, ExecutorEvent, TaskOutcome, TaskSpec } from "../executor.ts";
import { LocalExecutor } from "../local-executor.ts";
import { startWorker, type RunningWorker } from "../worker.ts";
import { executorFor } from "./index.ts";
import { RedisExecutor } from "./redis.ts";

function shTask(dir: string, id: string, script: string, extra: Partial<TaskSpec> = {}): TaskSpec {
  return { id, command: ["sh", "-c", script], cwd: dir, env: {}, outputs: {}, logFile: join(dir, "logs", `${id}.log`), ...extra };
}

async function collect(executor: Executor, tasks: TaskSpec[], options: Parameters<LocalExecutor["run"]>[1] = {}): Promise<TaskOutcome[]> {
  const outcomes: TaskOutcome[] = [];
  for await (const o of executor.run(tasks, options)) outcomes.push(o);
  return outcomes.sort((a, b) => a.id.localeCompare(b.id));
}

const comparable = (o: TaskOutcome) => ({ id: o.id, status: o.status, exitCode: o.exitCode, attempts: o.attempts, outputs: o.outputs, message: o.message });

let redis: TestRedis;
let workers: RunningWorker[] = [];
let n = 0;
const queue = () => `q${n}`;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close(true)));
  redis?.stop();
});

async function twoWorkers(): Promise<void> {
  await Promise.all(workers.map((w) => w.close(true)));
  n++;
  workers = await Promise.all([1, 2].map(() => startWorker({ url: redis.url, queue: queue(), concurrency: 2, lockMs: 2000 })));
}

function tasks(dir: string, tag: string): TaskSpec[] {
  return [
    shTask(dir, "ok", `printf hi > "$TROVE_OUTPUT_OUT"`, { outputs: { out: join(dir, "out", "ok.txt") }, stagingKey: `${tag}/ok` }),
    shTask(dir, "fails", "echo boom >&2; exit 3", { retries: 1, stagingKey: `${tag}/fails` }),
    shTask(dir, "lazy", "true", { outputs: { out: join(dir, "out", "lazy.txt") }, stagingKey: `${tag}/lazy` }),
    shTask(dir, "slow", "sleep 5", { timeoutMs: 300, stagingKey: `${tag}/slow` }),
  ];
}

describe("RedisExecutor", () => {
  it("gives the local executor's outcomes, outputs and logs", async () => {
    await twoWorkers();
    const local = tempDir();
    const remote = tempDir();
    const expected = await collect(new LocalExecutor({ concurrency: 2 }), tasks(local, "a"));
    const events: ExecutorEvent[] = [];
    const got = await collect(new RedisExecutor({ url: redis.url, queue: queue() }), tasks(remote, "a"), { onEvent: (e) => events.push(e) });
    expect(got.map(comparable)).toEqual(expected.map((o) => ({ ...comparable(o), outputs: Object.fromEntries(Object.entries(o.outputs).map(([k, p]) => [k, p.replace(local, remote)])) })));
    expect(readFileSync(join(remote, "out", "ok.txt"), "utf8")).toBe("hi");
    expect(existsSync(join(remote, "out", "lazy.txt"))).toBe(false);
    expect(readFileSync(join(remote, "logs", "fails.log"), "utf8")).toMatch(/attempt 2\/2[\s\S]*boom/);
    expect(events.filter((e) => e.kind === "started")).toHaveLength(4);
    const last = events.filter((e) => e.kind === "finished").at(-1)!;
    expect(last.counts).toEqual({ queued: 0, running: 0, done: 1, failed: 3 });
  });

  it("runs a task handed over twice once", async () => {
    await twoWorkers();
    const dir = tempDir();
    const spec = shTask(dir, "once", `echo x >> "${join(dir, "count")}"`, { stagingKey: "b/once" });
    const got = await collect(new RedisExecutor({ url: redis.url, queue: queue() }), [spec, { ...spec }]);
    expect(got.map((o) => o.status)).toEqual(["done"]);
    expect(readFileSync(join(dir, "count"), "utf8")).toBe("x\n");
  });

  it("runs many tasks over both workers", async () => {
    await twoWorkers();
    const dir = tempDir();
    const specs = Array.from({ length: 200 }, (_, i) => shTask(dir, `t${i}`, "true", { stagingKey: `c/${i}` }));
    const got = await collect(await executorFor("redis", { redis: redis.url, queue: queue() }), specs);
    expect(got.filter((o) => o.status === "done")).toHaveLength(200);
  });

  it("on abort, stops the running tasks and drops the waiting ones", async () => {
    await twoWorkers();
    const dir = tempDir();
    const specs = Array.from({ length: 10 }, (_, i) => shTask(dir, `s${i}`, `touch ${i}.up; sleep 30`, { stagingKey: `d/${i}` }));
    const abort = new AbortController();
    const started = Date.now();
    // "started" means a worker took the job; abort once all four processes are running
    const up = () => readdirSync(dir).filter((f) => f.endsWith(".up")).length;
    const watch = setInterval(() => up() === 4 && abort.abort(), 20);
    const got = await collect(new RedisExecutor({ url: redis.url, queue: queue() }), specs, { signal: abort.signal }).finally(() => clearInterval(watch));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(got.map((o) => o.status)).toEqual(["killed", "killed", "killed", "killed"]);
  });

  it("fails clearly when Redis loses the run's jobs", async () => {
    await twoWorkers();
    const dir = tempDir();
    const specs = Array.from({ length: 6 }, (_, i) => shTask(dir, `r${i}`, "sleep 1", { stagingKey: `e/${i}` }));
    const executor = new RedisExecutor({ url: redis.url, queue: queue(), pollMs: 500 });
    const run = collect(executor, specs, { onEvent: (e) => e.kind === "started" && e.counts.running === 1 && void redis.restart() });
    await expect(run).rejects.toThrow(/lost \d+ task\(s\)|unreachable/);
  });
});
