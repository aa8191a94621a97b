// Tests of BIDS sidecar inheritance: small in-memory trees for each rule, then real datasets
// from bids-examples (read-only; the one test that adds a sidecar works on a temporary copy).
//
//   npx vitest run src/layout/bids-sidecars.test.ts

import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sharedFixture } from "../../test/fixtures.ts";
import { bidsLayout } from "./bids.ts";
import type { Tree } from "./layout.ts";

const bids = bidsLayout();
const annotate = (tree: Tree) => bids.annotate!(tree);

/** A tree held in memory; `reads` counts how often each file was read. */
function memoryTree(files: Record<string, string>): Tree & { reads: Map<string, number> } {
  const reads = new Map<string, number>();
  return {
    root: "/memory",
    paths: Object.keys(files).sort(),
    reads,
    async readText(rel) {
      reads.set(rel, (reads.get(rel) ?? 0) + 1);
      if (!(rel in files)) throw new Error(`ENOENT: ${rel}`);
      return files[rel];
    },
  };
}

function walk(dir: string, rel = "", out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".git") continue;
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) walk(join(dir, entry.name), path, out);
    else out.push(path);
  }
  return out;
}

function folderTree(root: string): Tree {
  return { root, paths: walk(root).sort(), readText: (rel) => readFile(join(root, rel), "utf8") };
}

const BOLD_01 = "sub-01/func/sub-01_task-rest_bold.nii.gz";
const BOLD_02 = "sub-02/func/sub-02_task-rest_bold.nii.gz";

describe("bids sidecars: the inheritance principle", () => {
  it("applies a top-level sidecar everywhere and lets the nearer one win key by key", async () => {
    const tree = memoryTree({
      "task-rest_bold.json": '{"RepetitionTime": 2, "TaskName": "rest"}',
      "sub-01/func/sub-01_task-rest_bold.json": '{"RepetitionTime": 1.5}',
      [BOLD_01]: "",
      [BOLD_02]: "",
    });
    const { metadata, problems } = await annotate(tree);
    expect(problems).toEqual([]);
    expect(metadata.get(BOLD_01)).toEqual({ RepetitionTime: 1.5, TaskName: "rest" });
    expect(metadata.get(BOLD_02)).toEqual({ RepetitionTime: 2, TaskName: "rest" });
  });

  it("needs the same suffix and a subset of the file's entities", async () => {
    const tree = memoryTree({
      "task-other_bold.json": '{"A": 1}',
      "acq-x_bold.json": '{"B": 1}',
      "task-rest_events.json": '{"C": 1}',
      "bold.json": '{"D": 1}',
      "sub-01/sub-01_bold.json": '{"E": 1}',
      "sub-02/sub-02_bold.json": '{"F": 1}',
      [BOLD_01]: "",
      "sub-01/func/sub-01_task-rest_events.tsv": "",
    });
    const { metadata } = await annotate(tree);
    expect(metadata.get(BOLD_01)).toEqual({ D: 1, E: 1 });
    expect(metadata.get("sub-01/func/sub-01_task-rest_events.tsv")).toEqual({ C: 1 });
  });

  it("gives sidecars and files without sidecars no entry", async () => {
    const tree = memoryTree({ "task-rest_bold.json": "{}", "sub-01/anat/sub-01_T1w.nii.gz": "", [BOLD_01]: "" });
    const { metadata } = await annotate(tree);
    expect([...metadata.keys()]).toEqual([BOLD_01]);
  });

  it("stops at a derived dataset's root and ignores opaque folders", async () => {
    const derived = "derivatives/fmriprep/sub-01/func/sub-01_task-rest_desc-preproc_bold.nii.gz";
    const tree = memoryTree({
      "task-rest_bold.json": '{"Raw": true}',
      "derivatives/fmriprep/task-rest_bold.json": '{"Derived": true}',
      [derived]: "",
      "sourcedata/sub-01/func/sub-01_task-rest_bold.nii.gz": "",
      [BOLD_01]: "",
    });
    const { metadata } = await annotate(tree);
    expect(metadata.get(derived)).toEqual({ Derived: true });
    expect(metadata.get(BOLD_01)).toEqual({ Raw: true });
    expect(metadata.has("sourcedata/sub-01/func/sub-01_task-rest_bold.nii.gz")).toBe(false);
  });

  it("gives files inside a folder data object the object's metadata", async () => {
    const tree = memoryTree({
      "sub-01/meg/sub-01_task-rest_meg.json": '{"SamplingFrequency": 1200}',
      "sub-01/meg/sub-01_task-rest_meg.ds/sub-01_task-rest_meg.meg4": "",
    });
    const { metadata } = await annotate(tree);
    expect(metadata.get("sub-01/meg/sub-01_task-rest_meg.ds/sub-01_task-rest_meg.meg4")).toEqual({
      SamplingFrequency: 1200,
    });
  });

  it("applies two sidecars of one level in a fixed order and reports the conflict once", async () => {
    const tree = memoryTree({
      "task-rest_bold.json": '{"Who": "task", "T": 1}',
      "run-1_bold.json": '{"Who": "run", "R": 1}',
      "task-rest_run-1_bold.json": '{"Both": true}',
      "sub-01/func/sub-01_task-rest_run-1_bold.nii.gz": "",
      "sub-02/func/sub-02_task-rest_run-1_bold.nii.gz": "",
    });
    const { metadata, problems } = await annotate(tree);
    // Fewest entities first, then by path: run-1, task-rest, then task-rest_run-1.
    expect(metadata.get("sub-01/func/sub-01_task-rest_run-1_bold.nii.gz")).toEqual({
      Who: "task",
      T: 1,
      R: 1,
      Both: true,
    });
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/3 sidecars apply at one folder level .* to 2 file\(s\)/);
  });

  it("reports bad JSON as problems, never throws, and keeps the rest", async () => {
    const tree = memoryTree({
      "task-rest_bold.json": '{"RepetitionTime": 2',
      "sub-01/func/sub-01_task-rest_bold.json": '{"EchoTime": 0.03}',
      "sub-02/func/sub-02_task-rest_bold.json": "[1, 2]",
      [BOLD_01]: "",
      [BOLD_02]: "",
    });
    const { metadata, problems } = await annotate(tree);
    expect(problems.map((p) => p.path)).toEqual(["sub-02/func/sub-02_task-rest_bold.json", "task-rest_bold.json"]);
    expect(problems[1].message).toMatch(/invalid JSON sidecar: .*JSON/);
    expect(problems[0].message).toMatch(/not an object/);
    expect(metadata.get(BOLD_01)).toEqual({ EchoTime: 0.03 });
    expect(metadata.has(BOLD_02)).toBe(false);
  });

  it("reports a sidecar that cannot be read", async () => {
    const tree = memoryTree({ [BOLD_01]: "" });
    const withGhost = { ...tree, paths: [...tree.paths, "task-rest_bold.json"].sort() };
    const { problems } = await annotate(withGhost);
    expect(problems).toEqual([
      { path: "task-rest_bold.json", message: expect.stringMatching(/cannot read.*ENOENT/) },
    ]);
  });

  it("reads each sidecar once and shares one frozen object per chain", async () => {
    const files: Record<string, string> = { "task-rest_bold.json": '{"RepetitionTime": 2}' };
    for (let s = 1; s <= 200; s++) {
      for (let r = 1; r <= 5; r++) files[`sub-${s}/func/sub-${s}_task-rest_run-${r}_bold.nii.gz`] = "";
    }
    const tree = memoryTree(files);
    const { metadata } = await annotate(tree);
    expect(metadata.size).toBe(1000);
    expect([...tree.reads.values()]).toEqual([1]);
    const first = metadata.get("sub-1/func/sub-1_task-rest_run-1_bold.nii.gz")!;
    expect(metadata.get("sub-200/func/sub-200_task-rest_run-5_bold.nii.gz")).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});

describe("bids sidecars on bids-examples", () => {
  it("ds001: the top-level balloon-task sidecar reaches every BOLD run", async () => {
    const tree = folderTree(sharedFixture("bids-examples", "ds001"));
    const { metadata, problems } = await annotate(tree);
    expect(problems).toEqual([]);
    const bold = tree.paths.filter((p) => /^sub-\d+\/func\/.*task-balloonanalogrisktask.*_bold\.nii\.gz$/.test(p));
    expect(bold).toHaveLength(48);
    for (const path of bold) {
      expect(metadata.get(path)).toEqual({ RepetitionTime: 2, TaskName: "balloon analog risk task" });
    }
    expect(metadata.has("sub-01/anat/sub-01_T1w.nii.gz")).toBe(false);
  });

  it("ds001 copy: a nearer sidecar overrides the top-level one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "trove-bids-"));
    try {
      await cp(sharedFixture("bids-examples", "ds001"), dir, { recursive: true });
      await writeFile(join(dir, "sub-02/sub-02_task-balloonanalogrisktask_bold.json"), '{"RepetitionTime": 3}');
      await writeFile(
        join(dir, "sub-02/func/sub-02_task-balloonanalogrisktask_run-01_bold.json"),
        '{"RepetitionTime": 4, "Note": "run 1 only"}',
      );
      const { metadata } = await annotate(folderTree(dir));
      const run = (r: number) =>
        metadata.get(`sub-02/func/sub-02_task-balloonanalogrisktask_run-0${r}_bold.nii.gz`);
      expect(run(1)).toEqual({ RepetitionTime: 4, TaskName: "balloon analog risk task", Note: "run 1 only" });
      expect(run(2)).toEqual({ RepetitionTime: 3, TaskName: "balloon analog risk task" });
      expect(metadata.get("sub-03/func/sub-03_task-balloonanalogrisktask_run-01_bold.nii.gz")).toMatchObject({
        RepetitionTime: 2,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("ds000117: session-level T1w sidecars add to the top-level acq-mprage one", async () => {
    const root = sharedFixture("bids-examples", "ds000117");
    const { metadata } = await annotate(folderTree(root));
    const top = JSON.parse(await readFile(join(root, "acq-mprage_T1w.json"), "utf8"));
    const t1 = metadata.get("sub-04/ses-mri/anat/sub-04_ses-mri_acq-mprage_T1w.nii.gz")!;
    expect(t1).toMatchObject(top);
    expect(t1).toHaveProperty("AnatomicalLandmarkCoordinates");
  });

  it("annotates all 54 datasets without a problem", async () => {
    const root = sharedFixture("bids-examples");
    const datasets = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory());
    let annotated = 0;
    const problems: string[] = [];
    for (const d of datasets) {
      const notes = await annotate(folderTree(join(root, d.name)));
      annotated += notes.metadata.size;
      problems.push(...notes.problems.map((p) => `${d.name}/${p.path}: ${p.message}`));
    }
    expect(problems).toEqual([]);
    expect(annotated).toBeGreaterThan(1000);
  });
});
