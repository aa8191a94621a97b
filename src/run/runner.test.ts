import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { loadConfig } from "../config/load.ts";
import { indexDataset } from "../catalog/indexer.ts";
import { Dataset } from "../dataset/dataset.ts";
import { LockedError } from "../errors.ts";
import { acquireLock } from "../fsutil/lock.ts";
import { readJournal, runsDir } from "./journal.ts";
import { planRun, type RunReport } from "./runner.ts";
import type { DuckDB } from "../catalog/duckdb.ts";

// A small Sinagot-like dataset: raw/{id}/{id}-{task}.txt for tasks RS and MMN, a `clean` step per
// record × task (upper-cases the text), and a per-record `summary` of the RS clean file.
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
# fails on purpose for inputs saying FAIL, so tests can make one task fail
if grep -q FAIL "$1"; then echo "bad input $1" >&2; exit 3; fi
tr a-z A-Z < "$1" > "$2"
`;

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const ds of opened.splice(0)) ds.close();
});

function makeDataset(records: Record<string, string[]>, config = CONFIG): string {
  const root = tempDir();
  writeFileSync(join(root, "trove.toml"), config);
  mkdirSync(join(root, "scripts"));
  writeFileSync(join(root, "scripts/clean.sh"), CLEAN);
  for (const [id, tasks] of Object.entries(records)) {
    for (const task of tasks) write(root, `raw/${id}/${id}-${task}.txt`, `${id} ${task} data\n`);
  }
  return root;
}

function write(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

async function open(root: string) {
  await indexDataset(await loadConfig(root));
  const ds = await Dataset.open(root);
  opened.push(ds);
  return ds;
}

/** Runs once with a fresh view of the catalog, as `trove run` does. */
async function run(root: string, options: Parameters<Awaited<ReturnType<typeof open>>["run"]>[0] = {}): Promise<RunReport> {
  const ds = await open(root);
  return ds.run({ jobs: 2, ...options });
}

const reasons = (r: RunReport) => Object.fromEntries(r.plan.tasks.filter((t) => t.selected && t.decision === "run").map((t) => [t.id, t.reasons.join(", ")]));
const read = (root: string, rel: string) => readFileSync(join(root, rel), "utf8");

describe("trove run", () => {
  it("runs each task once in dependency order, and a second run does nothing", async () => {
    const root = makeDataset({ R1: ["RS", "MMN"], R2: ["RS", "MMN"] });
    const first = await run(root);
    expect(first.counts).toMatchObject({ run: 6, done: 6, failed: 0, upToDate: 0 });
    expect(read(root, "derived/R1/R1-RS-clean.txt")).toBe("R1 RS DATA\n");
    expect(read(root, "derived/R2/R2-summary.txt")).toBe("bytes: 11\n");
    // summary came after the clean task it reads
    const ended = Object.fromEntries(readJournal(root).lastDone.entries());
    expect(ended["summary:R1"].started >= ended["clean:R1:task=RS"].ended).toBe(true);
    const second = await run(root);
    expect(second.counts).toMatchObject({ run: 0, upToDate: 6 });
    expect(second.results).toEqual([]);
  });

  it("reruns what changed, says why, and reruns what is downstream", async () => {
    const root = makeDataset({ R1: ["RS", "MMN"], R2: ["RS"] });
    await run(root);

    write(root, "raw/R1/R1-RS.txt", "R1 RS new data\n");
    expect(reasons(await run(root, { dryRun: true }))).toEqual({ "clean:R1:task=RS": "inputs changed", "summary:R1": "upstream reran (clean:R1:task=RS)" });
    await run(root);
    expect(read(root, "derived/R1/R1-summary.txt")).toBe("bytes: 15\n");

    // a touched file with the same content is not a change
    utimesSync(join(root, "raw/R2/R2-RS.txt"), new Date(), new Date(Date.now() + 5000));
    expect((await run(root, { dryRun: true })).counts.run).toBe(0);

    writeFileSync(join(root, "scripts/clean.sh"), `${CLEAN}\n# v2\n`);
    expect(Object.values(reasons(await run(root, { dryRun: true, steps: ["clean"] })))).toEqual(["code changed", "code changed", "code changed"]);
    writeFileSync(join(root, "scripts/clean.sh"), CLEAN);

    writeFileSync(join(root, "trove.toml"), CONFIG.replace('label = "bytes"', 'label = "size"'));
    // the label is in the command line too
    expect(reasons(await run(root, { dryRun: true }))).toEqual({ "summary:R1": "params changed, command changed", "summary:R2": "params changed, command changed" });
    writeFileSync(join(root, "trove.toml"), CONFIG);

    rmSync(join(root, "derived/R2/R2-summary.txt"));
    writeFileSync(join(root, "derived/R1/R1-MMN-clean.txt"), "edited by hand\n");
    expect(reasons(await run(root, { dryRun: true }))).toEqual({
      "clean:R1:task=MMN": "output clean changed since it was made",
      "summary:R2": "output summary missing",
    });
    expect(Object.values(reasons(await run(root, { dryRun: true, force: true, steps: ["summary"] })))).toEqual(["forced", "forced"]);
  });

  it("reports missing inputs as data not available, not as errors", async () => {
    const root = makeDataset({ R1: ["RS", "MMN"], R2: ["MMN"] });
    const report = await run(root);
    expect(report.counts).toMatchObject({ done: 4, failed: 0, notAvailable: 1, waiting: 1 });
    const r2 = report.plan.byId.get("clean:R2:task=RS")!;
    expect(r2.decision).toBe("data-not-available");
    expect(r2.reasons[0]).toMatch(/missing raw\/R2\/R2-RS.txt/);
    // summary of R2 reads a clean output that cannot be made: Sinagot's "init"
    expect(report.plan.byId.get("summary:R2")!.decision).toBe("waiting");
    const ds = await open(root);
    const status = await ds.query("SELECT task, status, code FROM status ORDER BY task");
    expect(status).toContainEqual({ task: "clean:R2:task=RS", status: "data-not-available", code: 41 });
    expect(status).toContainEqual({ task: "summary:R2", status: "init", code: 0 });
    expect(status).toContainEqual({ task: "summary:R1", status: "done", code: 30 });
  });

  it("keeps the previous outputs of a failed task, skips its downstream, and stops unless told to keep going", async () => {
    const root = makeDataset({ R1: ["RS"], R2: ["RS"], R3: ["RS"] });
    await run(root);
    write(root, "raw/R1/R1-RS.txt", "FAIL\n");
    write(root, "raw/R2/R2-RS.txt", "r2 changed\n");
    write(root, "raw/R3/R3-RS.txt", "r3 changed\n");

    const stopped = await run(root, { jobs: 1 });
    expect(stopped.results.find((r) => r.id === "clean:R1:task=RS")).toMatchObject({ status: "failed", message: "exited with code 3" });
    expect(read(root, "derived/R1/R1-RS-clean.txt")).toBe("R1 RS DATA\n"); // the last good output
    expect(stopped.results.find((r) => r.id === "summary:R1")).toMatchObject({ status: "skipped", message: expect.stringMatching(/upstream clean:R1:task=RS/) });
    // the pool may have started the next task as the failure came in; nothing after that
    expect(stopped.counts.done + stopped.counts.failed).toBeLessThanOrEqual(2);
    expect(stopped.counts.skipped).toBeGreaterThanOrEqual(3);
    const log = read(root, stopped.results.find((r) => r.id === "clean:R1:task=RS")!.log!);
    expect(log).toMatch(/bad input .*R1-RS.txt/);

    const going = await run(root, { keepGoing: true });
    expect(going.counts).toMatchObject({ failed: 1, skipped: 1 });
    expect(read(root, "derived/R3/R3-summary.txt")).toBe("bytes: 11\n");
    const ds = await open(root);
    expect(await ds.query("SELECT status FROM status WHERE task = 'clean:R1:task=RS'")).toEqual([{ status: "error" }]);
    expect(await ds.query("SELECT count(*)::INT AS n FROM runs WHERE status = 'failed'")).toEqual([{ n: 2 }]);
  });

  it("tells each task everything in a JSON task file and env vars", async () => {
    const root = makeDataset({ R1: ["RS"] }, `${CONFIG}
[steps.dump]
command = "sh -c 'cat \\"$TROVE_TASK\\" > \\"$TROVE_OUTPUT_TASK\\"; env | grep ^TROVE_ | sort > \\"$0\\"' {out.env}"
inputs = { raw = "raw/{id}/{id}-{task}.txt" }
outputs = { task = "dump/{id}-{task}.json", env = "dump/{id}-{task}.env" }
tasks = ["RS"]
params = { threshold = 0.5 }
env = { MY_SETTING = "on" }
`);
    await run(root, { steps: ["dump"] });
    const task = JSON.parse(read(root, "dump/R1-RS.json"));
    expect(task).toMatchObject({
      trove_task: 1,
      id: "dump:R1:task=RS",
      step: "dump",
      record: "R1",
      entities: { record: "R1", id: "R1", task: "RS" },
      root,
      inputs: { raw: join(root, "raw/R1/R1-RS.txt") },
      final_outputs: { task: join(root, "dump/R1-RS.json"), env: join(root, "dump/R1-RS.env") },
      params: { threshold: 0.5 },
    });
    expect(task.outputs.task).toMatch(/\/dump\/\.trove-staging-[0-9a-f]+\/R1-RS\.json$/);
    const env = read(root, "dump/R1-RS.env");
    expect(env).toContain(`TROVE_INPUT_RAW=${join(root, "raw/R1/R1-RS.txt")}`);
    expect(env).toContain("TROVE_RECORD=R1");
    expect(env).toContain("TROVE_STEP=dump");
    expect(env).toMatch(/TROVE_OUTPUT_ENV=.*\.trove-staging-/);
    expect(readdirSync(join(root, "dump")).sort()).toEqual(["R1-RS.env", "R1-RS.json"]); // no staging left
  });

  it("fails clearly on a missing interpreter, a missing code file, a hang and a script that edits its input", async () => {
    const root = makeDataset({ R1: ["RS"] }, `${CONFIG}
[steps.nointerp]
command = "no-such-interpreter-x {in.raw} {out.o}"
inputs = { raw = "raw/{id}/{id}-RS.txt" }
outputs = { o = "o/{id}-a" }
[steps.shebang]
command = "./scripts/bad.sh {out.o}"
outputs = { o = "o/{id}-b" }
[steps.nocode]
command = "true {out.o}"
outputs = { o = "o/{id}-c" }
code = ["scripts/missing.py"]
[steps.hang]
command = "sh -c 'sleep 30' {out.o}"
outputs = { o = "o/{id}-d" }
timeout = 0.3
[steps.editor]
command = "sh -c 'echo x >> \\"$0\\"; echo y > \\"$1\\"' {in.raw} {out.o}"
inputs = { raw = "raw/{id}/{id}-MMN.txt" }
outputs = { o = "o/{id}-e" }
`);
    write(root, "raw/R1/R1-MMN.txt", "mmn\n");
    write(root, "scripts/bad.sh", "#!/no/such/shell\necho hi\n");
    chmodSync(join(root, "scripts/bad.sh"), 0o755);
    const started = Date.now();
    const report = await run(root, { keepGoing: true, steps: ["nointerp", "shebang", "nocode", "hang", "editor"] });
    expect(Date.now() - started).toBeLessThan(10_000);
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r]));
    expect(byId["nointerp:R1"].message).toMatch(/no-such-interpreter-x: command not found on PATH/);
    expect(byId["shebang:R1"].message).toMatch(/its #! interpreter does not exist/);
    expect(report.plan.byId.get("nocode:R1")).toMatchObject({ decision: "blocked", reasons: ["code file missing: scripts/missing.py"] });
    expect(byId["hang:R1"]).toMatchObject({ status: "timeout", message: "timed out after 0.3 s" });
    expect(byId["editor:R1"]).toMatchObject({ status: "modified-input", message: expect.stringMatching(/changed its input raw/) });
    expect(report.counts.done).toBe(0);
  });

  it("warns about files a script writes outside its declared outputs", async () => {
    const root = makeDataset({ R1: ["RS"] }, `${CONFIG}
[steps.sloppy]
command = "sh -c 'echo side > side-effect.txt; echo ok > \\"$0\\"' {out.o}"
outputs = { o = "o/{id}.txt" }
`);
    const report = await run(root, { steps: ["sloppy"] });
    expect(report.counts.done).toBe(1);
    expect(report.warnings.join("\n")).toMatch(/no task declared as an output .*side-effect\.txt/);
  });

  it("refuses a second run while one holds the dataset, naming the holder", async () => {
    const root = makeDataset({ R1: ["RS"] });
    const ds = await open(root);
    mkdirSync(runsDir(root), { recursive: true });
    const lock = acquireLock(join(runsDir(root), "lock"), "trove run");
    try {
      await expect(ds.run()).rejects.toThrow(LockedError);
      await expect(ds.run()).rejects.toThrow(/held by trove run \(pid \d+/);
      expect((await ds.run({ dryRun: true })).counts.run).toBe(2); // planning needs no lock
    } finally {
      lock.release();
    }
  });

  it("puts outputs in the catalog with the task and inputs they come from", async () => {
    const root = makeDataset({ R1: ["RS"] });
    await run(root);
    const ds = await open(root);
    const rows = await ds.query("SELECT path, record, task, layout, produced_by, derived_from FROM files WHERE produced_by IS NOT NULL ORDER BY path");
    expect(rows).toEqual([
      { path: "derived/R1/R1-RS-clean.txt", record: "R1", task: "RS", layout: "step", produced_by: "clean:R1:task=RS", derived_from: ["raw/R1/R1-RS.txt"] },
      { path: "derived/R1/R1-summary.txt", record: "R1", task: null, layout: "step", produced_by: "summary:R1", derived_from: ["derived/R1/R1-RS-clean.txt"] },
    ]);
    // an output edited by hand no longer claims to be the step's
    writeFileSync(join(root, "derived/R1/R1-summary.txt"), "hand-made\n");
    const after = await open(root);
    expect(await after.query("SELECT produced_by FROM files WHERE path = 'derived/R1/R1-summary.txt'")).toEqual([{ produced_by: null }]);
  });

  it("takes a folder as an output, and lineage and provenance cover the files inside it", async () => {
    const root = makeDataset({ R1: ["RS"] }, `${CONFIG}
[steps.frames]
command = "sh -c 'mkdir \\"$1\\" && cp \\"$0\\" \\"$1/a.txt\\" && cp \\"$0\\" \\"$1/b.txt\\"' {in.raw} {out.frames}"
inputs = { raw = "raw/{id}/{id}-RS.txt" }
outputs = { frames = "frames/{id}.d" }
`);
    expect((await run(root, { steps: ["frames"] })).counts.done).toBe(1);
    const ds = await open(root);
    expect(await ds.query("SELECT path, produced_by FROM files WHERE path LIKE 'frames/%' ORDER BY path")).toEqual([
      { path: "frames/R1.d/a.txt", produced_by: "frames:R1" },
      { path: "frames/R1.d/b.txt", produced_by: "frames:R1" },
    ]);
    expect((await run(root, { steps: ["frames"], dryRun: true })).counts.upToDate).toBe(1);
    writeFileSync(join(root, "frames/R1.d/b.txt"), "edited\n");
    expect(reasons(await run(root, { steps: ["frames"], dryRun: true }))).toEqual({ "frames:R1": "output frames changed since it was made" });
  });

  it("runs a scope: a record, or the steps of one task", async () => {
    const root = makeDataset({ R1: ["RS", "MMN"], R2: ["RS", "MMN"] });
    const ds = await open(root);
    const one = await (await ds.get("R2")).run();
    expect(one.results.map((r) => r.id).sort()).toEqual(["clean:R2:task=MMN", "clean:R2:task=RS", "summary:R2"]);
    const mmn = await ds.scope({ task: "MMN" }).run();
    expect(mmn.results.map((r) => r.id).sort()).toEqual(["clean:R1:task=MMN"]);
    const statuses = await ds.stepStatus();
    expect(statuses.rows.filter((r) => r.status === "data-ready").map((r) => r.task).sort()).toEqual(["clean:R1:task=RS", "summary:R1"]);
  });

  it("scopes a step by SQL over the files table, and retries a flaky task", async () => {
    const root = makeDataset({ R1: ["RS"], R2: ["RS", "MMN"] }, `${CONFIG}
[steps.pairs]
command = "sh -c 'c=attempts-$TROVE_RECORD; n=$(cat $c 2>/dev/null || echo 0); echo $((n+1)) > $c; [ $n -ge 1 ] && echo ok > \\"$0\\"' {out.o}"
outputs = { o = "pairs/{id}.txt" }
where = "record IN (SELECT record FROM files GROUP BY record HAVING count(*) > 1)"
retries = 2
`);
    const report = await run(root, { steps: ["pairs"] });
    expect(report.results.map((r) => [r.id, r.status])).toEqual([["pairs:R2", "done"]]);
    expect(readJournal(root).lastDone.get("pairs:R2")?.attempts).toBe(2); // failed once, then made it
  });

  it("plans a no-op rerun from file identities alone, and falls back to the full planner on any change", async () => {
    const root = makeDataset({ R1: ["RS", "MMN"], R2: ["MMN"] });
    await run(root);
    const plan = async () => {
      const ds = await open(root);
      const db = (ds as unknown as { session: { db: DuckDB } }).session.db;
      return planRun(ds.config, { generation: ds.manifest.generation, db: async () => db });
    };
    await run(root); // the catalog generation moved after the first run: this one caches the tasks again
    const quick = await plan();
    expect(quick.quick).toBe(true);
    expect(quick.plan.tasks.map((t) => [t.id, t.decision]).sort()).toEqual([
      ["clean:R1:task=MMN", "up-to-date"], ["clean:R1:task=RS", "up-to-date"], ["clean:R2:task=MMN", "up-to-date"],
      ["clean:R2:task=RS", "data-not-available"], ["summary:R1", "up-to-date"], ["summary:R2", "waiting"],
    ]);
    // touched, same content: the quick keys fail, the full planner says up to date and renews them
    utimesSync(join(root, "raw/R1/R1-RS.txt"), new Date(), new Date(Date.now() + 5000));
    const full = await plan();
    expect(full.quick).toBe(false);
    expect(full.plan.tasks.filter((t) => t.decision === "run")).toEqual([]);
    await run(root);
    expect((await plan()).quick).toBe(true);
    // the missing input arrives: the task runs
    write(root, "raw/R2/R2-RS.txt", "late\n");
    const late = await run(root, { dryRun: true });
    expect(reasons(late)).toEqual({ "clean:R2:task=RS": "new", "summary:R2": "upstream reran (clean:R2:task=RS)" });
  });

  it("leaves no staging folder behind, even from a run that was killed", async () => {
    const root = makeDataset({ R1: ["RS"] });
    // what a SIGKILLed run leaves: a staging folder with a half-written output
    write(root, "derived/R1/.trove-staging-0123456789abcdef/R1-RS-clean.txt", "half");
    await run(root);
    expect(readdirSync(join(root, "derived/R1")).sort()).toEqual(["R1-RS-clean.txt", "R1-summary.txt"]);
    expect(existsSync(join(root, "derived/R1/.trove-staging-0123456789abcdef"))).toBe(false);
  });
});
