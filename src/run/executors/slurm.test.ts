// The Slurm executor against a real single-node Slurm (test/setup/slurm.ts): the same outcomes and
// runs table as a local run, packing, a failing task among others, an outside scancel, Ctrl-C.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../../test/helpers.ts";
import { slurm, slurmCommand } from "../../../test/support/slurm.ts";
import { indexDataset } from "../../catalog/indexer.ts";
import { loadConfig } from "../../config/load.ts";
import { Dataset } from "../../dataset/dataset.ts";
import type { TaskOutcome, TaskSpec } from "../executor.ts";
import { defaultDriver, SlurmExecutor, type SlurmExecutorOptions } from "./slurm.ts";

const CONFIG = `
[dataset]
name = "t"
[[layout]]
type = "template"
patterns = ["raw/{id}/{id}-{task}.txt"]
[layout.entities]
id = "R\\\\d+"
task = "RS|MMN"
[record]
id_pattern = "R\\\\d+"
[tasks.RS]
modalities = ["text"]
[tasks.MMN]
modalities = ["text"]

[steps.clean]
command = "sh scripts/clean.sh {in.raw} {out.clean}"
inputs = { raw = "raw/{id}/{id}-{task}.txt" }
outputs = { clean = "derived/{id}/{id}-{task}-clean.txt" }
modalities = ["text"]
code = ["scripts/clean.sh"]

[steps.summary]
command = "sh -c 'echo \\"$2: $(wc -c < \\"$0\\")\\" > \\"$1\\"' {in.rs} {out.summary} {params.label}"
inputs = { rs = "derived/{id}/{id}-RS-clean.txt" }
outputs = { summary = "derived/{id}/{id}-summary.txt" }
params = { label = "bytes" }
`;

const CLEAN = `#!/bin/sh
if grep -q FAIL "$1"; then echo "bad input $1" >&2; exit 3; fi
tr a-z A-Z < "$1" > "$2"
`;

// quick polls: the test cluster answers at once
const FAST: SlurmExecutorOptions = { pollMs: 150, gatherMs: 100, settleMs: 300 };

beforeAll(() => {
  slurm();
});

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const ds of opened.splice(0)) ds.close();
});

function makeDataset(): string {
  const root = tempDir();
  writeFileSync(join(root, "trove.toml"), CONFIG);
  mkdirSync(join(root, "scripts"));
  writeFileSync(join(root, "scripts/clean.sh"), CLEAN);
  for (const id of ["R1", "R2", "R3", "R4"]) {
    for (const task of ["RS", "MMN"]) {
      mkdirSync(join(root, "raw", id), { recursive: true });
      writeFileSync(join(root, `raw/${id}/${id}-${task}.txt`), id === "R3" && task === "MMN" ? "FAIL\n" : `${id} ${task} data\n`);
    }
  }
  return root;
}

async function open(root: string) {
  await indexDataset(await loadConfig(root));
  const ds = await Dataset.open(root);
  opened.push(ds);
  return ds;
}

function specs(root: string, n: number, command: (i: number) => string): TaskSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    command: ["sh", "-c", command(i)],
    cwd: root,
    env: {},
    outputs: { out: join(root, "out", `t${i}.txt`) },
    logFile: join(root, "logs", `t${i}.log`),
  }));
}

async function collect(executor: SlurmExecutor, tasks: TaskSpec[], options = {}): Promise<Map<string, TaskOutcome>> {
  const outcomes = new Map<string, TaskOutcome>();
  for await (const o of executor.run(tasks, options)) outcomes.set(o.id, o);
  return outcomes;
}

/** A log path with its run id taken out, to compare two runs. */
const sameRun = (log: string | null) => log?.replace(/\/logs\/[^/]+\//, "/logs/RUN/") ?? null;
const queued = (jobId: string) => slurmCommand("squeue", ["-h", "-r", "-j", jobId, "-o", "%i %T"]).trim();

describe("SlurmExecutor", () => {
  it("runs a dataset's steps with the outcomes and runs table of a local run, a failing task among others", async () => {
    const local = makeDataset();
    const remote = makeDataset();
    const a = await (await open(local)).run({ jobs: 2, keepGoing: true });
    const executor = new SlurmExecutor({ ...FAST, pack: 2 });
    const b = await (await open(remote)).run({ executor, keepGoing: true });

    const results = (r: typeof a) => r.results.map(({ id, status, message, log }) => ({ id, status, message, log: sameRun(log) })).sort((x, y) => x.id.localeCompare(y.id));
    expect(results(b)).toEqual(results(a));
    expect(b.counts).toMatchObject({ done: 11, failed: 1, skipped: 0 });
    expect(b.counts).toEqual(a.counts);
    // two waves (clean, then the summaries whose input is ready), packed two tasks per element
    expect(executor.stats.sbatch).toBeGreaterThanOrEqual(2);
    expect(executor.stats.elements).toBeLessThan(12);

    const sql = "SELECT task, step, record, unit, status, exit_code, attempts, message, log FROM runs ORDER BY task";
    const rows = async (root: string) => (await (await open(root)).query(sql)).map((r) => ({ ...r, log: sameRun(r.log as string) }));
    expect(await rows(remote)).toEqual(await rows(local));
    for (const rel of ["derived/R1/R1-RS-clean.txt", "derived/R4/R4-summary.txt"]) expect(readFileSync(join(remote, rel), "utf8")).toBe(readFileSync(join(local, rel), "utf8"));
    expect(existsSync(join(remote, "derived/R3/R3-MMN-clean.txt"))).toBe(false);
    expect(readFileSync(join(remote, b.results.find((r) => r.status === "failed")!.log!), "utf8")).toMatch(/bad input .*R3-MMN.txt/);
  });

  it("packs 20 tasks into 4 elements of one job array with --pack 5", async () => {
    const root = tempDir();
    const executor = new SlurmExecutor({ ...FAST, pack: 5 });
    const outcomes = await collect(executor, specs(root, 20, (i) => `echo ${i} > "$TROVE_OUTPUT_OUT"`));
    expect([...outcomes.values()].map((o) => o.status)).toEqual(Array(20).fill("done"));
    expect(executor.stats).toMatchObject({ sbatch: 1, elements: 4 });
    const lines = slurmCommand("scontrol", ["show", "job", executor.stats.jobIds[0], "-o"]).trim().split("\n");
    expect(lines.map((l) => /ArrayTaskId=(\S+)/.exec(l)?.[1]).sort()).toEqual(["0", "1", "2", "3"]);
    expect(readFileSync(join(root, "out/t17.txt"), "utf8")).toBe("17\n");
  });

  it("without --pack, packs by the partition's CPUs (sinfo), and by the step's measured task time", async () => {
    const cpus = Number(slurmCommand("sinfo", ["-h", "-o", "%C"]).trim().split("\n")[0].split("/")[3]);
    expect(cpus).toBeGreaterThan(0);
    const n = 24;
    // task time unknown: 2 elements per CPU
    const first = new SlurmExecutor(FAST);
    const a = await collect(first, specs(tempDir(), n, () => `: > "$TROVE_OUTPUT_OUT"`));
    expect([...a.values()].every((o) => o.status === "done")).toBe(true);
    expect(first.stats).toMatchObject({ sbatch: 1, elements: Math.ceil(n / Math.ceil(n / (2 * cpus))) });
    // the journal says the step's tasks take 10 ms: one element per CPU
    const root = tempDir();
    mkdirSync(join(root, ".trove/runs"), { recursive: true });
    writeFileSync(join(root, ".trove/runs/journal.jsonl"), JSON.stringify({ run: "r0", task: "tiny:x", step: "tiny", status: "done", seconds: 0.01 }) + "\n");
    const second = new SlurmExecutor(FAST);
    const b = await collect(second, specs(root, n, () => `: > "$TROVE_OUTPUT_OUT"`).map((s) => ({ ...s, env: { TROVE_STEP: "tiny" } })));
    expect([...b.values()].every((o) => o.status === "done")).toBe(true);
    expect(second.stats).toMatchObject({ sbatch: 1, elements: Math.ceil(n / Math.ceil(n / cpus)) });
  });

  it("reports an element cancelled from outside (scancel) as failed, not done", async () => {
    const root = tempDir();
    const executor = new SlurmExecutor({ ...FAST, pack: 1 });
    const started: string[] = [];
    const run = collect(executor, specs(root, 3, () => `sleep 60; echo > "$TROVE_OUTPUT_OUT"`), { onEvent: (e: { kind: string; id?: string }) => e.kind === "started" && started.push(e.id!) });
    await waitFor(() => started.length >= 1);
    slurmCommand("scancel", [executor.stats.jobIds[0]]);
    const outcomes = await run;
    expect(outcomes.size).toBe(3);
    for (const o of outcomes.values()) {
      expect(o.status).toBe("failed");
      expect(o.message).toMatch(/cancelled outside trove|ended CANCELLED/);
    }
    expect(existsSync(join(root, "out/t0.txt"))).toBe(false);
  });

  it("an element that dies reports its tasks failed with the job log; the other elements finish", async () => {
    const root = tempDir();
    // the driver of element 1 is replaced by a crash; element 0 runs normally
    const executor = new SlurmExecutor({ ...FAST, pack: 2, driver: ["sh", "-c", `for a; do last=$a; done; if [ "$last" = 1 ]; then echo driver crashed >&2; exit 7; fi; exec "$0" "$@"`, ...defaultDriver()] });
    const outcomes = await collect(executor, specs(root, 4, (i) => `echo ${i} > "$TROVE_OUTPUT_OUT"`));
    expect(outcomes.get("t0")?.status).toBe("done");
    expect(outcomes.get("t1")?.status).toBe("done");
    expect(outcomes.get("t2")).toMatchObject({ status: "failed", message: expect.stringMatching(/ended FAILED \(exit code 7\) before the task started; job log: /) });
    expect(readFileSync(join(root, "logs/t2.log"), "utf8")).toMatch(/driver crashed/);
  });

  it("stops every element on abort (Ctrl-C): running tasks killed, nothing left in the queue", async () => {
    const root = tempDir();
    const executor = new SlurmExecutor({ ...FAST, pack: 1 });
    const stop = new AbortController();
    const started: string[] = [];
    const run = collect(executor, specs(root, 4, () => `sleep 60; echo > "$TROVE_OUTPUT_OUT"`), { signal: stop.signal, onEvent: (e: { kind: string; id?: string }) => e.kind === "started" && started.push(e.id!) });
    await waitFor(() => started.length >= 2);
    stop.abort();
    const outcomes = await run;
    // every task that started is killed (on a loaded machine a third may start before the abort
    // lands); the ones that never started get no outcome
    const statuses = [...outcomes.values()].map((o) => o.status);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(statuses, JSON.stringify([...outcomes.values()].map((o) => [o.status, o.message]))).toEqual(statuses.map(() => "killed"));
    expect(statuses.length).toBe(new Set(started).size);
    expect(queued(executor.stats.jobIds[0])).toBe("");
  });
});

async function waitFor(check: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}
