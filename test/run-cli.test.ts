// `trove run`, `trove log`, `trove lineage` and `trove status --steps` through the real binary:
// exit codes, interruption (Ctrl-C, SIGKILL), two runs at once, and a Sinagot workspace.

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { sharedFixture } from "./fixtures.ts";
import { processesWith, runTrove, startTrove, stepDataset, tempDir, waitFor } from "./helpers.ts";

/** Starts `trove run` in the background; resolves with its exit when it ends. */
const startRun = (root: string, ...args: string[]) => startTrove(["run", "-d", root, ...args]);

const journalLines = (root: string) => {
  const file = join(root, ".trove/runs/journal.jsonl");
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
};

describe("trove run (command)", () => {
  it("runs, explains a dry run, reruns nothing, and exits 1 with the log's name when a task fails", () => {
    const root = stepDataset(3, `sh -c 'if grep -q 3 \\"$0\\"; then echo broken record >&2; exit 1; fi; cp \\"$0\\" \\"$1\\"' {in.raw} {out.out}`);
    const dry = runTrove(["run", "-d", root, "-n"]);
    expect(dry.stderr).toBe("");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would run 3 tasks:\n {2}work:R1 {2}new\n/);

    const first = runTrove(["run", "-d", root, "-j", "2", "--keep-going"]);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/ran 3 tasks in [\d.]+ s: 2 done, 1 failed/);
    expect(first.stdout).toMatch(/failed +work:R3 {2}exited with code 1\n +log: trove log work R3/);
    expect(readFileSync(join(root, "out/R1.txt"), "utf8")).toBe("record 1\n");

    const log = runTrove(["log", "work", "R3", "-d", root]);
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(/=== trove: work:R3 attempt 1\/1 .*\nbroken record\n=== trove: work:R3 exited with code 1/);
    expect(runTrove(["log", "work", "R9", "-d", root]).stderr).toMatch(/task work:R9 has not run yet/);

    const again = runTrove(["run", "-d", root, "--json"]);
    const report = JSON.parse(again.stdout);
    expect(report.counts).toMatchObject({ run: 1, upToDate: 2, failed: 1 });
    expect(report.tasks.find((t: { id: string }) => t.id === "work:R3").reasons).toEqual(["last run failed"]);

    const steps = runTrove(["status", "--steps", root]);
    expect(steps.code).toBe(1); // a task in error
    expect(steps.stdout).toMatch(/^work: 2 done, 1 error\n/);
    expect(steps.stdout).toMatch(/\nR1 +done\nR2 +done\nR3 +ERROR\n/);
  });

  it("stops every task on Ctrl-C, records them as killed, and leaves no process or output behind", async () => {
    const marker = `trove-ctrl-c-${process.pid}-${Date.now()}`;
    const root = stepDataset(4, `sh -c 'sleep 30; echo ${marker}' {out.out}`);
    const { child, done } = startRun(root, "-j", "2");
    await waitFor(() => processesWith(marker).split("\n").filter(Boolean).length >= 2);
    child.kill("SIGINT");
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/SIGINT: stopping the running tasks/);
    expect(result.stdout).toMatch(/killed +work:R1 {2}stopped: the run was aborted/);
    expect(processesWith(marker)).toBe("");
    expect(existsSync(join(root, "out/R1.txt"))).toBe(false);
    expect(journalLines(root).map((r) => r.status)).toEqual(["killed", "killed"]);
  });

  it("resumes after a SIGKILL: what finished stays done, nothing half-done counts", async () => {
    const root = stepDataset(8, `sh -c 'sleep 0.3; cp \\"$0\\" \\"$1\\"' {in.raw} {out.out}`);
    const { child, done } = startRun(root, "-j", "2");
    await waitFor(() => journalLines(root).length >= 3);
    child.kill("SIGKILL");
    await done;
    const finished = journalLines(root).filter((r) => r.status === "done").map((r) => r.task);
    expect(finished.length).toBeGreaterThanOrEqual(3);
    expect(finished.length).toBeLessThan(8);
    for (const task of finished) expect(existsSync(join(root, `out/${task.slice(5)}.txt`))).toBe(true);

    const resumed = runTrove(["run", "-d", root, "-j", "2"]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`ran ${8 - finished.length} tasks? in`));
    expect(readdirSync(join(root, "out")).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `R${i + 1}.txt`).sort());
    for (let i = 1; i <= 8; i++) expect(readFileSync(join(root, `out/R${i}.txt`), "utf8")).toBe(`record ${i}\n`);
    expect(runTrove(["run", "-d", root, "-n"]).stdout).toMatch(/^nothing to run/);
  });

  it("refuses a second run on the same dataset while the first is running", async () => {
    // each task waits until the test says go, so the checks below see it running however slow the machine
    const root = stepDataset(2, `sh -c 'while [ ! -e \\"$TROVE_ROOT/go\\" ]; do sleep 0.05; done; cp \\"$0\\" \\"$1\\"' {in.raw} {out.out}`);
    const first = startRun(root);
    await waitFor(() => existsSync(join(root, ".trove/runs/lock")) && existsSync(join(root, ".trove/runs/logs")));
    const second = runTrove(["run", "-d", root]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/\.trove\/runs\/lock is held by trove run \d{8}T\d{6}Z-[0-9a-f]+ \(pid \d+/);
    // meanwhile the status shows what runs now (Sinagot's PROCESSING)
    await waitFor(() => existsSync(join(root, ".trove/runs/logs")) && readdirSync(join(root, ".trove/runs/logs"), { recursive: true }).some((f) => String(f).endsWith(".log")));
    const status = runTrove(["status", "--steps", root]);
    expect(status.stdout).toMatch(/^work: .*\d processing/);
    expect(status.stdout).toMatch(/\nR\d +running\n/);
    writeFileSync(join(root, "go"), "");
    expect((await first.done).code).toBe(0);
    expect(runTrove(["status", "--steps", root]).stdout).toMatch(/^work: 2 done\n/);
  });

  it("answers lineage up and down through two steps", () => {
    const root = stepDataset(1, `cp {in.raw} {out.out}`, `
[steps.twice]
command = "sh -c 'cat \\"$0\\" \\"$0\\" > \\"$1\\"' {in.once} {out.twice}"
inputs = { once = "out/{id}.txt" }
outputs = { twice = "twice/{id}.txt" }
`);
    expect(runTrove(["run", "-d", root]).code).toBe(0);
    const up = runTrove(["lineage", "twice/R1.txt", "-d", root, "--up"]);
    expect(up.stdout).toMatch(/^twice\/R1.txt came from:\n {2}made by twice:R1 \(run [^)]+\)\n {2}from out\/R1.txt\n {4}made by work:R1 .*\n {4}from raw\/R1.txt\n$/);
    const down = runTrove(["lineage", join(root, "raw/R1.txt"), "-d", root, "--down"]);
    expect(down.stdout).toBe("made from raw/R1.txt:\n  work:R1 made:\n    out/R1.txt\n      twice:R1 made:\n        twice/R1.txt\n");
    const sql = runTrove(["query", "-d", root, "--format", "csv", "SELECT path, produced_by FROM files WHERE list_contains(derived_from, 'out/R1.txt')"]);
    expect(sql.stdout).toBe("path,produced_by\ntwice/R1.txt,twice:R1\n");
  });
});

/** Every file below root (but .trove) with its size and mtime. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rel of readdirSync(root, { recursive: true }) as string[]) {
    if (rel.startsWith(".trove") || rel.includes("/.trove")) continue;
    const st = statSync(join(root, rel));
    if (st.isFile()) out.set(rel, `${st.size}:${st.mtimeMs}`);
  }
  return out;
}

describe("a Sinagot workspace", () => {
  const SCRIPTS: Record<string, string> = {
    "EEG/preprocess.py": `from sinagot import ScriptTemplate


class Script(ScriptTemplate):

    PATH_IN = ("MFF", "{id}-{task}.mff")
    PATH_OUT = ("PREPROCESSED", "{id}-{task}-epo.fif.gz")

    def run(self):
        self.logger.info("preprocessing %s", self.path.input.name)
        self.path.output.write_text("epochs of " + self.id + " " + self.task)
`,
    "EEG/alpha.py": `from sinagot import ScriptTemplate


class Script(ScriptTemplate):

    PATH_IN = ("PREPROCESSED", "{id}-{task}-epo.fif.gz")
    PATH_OUT = ("PROCESSED", "{id}", "alpha")

    def run(self):
        self.path.output.write_text(self.path.input.read_text() + " -> alpha")
`,
    "behavior/scores.py": `from sinagot import ScriptTemplate


class Script(ScriptTemplate):

    PATH_IN = ("HDC", "{id}", "Trial1_report.txt")
    PATH_OUT = ("PROCESSED", "{id}", "HDC", "behavior-scores.csv")

    def run(self):
        self.path.output.write_text("score\\n" + str(len(self.path.input.read_text())) + "\\n")
`,
    "behavior/scores_norm.py": `from sinagot import ScriptTemplate


class Script(ScriptTemplate):

    PATH_IN = ("PROCESSED", "{id}", "HDC", "behavior-scores.csv")
    PATH_OUT = ("PROCESSED", "{id}", "HDC", "norm-scores.csv")

    def run(self):
        self.path.output.write_text(self.path.input.read_text())
`,
  };

  it("runs unchanged with trove run, with Sinagot's statuses and log lines", () => {
    const root = join(tempDir(), "sonetaa");
    cpSync(sharedFixture("sinagot/sonetaa"), root, { recursive: true });
    for (const [rel, text] of Object.entries(SCRIPTS)) {
      mkdirSync(dirname(join(root, "scripts", rel)), { recursive: true });
      writeFileSync(join(root, "scripts", rel), text);
    }
    const before = snapshot(root);

    const dry = runTrove(["run", "-d", root, "-n"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would run 11 tasks/);
    expect(dry.stdout).toMatch(/scores:REC-200319-A {2}missing HDC\/REC-200319-A\/Trial1_report.txt/);

    const run = runTrove(["run", "-d", root]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ran 11 tasks in [\d.]+ s: 11 done/);
    const data = join(root, "dataset");
    expect(readFileSync(join(data, "PROCESSED/REC-200320-A/alpha"), "utf8")).toBe("epochs of REC-200320-A RS -> alpha");
    expect(readFileSync(join(data, "PREPROCESSED/REC-200319-A-MMN-epo.fif.gz"), "utf8")).toBe("epochs of REC-200319-A MMN");
    // Sinagot's own JSON log lines, as its scripts would have written them
    const log = readFileSync(join(data, "LOG/REC-200319-A.log"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    expect(log).toContainEqual(expect.objectContaining({ record_id: "REC-200319-A", task: "RS", modality: "EEG", step_label: "preprocess", step_status: 30, message: "Run finished" }));

    const status = runTrove(["query", "-d", root, "--format", "csv", "SELECT task, status, code FROM status WHERE record = 'REC-200319-A' ORDER BY task"]);
    expect(status.stdout).toContain("scores:REC-200319-A,data-not-available,41\n");
    expect(status.stdout).toContain("alpha:REC-200319-A:task=RS,done,30\n");
    expect(runTrove(["run", "-d", root, "-n"]).stdout).toMatch(/^nothing to run/);
    // no file of the lab's was changed: only outputs, LOG lines and .trove were written
    const after = snapshot(root);
    const touched = [...before].filter(([p, stamp]) => after.get(p) !== stamp).map(([p]) => p);
    expect(touched.filter((p) => !/^dataset\/(PREPROCESSED|PROCESSED|LOG)\//.test(p))).toEqual([]);
  });
});
