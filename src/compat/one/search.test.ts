// searchSessions against ONE's TestONECache.test_one_search on ONE's fixture cache, plus
// TestOneMisc.test_autocomplete and test_validate_date_range (one/tests/test_one.py); then the
// places we chose to differ from ONE.
//
//   npx vitest run src/compat/one/search.test.ts

import { describe, expect, it } from "vitest";
import { QcValueError } from "../../layout/alf-names.ts";
import { OnePatternError } from "./match.ts";
import { oneFixture } from "./one-fixture.test-data.ts";
import {
  OneSearchError,
  TIMESTAMP_MAX,
  TIMESTAMP_MIN,
  autocompleteTerm,
  searchSessions,
  validateDateRange,
  type SearchOptions,
  type SearchTerms,
} from "./search.ts";
import type { OneDataset, OneSession } from "./tables.ts";

const ZFM_01935 = "d3372b15-f696-4279-9be5-98f15783b5bb";
const SPIKES_DEPTHS = [ZFM_01935, "b1c968ad-4874-468d-b2e4-5ffa9b9964e9", "cf264653-2deb-44cb-aa84-89b82507028a"];

function searcher(tables = oneFixture()) {
  return {
    ...tables,
    ids: (terms: SearchTerms, options?: SearchOptions) =>
      searchSessions(tables.sessions, tables.datasets, terms, options).map((s) => s.id),
  };
}

describe("searchSessions (test_one_search)", () => {
  it("searches subject, lab (any of a list), date and date range", () => {
    const { ids } = searcher();
    expect(ids({ subject: "ZM_335" })).toEqual([
      "3473f9d2-aa5d-41a6-9048-c65d0b7ab97c",
      "dfe99506-b873-45db-bc93-731f9362e304",
    ]);
    const labs = ids({ laboratory: ["mainen", "cortexlab"] });
    expect(labs).toHaveLength(25);
    expect(labs.slice(0, 2)).toEqual([ZFM_01935, "3473f9d2-aa5d-41a6-9048-c65d0b7ab97c"]);
    expect(ids({ date: "2019-06-07" })).toEqual(["db524c42-6356-4c61-b236-4967c54d2665"]);
    const range = ids({ date: ["2019-04-01", "2019-04-10"] });
    expect(range).toHaveLength(9);
    expect(range.slice(0, 2)).toEqual([
      "13c99443-01ee-462e-b668-717daa526fc0",
      "abf5109c-d780-44c8-9561-83e857c7bc01",
    ]);
    expect(ids({ date_range: ["2021-01-01", null] })).toEqual([ZFM_01935]);
  });

  it("searches datasets by exact name or regex, holding them to QC and existence", () => {
    const { ids, datasets } = searcher();
    expect(ids({ datasets: "spikes.depths.npy" })).toEqual(SPIKES_DEPTHS);
    expect(ids({ datasets: "^spikes\\..+$" }).sort()).toEqual([...SPIKES_DEPTHS].sort());

    const set = (where: (d: OneDataset) => boolean, change: Partial<OneDataset>) => {
      datasets.forEach((d, i) => {
        if (where(d)) datasets[i] = { ...d, ...change };
      });
    };
    set((d) => d.eid === ZFM_01935 && d.rel_path === "alf/probe00/spikes.times.npy", { qc: "FAIL" });
    const both = ["spikes.depths.npy", "spikes.times.npy"];
    expect(ids({ datasets: both, dataset_qc: "WARNING" })).toEqual(SPIKES_DEPTHS.slice(1));

    set((d) => d.eid === ZFM_01935, { qc: "FAIL" });
    const passing = ids({ dataset_qc: "WARNING" });
    expect(passing).not.toContain(ZFM_01935);
    expect(passing).toHaveLength(22); // 23 sessions have datasets

    const firstDepths = datasets.findIndex((d) => d.rel_path.includes("spikes.depths.npy"));
    datasets[firstDepths] = { ...datasets[firstDepths], exists: false };
    expect(ids({ datasets: "spikes.depths.npy" })).toHaveLength(SPIKES_DEPTHS.length - 1);
  });

  it("searches task protocol, projects and number, with shortened term names", () => {
    const { ids, sessions } = searcher();
    expect(ids({ task: "habituation" })).toEqual(["ac80cd12-49e5-4aff-b5f2-1a718679ceeb"]);
    expect(ids({ proj: "neuropix" })).toHaveLength(20);
    const numberOf = (id: string) => sessions.find((s) => s.id === id)!.number;
    const ones = ids({ num: 1 });
    expect(ones.length).toBeGreaterThan(0);
    expect(ones.every((id) => numberOf(id) === 1)).toBe(true);
    const twos = ids({ number: "002" });
    expect(twos.length).toBeGreaterThan(0);
    expect(twos.every((id) => numberOf(id) === 2)).toBe(true);
  });

  it("returns nothing for no match, and combines terms with AND", () => {
    const { ids } = searcher();
    expect(ids({ num: 100, subject: "KS000" })).toEqual([]);
    expect(ids({ num: 500 })).toEqual([]);
    expect(ids({ subj: "KS005", date: "2019-04-10", num: "003", lab: "cortexlab" })).toEqual([
      "13c99443-01ee-462e-b668-717daa526fc0",
    ]);
  });

  it("throws OneSearchError for ambiguous and unknown terms", () => {
    const { ids } = searcher();
    expect(() => ids({ dat: "2021-03-05" })).toThrow(OneSearchError);
    expect(() => ids({ dat: "2021-03-05" })).toThrow(/^Ambiguous search term "dat"/);
    expect(() => ids({ user: "mister" })).toThrow(/^Invalid search term "user"/);
  });

  it("returns whole session rows", () => {
    const { sessions, datasets } = oneFixture();
    const found = searchSessions(sessions, datasets, { date: "2019-04-10", lab: "cortexlab" });
    expect(found).toHaveLength(2);
    expect(Object.keys(found[0]).sort()).toEqual(Object.keys(sessions[0]).sort());
  });

  it("copes with empty tables", () => {
    const { sessions } = oneFixture();
    expect(searchSessions(sessions, [], { datasets: "_ibl_trials.table.pqt" })).toEqual([]);
    expect(searchSessions([], [], { subject: "KS005" })).toEqual([]);
  });
});

describe("searchSessions: ONE's details", () => {
  it("sorts by date, then subject, then number, all descending", () => {
    const row = (id: string, subject: string, date: string, number: number): OneSession => ({
      id, lab: "lab", subject, date, number, task_protocol: "", projects: "",
    });
    const sessions = [
      row("a", "m1", "2020-01-01", 1),
      row("b", "m2", "2020-01-01", 1),
      row("c", "m2", "2020-01-01", 2),
      row("d", "m1", "2021-01-01", 1),
    ];
    expect(searchSessions(sessions, [], {}).map((s) => s.id)).toEqual(["d", "c", "b", "a"]);
  });

  it("takes string terms as regexes searched anywhere, or as substrings without wildcards", () => {
    const { ids } = searcher();
    expect(ids({ subject: "^ZM_1[01]" })).toEqual([
      "b1c968ad-4874-468d-b2e4-5ffa9b9964e9",
      "ac80cd12-49e5-4aff-b5f2-1a718679ceeb",
    ]);
    expect(ids({ subject: "(?i)^zm_335$" })).toHaveLength(2);
    expect(ids({ subject: "^ZM_1[01]" }, { wildcards: false })).toEqual([]);
    expect(ids({ subject: "M_1" }, { wildcards: false })).toHaveLength(11); // 9 ZM_1743, ZM_1094, ZM_1150
    expect(() => ids({ subject: "ZM_(" })).toThrow(OnePatternError);
  });

  it("checks dates and numbers like ONE, but only while sessions remain", () => {
    const { ids } = searcher();
    expect(() => ids({ number: "two" })).toThrow(OneSearchError);
    expect(() => ids({ date_range: "2020-02-30" })).toThrow(OneSearchError);
    expect(() => ids({ dataset_qc_lte: "ERROR" })).toThrow(QcValueError);
    // ONE filters in its own order and stops at the first empty result.
    expect(ids({ subject: "nobody", number: "two" })).toEqual([]);
  });

  it("reads whole-day, open and date-time ranges", () => {
    const { ids } = searcher();
    expect(ids({ date: ["2019-07-17T00:00:01", null] })).toEqual([ZFM_01935]);
    expect(ids({ date: [null, "2018-08-24"] })).toEqual([
      "cf264653-2deb-44cb-aa84-89b82507028a",
      "4e0b3320-47b7-416e-b842-c34dc9004cf8",
    ]);
    expect(ids({ date: [new Date(Date.UTC(2021, 1, 5))] })).toEqual([ZFM_01935]);
  });
});

describe("searchSessions: where we differ from ONE on purpose", () => {
  it("dataset_qc_lte alone keeps sessions with any existing dataset at or below the level", () => {
    // ONE's code full-matches an empty name here, so it returns no session at all.
    const { sessions, datasets } = oneFixture();
    const critical = datasets.map((d) => ({ ...d, qc: d.eid === ZFM_01935 ? d.qc : ("CRITICAL" as const) }));
    expect(searchSessions(sessions, critical, { dataset_qc_lte: "PASS" }).map((s) => s.id)).toEqual([
      ZFM_01935,
    ]);
  });

  it("a list without wildcards is any of its substrings (ONE searches for the text 'a|b')", () => {
    const { ids } = searcher();
    expect(ids({ subject: ["ZM_335", "flowers"] }, { wildcards: false })).toHaveLength(3);
  });
});

describe("autocompleteTerm (test_autocomplete)", () => {
  const terms = ["subject", "date_range", "dataset", "dataset_type"];

  it("completes prefixes case-insensitively and refuses unknown or ambiguous ones", () => {
    expect(autocompleteTerm("Subj", terms)).toBe("subject");
    expect(autocompleteTerm("dataset", terms)).toBe("dataset");
    expect(() => autocompleteTerm("dtypes", terms)).toThrow(OneSearchError);
    expect(() => autocompleteTerm("dat", terms)).toThrow(OneSearchError);
  });

  it("completes ONE's search terms", () => {
    expect(autocompleteTerm("date")).toBe("date_range");
    expect(autocompleteTerm("lab")).toBe("laboratory");
    expect(autocompleteTerm("dataset_qc")).toBe("dataset_qc_lte");
    expect(() => autocompleteTerm("dataset")).toThrow(/Ambiguous/);
  });
});

describe("validateDateRange (test_validate_date_range)", () => {
  const at = (iso: string) => new Date(`${iso}Z`);

  it("reads one date as that whole day", () => {
    const day = { start: at("2020-01-01T00:00:00"), end: at("2020-01-01T23:59:59.999") };
    expect(validateDateRange("2020-01-01")).toEqual(day);
    expect(validateDateRange(at("2020-01-01T00:00:00"))).toEqual(day);
  });

  it("reads two dates as given, and open ends as pandas' Timestamp bounds", () => {
    expect(validateDateRange(["2022-01-30", "2022-01-30"])).toEqual({
      start: at("2022-01-30T00:00:00"),
      end: at("2022-01-30T00:00:00"),
    });
    expect(validateDateRange(["2020-01-01"])).toEqual({ start: at("2020-01-01T00:00:00"), end: TIMESTAMP_MAX });
    expect(validateDateRange(["2020-01-01", null])).toEqual({
      start: at("2020-01-01T00:00:00"),
      end: TIMESTAMP_MAX,
    });
    expect(validateDateRange([null, "2020-01-01"])).toEqual({ start: TIMESTAMP_MIN, end: at("2020-01-01T00:00:00") });
    expect(TIMESTAMP_MIN.toISOString()).toBe("1677-09-21T00:12:43.146Z");
    expect(TIMESTAMP_MAX.toISOString()).toBe("2262-04-11T23:47:16.854Z");
  });

  it("returns null for null, and refuses three dates", () => {
    expect(validateDateRange(null)).toBeNull();
    expect(() => validateDateRange(["2020-01-01", "2019-09-06", "2021-10-04"])).toThrow(OneSearchError);
  });
});
