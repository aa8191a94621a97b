// `trove run --executor redis` with two `trove worker` processes and a real redis-server: the same
// runs table as a local run, a worker SIGKILLed mid-task, Redis restarted mid-run.
// Needs the built CLI (`node build.mjs`, which `npm test` runs first).

import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sharedFixture } from "./fixtures.ts";
import { runTrove, stepDataset, tempDir, troveBin } from "./helpers.ts";
import { startRedis, type TestRedis } from "./support/redis.ts";


const journal = (root: string) => {
  const file = join(root, ".trove/runs/journal.jsonl");
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
};

let redis: TestRedis;
const workers: { child: ChildProcess; log: () => string }[] = [];

function startWorker(queue: string): { child: ChildProcess; log: () => string } {
  const child = spawn(process.execPath, [troveBin, "worker", "--redis", redis.url, "--queue", queue, "-c", "2", "--lock-ms", "1500"], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.on("data", (d) => (log += d));
  const w = { child, log: () => log };
  workers.push(w);
  return w;
}

async function waitFor(check: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function runAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [troveBin, ...args], { env: { ...process.env, CI: "true" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

let queueN = 0;
async function twoWorkers() {
  const queue = `cli${queueN++}`;
  const ws = [startWorker(queue), startWorker(queue)];
  await waitFor(() => ws.every((w) => /worker \d+ on/.test(w.log())));
  return { queue, ws };
}

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(() => {
  for (const w of workers.splice(0)) w.child.kill("SIGKILL");
});
afterAll(() => redis?.stop());

describe("trove run --executor redis", () => {
  it("writes the runs table a local run writes", async () => {
    const { queue } = await twoWorkers();
    const remote = stepDataset(8, `sh -c 'sleep 0.1; cp \\"$0\\" \\"$1\\"' {in.raw} {out.out}`);
    const local = tempDir();
    cpSync(remote, local, { recursive: true });
    const l = runTrove(["run", "-d", local, "-j", "2"]);
    expect(l.code).toBe(0);
    const r = await runAsync(["run", "-d", remote, "--executor", "redis", "--redis", redis.url, "--queue", queue]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const shape = (root: string) => journal(root).map((row) => ({ task: row.task, status: row.status, exit_code: row.exit_code, attempts: row.attempts, fingerprint: row.fingerprint, outputs: row.outputs.map((o: { path: string; hash?: string }) => o.path) })).sort((a, b) => a.task.localeCompare(b.task));
    expect(shape(remote)).toEqual(shape(local));
    expect(readdirSync(join(remote, "out")).sort()).toEqual(readdirSync(join(local, "out")).sort());
    expect(readFileSync(join(remote, "out/R3.txt"), "utf8")).toBe("record 3\n");
    // up to date now: nothing to run, either way
    expect(runTrove(["run", "-d", remote, "--executor", "redis", "--redis", redis.url, "--queue", queue, "--json"]).stdout).toMatch(/"run": 0/);
  });

  it("a worker SIGKILLed mid-task: the task runs again elsewhere, once done", async () => {
    const { queue, ws } = await twoWorkers();
    const root = stepDataset(4, `sh -c 'echo x >> \\"$0.tries\\"; sleep 1; cp \\"$0\\" \\"$1\\"' {in.raw} {out.out}`);
    const run = runAsync(["run", "-d", root, "--executor", "redis", "--redis", redis.url, "--queue", queue]);
    await waitFor(() => /start work:R\d/.test(ws[0].log()));
    const victim = /start work:(R\d)/.exec(ws[0].log())![1];
    await waitFor(() => existsSync(join(root, `raw/${victim}.txt.tries`))); // its process is running
    ws[0].child.kill("SIGKILL");
    const r = await run;
    expect(r.code).toBe(0);
    const rows = journal(root);
    expect(rows.filter((row) => row.status === "done").map((row) => row.task).sort()).toEqual(["work:R1", "work:R2", "work:R3", "work:R4"]);
    expect(rows).toHaveLength(4);
    for (let i = 1; i <= 4; i++) expect(readFileSync(join(root, `raw/R${i}.txt.tries`), "utf8").length).toBeLessThanOrEqual(4); // at most twice
    expect(readFileSync(join(root, `raw/${victim}.txt.tries`), "utf8")).toBe("x\nx\n"); // ran again on the other worker
  });

  it("a SIGKILLed worker's task process, still running, cannot write into the retry's outputs", async () => {
    const { queue, ws } = await twoWorkers();
    // attempt 1 outlives its worker and keeps appending to its output; the retry writes its own
    const root = stepDataset(1, "sh work.sh {in.raw} {out.out}");
    writeFileSync(
      join(root, "work.sh"),
      `echo x >> "$1.tries"
if [ "$(wc -l < "$1.tries")" -eq 1 ]; then
  echo $$ > "$1.orphan"
  i=0; while [ $i -lt 100 ]; do echo orphan >> "$2" 2>/dev/null; i=$((i+1)); sleep 0.1; done
  exit 0
fi
echo retry > "$2"; sleep 1; echo done >> "$2"
`,
    );
    const run = runAsync(["run", "-d", root, "--executor", "redis", "--redis", redis.url, "--queue", queue]);
    await waitFor(() => ws.some((w) => /start work:R1/.test(w.log())));
    const holder = ws.find((w) => /start work:R1/.test(w.log()))!;
    const other = ws.find((w) => w !== holder)!;
    await waitFor(() => existsSync(join(root, "raw/R1.txt.orphan")));
    holder.child.kill("SIGKILL");
    const orphan = Number(readFileSync(join(root, "raw/R1.txt.orphan"), "utf8"));
    try {
      const r = await run;
      expect(r.code).toBe(0);
      expect(other.log()).toMatch(/start work:R1 \(attempt 2\)/);
      expect(readFileSync(join(root, "out/R1.txt"), "utf8")).toBe("retry\ndone\n");
      // the dead attempt's staging folder went with the retry, and the retry's own after its move
      expect(readdirSync(join(root, "out")).filter((f) => f.startsWith(".trove-staging-"))).toEqual([]);
      expect(journal(root).filter((row) => row.status === "done")).toHaveLength(1);
    } finally {
      try {
        process.kill(orphan, "SIGKILL");
      } catch {
        // ended by itself
      }
    }
  });

  it("Redis restarted mid-run: the run fails clearly, and the next one runs what is left", async () => {
    const { queue } = await twoWorkers();
    const root = stepDataset(12, `sh -c 'sleep 0.5; cp \\"$0\\" \\"$1\\"' {in.raw} {out.out}`);
    const run = runAsync(["run", "-d", root, "--executor", "redis", "--redis", redis.url, "--queue", queue]);
    await waitFor(() => journal(root).length >= 2);
    await redis.restart();
    const r = await run;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+ (lost|has been unreachable)/);
    const before = journal(root).filter((row) => row.status === "done").length;
    expect(before).toBeLessThan(12);
    const again = await runAsync(["run", "-d", root, "--executor", "redis", "--redis", redis.url, "--queue", queue, "--json"]);
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout);
    expect(report.counts.done).toBe(12 - before);
    expect(readdirSync(join(root, "out"))).toHaveLength(12);
  });
});

describe("a Sinagot workspace with [run] mode = \"dask\"", () => {
  /** minimal_mode's two steps, with [run] and [dask] as given. */
  function workspace(runSection: string): string {
    const root = join(tempDir(), "minimal");
    cpSync(sharedFixture("sinagot/minimal_mode"), root, { recursive: true });
    const script = (pathIn: string, pathOut: string) => `from sinagot import ScriptTemplate\n\n\nclass Script(ScriptTemplate):\n\n    PATH_IN = ${pathIn}\n    PATH_OUT = ${pathOut}\n\n    def run(self):\n        self.path.output.write_text(self.path.input.read_text() + "+")\n`;
    for (const [name, text] of Object.entries({ "first_step.py": script(`("RAW", "{id}.txt")`, `("OUT", "{id}-first.txt")`), "next_step.py": script(`("OUT", "{id}-first.txt")`, `("OUT", "{id}-next.txt")`) })) {
      mkdirSync(dirname(join(root, "scripts", name)), { recursive: true });
      writeFileSync(join(root, "scripts", name), text);
    }
    const toml = readFileSync(join(root, "workspace.toml"), "utf8").replace(/\[run\][^[]*/, runSection);
    writeFileSync(join(root, "workspace.toml"), toml);
    return root;
  }

  it("with a redis:// cluster address runs on the workers, and says so", async () => {
    const { queue, ws } = await twoWorkers();
    const root = workspace(`[run]\nmode = "dask"\n[dask.scheduler]\ntype = "distributed"\n[dask.cluster]\naddress = "${redis.url}"\n\n`);
    const r = await runAsync(["run", "-d", root, "--queue", queue]);
    expect(r.stderr).toBe(`trove: workspace.toml: [run] mode = "dask" with cluster.address = ${redis.url}: using --executor redis on that server (start \`trove worker --redis ${redis.url}\` on each machine)\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ran 4 tasks in [\d.]+ s: 4 done/);
    expect(ws.map((w) => w.log()).join("")).toMatch(/done next_step:REC-042/); // ran on a worker
    expect(readFileSync(join(root, "dataset/OUT/REC-042-next.txt"), "utf8")).toBe(readFileSync(join(root, "dataset/RAW/REC-042.txt"), "utf8") + "++");
  });

  it("with a Dask scheduler's address fails, naming the flags to pass; --executor overrides it", () => {
    const root = workspace(`[run]\nmode = "dask"\n[dask.cluster]\naddress = "tcp://127.0.0.1:8786"\n\n`);
    const r = runTrove(["run", "-d", root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^trove: workspace.toml: \[run\] mode = "dask" with cluster.address = "tcp:\/\/127.0.0.1:8786": trove does not use a Dask scheduler; pass --executor redis/);
    const local = runTrove(["run", "-d", root, "--executor", "local"]);
    expect(local.stderr).toBe("");
    expect(local.code).toBe(0);
  });
});

describe("trove worker: bad input", () => {
  it("says which Redis it cannot reach, without the password, and exits 2", () => {
    const r = runTrove(["worker", "--redis", "redis://user:s3cret@127.0.0.1:1"], { timeout: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("trove: cannot reach Redis at redis://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n");
  });
});
