// Revision choice against ONE's tests: TestOneMisc.test_index_last_before and
// test_revision_last_before (one/tests/test_one.py), on ONE's revisions_datasets_table.
//
//   npx vitest run src/compat/one/revisions.test.ts

import { describe, expect, it } from "vitest";
import { revisionsDatasetsTable } from "./one-fixture.test-data.ts";
import {
  AlfFilterError,
  AlfMultipleRevisionsError,
  compareCodePoints,
  filterRevisionLastBefore,
  indexLastBefore,
  revisionOf,
} from "./revisions.ts";
import type { OneDataset } from "./tables.ts";

describe("indexLastBefore (test_index_last_before)", () => {
  const revisions = ["2021-01-01", "2020-08-01", "", "2020-09-30"];

  it("finds the last revision at or before the one asked for", () => {
    expect(indexLastBefore(revisions, "2021-01-01")).toBe(0);
    expect(indexLastBefore(revisions, "2020-09-15")).toBe(1);
    expect(indexLastBefore(revisions, "")).toBe(2);
    expect(indexLastBefore([], "2009-01-01")).toBeNull();
    expect(indexLastBefore(revisions, null)).toBe(0); // the most recent
  });

  it("returns null when every revision is later, and the first of equal revisions", () => {
    expect(indexLastBefore(["2021-01-01", "2020-08-01"], "2019-01-01")).toBeNull();
    expect(indexLastBefore(["a", "b", "b"], null)).toBe(1);
  });

  it("orders by code point like Python, not by UTF-16 unit", () => {
    expect(compareCodePoints("\u{1F600}", "\uFFFF")).toBeGreaterThan(0);
    expect(indexLastBefore(["\uFFFF", "\u{1F600}"], null)).toBe(1);
  });
});

function probe00(): OneDataset[] {
  return revisionsDatasetsTable().filter((d) => d.rel_path.startsWith("alf/probe00"));
}

describe("filterRevisionLastBefore (test_revision_last_before)", () => {
  it("keeps the last revision before the date for each dataset", () => {
    const { datasets, warnings } = filterRevisionLastBefore(probe00(), {
      revision: "2020-09-01",
      assertUnique: false,
    });
    expect(datasets.map((d) => d.rel_path)).toEqual([
      "alf/probe00/#2020-01-08#/spikes.times.npy",
      "alf/probe00/#2020-01-08#/spikes.waveforems.npy",
    ]);
    expect(warnings).toEqual([]);
  });

  it("orders datasets by path without revision, as pandas' groupby sorts its keys", () => {
    const rows = revisionsDatasetsTable().reverse();
    const { datasets } = filterRevisionLastBefore(rows, { revision: "2020-09-01" });
    expect(datasets.map((d) => d.rel_path)).toEqual([
      "alf/probe00/#2020-01-08#/spikes.times.npy",
      "alf/probe00/#2020-01-08#/spikes.waveforems.npy",
      "alf/probe01/#2020-01-08#/spikes.times.npy",
      "alf/probe01/#2020-01-08#/spikes.waveforems.npy",
      "#2020-01-08#/spikes.times.npy",
      "#2020-01-08#/spikes.waveforems.npy",
    ]);
  });

  it("throws on mixed revisions when asked to be consistent, else warns", () => {
    const rows = probe00();
    const mixed = rows.filter((d, i) => i !== rows.findIndex((r) => revisionOf(r.rel_path) === "2020-01-08"));
    expect(() =>
      filterRevisionLastBefore(mixed, { revision: "2020-09-01", assertConsistent: true }),
    ).toThrow(AlfMultipleRevisionsError);
    const { datasets, warnings } = filterRevisionLastBefore(mixed, { revision: "2020-09-01" });
    expect(datasets.map((d) => d.rel_path)).toEqual([
      "alf/probe00/spikes.times.npy",
      "alf/probe00/#2020-01-08#/spikes.waveforems.npy",
    ]);
    expect(warnings).toEqual(['Multiple revisions: "", "2020-01-08"']);
  });

  it("falls back on the latest revision, with a warning, when none is the default", () => {
    const rows = probe00().map((d) => ({ ...d, default_revision: false }));
    const { datasets, warnings } = filterRevisionLastBefore(rows);
    expect(datasets.map((d) => revisionOf(d.rel_path))).toEqual(["2021-07-06", "2021-07-06"]);
    expect(warnings).toEqual([
      "No default revision for dataset alf/probe00/spikes.times.npy; using most recent",
      "No default revision for dataset alf/probe00/spikes.waveforems.npy; using most recent",
    ]);
  });

  it("prefers the default revision and warns when the defaults differ", () => {
    const rows = probe00().map((d, i) => ({ ...d, default_revision: i === 0 || i === 4 }));
    const { datasets, warnings } = filterRevisionLastBefore(rows, { assertUnique: true });
    expect(datasets).toEqual([rows[0], rows[4]]);
    expect(warnings).toEqual(['Multiple revisions: "", "2020-01-08"']);
  });

  it("throws when a dataset has several default revisions", () => {
    const rows = probe00().map((d) => ({ ...d, default_revision: true }));
    expect(() => filterRevisionLastBefore(rows, { assertUnique: true })).toThrow(
      AlfMultipleRevisionsError,
    );
    expect(() => filterRevisionLastBefore(rows, { assertUnique: true })).toThrow(
      /^"", "2020-01-08", "2021-07-06"\nThe matching object/,
    );
    // Without assertUnique, several defaults are no default: the latest, with a warning.
    const { datasets } = filterRevisionLastBefore(rows, { assertUnique: false });
    expect(datasets.map((d) => revisionOf(d.rel_path))).toEqual(["2021-07-06", "2021-07-06"]);
  });

  it("takes the only revision of a dataset when the default column exists but marks none", () => {
    const rows = revisionsDatasetsTable({ collections: ["alf"], revisions: ["2023-01-01"] }).map(
      (d) => ({ ...d, default_revision: null }),
    );
    const { datasets, warnings } = filterRevisionLastBefore(rows);
    expect(datasets).toEqual(rows);
    expect(warnings).toEqual([]);
  });

  it("names errors as TroveErrors of the ALF family", () => {
    expect(new AlfMultipleRevisionsError('"a"')).toBeInstanceOf(AlfFilterError);
    expect(new AlfMultipleRevisionsError('"a"').name).toBe("AlfMultipleRevisionsError");
  });
});
