// The `trove` command as a user runs it: the real binary, real folders, exit codes and output.

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { sharedFixture } from "./fixtures.ts";
import { runTrove, tempDir, troveBin } from "./helpers.ts";

let demo: string;

beforeAll(() => {
  demo = join(tempDir(), "sonetaa");
  const run = runTrove(["demo", demo, "--records", "10"]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
});

describe("trove demo", () => {
  it("writes, indexes and queries a dataset, and refuses a non-empty folder", () => {
    expect(existsSync(join(demo, ".trove", "catalog", "catalog.json"))).toBe(true);
    const again = runTrove(["demo", demo]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is not empty/);
  });
});

describe("trove status and index", () => {
  it("says fresh, then stale with examples, then fresh again after an incremental index", () => {
    expect(runTrove(["status", demo])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^catalog is fresh: \d+ files/) });
    writeFileSync(join(demo, "clinical", "new.json"), "{}");
    const stale = runTrove(["status", demo]);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/catalog is stale[\s\S]*1 added:\n\s+clinical\/new\.json/);
    const json = JSON.parse(runTrove(["status", demo, "--json"]).stdout);
    expect(json).toMatchObject({ state: "stale", added: 1, changed: 0, removed: 0, examples: { added: ["clinical/new.json"] } });
    const index = runTrove(["index", demo]);
    expect(index.code).toBe(0);
    expect(index.stdout).toMatch(/added 1, changed 0, removed 0, unchanged \d+; hashed 1/);
    expect(runTrove(["index", demo]).stdout).toMatch(/^catalog is up to date/);
    expect(runTrove(["status", demo]).code).toBe(0);
  });

  it("explains a malformed trove.toml and a missing folder in one line, exit 2", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "trove.toml"), `[dataset]\nname = "x"\n[[layout]]\ntype = "alf"\n[index]\nhash = 5\n`);
    const bad = runTrove(["index", dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^trove: trove\.toml:6: index\.hash: /);
    const missing = runTrove(["index", join(dir, "nope")]);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/no such file or folder/) });
    const noConfig = runTrove(["status", tempDir()]);
    expect(noConfig.stderr).toMatch(/has no trove\.toml; create one with `trove init/);
  });
});

describe("trove query and ls", () => {
  it("prints tables, CSV and JSON lines, and writes Parquet atomically", () => {
    const sql = "SELECT task, count(*)::INT AS n FROM files WHERE task IS NOT NULL GROUP BY task ORDER BY task";
    const table = runTrove(["query", "-d", demo, sql]);
    expect(table.stdout).toMatch(/^task\s+n\n─+\s+─+\nHDC\s+\d+\nMMN\s+\d+\nRS\s+\d+\n\(3 rows\)\n$/);
    expect(runTrove(["query", "-d", demo, sql, "--format", "csv"]).stdout).toMatch(/^task,n\nHDC,\d+\nMMN,\d+\nRS,\d+\n$/);
    const lines = runTrove(["query", "-d", demo, sql, "-f", "json"]).stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.task)).toEqual(["HDC", "MMN", "RS"]);
    const out = join(tempDir(), "rs.parquet");
    expect(runTrove(["query", "-d", demo, "SELECT * FROM files WHERE task = 'RS'", "-f", "parquet", "-o", out]).code).toBe(0);
    const back = runTrove(["query", "-d", demo, `SELECT count(*)::INT AS n FROM read_parquet('${out}')`, "-f", "csv"]);
    expect(back.stdout).toMatch(/^n\n\d+\n$/);
    expect(runTrove(["query", "-d", demo, "SELECT 1", "-f", "parquet"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/needs --out/) });
  });

  it("shows DuckDB's message and the query for bad SQL, without a stack trace, exit 2", () => {
    const run = runTrove(["query", "-d", demo, "SELECT nope FROM files"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^trove: .*nope[\s\S]*in query: SELECT nope FROM files\n$/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("stops quietly when the reader closes the pipe early", () => {
    const run = spawnSync("sh", ["-c", `"${process.execPath}" "${troveBin}" query -d "${demo}" "SELECT * FROM range(100000)" | head -n 2`], { encoding: "utf8" });
    expect(run.stdout.split("\n")[0]).toMatch(/^range/);
    expect(run.stderr).toBe("");
  });

  it("lists records and invalid files", () => {
    const records = runTrove(["ls", "records", "-d", demo, "--limit", "3"]);
    expect(records.stdout.split("\n")[0]).toMatch(/^record\s+tasks\s+modalities\s+files\s+bytes\s+invalid_files\s+last_modified$/);
    expect(records.stdout).toMatch(/\(3 rows\)/);
    expect(records.stderr).toMatch(/showing 3 of 10/);
    const invalid = runTrove(["ls", "files", "-d", demo, "--where", "not valid", "-f", "csv"]);
    expect(invalid.stdout).toMatch(/_RS\.mff\/signal1\.bin/);
    expect(runTrove(["ls", "things", "-d", demo]).code).toBe(2);
  });
});

describe("trove parse", () => {
  it("prints every part of a path, null where absent", () => {
    const run = runTrove(["parse", "-d", demo, "EEG/REC-200319-A/REC-200319-A-RS.mff/signal1.bin", "nothing/here.txt"]);
    const [good, bad] = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(good).toMatchObject({ path: "EEG/REC-200319-A/REC-200319-A-RS.mff/signal1.bin", valid: true, id: "REC-200319-A", task: "RS", modality: "EEG", unparsed: null });
    expect(bad).toMatchObject({ valid: false, id: null, task: null, unparsed: "nothing/here.txt" });
    const bids = runTrove(["parse", "--layout", "bids", "sub-01/ses-1/func/sub-01_ses-1_task-rest_run-2_bold.nii.gz"]);
    expect(JSON.parse(bids.stdout)).toMatchObject({ subject: "01", session: "1", task: "rest", run: "2", datatype: "func", suffix: "bold", valid: true });
  });
});

describe("trove init", () => {
  it("detects BIDS and ALF trees and says why", () => {
    const bids = join(tempDir(), "ds001");
    cpSync(sharedFixture("bids-examples", "ds001"), bids, { recursive: true });
    const run = runTrove(["init", bids]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^layout: bids \(found dataset_description\.json/);
    expect(readFileSync(join(bids, "trove.toml"), "utf8")).toMatch(/type = "bids"/);
    expect(runTrove(["index", bids]).code).toBe(0);

    const alf = tempDir();
    mkdirSync(join(alf, "mylab/Subjects/mysub/2021-02-28/001/alf"), { recursive: true });
    writeFileSync(join(alf, "mylab/Subjects/mysub/2021-02-28/001/alf/spikes.times.npy"), "");
    expect(runTrove(["init", alf]).stdout).toMatch(/^layout: alf \(found ALF session folders such as mylab\/Subjects\/mysub\/2021-02-28\/001/);
    expect(runTrove(["init", alf])).toMatchObject({ code: 2, stderr: expect.stringMatching(/already exists \(use --force/) });
  });

  it("asks for --layout when it cannot tell", () => {
    const run = runTrove(["init", tempDir()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/could not tell the layout .*pass --layout \(alf, bids, template, containers\)/);
    expect(runTrove(["init", tempDir(), "--layout", "csv"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/expected one of alf, bids, template, containers/) });
  });
});

describe("help", () => {
  it("teaches: commands, and examples per command", () => {
    const help = runTrove(["--help"]).stdout;
    for (const cmd of ["demo", "init", "index", "status", "parse", "query", "ls"]) expect(help).toContain(`  ${cmd}`);
    expect(runTrove(["index", "--help"]).stdout).toMatch(/Examples:[\s\S]*--hash md5/);
    expect(runTrove(["query", "--help"]).stdout).toMatch(/DESCRIBE files/);
  });
});
