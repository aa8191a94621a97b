import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../../test/helpers.ts";
import { removeMissingDatasets, removeTableFiles } from "./remove.ts";
import type { OneTables } from "./tables.ts";

function tree(files: string[]): string {
  const root = tempDir();
  for (const f of files) {
    mkdirSync(join(root, f, ".."), { recursive: true });
    writeFileSync(join(root, f), "x");
  }
  return root;
}

const tables: OneTables = {
  sessions: [{ id: "e1", lab: "mylab", subject: "mysub", date: "2021-02-28", number: 1, task_protocol: "", projects: "" }],
  datasets: [{ eid: "e1", id: "d1", rel_path: "alf/spikes.times.npy", file_size: 1, hash: "", exists: true, qc: "NOT_SET" }],
  metadata: {},
};

describe("removeMissingDatasets", () => {
  const files = [
    "mylab/Subjects/mysub/2021-02-28/001/alf/spikes.times.npy",
    "mylab/Subjects/mysub/2021-02-28/001/alf/spikes.clusters.npy",
    "mylab/Subjects/mysub/2021-02-28/001/notes.txt",
    "mylab/Subjects/mysub/2021-02-28/002/alf/trials.intervals.npy",
  ];

  it("lists ALF files and sessions the tables do not hold, deleting nothing by default", () => {
    const root = tree(files);
    expect(removeMissingDatasets(root, tables)).toEqual([
      "mylab/Subjects/mysub/2021-02-28/001/alf/spikes.clusters.npy",
      "mylab/Subjects/mysub/2021-02-28/002",
      "mylab/Subjects/mysub/2021-02-28/002/alf/trials.intervals.npy",
    ]);
    expect(files.every((f) => existsSync(join(root, f)))).toBe(true);
  });

  it("deletes them when asked, keeping non-ALF files and listed datasets", () => {
    const root = tree(files);
    removeMissingDatasets(root, tables, { dry: false });
    expect(existsSync(join(root, files[0]))).toBe(true);
    expect(existsSync(join(root, files[1]))).toBe(false);
    expect(existsSync(join(root, files[2]))).toBe(true);
    expect(existsSync(join(root, files[3]))).toBe(false);
  });

  it("matches a session folder numbered without padding", () => {
    const root = tree(["mylab/Subjects/mysub/2021-02-28/1/alf/spikes.times.npy"]);
    expect(removeMissingDatasets(root, tables)).toEqual([]);
  });
});

describe("removeTableFiles", () => {
  it("removes the tables and cache_info.json, and says which", () => {
    const dir = tree(["sessions.pqt", "datasets.pqt", "cache_info.json", "other.pqt"]);
    expect(removeTableFiles(dir)).toEqual(["sessions.pqt", "datasets.pqt", "cache_info.json"]);
    expect(existsSync(join(dir, "other.pqt"))).toBe(true);
  });
});
