// Tests of the BIDS path grammar: hand-picked names, build round trips, and a conformance pass
// over every file of the 54 bids-examples datasets.
//
//   npx vitest run src/layout/bids.test.ts

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sharedFixture } from "../../test/fixtures.ts";
import { BIDS_ENTITY_BY_KEY } from "./bids-entities.ts";
import { BIDS_COLUMNS, bidsLayout } from "./bids.ts";
import { LayoutError, type Entities } from "./layout.ts";

const bids = bidsLayout();

/** Only the non-null entities, for readable expectations. */
function present(entities: Entities): Entities {
  return Object.fromEntries(Object.entries(entities).filter(([, v]) => v !== null));
}

describe("bids columns", () => {
  it("puts subject and session first and the path parts last", () => {
    expect(BIDS_COLUMNS.slice(0, 3)).toEqual(["subject", "session", "tpl"]);
    expect(BIDS_COLUMNS.slice(-4)).toEqual(["datatype", "suffix", "extension", "pipeline"]);
    expect(bids.entities).toBe(BIDS_COLUMNS);
    expect(bids.name).toBe("bids");
  });

  it("never names a column with a reserved SQL keyword", () => {
    for (const reserved of ["from", "to", "desc"]) expect(BIDS_COLUMNS).not.toContain(reserved);
    expect(BIDS_COLUMNS).toEqual(expect.arrayContaining(["from_space", "to_space", "description"]));
  });

  it("keeps the schema's entity order", () => {
    const order = ["subject", "tpl", "session", "task", "acq", "run", "echo", "space", "description"];
    const positions = order.map((c) => BIDS_COLUMNS.indexOf(c));
    expect(positions.slice(2)).toEqual([...positions.slice(2)].sort((a, b) => a - b));
    expect(BIDS_COLUMNS.at(-5)).toBe("description");
  });
});

describe("bids parse: valid names", () => {
  it("reads a raw functional run", () => {
    const p = bids.parse("sub-01/ses-2/func/sub-01_ses-2_task-rest_acq-fast_run-01_bold.nii.gz");
    expect(p).toMatchObject({ valid: true, unparsed: null });
    expect(present(p.entities)).toEqual({
      subject: "01",
      session: "2",
      task: "rest",
      acq: "fast",
      run: "01",
      datatype: "func",
      suffix: "bold",
      extension: ".nii.gz",
    });
  });

  it("fills every column, null where absent", () => {
    const p = bids.parse("sub-01/anat/sub-01_T1w.nii.gz");
    expect(Object.keys(p.entities)).toEqual(BIDS_COLUMNS);
    expect(p.entities.session).toBeNull();
    expect(p.entities.pipeline).toBeNull();
  });

  it.each([
    ["sub-01/func/sub-01_task-rest_bold.nii.gz", ".nii.gz"],
    ["sub-01/func/sub-01_task-rest_physio.tsv.gz", ".tsv.gz"],
    ["derivatives/hcp/sub-01/func/sub-01_task-rest_space-fsLR_den-91k_bold.dtseries.nii", ".dtseries.nii"],
    ["sub-01/eeg/sub-01_task-rest_eeg.vhdr", ".vhdr"],
  ])("takes the extension from the first dot: %s", (path, extension) => {
    expect(bids.parse(path)).toMatchObject({ valid: true, entities: { extension } });
  });

  it("reads derivatives and names the pipeline", () => {
    const p = bids.parse(
      "derivatives/fmriprep-v1.4.1/sub-01/anat/sub-01_space-MNI152NLin2009cAsym_desc-preproc_T1w.nii.gz",
    );
    expect(p.valid).toBe(true);
    expect(p.entities).toMatchObject({
      pipeline: "fmriprep-v1.4.1",
      space: "MNI152NLin2009cAsym",
      description: "preproc",
    });
  });

  it("uses the innermost pipeline of nested derivatives", () => {
    const p = bids.parse("derivatives/a/derivatives/b/sub-01/func/sub-01_task-x_desc-z_bold.nii.gz");
    expect(p).toMatchObject({ valid: true, entities: { pipeline: "b", subject: "01", description: "z" } });
  });

  it("takes derivatives/ itself as the derived dataset when subjects sit directly in it", () => {
    const p = bids.parse("derivatives/sub-32/eeg/sub-32_task-rest_eeg.vhdr");
    expect(p).toMatchObject({ valid: true, entities: { pipeline: "", subject: "32" } });
  });

  it("reads fMRIPrep transforms into from_space / to_space", () => {
    const p = bids.parse("derivatives/fmriprep/sub-01/anat/sub-01_from-T1w_to-MNI152NLin6Asym_mode-image_xfm.h5");
    expect(p.valid).toBe(true);
    expect(p.entities).toMatchObject({
      from_space: "T1w",
      to_space: "MNI152NLin6Asym",
      mode: "image",
      suffix: "xfm",
    });
  });

  it.each([
    ["dataset_description.json", "dataset_description", ".json"],
    ["participants.tsv", "participants", ".tsv"],
    ["README", "README", ""],
    ["README.md", "README", ".md"],
    ["CHANGES", "CHANGES", ""],
    ["CITATION.cff", "CITATION", ".cff"],
    ["task-rest_bold.json", "bold", ".json"],
    ["dwi.bvec", "dwi", ".bvec"],
    ["derivatives/qMRLab/dataset_description.json", "dataset_description", ".json"],
  ])("accepts the top-level file %s", (path, suffix, extension) => {
    expect(bids.parse(path)).toMatchObject({ valid: true, unparsed: null, entities: { suffix, extension } });
  });

  it("accepts session-wide metadata at the root", () => {
    expect(bids.parse("ses-pre_task-rest_bold.json")).toMatchObject({ valid: true, entities: { session: "pre" } });
  });

  it("accepts files at subject and session level, outside datatype folders", () => {
    expect(bids.parse("sub-01/sub-01_sessions.tsv")).toMatchObject({ valid: true, entities: { datatype: null } });
    const scans = bids.parse("sub-01/ses-01/sub-01_ses-01_scans.tsv");
    expect(scans).toMatchObject({ valid: true, entities: { subject: "01", session: "01", suffix: "scans" } });
  });

  it("reads template folders of atlas datasets", () => {
    const p = bids.parse("tpl-MNI6/anat/tpl-MNI6_atlas-Schaefer2018_seg-7n_res-2_dseg.nii.gz");
    expect(p).toMatchObject({ valid: true, entities: { tpl: "MNI6", atlas: "Schaefer2018", seg: "7n" } });
  });

  it("files inside a folder data object belong to it", () => {
    const inner = bids.parse("sub-01/meg/sub-01_task-rest_meg.ds/sub-01_task-rest_meg.meg4");
    expect(inner).toMatchObject({ valid: true, unparsed: null });
    expect(inner.entities).toMatchObject({ subject: "01", task: "rest", suffix: "meg", extension: ".ds/" });
    expect(bids.parse("sub-01/meg/sub-01_task-rest_meg.ds/BadChannels").entities.extension).toBe(".ds/");
    expect(bids.parse("sub-01/micr/sub-01_sample-A_SPIM.ome.zarr/0/0/0").entities.extension).toBe(".ome.zarr/");
    const bti = bids.parse("sub-01/meg/sub-01_task-rest_meg/config");
    expect(bti).toMatchObject({ valid: true, entities: { extension: "/" } });
  });

  it("reads phenotype files with the tool as suffix", () => {
    expect(bids.parse("phenotype/acds_adult.tsv")).toMatchObject({
      valid: true,
      entities: { datatype: "phenotype", suffix: "acds_adult", extension: ".tsv" },
    });
  });
});

describe("bids parse: almost valid names", () => {
  it.each([
    ["sub-01/anat/sub-01_foo-bar_T1w.nii.gz", "foo-bar", { subject: "01", suffix: "T1w" }],
    ["sub-01/func/sub-01_run-1_task-rest_bold.nii.gz", "task-rest", { task: "rest", run: "1" }],
    ["sub-01/anat/sub-01_acq-a+b_T1w.nii.gz", "acq-a+b", { acq: "a+b" }],
    ["sub-01/func/sub-01_task-x_run-a_bold.nii.gz", "run-a", { run: "a" }],
    ["sub-01/func/sub-01_task-x_task-y_bold.nii.gz", "task-y", { task: "x" }],
    ["sub-01/anat/sub-02_T1w.nii.gz", "sub-01/", { subject: "02" }],
    ["sub-01/ses-1/anat/sub-01_T1w.nii.gz", "ses-1/", { subject: "01", session: "1" }],
    ["sub-01/anat/sub-01_ses-1_T1w.nii.gz", "ses-1", { session: "1" }],
    ["sub-01_T1w.json", "sub-01", { subject: "01", suffix: "T1w" }],
    ["sub-01/figures/sub-01_T1w.svg", "figures/", { subject: "01", suffix: "T1w", datatype: null }],
    ["sub-01/anat/sub-01_acq-x.nii.gz", "sub-01_acq-x.nii.gz", { acq: "x", suffix: null }],
    ["sub-01/anat/sub-01_T1w", "sub-01_T1w", { suffix: "T1w", extension: null }],
    ["sub-01/sub-01_T1w.nii.gz", "sub-01_T1w.nii.gz", { subject: "01", suffix: "T1w" }],
    ["notes.txt", "notes.txt", { suffix: "notes" }],
    ["sub-01/anat/sub-01_acq-1.5T_T1w.nii.gz", "acq-1.5T", { acq: "1.5T", suffix: "T1w", extension: ".nii.gz" }],
    ["sub-01/anat/sub-01__T1w.nii", "sub-01__T1w.nii", { subject: "01", suffix: "T1w" }],
  ])("%s keeps %s unparsed", (path, unparsed, entities) => {
    const p = bids.parse(path);
    expect(p).toMatchObject({ valid: false, unparsed, entities });
  });

  it("catalogues opaque folders without parsing them, keeping BIDS-looking key-values", () => {
    expect(bids.parse("stimuli/face01.png")).toMatchObject({
      valid: false,
      unparsed: "stimuli/face01.png",
      entities: { suffix: null, extension: null },
    });
    const source = bids.parse("sourcedata/eeg/sub-s10_task-faceFO_eeg.set");
    expect(source).toMatchObject({ valid: false, unparsed: "sourcedata/eeg/sub-s10_task-faceFO_eeg.set" });
    expect(present(source.entities)).toEqual({ subject: "s10", task: "faceFO", suffix: "eeg", extension: ".set" });
    expect(bids.parse("derivatives/fmriprep/code/run.sh")).toMatchObject({
      valid: false,
      unparsed: "code/run.sh",
      entities: { pipeline: "fmriprep" },
    });
  });

  it("leaves derivatives opaque when asked to", () => {
    const raw = bidsLayout({ derivatives: false });
    const p = raw.parse("derivatives/fmriprep/sub-01/anat/sub-01_desc-preproc_T1w.nii.gz");
    expect(p).toMatchObject({ valid: false, unparsed: "sub-01/anat/sub-01_desc-preproc_T1w.nii.gz" });
    expect(p.entities).toMatchObject({ pipeline: "fmriprep", subject: "01", datatype: null });
    expect(raw.parse("sub-01/anat/sub-01_T1w.nii.gz").valid).toBe(true);
  });
});

describe("bids build", () => {
  it.each([
    "sub-01/ses-2/func/sub-01_ses-2_task-rest_acq-fast_run-01_bold.nii.gz",
    "sub-01/anat/sub-01_T1w.nii.gz",
    "derivatives/fmriprep/sub-01/anat/sub-01_from-T1w_to-MNI152NLin6Asym_mode-image_xfm.h5",
    "derivatives/sub-32/eeg/sub-32_task-rest_eeg.vhdr",
    "tpl-SUIT/anat/tpl-SUIT_atlas-Diedrichsen2009_dseg.nii.gz",
    "sub-01/ses-01/sub-01_ses-01_scans.tsv",
    "ses-pre_task-rest_bold.json",
    "dataset_description.json",
    "README",
    "phenotype/acds_adult.tsv",
    "sub-01/meg/sub-01_task-rest_meg.ds/",
    "sub-01/meg/sub-01_task-rest_meg/",
  ])("round-trips %s", (path) => {
    const parsed = bids.parse(path);
    expect(parsed.valid).toBe(true);
    expect(bids.build(parsed.entities)).toBe(path);
  });

  it("builds a folder data object's path from a file inside it", () => {
    const inner = bids.parse("sub-01/meg/sub-01_task-rest_meg.ds/BadChannels");
    expect(bids.build(inner.entities)).toBe("sub-01/meg/sub-01_task-rest_meg.ds/");
  });

  it("writes entities in schema order whatever order they come in", () => {
    const entities = { ...bids.parse("sub-01/func/sub-01_task-x_bold.nii.gz").entities, run: "2", acq: "b" };
    expect(bids.build(entities)).toBe("sub-01/func/sub-01_task-x_acq-b_run-2_bold.nii.gz");
  });

  it.each([
    [{ subject: "01" }, /suffix and extension/],
    [{ subject: "01", suffix: "T1w" }, /without extension/],
    [{ subject: "0_1", suffix: "T1w", extension: ".nii" }, /subject "0_1" is not a BIDS label/],
    [{ run: "x", suffix: "bold", extension: ".nii" }, /run "x" is not a BIDS index/],
    [{ datatype: "anat", suffix: "T1w", extension: ".nii" }, /needs a subject/],
    [{ subject: "01", datatype: "figures", suffix: "T1w", extension: ".svg" }, /not a BIDS datatype/],
  ])("refuses %o", (partial, message) => {
    const entities = { ...bids.parse("README").entities, suffix: null, extension: null, ...partial };
    expect(() => bids.build(entities)).toThrow(LayoutError);
    expect(() => bids.build(entities)).toThrow(message);
  });
});

// ---------------------------------------------------------------------------------------------
// Conformance over bids-examples.

const EXAMPLES = sharedFixture("bids-examples");
const BIDS_NAME = /^(?:[a-zA-Z0-9]+-[a-zA-Z0-9+]+_)+[a-zA-Z0-9]+\./;

/** Every file the parser rejects in bids-examples, with why; each must still match something. */
const KNOWN_INVALID: { dataset: RegExp; path: RegExp; reason: string }[] = [
  { dataset: /./, path: /^(sourcedata|stimuli|code)\//, reason: "opaque folder: the spec leaves its content free" },
  { dataset: /^ds000117$/, path: /^\.bidsignore$/, reason: "validator configuration, not a BIDS file" },
  {
    dataset: /^ds000117$/,
    path: /^derivatives\/freesurfer\/sub-\d+\/ses-mri\/anat\/(label|surf|mri)\//,
    reason: "FreeSurfer's own subject tree (label/, surf/, mri/) kept inside anat/",
  },
  {
    dataset: /^ds000117$/,
    path: /^derivatives\/meg_derivatives\/(ct_sparse\.fif|sss_cal\.dat)$/,
    reason: "MaxFilter calibration files at the derived dataset's root, not BIDS-named",
  },
  {
    dataset: /^eeg_ds003645s_hed_demo$/,
    path: /^sub-004\/ses-1\/sub-004_ses-1_headshape\.pos$/,
    reason: "a headshape data file at session level, outside its eeg/ folder",
  },
  {
    dataset: /^ieeg_epilepsyNWB$/,
    path: /^derivatives\/brainvisa\/sub-01_ses-pre\//,
    reason: "BrainVISA's own tree (sub-01_ses-pre/default_analysis/...)",
  },
];

function walk(dir: string, rel = "", out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".git") continue;
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) walk(join(dir, entry.name), path, out);
    else out.push(path);
  }
  return out;
}

/** What a BIDS-looking name says: its key-values (by column), suffix and extension. */
function expectedFromName(path: string): { pairs: [string, string][]; suffix: string; extension: string } | null {
  const segments = path.split("/");
  const at = segments.findIndex((s) => BIDS_NAME.test(s));
  if (at < 0) return null;
  const name = segments[at];
  const dot = name.indexOf(".");
  const parts = name.slice(0, dot).split("_");
  const suffix = parts.pop()!;
  const pairs = parts.map((p): [string, string] => [p.slice(0, p.indexOf("-")), p.slice(p.indexOf("-") + 1)]);
  const insideObject = at < segments.length - 1;
  return { pairs, suffix, extension: name.slice(dot) + (insideObject ? "/" : "") };
}

function objectPath(path: string): string {
  const segments = path.split("/");
  const at = segments.findIndex((s) => BIDS_NAME.test(s));
  return at >= 0 && at < segments.length - 1 ? segments.slice(0, at + 1).join("/") + "/" : path;
}

const datasets = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== ".git")
  .map((d) => d.name)
  .sort();
const summary: { dataset: string; files: number; valid: number; invalid: number }[] = [];
const usedExceptions = new Set<number>();

describe("bids-examples conformance", () => {
  it("has the 54 datasets", () => {
    expect(datasets).toHaveLength(54);
  });

  it.each(datasets)("%s", (dataset) => {
    const files = walk(join(EXAMPLES, dataset));
    const surprises: string[] = [];
    let valid = 0;
    for (const path of files) {
      const parsed = bids.parse(path);
      if (parsed.valid) valid++;
      else {
        const known = KNOWN_INVALID.findIndex((k) => k.dataset.test(dataset) && k.path.test(path));
        if (known < 0) surprises.push(`invalid: ${path} (unparsed ${parsed.unparsed})`);
        else usedExceptions.add(known);
      }
      const named = expectedFromName(path);
      if (named !== null) {
        for (const [key, value] of named.pairs) {
          const column = BIDS_ENTITY_BY_KEY.get(key)?.column;
          if (column === undefined ? parsed.valid : parsed.entities[column] !== value) {
            surprises.push(`${path}: ${key}-${value} not returned`);
          }
        }
        if (parsed.entities.suffix !== named.suffix) surprises.push(`${path}: suffix ${parsed.entities.suffix}`);
        if (parsed.entities.extension !== named.extension) {
          surprises.push(`${path}: extension ${parsed.entities.extension}`);
        }
      }
      if (parsed.valid && !path.includes("/derivatives/")) {
        const built = bids.build(parsed.entities);
        if (built !== objectPath(path)) surprises.push(`${path}: builds back as ${built}`);
      }
    }
    summary.push({ dataset, files: files.length, valid, invalid: files.length - valid });
    expect(surprises).toEqual([]);
  });

  it("uses every known exception (the list stays tight)", () => {
    const unused = KNOWN_INVALID.filter((_, i) => !usedExceptions.has(i)).map((k) => k.reason);
    expect(unused).toEqual([]);
  });

  afterAll(() => {
    const row = (name: string, ...counts: (string | number)[]) =>
      name.padEnd(32) + counts.map((c) => String(c).padStart(8)).join("");
    const sum = (pick: (s: (typeof summary)[number]) => number) => summary.reduce((t, s) => t + pick(s), 0);
    const lines = summary.map((s) => row(s.dataset, s.files, s.valid, s.invalid));
    const total = row("total", sum((s) => s.files), sum((s) => s.valid), sum((s) => s.invalid));
    console.log([row("dataset", "files", "valid", "invalid"), ...lines, total].join("\n"));
  });
});
