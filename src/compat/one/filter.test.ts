// filterDatasets against ONE's tests (one/tests/test_one.py): TestONECache.test_filter and
// test_filter_wildcards on the first rows of ONE's fixture cache, and
// TestOneMisc.test_collection_spec; then the places we chose to differ from ONE.
//
//   npx vitest run src/compat/one/filter.test.ts

import { describe, expect, it } from "vitest";
import { QcValueError } from "../../layout/alf-names.ts";
import { collectionSpec, filterDatasets } from "./filter.ts";
import { OnePatternError } from "./match.ts";
import { oneFixture } from "./one-fixture.test-data.ts";
import {
  AlfMultipleCollectionsError,
  AlfMultipleObjectsError,
  AlfMultipleRevisionsError,
} from "./revisions.ts";
import type { OneDataset } from "./tables.ts";

/** ONE's `self.one._cache.datasets.iloc[:5].copy()`. */
function firstFive(): OneDataset[] {
  return oneFixture().datasets.slice(0, 5);
}

const paths = (rows: readonly OneDataset[]) => rows.map((d) => d.rel_path);
const loose = { assertUnique: false, revisionLastBefore: false } as const;

describe("filterDatasets (test_filter)", () => {
  it("starts from the rows ONE's test starts from", () => {
    expect(paths(firstFive())).toEqual([
      "raw_behavior_data/_iblrig_codeFiles.raw.zip",
      "alf/_ibl_wheel.timestamps.npy",
      "raw_video_data/_iblrig_videoCodeFiles.raw.zip",
      "raw_video_data/_iblrig_leftCamera.timestamps.ssv",
      "alf/_ibl_trials.rewardVolume.npy",
    ]);
  });

  it("filters by collection, and '' means no collection", () => {
    const rows = firstFive();
    expect(filterDatasets(rows, loose).datasets).toHaveLength(5);
    expect(paths(filterDatasets(rows, { ...loose, collection: "alf" }).datasets)).toEqual([
      "alf/_ibl_wheel.timestamps.npy",
      "alf/_ibl_trials.rewardVolume.npy",
    ]);
    expect(() => filterDatasets(rows, { collection: "raw.*", revisionLastBefore: false })).toThrow(
      AlfMultipleCollectionsError,
    );
    rows[4] = { ...rows[4], rel_path: "_ibl_trials.rewardVolume.npy" };
    const rootOnly = filterDatasets(rows, { collection: "", revisionLastBefore: false });
    expect(paths(rootOnly.datasets)).toEqual(["_ibl_trials.rewardVolume.npy"]);
  });

  it("filters by file name regex, list (OR) and ALF parts", () => {
    const rows = firstFive();
    rows[4] = { ...rows[4], rel_path: "_ibl_trials.rewardVolume.npy" };
    expect(filterDatasets(rows, { ...loose, filename: "_iblrig_.*" }).datasets).toHaveLength(3);
    expect(() =>
      filterDatasets(rows, {
        filename: "_iblrig_.*",
        collection: "raw_video_data",
        revisionLastBefore: false,
      }),
    ).toThrow(AlfMultipleObjectsError);
    const either = filterDatasets(rows, { ...loose, filename: ["alf/_ibl_wheel.*", "_ibl_trials.*"] });
    expect(paths(either.datasets)).toEqual([
      "alf/_ibl_wheel.timestamps.npy",
      "_ibl_trials.rewardVolume.npy",
    ]);
    const trials = filterDatasets(rows, { ...loose, filename: { namespace: "ibl", object: "trials" } });
    expect(paths(trials.datasets)).toEqual(["_ibl_trials.rewardVolume.npy"]);
    const bpod = filterDatasets(oneFixture().datasets, {
      ...loose,
      filename: { timescale: "bpod", object: "trials" },
    });
    expect(bpod.datasets[0].rel_path).toBe("alf/_ibl_trials.intervals_bpod.npy");
    const attrs = filterDatasets(rows, { ...loose, filename: { attribute: ["time.+", "raw"] } });
    expect(attrs.datasets).toHaveLength(4);
  });

  it("filters by QC: at or below the level (FAIL by default), optionally without NOT_SET", () => {
    const levels = ["NOT_SET", "PASS", "WARNING", "FAIL", "CRITICAL"] as const;
    const rows = firstFive().map((d, i) => ({ ...d, qc: levels[i] }));
    const qcOf = (r: { datasets: OneDataset[] }) => r.datasets.map((d) => d.qc).sort();
    expect(qcOf(filterDatasets(rows, { assertUnique: false }))).toEqual(
      ["FAIL", "NOT_SET", "PASS", "WARNING"],
    );
    expect(filterDatasets(rows, { assertUnique: false, ignoreQcNotSet: true }).datasets).toHaveLength(3);
    expect(qcOf(filterDatasets(rows, { assertUnique: false, qc: "PASS" }))).toEqual(["NOT_SET", "PASS"]);
    expect(filterDatasets(rows, { assertUnique: false, qc: 30 }).datasets).toHaveLength(3);
    const passOnly = filterDatasets(rows, { qc: "PASS", ignoreQcNotSet: true });
    expect(qcOf(passOnly)).toEqual(["PASS"]);
    expect(() => filterDatasets(rows, { qc: "ERROR" })).toThrow(QcValueError);
  });

  describe("revisions", () => {
    const revisions = [
      "alf/probe00/#2020-01-01#/spikes.times.npy",
      "alf/probe00/#2020-08-31#/spikes.times.npy",
      "alf/probe00/spikes.times.npy",
      "alf/probe00/#2021-xx-xx#/spikes.times.npy",
      "alf/probe01/#2020-01-01#/spikes.times.npy",
    ];
    const levels = ["NOT_SET", "PASS", "WARNING", "FAIL", "PASS"] as const;
    const table = (): OneDataset[] =>
      firstFive().map((d, i) => ({ ...d, rel_path: revisions[i], qc: levels[i] }));
    const revisionOfPath = (p: string) => p.split("#")[1];

    it("keeps the last revision before the date, warning of mixed revisions", () => {
      const { datasets, warnings } = filterDatasets(table(), {
        revision: "2020-09-06",
        assertUnique: false,
      });
      expect(paths(datasets)).toEqual([revisions[1], revisions[4]]);
      expect(warnings).toEqual(['Multiple revisions: "2020-08-31", "2020-01-01"']);
    });

    it("takes the latest revision, with a warning, when there is no default column", () => {
      const { datasets, warnings } = filterDatasets(table(), {
        filename: "*spikes.times*",
        collection: "alf/probe00",
        wildcards: true,
      });
      expect(paths(datasets)).toEqual([revisions[3]]);
      expect(warnings).toEqual([
        "No default revision for dataset alf/probe00/#2020-01-01#/spikes.times.npy; using most recent",
      ]);
    });

    it("matches revisions as patterns without revisionLastBefore", () => {
      const one = filterDatasets(table(), { ...loose, revision: "2020-08-\\d{2}" });
      expect(paths(one.datasets)).toEqual([revisions[1]]);
      expect(() =>
        filterDatasets(table(), {
          collection: ".*probe00",
          revision: "2020-0[18]-\\d{2}",
          revisionLastBefore: false,
        }),
      ).toThrow(AlfMultipleRevisionsError);
    });

    it("chooses per dataset: latest, none, or before the date", () => {
      const latest = filterDatasets(table(), { assertUnique: false });
      expect(latest.datasets.map((d) => revisionOfPath(d.rel_path))).toEqual(["2021-xx-xx", "2020-01-01"]);
      const unrevised = filterDatasets(table(), { revision: "", assertUnique: false });
      expect(paths(unrevised.datasets)).toEqual(["alf/probe00/spikes.times.npy"]);
      const none = filterDatasets(table(), { collection: ".*01", revision: "", assertUnique: false });
      expect(none.datasets).toEqual([]);
      const probe01 = filterDatasets(table(), { collection: ".*01", assertUnique: false });
      expect(paths(probe01.datasets)).toEqual([revisions[4]]);
    });

    it("prefers the dataset marked default", () => {
      const rows = table().map((d, i) => ({ ...d, default_revision: i === 0 }));
      const all = filterDatasets(rows, { assertUnique: false });
      expect(all.datasets[0].rel_path).toBe(revisions[0]);
      expect(all.warnings).toEqual([]);
      const one = filterDatasets(rows, {
        filename: "*spikes.times*",
        collection: "alf/probe00",
        wildcards: true,
      });
      expect(paths(one.datasets)).toEqual(["alf/probe00/#2020-01-01#/spikes.times.npy"]);
      expect(() =>
        filterDatasets(rows, {
          filename: "*spikes.times*",
          collection: "alf/probe00",
          wildcards: true,
          revisionLastBefore: false,
        }),
      ).toThrow(AlfMultipleRevisionsError);
    });

    it("throws instead of warning with assertConsistent", () => {
      expect(() =>
        filterDatasets(table(), { revision: "2020-09-06", assertUnique: false, assertConsistent: true }),
      ).toThrow(AlfMultipleRevisionsError);
    });
  });
});

describe("filterDatasets (test_filter_wildcards)", () => {
  it("matches wildcards in file names, collections and ALF parts", () => {
    const rows = firstFive();
    const both = filterDatasets(rows, {
      filename: "_ibl_*",
      collection: "*lf",
      assertUnique: false,
      wildcards: true,
    });
    expect(both.datasets).toHaveLength(2);
    const attrs = filterDatasets(rows, {
      ...loose,
      wildcards: true,
      filename: { attribute: ["timestamp?", "raw"] },
    });
    expect(attrs.datasets).toHaveLength(4);
  });

  it("does not let a leading * in the file name reach into sub-collections", () => {
    const all = oneFixture().datasets;
    const meta = all.filter((d) => d.rel_path.includes("meta"));
    const rows = [...firstFive(), ...meta];
    const options = { ...loose, wildcards: true, filename: "*.meta" };
    expect(paths(filterDatasets(rows, { ...options, collection: "raw_ephys_data" }).datasets)).toEqual([
      "raw_ephys_data/_spikeglx_ephysData_g0_t0.nidq.meta",
    ]);
    const probes = filterDatasets(rows, { ...options, collection: "raw_ephys_data/probe??" });
    expect(probes.datasets).toHaveLength(2);
    const under = filterDatasets(rows, { ...options, collection: "raw_ephys_data*" });
    expect(under.datasets).toHaveLength(3);
  });

  it("lets a file name with two star runs cross folders, as fnmatch on Python 3.9+ makes ONE do", () => {
    const rows = oneFixture().datasets.slice(0, 30);
    const rootOnly = { ...loose, wildcards: true, collection: "" };
    expect(filterDatasets(rows, { ...rootOnly, filename: "*wheel.timestamps.npy" }).datasets).toEqual([]);
    expect(paths(filterDatasets(rows, { ...rootOnly, filename: "*wheel.timestamps*" }).datasets)).toEqual([
      "alf/_ibl_wheel.timestamps.npy",
    ]);
  });
});

describe("collectionSpec (test_collection_spec)", () => {
  const collection = { none: "({collection}/)?", empty: "", given: "{collection}/" };
  const revision = { none: "(#{revision}#/)?", empty: "", given: "#{revision}#/" };
  const values = { none: null, empty: "", given: "-" };
  const kinds = ["none", "empty", "given"] as const;
  const combos = kinds.flatMap((c) => kinds.map((r) => [c, r] as const));

  it.each(combos)("collection %s, revision %s", (c, r) => {
    expect(collectionSpec(values[c], values[r])).toBe(collection[c] + revision[r]);
  });
});

describe("filterDatasets: where we differ from ONE on purpose", () => {
  it("applies the collection to every name of a list (ONE's top-level `|` drops it after the first)", () => {
    const rows = oneFixture().datasets.filter((d) => d.eid.startsWith("d3372b15"));
    const found = filterDatasets(rows, {
      ...loose,
      wildcards: true,
      collection: "raw_ephys_data/probe00",
      filename: ["*.ap.meta", "*.lf.meta"],
    });
    expect(paths(found.datasets).sort()).toEqual([
      "raw_ephys_data/probe00/_spikeglx_ephysData_g0_t0.imec0.ap.meta",
      "raw_ephys_data/probe00/_spikeglx_ephysData_g0_t0.imec0.lf.meta",
    ]);
  });

  it("accepts {n} quantifiers in a file name regex (ONE's str.format chokes on them)", () => {
    const rows = oneFixture().datasets.slice(0, 5);
    const found = filterDatasets(rows, { ...loose, filename: "_iblrig_\\w{4}Camera.*" });
    expect(paths(found.datasets)).toEqual(["raw_video_data/_iblrig_leftCamera.timestamps.ssv"]);
  });

  it("reports a bad pattern as OnePatternError", () => {
    expect(() => filterDatasets(firstFive(), { ...loose, collection: "(" })).toThrow(OnePatternError);
  });
});
