// The local executor against real processes (sh is always there): the pool's bound, staged
// outputs, timeouts and aborts that reach grandchildren, retries, logs, and commands that do not exist.
//
//   npx vitest run src/run

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { ExecutorError, type ExecutorEvent, type TaskOutcome, type TaskSpec } from "./executor.ts";
import { LocalExecutor } from "./local-executor.ts";

/** A task running `sh -c script` in `dir`, logging to dir/logs/<id>.log. */
function shTask(dir: string, id: string, script: string, extra: Partial<TaskSpec> = {}): TaskSpec {
  return { id, command: ["sh", "-c", script], cwd: dir, env: {}, outputs: {}, logFile: join(dir, "logs", `${id}.log`), ...extra };
}

async function collect(executor: LocalExecutor, tasks: TaskSpec[], options: Parameters<LocalExecutor["run"]>[1] = {}): Promise<TaskOutcome[]> {
  const outcomes: TaskOutcome[] = [];
  for await (const o of executor.run(tasks, options)) outcomes.push(o);
  return outcomes;
}

/** Alive and not a zombie: PID 1 here reaps orphans only about once a second, and a zombie still answers kill(pid, 0). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Signals take a moment to land after kill() returns; a grandchild nobody killed would live 30 s. */
async function expectGone(pidFile: string): Promise<void> {
  const pid = Number(readFileSync(pidFile, "utf8"));
  expect(pid).toBeGreaterThan(0);
  await waitFor(() => !isRunning(pid), 2000);
}


const grandchildScript = (pidFile: string) => `sleep 30 & echo $! > ${pidFile}; wait`;

// Every behaviour holds for every way of starting processes: the python and perl launchers, Node's spawn.
describe.each(["python", "perl", "node"] as const)("LocalExecutor (spawner %s)", { timeout: 5000 }, (spawner) => {
  it("never runs more tasks at once than its concurrency, and uses all of it", async () => {
    const dir = tempDir();
    const times = join(dir, "times");
    const tasks = Array.from({ length: 6 }, (_, i) => shTask(dir, `t${i}`, `echo "$(date +%s%N) 1" >> ${times}; sleep 0.2; echo "$(date +%s%N) -1" >> ${times}`));
    const events: ExecutorEvent[] = [];
    const outcomes = await collect(new LocalExecutor({ concurrency: 2, spawner }), tasks, { onEvent: (e) => events.push(e) });

    expect(outcomes.map((o) => o.status)).toEqual(Array(6).fill("done"));
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(6);
    const marks = readFileSync(times, "utf8").trim().split("\n").map((l) => l.split(" ").map(BigInt));
    marks.sort((a, b) => (a[0] === b[0] ? Number(a[1] - b[1]) : a[0] < b[0] ? -1 : 1)); // an end before a start at a tie
    let running = 0;
    let most = 0;
    for (const [, delta] of marks) most = Math.max(most, (running += Number(delta)));
    expect(most).toBe(2);
    expect(Math.max(...events.map((e) => e.counts.running))).toBe(2);
    expect(events.at(-1)).toMatchObject({ kind: "finished", counts: { queued: 0, running: 0, done: 6, failed: 0 } });
  });

  it("moves outputs into place only after the task succeeded", async () => {
    const dir = tempDir();
    const final = join(dir, "out", "deep", "result.txt");
    const wrote = join(dir, "wrote");
    const script = `echo "$TROVE_OUTPUTS" > $TROVE_OUTPUT_RESULT.map; printf new > "$TROVE_OUTPUT_RESULT"; touch ${wrote}; sleep 0.3`;
    const run = collect(new LocalExecutor({ spawner }), [shTask(dir, "a", script, { outputs: { result: final } })]);
    await waitFor(() => existsSync(wrote));
    expect(existsSync(final)).toBe(false);
    const [staging] = readdirSync(join(dir, "out", "deep"));
    expect(staging).toMatch(/^\.trove-staging-[0-9a-f]+$/);
    expect(readFileSync(join(dir, "out", "deep", staging, "result.txt"), "utf8")).toBe("new");

    const [outcome] = await run;
    expect(outcome).toMatchObject({ status: "done", exitCode: 0, attempts: 1, outputs: { result: final } });
    expect(readFileSync(final, "utf8")).toBe("new");
    expect(readdirSync(join(dir, "out", "deep"))).toEqual(["result.txt"]); // staging (and the stray .map) gone
  });

  it("keeps the previous output when a task fails after writing", async () => {
    const dir = tempDir();
    const final = join(dir, "result.txt");
    writeFileSync(final, "old");
    const [outcome] = await collect(new LocalExecutor({ spawner }), [shTask(dir, "a", `printf new > "$TROVE_OUTPUT_RESULT"; exit 1`, { outputs: { result: final } })]);
    expect(outcome).toMatchObject({ status: "failed", exitCode: 1, attempts: 1, outputs: {}, message: "exited with code 1" });
    expect(readFileSync(final, "utf8")).toBe("old");
    expect(readdirSync(dir).sort()).toEqual(["logs", "result.txt"]);
  });

  it("moves nothing when a task exits 0 without writing every output", async () => {
    const dir = tempDir();
    const outputs = { first: join(dir, "first.txt"), second: join(dir, "second.txt") };
    writeFileSync(outputs.second, "old");
    const [outcome] = await collect(new LocalExecutor({ spawner }), [shTask(dir, "a", `printf new > "$TROVE_OUTPUT_SECOND"`, { outputs })]);
    expect(outcome.status).toBe("missing-outputs");
    expect(outcome.exitCode).toBe(0);
    expect(outcome.message).toMatch(/output first\b/);
    expect(existsSync(outputs.first)).toBe(false);
    expect(readFileSync(outputs.second, "utf8")).toBe("old");
    expect(readdirSync(dir).sort()).toEqual(["logs", "second.txt"]);
  });

  it("kills the whole process group on a timeout, and does not retry it", async () => {
    const dir = tempDir();
    const pidFile = join(dir, "pid");
    const began = Date.now();
    const [outcome] = await collect(new LocalExecutor({ spawner }), [shTask(dir, "a", grandchildScript(pidFile), { timeoutMs: 300, retries: 2 })]);
    expect(outcome).toMatchObject({ status: "timeout", attempts: 1, exitCode: null, signal: "SIGTERM" });
    expect(Date.now() - began).toBeLessThan(2000);
    await expectGone(pidFile);
  });

  it("sends SIGKILL after the grace period when the group ignores SIGTERM", async () => {
    const dir = tempDir();
    const pidFile = join(dir, "pid");
    const began = Date.now();
    const script = `trap "" TERM; ${grandchildScript(pidFile)}`;
    const [outcome] = await collect(new LocalExecutor({ killGraceMs: 300, spawner }), [shTask(dir, "a", script, { timeoutMs: 200 })]);
    const took = Date.now() - began;
    expect(outcome).toMatchObject({ status: "timeout", signal: "SIGKILL" });
    expect(took).toBeGreaterThanOrEqual(500);
    expect(took).toBeLessThan(2500);
    await expectGone(pidFile);
  });

  it("stops running tasks on abort, yields them as killed, and starts no more", async () => {
    const dir = tempDir();
    const controller = new AbortController();
    const pidFiles = [0, 1, 2].map((i) => join(dir, `pid${i}`));
    const tasks = pidFiles.map((p, i) => shTask(dir, `t${i}`, grandchildScript(p)));
    const onEvent = (e: ExecutorEvent) => {
      if (e.kind === "started" && e.counts.running === 2) setTimeout(() => controller.abort(), 300);
    };
    const began = Date.now();
    const outcomes = await collect(new LocalExecutor({ concurrency: 2, spawner }), tasks, { signal: controller.signal, onEvent });
    expect(Date.now() - began).toBeLessThan(2000);
    expect(outcomes.map((o) => [o.id, o.status]).sort()).toEqual([["t0", "killed"], ["t1", "killed"]]);
    expect(existsSync(pidFiles[2])).toBe(false);
    for (const p of pidFiles.slice(0, 2)) await expectGone(p);
  });

  it("kills running tasks when the caller stops reading early", async () => {
    const dir = tempDir();
    const pidFile = join(dir, "pid");
    const tasks = [shTask(dir, "quick", "true"), shTask(dir, "slow", grandchildScript(pidFile))];
    const began = Date.now();
    for await (const o of new LocalExecutor({ concurrency: 2, spawner }).run(tasks)) {
      expect(o.id).toBe("quick");
      await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").endsWith("\n"));
      break;
    }
    expect(Date.now() - began).toBeLessThan(2000); // leaving the loop waits for the kill, not for sleep 30
    await expectGone(pidFile);
  });

  it("keeps starting tasks while the caller is busy with an outcome", async () => {
    const dir = tempDir();
    const tasks = [0, 1, 2, 3].map((i) => shTask(dir, `t${i}`, `touch ran${i}`));
    for await (const _ of new LocalExecutor({ concurrency: 2, spawner }).run(tasks)) {
      await waitFor(() => [0, 1, 2, 3].every((i) => existsSync(join(dir, `ran${i}`))), 2000);
      break;
    }
  });

  it("yields what finished, then throws, when the task source fails", async () => {
    const dir = tempDir();
    async function* source() {
      yield shTask(dir, "first", "true");
      await new Promise((r) => setTimeout(r, 50));
      throw new Error("catalog went away");
    }
    const seen: string[] = [];
    await expect(async () => {
      for await (const o of new LocalExecutor({ spawner }).run(source())) seen.push(`${o.id} ${o.status}`);
    }).rejects.toThrow("catalog went away");
    expect(seen).toEqual(["first done"]);
  });

  it("replaces a folder output as a whole", async () => {
    const dir = tempDir();
    const final = join(dir, "frames");
    mkdirSync(final);
    writeFileSync(join(final, "old.png"), "old");
    const script = `mkdir "$TROVE_OUTPUT_FRAMES" && printf new > "$TROVE_OUTPUT_FRAMES/new.png"`;
    const [outcome] = await collect(new LocalExecutor({ spawner }), [shTask(dir, "a", script, { outputs: { frames: final } })]);
    expect(outcome.status).toBe("done");
    expect(readdirSync(final)).toEqual(["new.png"]);
    expect(readdirSync(dir).sort()).toEqual(["frames", "logs"]);
  });

  it("retries a failing task, up to the given number of extra attempts", async () => {
    const dir = tempDir();
    const script = (counter: string) => `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; test "$TROVE_ATTEMPT" = $n && test $n -ge 3`;
    const outcomes = await collect(new LocalExecutor({ spawner }), [
      shTask(dir, "enough", script(join(dir, "c1")), { retries: 5 }),
      shTask(dir, "too-few", script(join(dir, "c2")), { retries: 1 }),
    ]);
    const byId = Object.fromEntries(outcomes.map((o) => [o.id, o]));
    expect(byId.enough).toMatchObject({ status: "done", attempts: 3 });
    expect(byId["too-few"]).toMatchObject({ status: "failed", attempts: 2, exitCode: 1 });
    expect(readFileSync(join(dir, "c1"), "utf8").trim()).toBe("3");
    expect(readFileSync(join(dir, "c2"), "utf8").trim()).toBe("2");
  });

  it("appends stdout and stderr to the log after a header per attempt", async () => {
    const dir = tempDir();
    const task = shTask(dir, "a", `echo to-stdout; echo to-stderr >&2; test "$TROVE_ATTEMPT" = 2`, { retries: 1 });
    mkdirSync(join(dir, "logs"));
    writeFileSync(task.logFile, "earlier run\n");
    const [outcome] = await collect(new LocalExecutor({ spawner }), [task]);
    expect(outcome).toMatchObject({ status: "done", attempts: 2 });
    const log = readFileSync(task.logFile, "utf8");
    expect(log.startsWith("earlier run\n")).toBe(true);
    expect(log.match(/^=== trove: a attempt \d\/2 at /gm)).toHaveLength(2);
    expect(log.match(/^to-stdout$/gm)).toHaveLength(2);
    expect(log.match(/^to-stderr$/gm)).toHaveLength(2);
    expect(log).toMatch(/exited with code 1 after/);
  });

  it("reports a command that does not exist as a failed task naming it", async () => {
    const dir = tempDir();
    const task = { ...shTask(dir, "a", ""), command: ["trove-no-such-interpreter", "script.py"], retries: 3 };
    const [outcome] = await collect(new LocalExecutor({ spawner }), [task]);
    expect(outcome).toMatchObject({ status: "failed", exitCode: null, attempts: 1 });
    expect(outcome.message).toContain("trove-no-such-interpreter");
    expect(outcome.message).toMatch(/not found/);
    expect(readFileSync(task.logFile, "utf8")).toContain("trove-no-such-interpreter");
  });

  it("runs any interpreter: a python step finds its outputs in TROVE_OUTPUTS", async () => {
    const dir = tempDir();
    const final = join(dir, "n.json");
    const code = "import json, os; open(json.loads(os.environ['TROVE_OUTPUTS'])['n'], 'w').write(os.environ['RECORD'])";
    const task = { ...shTask(dir, "py", ""), command: ["python3", "-c", code], env: { RECORD: "REC-1" }, outputs: { n: final } };
    const [outcome] = await collect(new LocalExecutor({ spawner }), [task]);
    expect(outcome.status).toBe("done");
    expect(readFileSync(final, "utf8")).toBe("REC-1");
  });

  it("says when a script's #! interpreter is missing", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "step.py"), "#!/nonexistent/python3\nprint(1)\n", { mode: 0o755 });
    const [outcome] = await collect(new LocalExecutor({ spawner }), [{ ...shTask(dir, "a", ""), command: ["./step.py"] }]);
    expect(outcome).toMatchObject({ status: "failed", message: "cannot run ./step.py: its #! interpreter does not exist" });
  });

  it("refuses a pool of no processes", () => {
    expect(() => new LocalExecutor({ concurrency: 0 })).toThrow(ExecutorError);
  });

  it("rejects a spec it cannot run as written without running it", async () => {
    const dir = tempDir();
    const outcomes = await collect(new LocalExecutor({ spawner }), [
      shTask(dir, "relative", "touch ran", { outputs: { out: "out.txt" } }),
      shTask(dir, "elsewhere", "true", { cwd: join(dir, "missing") }),
    ]);
    const byId = Object.fromEntries(outcomes.map((o) => [o.id, o]));
    expect(byId.relative).toMatchObject({ status: "failed", attempts: 0 });
    expect(byId.relative.message).toMatch(/not an absolute path/);
    expect(byId.elsewhere.message).toMatch(/working folder .*missing does not exist/);
    expect(existsSync(join(dir, "ran"))).toBe(false);
  });
});

describe("the process launcher", () => {
  it("falls back to its perl helper when python3 cannot run it, and loses no task", async () => {
    const dir = tempDir();
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "python3"), "#!/bin/sh\nexit 3\n", { mode: 0o755 }); // a python3 too old for posix_spawn
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const tasks = Array.from({ length: 5 }, (_, i) => shTask(dir, `t${i}`, `echo ran $0`));
      const outcomes = await collect(new LocalExecutor({ concurrency: 2, spawner: "python" }), tasks);
      expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill("done"));
    } finally {
      process.env.PATH = path;
    }
  });

  it.each(["python", "perl"] as const)("starts a task with every signal at its default and none blocked (%s)", async (spawner) => {
    const dir = tempDir();
    const task = shTask(dir, "a", "grep -E '^Sig(Ign|Blk)' /proc/self/status");
    task.command = ["grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"];
    const [outcome] = await collect(new LocalExecutor({ spawner }), [task]);
    expect(outcome.status).toBe("done");
    const mask = (name: string) => BigInt(`0x${readFileSync(task.logFile, "utf8").match(new RegExp(`^${name}:\\s+([0-9a-f]+)`, "m"))![1]}`);
    expect(mask("SigBlk")).toBe(0n);
    // glibc's own signals 32 and 33 (below SIGRTMIN) are left ignored by posix_spawn: no program can use them
    expect(mask("SigIgn") & ~0x180000000n).toBe(0n);
  });
});
