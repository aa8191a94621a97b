// Each layout end to end: a real tree indexed into the catalog and read back with SQL.

import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.ts";
import { indexDataset } from "../src/catalog/indexer.ts";
import { Dataset } from "../src/dataset/dataset.ts";
import { sharedFixture } from "./fixtures.ts";
import { makeThotProject } from "./fixtures/make-thot-project.ts";
import { tempDir } from "./helpers.ts";

async function indexed(root: string, config: string) {
  writeFileSync(join(root, "trove.toml"), config);
  const report = await indexDataset(await loadConfig(root));
  return { report, ds: await Dataset.open(root) };
}

describe("layouts in the catalog", () => {
  it("alf: ONE's test tree gives ONE's session ids, and non-ALF files stay visible", async () => {
    const root = tempDir();
    const files = [
      "mylab/Subjects/mysub/2021-02-28/001/alf/spikes.clusters.npy",
      "mylab/Subjects/mysub/2021-02-28/001/alf/spikes.times.npy",
      "mylab/Subjects/mysub/2021-02-28/002/alf/trials.intervals.npy",
      "mylab/Subjects/mysub/2021-02-28/002/alf/#2021-03-01#/_ibl_trials.goCue_times_bpod.csv",
      "mylab/Subjects/mysub/2021-02-28/002/.invalid",
    ];
    for (const f of files) {
      mkdirSync(join(root, f, ".."), { recursive: true });
      writeFileSync(join(root, f), "x");
    }
    const { ds } = await indexed(root, `[dataset]\nname = "one"\n[[layout]]\ntype = "alf"\n`);
    expect(await ds.ids()).toEqual(["mylab/mysub/2021-02-28/001", "mylab/mysub/2021-02-28/002"]);
    const [rev] = await ds.files({ revision: "2021-03-01" });
    expect(rev).toMatchObject({ namespace: "ibl", object: "trials", attribute: "goCue_times", timescale: "bpod", extension: "csv", collection: "alf" });
    const [bad] = await ds.files({ valid: false });
    expect(bad).toMatchObject({ path: "mylab/Subjects/mysub/2021-02-28/002/.invalid", subject: "mysub", unparsed: ".invalid" });
    const rec = await ds.records();
    expect(rec[0]).toMatchObject({ record: "mylab/mysub/2021-02-28/001", lab: "mylab", subject: "mysub", date: "2021-02-28", number: "001", files: 2 });
    ds.close();
  });

  it("bids: a real example dataset with sidecar metadata merged and derivatives marked", async () => {
    const root = join(tempDir(), "ds");
    cpSync(sharedFixture("bids-examples", "ds001"), root, { recursive: true });
    mkdirSync(join(root, "derivatives/fmriprep/sub-01/anat"), { recursive: true });
    writeFileSync(join(root, "derivatives/fmriprep/sub-01/anat/sub-01_desc-preproc_T1w.nii.gz"), "");
    const { report, ds } = await indexed(root, `[dataset]\nname = "ds001"\n[[layout]]\ntype = "bids"\n`);
    expect(report.problems).toEqual([]);
    expect(await ds.count()).toBe(16);
    const [bold] = await ds.query(
      "SELECT subject, task, run, suffix, metadata->>'$.RepetitionTime' AS tr, metadata->>'$.TaskName' AS name FROM files WHERE path = $1",
      ["sub-02/func/sub-02_task-balloonanalogrisktask_run-01_bold.nii.gz"],
    );
    expect(bold).toMatchObject({ subject: "02", task: "balloonanalogrisktask", run: "01", suffix: "bold", tr: "2" });
    expect(bold.name).toMatch(/balloon analog risk task/i);
    const [derived] = await ds.files({ pipeline: "fmriprep" });
    expect(derived).toMatchObject({ subject: "01", description: "preproc", suffix: "T1w", valid: true });
    ds.close();
  });

  it("containers: Thot's measuring_gravity project as rows with inherited metadata", async () => {
    const root = tempDir();
    await makeThotProject(root);
    const { ds } = await indexed(root, `[dataset]\nname = "gravity"\n[[layout]]\ntype = "containers"\n`);
    const containers = await ds.query("SELECT path, kind, name, type FROM containers ORDER BY path");
    expect(containers).toContainEqual({ path: "", kind: "container", name: "inclined plane", type: "project" });
    expect(containers).toContainEqual({ path: "deg20/data", kind: "asset", name: "deg20 times", type: "times" });
    const [data] = await ds.query("SELECT container, asset, role, metadata->>'$.location' AS location, metadata->>'$.angle' AS angle FROM files WHERE path = 'deg20/data/data.csv'");
    expect(data).toMatchObject({ container: "deg20", asset: "deg20/data", role: "asset-file", location: "Lausanne", angle: "20" });
    const notes = await ds.query("SELECT notes FROM containers WHERE path = 'deg30'");
    expect(JSON.stringify(notes[0].notes)).toMatch(/note_1/);
    ds.close();
  });

  it("template: the Sinagot sonetaa workspace with its id_pattern", async () => {
    const root = join(tempDir(), "sonetaa");
    cpSync(sharedFixture("sinagot", "sonetaa", "dataset"), root, { recursive: true });
    const config = `[dataset]\nname = "sonetaa"\n[[layout]]\ntype = "template"\npatterns = [
  { pattern = "MFF/{id}-{task}.mff/**", set = { modality = "EEG" } },
  { pattern = "HDC/{id}/{file}", set = { task = "HDC", modality = "behavior" } },
  { pattern = "PROCESSED/{id}/{task}/{file}" },
  { pattern = "PROCESSED/{id}/clinical.json", set = { modality = "clinical" } },
]\n[layout.entities]\nid = "REC-\\\\d{6}-[A-Z]"\n[record]\nid_pattern = "REC-[\\\\d]{6}-[A-Z]"\n[tasks.RS]\nmodalities = ["clinical", "EEG"]\n[tasks.HDC]\nmodalities = ["clinical", "EEG", "behavior"]\n`;
    const { ds } = await indexed(root, config);
    expect(await ds.ids()).toEqual(["REC-200319-A", "REC-200320-A"]);
    expect((await ds.RS.EEG.files()).map((f) => f.path)).toEqual(["MFF/REC-200319-A-RS.mff/dummy", "MFF/REC-200320-A-RS.mff/dummy"]);
    expect(await ds.HDC.behavior.count()).toBe(2);
    expect(`${await ds.HDC.get("REC-200320-A")}`).toBe("<Record REC-200320-A task: HDC>");
    const invalid = (await ds.files({ valid: false })).map((f) => f.path);
    expect(invalid).toEqual(["CLINICAL/data.csv", "LOG/REC-200320-A.log", "workspace.toml"]);
    ds.close();
  });
});
