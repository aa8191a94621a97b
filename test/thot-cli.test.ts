// A Thot or Syre project is indexed and queried as it is: no trove.toml, nothing written into the
// project but trove's own .trove/ folder; inherited metadata is a column SQL can filter on.

import { cpSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./fixtures.ts";
import { processesWith, runTrove, startTrove, tempDir, waitFor } from "./helpers.ts";


describe("trove on a Thot/Syre project without trove.toml", () => {
  for (const generation of ["thot-0.x", "thot-0.10", "syre"]) {
    it(`${generation}: index, then SQL over inherited metadata`, () => {
      const dir = join(tempDir("thot-cli-"), generation);
      cpSync(join(repoRoot, "test", "fixtures", "thot", generation), dir, { recursive: true });
      const indexed = runTrove(["index", dir]);
      expect(indexed.code, indexed.stderr).toBe(0);
      const q = runTrove(["query", "-d", dir, "--format", "json", "SELECT name, metadata.angle AS angle FROM containers WHERE type = 'sample' ORDER BY angle"]);
      expect(q.code, q.stderr).toBe(0);
      expect(q.stdout.trim().split("\n").map((l) => JSON.parse(l))).toEqual([
        { name: expect.stringMatching(/20/), angle: 20 },
        { name: expect.stringMatching(/30/), angle: 30 },
      ]);
    });
  }
});

describe("trove run / trove thot run in a Thot project", () => {
  const project = () => {
    const dir = join(tempDir("thot-run-cli-"), "plane");
    cpSync(join(repoRoot, "test", "fixtures", "thot", "thot-0.x"), dir, { recursive: true });
    writeFileSync(
      join(dir, "scripts/times_data_prep.py"),
      `from thot import ThotProject\nthot = ThotProject()\nn = len(thot.find_assets({"type": "times"}))\nopen(thot.add_asset({"name": "stats", "type": "stats", "file": "stats.csv"}), "w").write(str(n))\n`,
    );
    return dir;
  };

  it("runs the scripts bottom-up, then nothing; the runs table and the catalog know what each added", () => {
    const dir = project();
    const first = runTrove(["run", "-d", dir, "-j", "2"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^ran 5 scripts in [\d.]+ s: 5 done\n2 assets added or replaced\n/);
    const again = runTrove(["run", "-d", dir]);
    expect(again.stdout).toBe("nothing to run: every script is up to date\n5 up to date\n");
    const runs = runTrove(["query", "-d", dir, "--format", "json", "SELECT step, record, status FROM runs ORDER BY record, step"]);
    expect(runs.stdout.trim().split("\n").map((l) => JSON.parse(l))).toEqual([
      { step: "scripts/summary.py", record: ".", status: "done" },
      { step: "scripts/times_data_prep.py", record: ".", status: "done" },
      { step: "scripts/times_data_prep.py", record: "deg20", status: "done" },
      { step: "deg30/test.py", record: "deg30/test", status: "done" },
      { step: "deg30/test/test.py", record: "deg30/test", status: "done" },
    ]);
    const added = runTrove(["query", "-d", dir, "--format", "json", "SELECT path, creator_type FROM containers WHERE type = 'stats' ORDER BY path"]);
    expect(added.stdout.trim().split("\n").map((l) => JSON.parse(l))).toEqual([
      { path: "deg20/stats", creator_type: "script" },
      { path: "stats", creator_type: "script" },
    ]);
  });

  it("--where picks containers by catalog query, without their subtrees; --dry-run says why", () => {
    const dir = project();
    const r = runTrove(["thot", "run", "-d", dir, "-n", "--where", "type = 'sample' AND metadata.angle < 25"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("would run 1 script, in this order:\n  scripts/times_data_prep.py at deg20  (priority 0) new\n");
  });

  it("a failing script: exit 1 and a line naming it and its container; bad options: exit 2", () => {
    const dir = project();
    writeFileSync(join(dir, "deg30/test/test.py"), "raise SystemExit('no data')\n");
    const r = runTrove(["thot", "run", "-d", dir, "--ignore-errors"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ {2}failed {10}deg30\/test\/test.py at deg30\/test {2}exited with code 1\n {18}log: \.trove\/runs\/logs\//);
    expect(runTrove(["log", "-d", dir, "deg30/test/test.py", "deg30/test"]).stdout).toMatch(/\nno data\n/);
    expect(runTrove(["thot", "run", "-d", dir, "--root", "nope"]).stderr).toMatch(/^trove: --root nope: no such container in .* \(containers: \., _references, deg20, deg30, deg30\/test\)\n$/);
    const bad = runTrove(["thot", "run", "-d", dir, "--scripts", "[1]"]);
    expect([bad.code, bad.stderr]).toEqual([2, "trove: --scripts: expected a JSON list of script paths, got [1]\n"]);
  });

  it("Ctrl-C stops every script's whole process tree and keeps none of what it added", async () => {
    const dir = project();
    const marker = `trove-thot-ctrl-c-${process.pid}-${Date.now()}`;
    writeFileSync(
      join(dir, "scripts/times_data_prep.py"),
      `import subprocess, time\nfrom thot import ThotProject\nopen(ThotProject().add_asset({"name": "partial", "file": "p.csv"}), "w").write("x")\nsubprocess.Popen(["sh", "-c", "sleep 60 # ${marker}"])\ntime.sleep(60)\n`,
    );
    const { child, done } = startTrove(["thot", "run", "-d", dir, "-j", "2"]);
    await waitFor(() => processesWith(marker) !== "");
    child.kill("SIGINT");
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stdout).toMatch(/killed +scripts\/times_data_prep.py at deg20 {2}stopped: the run was aborted/);
    expect(processesWith(marker)).toBe("");
    expect(existsSync(join(dir, "deg20/partial"))).toBe(false);
  });
});
