// The Thot/Syre runner over copies of the fixture projects, with real python3 scripts that use the
// shipped `thot` / `syre` packages: run order, added assets, incremental reruns, failures.
//
//   npx vitest run src/compat/thot/runner.test.ts

import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES_DIR } from "../../../test/fixtures/thot/make.ts";
import { readJournal } from "../../run/journal.ts";
import { ThotProject } from "./index.ts";
import { type ThotRunOptions, type ThotRunReport, runThotProject } from "./runner.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of a fixture project, with a RUN_LOG every script appends a line to. */
function copyFixture(generation: string): { root: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), "trove-thot-run-"));
  dirs.push(dir);
  const root = join(dir, "project");
  cpSync(join(FIXTURES_DIR, generation), root, { recursive: true });
  const log = join(dir, "run.log");
  writeFileSync(log, "");
  return { root, log };
}

const LOG_LINE = (label: string) => `import os\nwith open(os.environ["RUN_LOG"], "a") as f:\n    f.write("${label} " + (os.path.relpath(os.getcwd(), os.environ["TROVE_ROOT"])) + "\\n")\n`;

const PREP_0X = `${LOG_LINE("prep")}from thot import ThotProject
thot = ThotProject()
times = thot.find_assets({"type": "times"})
n = sum(len(open(a.file).read().splitlines()) - 1 for a in times)
path = thot.add_asset({"name": "stats", "type": "stats", "file": "stats.csv", "metadata": {"n": n}})
with open(path, "w") as f:
    f.write(f"n\\n{n}\\n")
`;
const SUMMARY_0X = `${LOG_LINE("summary")}from thot import ThotProject
thot = ThotProject()
stats = thot.find_assets({"type": "stats", "name": "stats"})
path = thot.add_asset({"name": "summary", "file": "summary.txt"})
with open(path, "w") as f:
    f.write(",".join(sorted(os.path.relpath(s.file, os.environ["TROVE_ROOT"]) for s in stats)) + "\\n")
`;

function writeLegacyScripts(root: string): void {
  writeFileSync(join(root, "scripts/times_data_prep.py"), PREP_0X);
  writeFileSync(join(root, "scripts/summary.py"), SUMMARY_0X);
  writeFileSync(join(root, "scripts/plot.py"), LOG_LINE("plot"));
  writeFileSync(join(root, "deg30/test/test.py"), LOG_LINE("test"));
  writeFileSync(join(root, "deg30/test.py"), LOG_LINE("parent-test"));
}

async function run(root: string, log: string, options: ThotRunOptions = {}): Promise<{ report: ThotRunReport; lines: string[] }> {
  const before = readFileSync(log, "utf8").split("\n").filter(Boolean).length;
  process.env.RUN_LOG = log;
  const report = await runThotProject(await ThotProject.open(root), { jobs: 1, ...options });
  const lines = readFileSync(log, "utf8").split("\n").filter(Boolean).slice(before);
  return { report, lines };
}

/** Gone, or a zombie nobody has reaped yet (a container's pid 1 may not): either way it runs no more. */
function processAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

const statuses = (r: ThotRunReport) => Object.fromEntries(r.tasks.map((t) => [t.id, t.status]));

describe("Thot 0.x project", () => {
  let root: string;
  let log: string;
  let first: ThotRunReport;
  let firstLines: string[];
  beforeAll(async () => {
    ({ root, log } = copyFixture("thot-0.x"));
    writeLegacyScripts(root);
    ({ report: first, lines: firstLines } = await run(root, log));
  });

  it("runs children before parents, priority groups in order, skipping autorun false", () => {
    expect(firstLines).toEqual(["prep deg20", "test deg30/test", "parent-test deg30/test", "prep .", "summary ."]);
    expect(first.counts).toMatchObject({ run: 5, done: 5, failed: 0, upToDate: 0 });
    expect(first.warnings).toEqual([]);
  });

  it("moves the assets scripts add into place, as Thot writes them, with inherited metadata seen by the scripts", async () => {
    // deg20/stats was made by this script (its creator says so), so the script may replace it
    const stats = JSON.parse(readFileSync(join(root, "deg20/stats/_asset.json"), "utf8"));
    expect(stats).toMatchObject({ name: "stats", type: "stats", file: "stats.csv", creator_type: "script", creator: join(root, "scripts/times_data_prep.py"), metadata: { n: 2 } });
    expect(readFileSync(join(root, "deg20/stats/stats.csv"), "utf8")).toBe("n\n2\n");
    // the root's script sees every "times" asset of the project; summary (priority 1) sees prep's outputs
    // (deg30/data is the minimal asset, without a type)
    expect(readFileSync(join(root, "stats/stats.csv"), "utf8")).toBe("n\n3\n");
    expect(readFileSync(join(root, "summary/summary.txt"), "utf8")).toBe("deg20/stats/stats.csv,stats/stats.csv\n");
    const project = await ThotProject.open(root);
    expect(project.problems).toEqual([]);
    expect(project.asset("stats")).toMatchObject({ type: "stats", metadata: { location: "Lausanne", n: 3 } });
    // nothing is left of the staging folders
    expect(readFileSync(log, "utf8")).not.toContain("trove-staging");
    expect(existsSync(join(root, "deg20")) && (await import("node:fs")).readdirSync(join(root, "deg20")).some((n) => n.startsWith(".trove"))).toBe(false);
  });

  it("records each execution in the runs table with what it read and added", () => {
    const journal = readJournal(root);
    const prep = journal.lastDone.get("scripts/times_data_prep.py:deg20")!;
    expect(prep.inputs.map((i) => i.path)).toEqual(["deg20/data/data.csv"]);
    expect(prep.outputs.map((o) => o.path)).toEqual(["deg20/stats"]);
    expect(journal.lastDone.get("scripts/summary.py:.")!.inputs.map((i) => i.path)).toContain("stats/stats.csv");
  });

  it("reruns nothing when nothing changed", async () => {
    const { report, lines } = await run(root, log);
    expect(lines).toEqual([]);
    expect(report.counts).toMatchObject({ run: 0, upToDate: 5 });
  });

  it("after editing one asset, reruns exactly the scripts above it", async () => {
    appendFileSync(join(root, "deg30/test/data/data.csv"), "2,0.96\n");
    const { report, lines } = await run(root, log);
    expect(lines).toEqual(["test deg30/test", "parent-test deg30/test", "prep .", "summary ."]);
    expect(statuses(report)["scripts/times_data_prep.py:deg20"]).toBe("up-to-date");
    expect(report.tasks.find((t) => t.id === "deg30/test/test.py:deg30/test")!.reasons).toEqual(["inputs changed"]);
    expect(readFileSync(join(root, "stats/stats.csv"), "utf8")).toBe("n\n4\n");
  });

  it("says why in a dry run, and runs nothing", async () => {
    writeFileSync(join(root, "scripts/summary.py"), SUMMARY_0X + "# edited\n");
    const { report, lines } = await run(root, log, { dryRun: true });
    expect(lines).toEqual([]);
    expect(report.tasks.filter((t) => t.status === "would-run").map((t) => [t.id, t.reasons])).toEqual([["scripts/summary.py:.", ["script changed"]]]);
    writeFileSync(join(root, "scripts/summary.py"), SUMMARY_0X);
  });

  it("runs only the named containers' scripts with `only`, and a named autorun-false script with `scripts`", async () => {
    const { lines } = await run(root, log, { only: new Set(["deg20"]), force: true });
    expect(lines).toEqual(["prep deg20"]);
    const named = await run(root, log, { scripts: ["scripts/plot.py"] });
    expect(named.lines).toEqual(["plot ."]);
  });
});

describe("the no-op fast path", () => {
  it("sees a new asset folder without reading the project, and a touched but unchanged file reruns nothing", async () => {
    const { root, log } = copyFixture("thot-0.x");
    writeLegacyScripts(root);
    await run(root, log);
    expect((await run(root, log)).lines).toEqual([]);
    mkdirSync(join(root, "deg20/more"));
    writeFileSync(join(root, "deg20/more/_asset.json"), JSON.stringify({ type: "times", file: "m.csv" }));
    writeFileSync(join(root, "deg20/more/m.csv"), "trial,time\n1,1.00\n");
    expect((await run(root, log)).lines).toEqual(["prep deg20", "prep .", "summary ."]);
    utimesSync(join(root, "deg20/data/data.csv"), new Date(), new Date());
    const touched = await run(root, log);
    expect(touched.lines).toEqual([]);
    expect(touched.report.counts.upToDate).toBe(5);
  });
});

describe("failures", () => {
  it("a failing script: its group finishes, nothing above runs, the report names the container", async () => {
    const { root, log } = copyFixture("thot-0.x");
    writeLegacyScripts(root);
    writeFileSync(join(root, "deg30/test/test.py"), `${LOG_LINE("test")}raise SystemExit(3)\n`);
    const { report, lines } = await run(root, log, { jobs: 2 });
    const failed = report.tasks.find((t) => t.status === "failed")!;
    expect(failed).toMatchObject({ container: "deg30/test", script: "deg30/test/test.py" });
    expect(failed.message).toMatch(/code 3/);
    expect(lines).not.toContain("prep .");
    expect(statuses(report)["scripts/summary.py:."]).toBe("skipped");

    const going = await run(root, log, { ignoreErrors: true, jobs: 2 });
    // the failed one again, then everything above it
    expect(going.lines).toEqual(expect.arrayContaining(["test deg30/test", "parent-test deg30/test", "prep .", "summary ."]));
    expect(going.report.counts.failed).toBe(1);
  });

  it("a script may not replace an asset it did not make, nor change one", async () => {
    const { root, log } = copyFixture("thot-0.x");
    writeLegacyScripts(root);
    writeFileSync(join(root, "scripts/times_data_prep.py"), `from thot import ThotProject\nThotProject().add_asset({"name": "data", "file": "data.csv"})\n`);
    writeFileSync(join(root, "deg30/test/test.py"), `open("data/data.csv", "a").write("3,1.00\\n")\n`);
    const { report } = await run(root, log, { only: new Set(["deg20", "deg30/test"]), ignoreErrors: true });
    const prep = report.tasks.find((t) => t.id === "scripts/times_data_prep.py:deg20")!;
    expect(prep.status).toBe("failed");
    expect(readFileSync(join(root, prep.log!), "utf8")).toMatch(/already exists in deg20 and was not made by this script; Thot scripts may only add assets/);
    const test = report.tasks.find((t) => t.id === "deg30/test/test.py:deg30/test")!;
    expect(test).toMatchObject({ status: "modified-input" });
    expect(test.message).toMatch(/changed asset deg30\/test\/data/);
  });

  it("a missing script, a timeout that stops the whole process tree, and a half-written asset file are each reported", async () => {
    const { root, log } = copyFixture("thot-0.x");
    writeLegacyScripts(root);
    rmSync(join(root, "deg30/test.py"));
    writeFileSync(join(root, "deg30/test/test.py"), `import subprocess, time\nchild = subprocess.Popen(["sleep", "30"])\nopen("${join(root, "child.pid")}", "w").write(str(child.pid))\ntime.sleep(30)\n`);
    writeFileSync(join(root, "deg20/data/_asset.json"), `{"name": "deg20 times", "type": "ti`);
    const { report } = await run(root, log, { ignoreErrors: true, timeoutSeconds: 1, only: new Set(["deg30/test"]) });
    // the script's own child was stopped with it
    const child = Number(readFileSync(join(root, "child.pid"), "utf8"));
    expect(processAlive(child)).toBe(false);
    expect(statuses(report)).toEqual({ "deg30/test/test.py:deg30/test": "timeout", "deg30/test.py:deg30/test": "failed" });
    expect(report.tasks[1].message).toBe('script deg30/test.py (associated with container deg30/test as "../test.py") does not exist');
    expect(report.warnings.join("\n")).toContain("deg20/data/_asset.json:1:36: not valid JSON (Unterminated string); the file ends early (half-written?)");
  });
});

describe("Syre project", () => {
  it("runs Database scripts bottom-up and adds their assets to assets.json, then reruns nothing", async () => {
    const { root, log } = copyFixture("syre");
    writeFileSync(
      join(root, "analysis/times_data_prep.py"),
      `${LOG_LINE("prep")}from syre import Database\ndb = Database()\ntimes = db.find_assets(type="times")\npath = db.add_asset("stats/mean.csv", name="mean", type="stats", metadata={"n": len(times)})\nopen(path, "w").write(str(len(times)))\n`,
    );
    writeFileSync(join(root, "analysis/summary.py"), `${LOG_LINE("summary")}from syre import Database\nprint(Database().root.name)\n`);
    const { report, lines } = await run(root, log);
    expect(report.counts.failed).toBe(0);
    expect(lines[lines.length - 1]).toBe("summary data");
    const project = await ThotProject.open(root);
    expect(project.problems).toEqual([]);
    const added = project.assets.filter((a) => a.creator === "00000000-0000-4000-8000-000000000101" && a.name === "mean");
    expect(added.length).toBeGreaterThan(0);
    expect(added[0]).toMatchObject({ creator_type: "script", type: "stats" });
    const again = await run(root, log);
    expect(again.lines).toEqual([]);
    expect(again.report.counts.run).toBe(0);
  });
});
