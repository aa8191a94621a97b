// The list_* helpers against ONE's tests on its fixture cache (one/tests/test_one.py):
// test_list_datasets, test_list_collections, test_list_revisions, test_list_subjects.
//
//   npx vitest run src/compat/one/list.test.ts

import { describe, expect, it } from "vitest";
import {
  OneNoDefaultRevisionsError,
  datasetsByCollection,
  datasetsByRevision,
  listCollections,
  listDatasets,
  listRevisions,
  listSubjects,
} from "./list.ts";
import { oneFixture, revisionsDatasetsTable } from "./one-fixture.test-data.ts";
import type { OneDataset } from "./tables.ts";

const KS005_0402 = "bc93a3b2-070d-47a8-a2b8-91b3b6e9f25c"; // KS005/2019-04-02/001
const ZFM_01935 = "d3372b15-f696-4279-9be5-98f15783b5bb"; // ZFM-01935/2021-02-05/001
const NOT_CACHED = "00000000-0000-4000-8000-000000000000"; // FMR019/2021-03-18/002 in ONE's test

const relPaths = (rows: readonly OneDataset[]) => rows.map((d) => d.rel_path);
const unique = (items: readonly string[]) => [...new Set(items)];

describe("listDatasets (test_list_datasets)", () => {
  const { datasets } = oneFixture();

  it("filters every session's datasets by file name wildcard", () => {
    expect(unique(relPaths(listDatasets(datasets, { filename: "_ibl_trials*" }).datasets))).toHaveLength(18);
    expect(listDatasets(datasets, { filename: "gnagnag" }).datasets).toEqual([]);
  });

  it("returns every row without filters, and a session's rows for an eid", () => {
    const all = listDatasets(datasets);
    expect(all.datasets).toHaveLength(693);
    expect(all.datasets).not.toBe(datasets);
    expect(listDatasets(datasets, { eid: KS005_0402 }).datasets).toHaveLength(27);
    expect(listDatasets(datasets, { eid: NOT_CACHED }).datasets).toEqual([]);
    expect(listDatasets(datasets, { eid: [KS005_0402, ZFM_01935] }).datasets).toHaveLength(27 + 106);
  });

  it("filters by ALF parts, wildcards included", () => {
    const filename = { attribute: ["times", "intervals"], extension: "npy" };
    const plain = relPaths(listDatasets(datasets, { eid: ZFM_01935, filename }).datasets);
    expect(plain).toHaveLength(10);
    expect(plain.every((p) => p.includes(".times.") || p.includes(".intervals"))).toBe(true);
    const starred = { ...filename, attribute: ["times*", "intervals"] };
    const more = relPaths(listDatasets(datasets, { eid: ZFM_01935, filename: starred }).datasets);
    expect(more).toHaveLength(13);
    expect(more.filter((p) => p.includes(".timestamps."))).toHaveLength(3);
  });

  it("keeps default revisions only when asked, and only when the cache has the field", () => {
    expect(() => listDatasets(datasets, { eid: KS005_0402, defaultRevisionsOnly: true })).toThrow(
      OneNoDefaultRevisionsError,
    );
    const revised = revisionsDatasetsTable({ collections: ["alf"], revisions: ["", "2023-01-01"] }).map(
      (d, i) => ({ ...d, default_revision: i % 2 === 1 }),
    );
    const table = [...datasets.map((d) => ({ ...d, default_revision: true })), ...revised];
    const eid = revised[0].eid;
    expect(listDatasets(table, { eid, filename: "spikes.*" }).datasets).toHaveLength(4);
    const defaults = relPaths(
      listDatasets(table, { eid, filename: "spikes.*", defaultRevisionsOnly: true }).datasets,
    );
    expect(defaults).toEqual(["alf/#2023-01-01#/spikes.times.npy", "alf/#2023-01-01#/spikes.waveforems.npy"]);
  });

  it("is ONE's list_datasets: revisions are patterns, nothing need be unique, wildcards on", () => {
    const table = revisionsDatasetsTable();
    const revised = listDatasets(table, { revision: "2020*", collection: "alf/probe0?" });
    expect(relPaths(revised.datasets)).toEqual([
      "alf/probe00/#2020-01-08#/spikes.times.npy",
      "alf/probe01/#2020-01-08#/spikes.times.npy",
      "alf/probe00/#2020-01-08#/spikes.waveforems.npy",
      "alf/probe01/#2020-01-08#/spikes.waveforems.npy",
    ]);
    const lastBefore = listDatasets(table, {
      revision: "2021-01-01",
      collection: "alf/probe00",
      revisionLastBefore: true,
    });
    expect(relPaths(lastBefore.datasets)).toEqual([
      "alf/probe00/#2020-01-08#/spikes.times.npy",
      "alf/probe00/#2020-01-08#/spikes.waveforems.npy",
    ]);
    expect(lastBefore.warnings).toEqual([]);
  });

  it("leaves out datasets above the QC level, FAIL by default", () => {
    const rows = datasets.filter((d) => d.eid === KS005_0402).map((d, i) => ({
      ...d,
      qc: i === 0 ? ("CRITICAL" as const) : d.qc,
    }));
    expect(listDatasets(rows).datasets).toHaveLength(26);
    expect(listDatasets(rows, { qc: "CRITICAL" }).datasets).toHaveLength(27);
  });
});

describe("listCollections (test_list_collections)", () => {
  const { datasets } = oneFixture();

  it("lists every collection once, '' for the session folder", () => {
    expect(listCollections(datasets).sort()).toEqual([
      "", "alf", "alf/ks2", "alf/probe00", "raw_behavior_data", "raw_ephys_data",
      "raw_ephys_data/probe00", "raw_passive_data", "raw_video_data",
    ]);
  });

  it("groups a session's datasets by collection", () => {
    const byCollection = datasetsByCollection(datasets, { eid: KS005_0402 });
    expect([...byCollection.keys()]).toEqual(["alf", "raw_behavior_data", "raw_video_data"]);
    expect(byCollection.get("alf")!.every((d) => d.rel_path.startsWith("alf"))).toBe(true);
    expect(listCollections(datasets, { eid: KS005_0402, filename: "*Camera*" })).toEqual([
      "raw_video_data",
    ]);
  });

  it("is empty for a session not in the cache", () => {
    expect(datasetsByCollection(datasets, { eid: NOT_CACHED }).size).toBe(0);
    expect(listCollections(datasets, { eid: NOT_CACHED })).toEqual([]);
  });
});

describe("listRevisions (test_list_revisions)", () => {
  const revised = revisionsDatasetsTable();
  const datasets = [...oneFixture().datasets, ...revised];
  const eid = revised[0].eid;

  it("lists every revision once, '' for none", () => {
    expect(listRevisions(datasets)).toEqual(["", "2020-01-08", "2021-07-06"]);
  });

  it("groups a session's datasets by revision, after the file and collection filters", () => {
    const byRevision = datasetsByRevision(datasets, { eid });
    expect([...byRevision.keys()]).toEqual(["", "2020-01-08", "2021-07-06"]);
    expect(byRevision.get("2020-01-08")!.every((d) => d.rel_path.includes("#2020-01-08#"))).toBe(true);
    const times = datasetsByRevision(datasets, { eid, filename: "spikes.times.npy" });
    expect(times.get("2020-01-08")!.every((d) => d.rel_path.endsWith("spikes.times.npy"))).toBe(true);
    const probe01 = datasetsByRevision(datasets, { eid, collection: "alf/probe01" });
    expect(probe01.get("2020-01-08")!.every((d) => d.rel_path.startsWith("alf/probe01"))).toBe(true);
    expect(probe01.get("2020-01-08")).toHaveLength(2);
  });

  it("filters revisions by wildcard", () => {
    expect(listRevisions(datasets, { eid, revision: ["202[01]*"] })).toEqual(["2020-01-08", "2021-07-06"]);
  });

  it("is empty for a session not in the cache", () => {
    expect(datasetsByRevision(datasets, { eid: NOT_CACHED }).size).toBe(0);
    expect(listRevisions(datasets, { eid: NOT_CACHED })).toEqual([]);
  });
});

describe("listSubjects (test_list_subjects)", () => {
  it("lists each subject once, sorted", () => {
    expect(listSubjects(oneFixture().sessions)).toEqual([
      "KS005", "ZFM-01935", "ZM_1094", "ZM_1150", "ZM_1743", "ZM_335", "clns0730", "flowers",
    ]);
  });
});
