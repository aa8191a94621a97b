// The alf layout against ONE's own conformance vectors (one/tests/alf/test_alf_spec.py::test_regex,
// test_patterns), the spec quirks ONE's regex implies, partial parses, and parse→build round trips.
//
//   npx vitest run src/layout/alf.test.ts

import { describe, expect, it } from "vitest";
import { alfLayout, parseAlfPath } from "./alf.ts";
import {
  COLLECTION_SPEC,
  FILE_SPEC,
  FULL_PATH_RE,
  alfPattern,
  alfRegex,
  indexedRegex,
  pathPattern,
} from "./alf-spec.ts";
import { type Entities, LayoutError } from "./layout.ts";

const alf = alfLayout();

/** Every entity null except those given: parse results are compared whole. */
function entities(parts: Entities): Entities {
  return {
    lab: null,
    subject: null,
    date: null,
    number: null,
    collection: null,
    revision: null,
    namespace: null,
    object: null,
    attribute: null,
    timescale: null,
    extra: null,
    extension: null,
    ...parts,
  };
}

const SESSION = { subject: "s", date: "2024-01-01", number: "001" };

describe("alf layout shape", () => {
  it("is named alf and lists its entities in catalog column order", () => {
    expect(alf.name).toBe("alf");
    expect(alf.entities).toEqual([
      "lab", "subject", "date", "number", "collection", "revision",
      "namespace", "object", "attribute", "timescale", "extra", "extension",
    ]);
  });

  it("refuses options it does not know", () => {
    expect(() => alfLayout({ strict: true } as {})).toThrow(LayoutError);
    expect(() => alfLayout({ strict: true } as {})).toThrow(/unknown option "strict"/);
  });
});

describe("spec patterns (test_regex)", () => {
  // ONE's exact compiled FULL_SPEC, as asserted in test_alf_spec.py::test_regex.
  const ONE_FULL =
    "((?P<lab>\\w+)/Subjects/)?" +
    "(?P<subject>[\\w.-]+)/(?P<date>\\d{4}-\\d{2}-\\d{2})/(?P<number>\\d{1,3})/" +
    "((?P<collection>[\\w./-]+)/)?(#(?P<revision>[\\w.-]+)#/)?" +
    "_?(?P<namespace>(?<=_)[a-zA-Z0-9]+)?_?(?P<object>\\w+)\\." +
    "(?P<attribute>(?:_[a-z]+_)?[a-zA-Z0-9]+" +
    "(?:_times(?=[_.])|_intervals(?=[_.]))?)" +
    "(?:_(?P<timescale>\\w+))?(?:\\.(?P<extra>[.\\w-]+))*\\.(?P<extension>\\w+)$";

  /** The documented translation: JS named groups, Unicode `\w` spelled out, ASCII `\d`. */
  function fromPython(pattern: string): string {
    return pattern
      .replaceAll("(?P<", "(?<")
      .replace(/\[([^\]]*)\]/g, (_, body: string) => `[${body.replaceAll("\\w", "\\p{L}\\p{N}_")}]`)
      .replaceAll("\\w", "[\\p{L}\\p{N}_]")
      .replaceAll("\\d", "[0-9]");
  }

  it("is ONE's full pattern, translated and nothing else", () => {
    expect(alfPattern()).toBe(fromPython(ONE_FULL));
    expect(alfPattern()).toBe(
      "((?<lab>[\\p{L}\\p{N}_]+)/Subjects/)?(?<subject>[\\p{L}\\p{N}_.-]+)/" +
        "(?<date>[0-9]{4}-[0-9]{2}-[0-9]{2})/(?<number>[0-9]{1,3})/" +
        "((?<collection>[\\p{L}\\p{N}_./-]+)/)?(#(?<revision>[\\p{L}\\p{N}_.-]+)#/)?" +
        "_?(?<namespace>(?<=_)[a-zA-Z0-9]+)?_?(?<object>[\\p{L}\\p{N}_]+)\\." +
        "(?<attribute>(?:_[a-z]+_)?[a-zA-Z0-9]+(?:_times(?=[_.])|_intervals(?=[_.]))?)" +
        "(?:_(?<timescale>[\\p{L}\\p{N}_]+))?(?:\\.(?<extra>[.\\p{L}\\p{N}_-]+))*" +
        "\\.(?<extension>[\\p{L}\\p{N}_]+)$",
    );
  });

  it("gives the file pattern alone for FILE_SPEC", () => {
    const full = fromPython(ONE_FULL);
    expect(alfPattern(FILE_SPEC)).toBe(full.slice(full.indexOf("_?(?<namespace>")));
  });

  it("replaces a part's pattern on request", () => {
    expect(alfPattern(COLLECTION_SPEC, { collection: "probe\\d{2}" })).toBe(
      "((?<collection>probe\\d{2})/)?(#(?<revision>[\\p{L}\\p{N}_.-]+)#/)?",
    );
    const re = alfRegex(COLLECTION_SPEC, { collection: "probe\\d{2}" });
    expect(re.exec("probe01/#v2#/")?.groups).toEqual({ collection: "probe01", revision: "v2" });
  });

  it("rejects an unknown part (ONE's KeyError)", () => {
    expect(() => alfPattern(undefined, { foo: "[bar]+" })).toThrow(LayoutError);
    expect(() => alfRegex(undefined, { foo: "[bar]+" })).toThrow(/Unknown ALF field "foo"/);
    expect(() => alfPattern("{toString}")).toThrow(/Unknown ALF field "toString"/);
  });

  it("documents the template exactly as ONE's path_pattern (its `(:` included)", () => {
    expect(pathPattern()).toBe(
      "(lab/Subjects/)subject/date/number/(collection/)(#revision#/)" +
        "_namespace_object.attribute(:_timescale)(:.extra).extension",
    );
  });

  it("indexes named groups so plain captures read the same values", () => {
    const { re, groupIndex } = indexedRegex(FULL_PATH_RE);
    expect(groupIndex).toEqual({
      lab: 2, subject: 3, date: 4, number: 5, collection: 7, revision: 9,
      namespace: 10, object: 11, attribute: 12, timescale: 13, extra: 14, extension: 15,
    });
    const path = "lab/Subjects/m/2020-01-01/1/alf/#v#/_ns_obj.attr_ts.x.y.ext";
    const named = FULL_PATH_RE.exec(path)!.groups!;
    const plain = re.exec(path)!;
    for (const [part, i] of Object.entries(groupIndex)) expect(plain[i!]).toBe(named[part]);
  });
});

describe("parse: ONE's test_patterns", () => {
  it("reads a namespaced interval table with a timescale", () => {
    const p = alf.parse("s/2024-01-01/001/_ibl_passivePeriods.intervalsTable_bpod.csv");
    expect(p).toEqual({
      valid: true,
      unparsed: null,
      entities: entities({
        ...SESSION, namespace: "ibl", object: "passivePeriods", attribute: "intervalsTable",
        timescale: "bpod", extension: "csv",
      }),
    });
  });

  it("reads a collection", () => {
    expect(alf.parse("s/2024-01-01/001/alf/_ibl_trials.contrastRight.npy").entities).toEqual(
      entities({
        ...SESSION, collection: "alf", namespace: "ibl", object: "trials",
        attribute: "contrastRight", extension: "npy",
      }),
    );
  });

  it("reads a nested collection and a revision", () => {
    const p = alf.parse(
      "s/2024-01-01/001/raw_ephys_data/probe00/#foobar#/_iblqc_ephysTimeRmsAP.timestamps.npy",
    );
    expect(p.entities).toEqual(
      entities({
        ...SESSION, collection: "raw_ephys_data/probe00", revision: "foobar", namespace: "iblqc",
        object: "ephysTimeRmsAP", attribute: "timestamps", extension: "npy",
      }),
    );
  });

  const SHA = "e8c9d765764778b7ee5bda08c982037f8f07e690";
  it("reads a full path with lab, collection and extra", () => {
    const p = alf.parse(
      `angelakilab/Subjects/NYU-40/2021-04-12/001/spike_sorters/ks2_matlab/probe01/_kilosort_raw.output.${SHA}.tar`,
    );
    expect(p).toEqual({
      valid: true,
      unparsed: null,
      entities: {
        lab: "angelakilab", subject: "NYU-40", date: "2021-04-12", number: "001",
        collection: "spike_sorters/ks2_matlab/probe01", revision: null, namespace: "kilosort",
        object: "raw", attribute: "output", timescale: null, extra: SHA, extension: "tar",
      },
    });
  });

  it("reads a path without lab, Subjects, collection or number padding", () => {
    const p = alf.parse(`NYU-40/2021-04-12/1/_kilosort_raw.output.${SHA}.tar`);
    expect(p.valid).toBe(true);
    expect(p.entities).toEqual(
      entities({
        subject: "NYU-40", date: "2021-04-12", number: "1", namespace: "kilosort",
        object: "raw", attribute: "output", extra: SHA, extension: "tar",
      }),
    );
  });
});

describe("parse: quirks of ONE's regex, kept on purpose", () => {
  const file = (name: string) => alf.parse(`s/2024-01-01/001/${name}`);

  it("splits obj.attr_timestamps into attribute attr and timescale timestamps", () => {
    const p = file("obj.attr_timestamps.npy");
    expect(p.valid).toBe(true);
    expect([p.entities.attribute, p.entities.timescale]).toEqual(["attr", "timestamps"]);
  });

  it("keeps _times / _intervals in the attribute only before `_` or `.`", () => {
    const cases: [string, string, string | null][] = [
      ["obj.attr_times_bpod.ext", "attr_times", "bpod"],
      ["obj.attr_times.ext", "attr_times", null],
      ["obj.a_intervals.npy", "a_intervals", null],
      ["_ibl_trials.goCue_times_bpod.csv", "goCue_times", "bpod"],
      ["obj.attr_intervalsX.npy", "attr", "intervalsX"],
      ["obj.attr_times_.npy", "attr", "times_"],
    ];
    for (const [name, attribute, timescale] of cases) {
      const p = file(name);
      expect([name, p.valid, p.entities.attribute, p.entities.timescale]).toEqual([
        name, true, attribute, timescale,
      ]);
    }
  });

  it("lets objects hold underscores", () => {
    const p = file("_spikeglx_ephysData_g0_t0.imec0.lf.bin");
    expect(p.entities).toEqual(
      entities({
        ...SESSION, namespace: "spikeglx", object: "ephysData_g0_t0", attribute: "imec0",
        extra: "lf", extension: "bin",
      }),
    );
  });

  it("joins extra parts with `.`", () => {
    const p = file("_ns_obj.attr1.2622b17c-9408-4910-99cb-abf16d9225b9.metadata.json");
    expect([p.entities.namespace, p.entities.extra, p.entities.extension]).toEqual([
      "ns", "2622b17c-9408-4910-99cb-abf16d9225b9.metadata", "json",
    ]);
  });

  it("takes a leading `_` as a namespace only when another `_` closes it", () => {
    expect(file("_np_fpData.raw.npy").entities).toMatchObject({ namespace: "np", object: "fpData" });
    // No closing `_`: the regex backtracks into a one-letter object (ONE does the same).
    expect(file("_obj.attr.ext").entities).toMatchObject({ namespace: "ob", object: "j" });
    expect(file("__obj.attr.ext").entities).toMatchObject({ namespace: null, object: "obj" });
    expect(file("___obj.attr.ext").entities).toMatchObject({ namespace: null, object: "_obj" });
  });

  it("accepts the deprecated attribute namespace", () => {
    expect(file("channels._phy_ids.csv").entities).toMatchObject({
      object: "channels", attribute: "_phy_ids", extension: "csv",
    });
  });

  it("reads Unicode word characters as Python's \\w does, dates and numbers in ASCII", () => {
    const p = alf.parse("Müller/Subjects/sub_é/2024-01-01/2/données/obj.attr.npy");
    expect(p.entities).toMatchObject({ lab: "Müller", subject: "sub_é", collection: "données" });
    expect(p.valid).toBe(true);
    expect(alf.parse("s/٢٠٢٤-٠١-٠١/001/obj.attr.npy").valid).toBe(false);
  });

  it("does not let `$` match before a final newline, unlike Python", () => {
    expect(alf.parse("s/2024-01-01/001/obj.attr.npy\n").valid).toBe(false);
  });

  it("needs a 1-3 digit number, a folder of subjects or lab/Subjects at the root", () => {
    expect(alf.parse("s/2024-01-01/0001/obj.attr.npy").valid).toBe(false);
    expect(alf.parse("Subjects/s/2024-01-01/001/obj.attr.npy").valid).toBe(false);
    expect(alf.parse("mrsic-flogel/Subjects/s/2024-01-01/001/obj.attr.npy").valid).toBe(false);
  });
});

describe("parse: paths that are not ALF keep what could be read", () => {
  it("fills the session and leaves a non-ALF file name unparsed", () => {
    expect(alf.parse("lab/Subjects/s/2024-01-01/001/notes.txt")).toEqual({
      valid: false,
      entities: entities({ lab: "lab", ...SESSION }),
      unparsed: "notes.txt",
    });
  });

  it("keeps the collection and revision before a non-ALF file name", () => {
    expect(alf.parse("s/2024-01-01/001/alf/#v1#/README.md")).toEqual({
      valid: false,
      entities: entities({ ...SESSION, collection: "alf", revision: "v1" }),
      unparsed: "README.md",
    });
  });

  it("keeps the file parts under folders that are not a collection", () => {
    expect(alf.parse("s/2024-01-01/001/my data/trials.intervals.npy")).toEqual({
      valid: false,
      entities: entities({ ...SESSION, object: "trials", attribute: "intervals", extension: "npy" }),
      unparsed: "my data",
    });
  });

  it("leaves everything after the session unparsed when nothing there reads", () => {
    expect(alf.parse("s/2024-01-01/001/my data/notes.txt")).toEqual({
      valid: false,
      entities: entities(SESSION),
      unparsed: "my data/notes.txt",
    });
  });

  it("reads a session folder with nothing after it as unparsed ''", () => {
    expect(alf.parse("s/2024-01-01/001")).toEqual({
      valid: false,
      entities: entities(SESSION),
      unparsed: "",
    });
  });

  it("reads the file name of a session-less path and leaves its folders unparsed", () => {
    expect(alf.parse("s/2024-01-01/trials.intervals.npy")).toEqual({
      valid: false,
      entities: entities({ object: "trials", attribute: "intervals", extension: "npy" }),
      unparsed: "s/2024-01-01",
    });
    expect(alf.parse("trials.intervals.npy")).toEqual({
      valid: false,
      entities: entities({ object: "trials", attribute: "intervals", extension: "npy" }),
      unparsed: "",
    });
  });

  it("leaves a path with no session and no ALF name wholly unparsed", () => {
    expect(alf.parse("README.md")).toEqual({ valid: false, entities: entities({}), unparsed: "README.md" });
    expect(alf.parse("docs/spike_train.npy")).toEqual({
      valid: false,
      entities: entities({}),
      unparsed: "docs/spike_train.npy",
    });
  });

  it("gives every result the same keys in the same order", () => {
    for (const path of ["README.md", "s/2024-01-01/001/a.b.c", "s/2024-01-01/001/x"]) {
      expect(Object.keys(alf.parse(path).entities)).toEqual(alf.entities);
    }
  });
});

describe("build", () => {
  const VALID = [
    "lab/Subjects/m1/2024-01-01/001/alf/_ibl_trials.goCue_times_bpod.csv",
    "angelakilab/Subjects/NYU-40/2021-04-12/001/spike_sorters/ks2_matlab/probe01/_kilosort_raw.output.e8c9d765764778b7ee5bda08c982037f8f07e690.tar",
    "NYU-40/2021-04-12/1/spikes.times.npy",
    "s/2024-01-01/001/raw_ephys_data/probe00/#foobar#/_iblqc_ephysTimeRmsAP.timestamps.npy",
    "s/2024-01-01/001/#2021-06-01a#/clusters.metrics.pqt",
    "s/2024-01-01/001/raw_ephys_data/_spikeglx_ephysData_g0_t0.imec0.lf.bin",
    "s/2024-01-01/001/obj.attr_timestamps.npy",
    "s/2024-01-01/001/_ns_obj.attr1.2622b17c-9408-4910-99cb-abf16d9225b9.metadata.json",
    "s/2024-01-01/001/channels._phy_ids.csv",
    "s/2024-01-01/001/spike_sorters/ks2.5/probe01/wheel.timestamps_bpod.raw.v12.npy",
    "KS.023/2024-01-01/12/données/wheelMoves.peakAmplitude.npy",
  ];

  it("puts every valid path back exactly (parse → build)", () => {
    for (const path of VALID) {
      const parsed = alf.parse(path);
      expect([path, parsed.valid]).toEqual([path, true]);
      expect(alf.build(parsed.entities)).toBe(path);
    }
  });

  it("writes lab/Subjects/ only when a lab is given", () => {
    const e = entities({ ...SESSION, object: "spikes", attribute: "times", extension: "npy" });
    expect(alf.build(e)).toBe("s/2024-01-01/001/spikes.times.npy");
    expect(alf.build({ ...e, lab: "cortexlab" })).toBe("cortexlab/Subjects/s/2024-01-01/001/spikes.times.npy");
    expect(alf.build({ ...e, lab: "", collection: "", revision: "v2" })).toBe(
      "s/2024-01-01/001/#v2#/spikes.times.npy",
    );
  });

  it("does not camel-case names the way toAlf does", () => {
    const e = entities({ ...SESSION, object: "ROIMotion", attribute: "energy", extension: "npy" });
    expect(alf.build(e)).toBe("s/2024-01-01/001/ROIMotion.energy.npy");
  });

  it("names the missing entity", () => {
    const full = entities({ ...SESSION, object: "spikes", attribute: "times", extension: "npy" });
    for (const part of ["subject", "date", "number", "object", "attribute", "extension"]) {
      expect(() => alf.build({ ...full, [part]: null })).toThrow(LayoutError);
      expect(() => alf.build({ ...full, [part]: null })).toThrow(`alf build: missing "${part}"`);
    }
  });

  it("names the entity that cannot be written", () => {
    const full = entities({ ...SESSION, object: "spikes", attribute: "times", extension: "npy" });
    const bad: [Entities, string | RegExp][] = [
      [{ subject: "a b" }, 'subject "a b" is not a valid ALF subject'],
      [{ date: "2024-1-1" }, 'date "2024-1-1" is not a valid ALF date'],
      [{ number: "0001" }, 'number "0001" is not a valid ALF number'],
      [{ lab: "mrsic-flogel" }, 'lab "mrsic-flogel" is not a valid ALF lab'],
      [{ revision: "#v1#" }, 'revision "#v1#" is not a valid ALF revision'],
      [{ collection: "my data" }, 'collection "my data" is not a valid ALF collection'],
      [{ namespace: "_usr_" }, "Namespace must not contain extra underscores"],
      [{ object: "_usr_spikes" }, "Objects must not start with an underscore"],
      [{ object: "spikes.times" }, 'must not contain a period (`.`): object "spikes.times"'],
      [{ attribute: "a-b" }, /is not a valid ALF path/],
      [{ attribute: "attr_timestamps" }, /would read back as attribute "attr", timescale "timestamps"/],
    ];
    for (const [change, message] of bad) {
      expect(() => alf.build({ ...full, ...change })).toThrow(message);
    }
  });

  it("writes a quirky parse so that it reads back the same, not byte for byte", () => {
    const parsed = alf.parse("s/2024-01-01/001/_obj.attr.ext");
    const rebuilt = alf.build(parsed.entities);
    expect(rebuilt).toBe("s/2024-01-01/001/_ob_j.attr.ext");
    expect(alf.parse(rebuilt).entities).toEqual(parsed.entities);
  });
});

describe("parseAlfPath", () => {
  it("is the layout's parse", () => {
    expect(parseAlfPath("s/2024-01-01/001/a.b.c")).toEqual(alf.parse("s/2024-01-01/001/a.b.c"));
  });
});
