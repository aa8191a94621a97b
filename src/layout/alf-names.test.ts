// The ALF name helpers against ONE's conformance vectors (one/tests/alf/test_alf_spec.py and
// test_alf_path.py): casing, validity, to_alf, QC, and the *_parts parsers.
//
//   npx vitest run src/layout/alf-names.test.ts

import { describe, expect, it } from "vitest";
import {
  AlfInvalidError,
  QC_LEVELS,
  QC_VALUES,
  QcValueError,
  compareQc,
  dromedary,
  filenameParts,
  folderParts,
  fullPathParts,
  isSessionPath,
  isUuid,
  isUuidString,
  isValidAlf,
  joinAlfName,
  qcRank,
  qcValue,
  readableAlf,
  relPathParts,
  sessionPathParts,
  toAlf,
} from "./alf-names.ts";
import { LayoutError } from "./layout.ts";

describe("dromedary (test_dromedary)", () => {
  it("camel-cases like ONE's _dromedary", () => {
    expect(dromedary("Hello world")).toBe("helloWorld");
    expect(dromedary("motion_energy")).toBe("motionEnergy");
    expect(dromedary("FooBarBaz")).toBe("fooBarBaz");
    expect(dromedary("passive_RFM")).toBe("passiveRFM");
    expect(dromedary("ROI Motion Energy")).toBe("ROIMotionEnergy");
    expect(dromedary("")).toBe("");
    expect(dromedary("mpci ROIs")).toBe("mpciROIs");
  });

  it("keeps ONE's edge cases", () => {
    expect(dromedary("ROIMotion")).toBe("rOIMotion"); // one word: only the first letter drops
    expect(dromedary("a  b")).toBe("aB");
    expect(dromedary("_phy_ids")).toBe("PhyIds");
    expect(dromedary("wheel\u3000moves")).toBe("wheelMoves"); // Python's \s is Unicode
  });
});

describe("readableAlf (test_readable_ALF)", () => {
  it("splits camel case into words, keeping acronyms", () => {
    expect(readableAlf("DAQData")).toBe("DAQ data");
    expect(readableAlf("ROIMotion")).toBe("ROI motion");
    expect(readableAlf("blueChipTime")).toBe("blue chip time");
    expect(readableAlf("someROIDataset")).toBe("some ROI dataset");
    expect(readableAlf("someROIsDataset")).toBe("some ROIs dataset");
    expect(readableAlf("fooBAR")).toBe("foo BAR");
    expect(readableAlf("fooBAR", true)).toBe("Foo BAR");
  });

  it("keeps ONE's leading space for a capital first word", () => {
    expect(readableAlf("Foo")).toBe(" foo");
    expect(readableAlf("")).toBe("");
    expect(readableAlf("", true)).toBe("");
  });
});

describe("isSessionPath (test_is_session_folder)", () => {
  it("is true only for a path ending in subject/date/number", () => {
    expect(isSessionPath("/mnt/s0/Data/Subjects/ibl_witten_14/2019-12-04")).toBe(false);
    expect(isSessionPath("/mnt/s0/Data/Subjects/ibl_witten_14/2019-12-04/001")).toBe(true);
    expect(isSessionPath("/mnt/s0/Data/Subjects/ibl_witten_14/2019-12-04/001/tutu")).toBe(false);
    expect(isSessionPath("/mnt/s0/Data/Subjects/ibl_witten_14/2019-12-04/001/")).toBe(true);
  });

  it("accepts Windows separators", () => {
    expect(isSessionPath("C:\\Data\\Subjects\\ZM_1368\\2019-04-19\\1")).toBe(true);
  });
});

describe("UUIDs (test_is_uuid_string, test_is_uuid)", () => {
  it("isUuidString wants the canonical hyphenated v3/4/5 form", () => {
    expect(isUuidString(null)).toBe(false);
    expect(isUuidString("some_string")).toBe(false);
    expect(isUuidString("f6ffe25827-06-425aaa-f5-919f70025835")).toBe(false);
    expect(isUuidString("f6ffe258-2706-425a-aaf5-919f70025835")).toBe(true);
    expect(isUuidString("F6FFE258-2706-425A-AAF5-919F70025835")).toBe(false);
  });

  it("isUuid accepts what Python's UUID() accepts", () => {
    const hex = "f6ffe25827-06-425aaa-f5-919f70025835";
    const bare = hex.replaceAll("-", "");
    const bytes = Uint8Array.from(bare.match(/../g)!, (b) => parseInt(b, 16));
    for (const valid of [hex, bare, bytes, BigInt(`0x${bare}`), `{${bare.toUpperCase()}}`]) {
      expect(isUuid(valid)).toBe(true);
    }
    expect(isUuid("urn:uuid:f6ffe258-2706-425a-aaf5-919f70025835")).toBe(true);
    for (const fake of [null, 54323, "dddd-aaa-eeee"]) expect(isUuid(fake)).toBe(false);
  });

  it("isUuid checks the version", () => {
    const v5 = "2ed6657d-e927-568b-95e1-2665a8aea6a2";
    expect(isUuid(v5)).toBe(false);
    expect(isUuid(v5, [5])).toBe(true);
  });
});

describe("isValidAlf (test_is_valid)", () => {
  it("tells ALF file names apart", () => {
    expect(isValidAlf("trials.feedbackType.npy")).toBe(true);
    expect(isValidAlf("_ns_obj.attr1.2622b17c-9408-4910-99cb-abf16d9225b9.metadata.json")).toBe(true);
    expect(isValidAlf("spike_train.npy")).toBe(false);
    expect(isValidAlf("channels._phy_ids.csv")).toBe(true); // deprecated attribute namespace
  });
});

describe("toAlf (test_to_alf)", () => {
  it("builds names from parts", () => {
    expect(toAlf("spikes", "times", "ssv")).toBe("spikes.times.ssv");
    expect(toAlf("spikes", "times", "ssv", { namespace: "ibl" })).toBe("_ibl_spikes.times.ssv");
    expect(toAlf("spikes", "times", "ssv", { namespace: "ibl", timescale: "ephysClock" })).toBe(
      "_ibl_spikes.times_ephysClock.ssv",
    );
    expect(
      toAlf("spikes", "times", "npy", { namespace: "ibl", timescale: "ephysClock", extra: "raw" }),
    ).toBe("_ibl_spikes.times_ephysClock.raw.npy");
    expect(
      toAlf("spikes", "times", "ssv", { namespace: "ibl", timescale: ["ephys clock", "minutes"] }),
    ).toBe("_ibl_spikes.times_ephysClock_minutes.ssv");
    expect(
      toAlf("wheel", "timestamps", ".npy", { namespace: "ibl", timescale: "bpod", extra: ["raw", "v12"] }),
    ).toBe("_ibl_wheel.timestamps_bpod.raw.v12.npy");
    expect(toAlf("obj", "attr_timestamps", ".npy")).toBe("obj.attr_timestamps.npy");
    expect(toAlf("obj", "foo_bar_intervals", ".npy")).toBe("obj.fooBar_intervals.npy");
  });

  it("camel-cases object, attribute and every timescale as ONE does", () => {
    expect(toAlf("wheel moves", "peak amplitude_times", "npy", { timescale: ["bpod", "", "ephys clock"] })).toBe(
      "wheelMoves.peakAmplitude_times_bpod_ephysClock.npy",
    );
    expect(toAlf("ephysData_g0_t0", "imec0", "bin")).toBe("ephysdataG0T0.imec0.bin");
    expect(toAlf("spikes", "times", "npy", { extra: "a.b" })).toBe("spikes.times.a.b.npy");
  });

  it("throws ONE's errors as LayoutErrors", () => {
    expect(() => toAlf("spikes", "times", "")).toThrow(LayoutError);
    expect(() => toAlf("spikes", "times", "")).toThrow("An extension must be provided");
    expect(() => toAlf("spikes.times", "fooBar", "npy")).toThrow(/must not contain a period/);
    expect(() => toAlf("spikes", "times", "npy", { timescale: ["a", "b.c"] })).toThrow(/timescale "b.c"/);
    expect(() => toAlf("spikes", "times", "npy", { namespace: "_usr_" })).toThrow(
      /Namespace must not contain extra underscores/,
    );
    expect(() => toAlf("_usr_spikes", "times", "npy")).toThrow(/Objects must not start with an underscore/);
    expect(() => toAlf("", "times", "npy")).toThrow("An object must be provided");
    expect(() => toAlf("spikes", "", "npy")).toThrow("An attribute must be provided");
  });
});

describe("joinAlfName", () => {
  it("joins parts as given, with toAlf's checks", () => {
    expect(joinAlfName("ephysData_g0_t0", "imec0", "bin", { namespace: "spikeglx", extra: "lf" })).toBe(
      "_spikeglx_ephysData_g0_t0.imec0.lf.bin",
    );
    expect(() => joinAlfName("_x", "a", "b")).toThrow(LayoutError);
  });
});

describe("QC (test_qc_validate)", () => {
  it("accepts level names in any case, Alyx integers and their strings", () => {
    expect(qcValue("40")).toBe("FAIL");
    expect(qcValue(40)).toBe("FAIL");
    expect(qcValue("FAIL")).toBe("FAIL");
    expect(qcValue("critical")).toBe("CRITICAL");
    expect(qcValue(0)).toBe("NOT_SET");
    expect(qcValue("not_set")).toBe("NOT_SET");
  });

  it("throws QcValueError for anything else", () => {
    expect(() => qcValue("ERROR")).toThrow(QcValueError);
    expect(() => qcValue("ERROR")).toThrow("ERROR is not a valid QC");
    expect(() => qcValue(20)).toThrow(QcValueError);
    expect(() => qcValue("-10")).toThrow(QcValueError);
  });

  it("orders levels as ONE's categorical does", () => {
    expect(QC_LEVELS).toEqual(["NOT_SET", "PASS", "WARNING", "FAIL", "CRITICAL"]);
    expect(QC_LEVELS.map((l) => QC_VALUES[l])).toEqual([0, 10, 30, 40, 50]);
    expect(QC_LEVELS.map(qcRank)).toEqual([0, 1, 2, 3, 4]);
    const shuffled = ["FAIL", "NOT_SET", "CRITICAL", "PASS", "WARNING"] as const;
    expect([...shuffled].sort(compareQc)).toEqual([...QC_LEVELS]);
  });
});

describe("filenameParts (test_filename_parts)", () => {
  const parts = (name: string) => Object.values(filenameParts(name));

  it("reads every part of a file name", () => {
    expect(parts("_namespace_obj.times_timescale.extra.foo.ext")).toEqual([
      "namespace", "obj", "times", "timescale", "extra.foo", "ext",
    ]);
    expect(filenameParts("spikes.clusters.npy")).toEqual({
      namespace: null, object: "spikes", attribute: "clusters", timescale: null, extra: null, extension: "npy",
    });
    expect(parts("spikes.times_ephysClock.npy")).toEqual([null, "spikes", "times", "ephysClock", null, "npy"]);
    expect(parts("_iblmic_audioSpectrogram.frequencies.npy")).toEqual([
      "iblmic", "audioSpectrogram", "frequencies", null, null, "npy",
    ]);
    expect(parts("_spikeglx_ephysData_g0_t0.imec.wiring.json")).toEqual([
      "spikeglx", "ephysData_g0_t0", "imec", null, "wiring", "json",
    ]);
    expect(parts("_spikeglx_ephysData_g0_t0.imec0.lf.bin")).toEqual([
      "spikeglx", "ephysData_g0_t0", "imec0", null, "lf", "bin",
    ]);
    expect(parts("_ibl_trials.goCue_times_bpod.csv")).toEqual(["ibl", "trials", "goCue_times", "bpod", null, "csv"]);
    expect(parts("_ibl_passivePeriods.intervalsTable_bpod.csv")).toEqual([
      "ibl", "passivePeriods", "intervalsTable", "bpod", null, "csv",
    ]);
  });

  it("throws for a bad name, or gives all nulls when asked", () => {
    expect(() => filenameParts("badfile")).toThrow(AlfInvalidError);
    expect(() => filenameParts("badfile")).toThrow(LayoutError);
    expect(filenameParts("badfile", { assertValid: false })).toEqual({
      namespace: null, object: null, attribute: null, timescale: null, extra: null, extension: null,
    });
  });
});

describe("relPathParts, sessionPathParts, folderParts", () => {
  it("reads collection, revision and file (test_rel_path_parts, test_patterns)", () => {
    expect(Object.values(relPathParts("collection/#revision#/_namespace_obj.times_timescale.extra.foo.ext"))).toEqual([
      "collection", "revision", "namespace", "obj", "times", "timescale", "extra.foo", "ext",
    ]);
    expect(relPathParts("alf/_ibl_trials.contrastRight.npy")).toMatchObject({
      collection: "alf", revision: null, namespace: "ibl", object: "trials", attribute: "contrastRight",
    });
    expect(relPathParts("raw_ephys_data/probe00/#foobar#/_iblqc_ephysTimeRmsAP.timestamps.npy")).toEqual({
      collection: "raw_ephys_data/probe00", revision: "foobar", namespace: "iblqc", object: "ephysTimeRmsAP",
      attribute: "timestamps", timescale: null, extra: null, extension: "npy",
    });
    expect(() => relPathParts("bad/badfile")).toThrow(AlfInvalidError);
    expect(Object.values(relPathParts("bad/badfile", { assertValid: false })).every((v) => v === null)).toBe(true);
  });

  it("finds a session anywhere (test_session_path_parts)", () => {
    const session = "/home/user/Data/labname/Subjects/subject/2020-01-01/001/alf";
    expect(sessionPathParts(session)).toEqual({
      lab: "labname", subject: "subject", date: "2020-01-01", number: "001",
    });
    const broken = "/home/user/Data/labname/2020-01-01/alf/001/";
    expect(() => sessionPathParts(broken)).toThrow(AlfInvalidError);
    expect(sessionPathParts(broken, { assertValid: false })).toEqual({
      lab: null, subject: null, date: null, number: null,
    });
  });

  it("reads session and folders (test_folder_parts)", () => {
    expect(Object.values(folderParts("/home/user/Data/labname/Subjects/subject/2020-01-01/001/collection/#revision#/"))).toEqual([
      "labname", "subject", "2020-01-01", "001", "collection", "revision",
    ]);
    expect(Object.values(folderParts("/home/user/Data/labname/Subjects/subject/2020-01-01/001"))).toEqual([
      "labname", "subject", "2020-01-01", "001", null, null,
    ]);
  });
});

describe("fullPathParts (test_full_path_parts)", () => {
  const FULL =
    "/home/user/Data/labname/Subjects/subject/2020-01-01/001/collection/#revision#/" +
    "_namespace_obj.times_timescale.extra.foo.ext";
  const KEYS = [
    "lab", "subject", "date", "number", "collection", "revision",
    "namespace", "object", "attribute", "timescale", "extra", "extension",
  ];

  it("gives the 12 parts in ONE's order", () => {
    const out = fullPathParts(FULL);
    expect(Object.keys(out)).toEqual(KEYS);
    expect(Object.values(out)).toEqual([
      "labname", "subject", "2020-01-01", "001", "collection", "revision",
      "namespace", "obj", "times", "timescale", "extra.foo", "ext",
    ]);
  });

  it("reads a folder path's folder parts only", () => {
    const out = Object.values(fullPathParts(FULL.slice(0, FULL.lastIndexOf("/"))));
    expect(out.slice(0, 6).every((v) => v !== null)).toBe(true);
    expect(out.slice(6).every((v) => v === null)).toBe(true);
  });

  it("reads a file name's file parts only", () => {
    const out = fullPathParts("spikes.clusters.npy");
    expect(out).toEqual({
      lab: null, subject: null, date: null, number: null, collection: null, revision: null,
      namespace: null, object: "spikes", attribute: "clusters", timescale: null, extra: null, extension: "npy",
    });
    expect(Object.keys(out)).toEqual(KEYS);
  });

  it("keeps ONE's folder-or-file guess and its checks", () => {
    // Fewer than two periods: a folder. The search stops before a folder it cannot place.
    expect(() => fullPathParts("s/2020-01-01/001/alf/probe00")).toThrow(AlfInvalidError);
    expect(fullPathParts("/x/s/2020-01-01/001/alf/#v1#")).toMatchObject({ collection: "alf", revision: "v1" });
    // A file under a folder that is not a collection still reads (the session is searched for).
    expect(fullPathParts("s/2020-01-01/001/my dir/obj.attr.ext")).toMatchObject({
      subject: "s", collection: null, object: "obj",
    });
    expect(() => fullPathParts("foo/bar/obj.attr.ext")).toThrow(AlfInvalidError);
    expect(fullPathParts("foo/bar/obj.attr.ext", { assertValid: false })).toMatchObject({
      subject: null, object: "obj",
    });
  });
});
