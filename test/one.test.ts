// ONE compatibility end to end: build caches from an ALF tree with the real CLI, read them back.

import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readOneCache } from "../src/compat/one/read.ts";
import { Dataset } from "../src/dataset/dataset.ts";
import { parseConfig } from "../src/config/load.ts";
import { sharedFixture } from "./fixtures.ts";
import { runTrove, tempDir } from "./helpers.ts";

/** A small ALF tree: 2 labs x 3 subjects x 2 sessions x a dozen datasets, some in revisions. */
function alfTree(): string {
  const root = tempDir();
  const names = ["_ibl_trials.intervals.npy", "_ibl_trials.choice.npy", "_ibl_wheel.position.npy", "_ibl_wheel.timestamps.npy", "spikes.times.npy", "spikes.clusters.npy"];
  for (const lab of ["cortexlab", "danlab"]) {
    for (const subject of ["KS001", "KS002", "ZM_1"]) {
      for (const [date, number] of [["2024-01-02", "001"], ["2024-01-03", "002"]]) {
        const session = `${lab}/Subjects/${subject}/${date}/${number}`;
        for (const [i, name] of names.entries()) {
          const folder = i < 4 ? `${session}/alf` : `${session}/alf/probe00/#2024-02-01#`;
          mkdirSync(join(root, folder), { recursive: true });
          writeFileSync(join(root, folder, name), `${session}/${name}`);
        }
        writeFileSync(join(root, session, "notes.txt"), "not ALF");
      }
    }
  }
  return root;
}

describe("trove one build", () => {
  it("round-trips: the tables read back hold exactly the catalog's ALF datasets", async () => {
    const root = alfTree();
    const run = runTrove(["one", "build", root, "--hash", "--path-ids"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/\(12 sessions\).*\(72 datasets\)/);
    const tables = await readOneCache(root);
    expect(tables.format).toBe("current");
    const config = await parseConfig(`[dataset]\nname = "x"\n[[layout]]\ntype = "alf"\n`, join(root, "trove.toml"));
    const ds = await Dataset.fromConfig(config);
    const files = await ds.query("SELECT path, size, hash, lab, subject, date, number FROM files WHERE layout = 'alf' AND valid ORDER BY path");
    ds.close();
    expect(tables.datasets).toHaveLength(files.length);
    const byPath = new Map(tables.datasets.map((d) => [`${d.eid.split("/")[0]}/Subjects/${d.eid.split("/").slice(1).join("/")}/${d.rel_path}`, d]));
    for (const f of files) {
      expect(byPath.get(String(f.path))).toMatchObject({ file_size: f.size, hash: f.hash, exists: true, qc: "NOT_SET" });
    }
    expect(tables.sessions[0]).toEqual({ id: "cortexlab/KS001/2024-01-02/001", lab: "cortexlab", subject: "KS001", date: "2024-01-02", number: 1, task_protocol: "", projects: "" });
    expect(tables.datasets.find((d) => d.rel_path.includes("#2024-02-01#"))?.rel_path).toBe("alf/probe00/#2024-02-01#/spikes.clusters.npy");
    expect(runTrove(["one", "build", root, "--hash", "--path-ids"]).stdout).toMatch(/sessions\.pqt and .*datasets\.pqt are up to date/);
    expect(runTrove(["one", "build", root, "--path-ids"]).stdout).toMatch(/^wrote /); // other options: rebuilt
  });

  it("gives the same UUIDs on every build, and only re-hashes what changed", async () => {
    const root = alfTree();
    expect(runTrove(["one", "build", root, "--hash"]).code).toBe(0);
    const first = await readOneCache(root);
    writeFileSync(join(root, "danlab/Subjects/ZM_1/2024-01-03/002/alf/_ibl_trials.choice.npy"), "changed");
    expect(runTrove(["one", "build", root, "--hash"]).code).toBe(0);
    const second = await readOneCache(root);
    expect(second.sessions.map((s) => s.id)).toEqual(first.sessions.map((s) => s.id));
    expect(second.datasets.map((d) => d.id)).toEqual(first.datasets.map((d) => d.id));
    const changed = second.datasets.filter((d, i) => d.hash !== first.datasets[i].hash);
    expect(changed.map((d) => d.rel_path)).toEqual(["alf/_ibl_trials.choice.npy"]);
    expect(changed[0].hash).toBe(createHash("md5").update("changed").digest("hex"));
  });

  it("cleans up: lists then deletes ALF files the tables do not hold, and removes the tables", async () => {
    const root = alfTree();
    runTrove(["one", "build", root, "--path-ids"]);
    const extra = "cortexlab/Subjects/KS001/2024-01-02/001/alf/extra.thing.npy";
    writeFileSync(join(root, extra), "x");
    expect(runTrove(["one", "remove-missing", root]).stdout).toContain(`would remove (add --delete to do it) 1:\n      ${extra}`);
    expect(runTrove(["one", "remove-missing", root, "--delete"]).stdout).toContain(`removed 1:`);
    expect(runTrove(["one", "remove-missing", root]).stdout).toBe("nothing to remove\n");
    expect(runTrove(["one", "remove-tables", root]).stdout).toBe("removed sessions.pqt, datasets.pqt, cache_info.json\n");
  });

  it("refuses folders without tables, in one line", async () => {
    expect(runTrove(["one", "remove-tables", tempDir()]).stdout).toBe("no cache tables found\n");
    const run = runTrove(["one", "remove-missing", tempDir()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^trove: .*sessions\.pqt/);
  });

  it("imports the legacy ONE fixture into a dataset, then searches and lists it with ONE's semantics", async () => {
    const dataset = tempDir();
    writeFileSync(join(dataset, "trove.toml"), `[dataset]\nname = "ibl"\n[[layout]]\ntype = "alf"\n`);
    expect(runTrove(["index", dataset]).code).toBe(0);
    const imported = runTrove(["one", "import", sharedFixture("one"), "-d", dataset]);
    expect(imported.stdout).toBe(`imported 26 sessions and 693 datasets (legacy format) into ${dataset}\n`);
    const found = runTrove(["one", "search", "-d", dataset, "--subject", "ZFM", "--date-range", "2021-02-01", "2021-03-01", "-f", "json"]);
    expect(found.stdout.trim().split("\n").map((l) => JSON.parse(l).id)).toEqual(["d3372b15-f696-4279-9be5-98f15783b5bb"]);
    const listed = runTrove(["one", "list", "d3372b15-f696-4279-9be5-98f15783b5bb", "-d", dataset, "--collection", "alf", "--filename", "*trials.stimOn*", "-f", "csv"]);
    expect(listed.stdout.split("\n")[1]).toMatch(/^d3372b15-f696-4279-9be5-98f15783b5bb,006e8cec-afd3-4800-974e-a446e0826ccf,alf\/_ibl_trials\.stimOn_times\.npy,6568,/);
    const sql = runTrove(["query", "-d", dataset, "SELECT count(*)::INT AS n FROM one_datasets", "-f", "csv"]);
    expect(sql.stdout).toBe("n\n693\n");
    expect(runTrove(["one", "search", "-d", dataset, "--subjectx", "a"]).code).toBe(2);
  });
});
