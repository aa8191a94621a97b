// Tests of the template layout, mostly against the real Sinagot `sonetaa` test workspace.
//
//   npx vitest run src/layout/template

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sharedFixture } from "../../test/fixtures.ts";
import { LayoutError } from "./layout.ts";
import { type TemplateOptions, templateLayout } from "./template.ts";

function listFiles(root: string, rel = ""): string[] {
  return readdirSync(join(root, rel), { withFileTypes: true })
    .flatMap((d) => {
      const child = rel ? `${rel}/${d.name}` : d.name;
      return d.isDirectory() ? listFiles(root, child) : [child];
    })
    .sort();
}

const sonetaa: TemplateOptions = {
  patterns: [
    { pattern: "MFF/{id}-{task}.mff/**", set: { modality: "EEG" } },
    { pattern: "HDC/{id}/{file}", set: { task: "HDC", modality: "behavior" } },
    "PROCESSED/{id}/{task}/{file}",
    { pattern: "PROCESSED/{id}/clinical.json", set: { modality: "clinical" } },
  ],
  entities: { id: "REC-\\d{6}-[A-Z]", task: "RS|MMN|HDC" },
};

function layoutError(fn: () => unknown): LayoutError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LayoutError);
    return e as LayoutError;
  }
  throw new Error("expected a LayoutError");
}

describe("template layout over the Sinagot sonetaa workspace", () => {
  const paths = listFiles(sharedFixture("sinagot", "sonetaa", "dataset"));
  const layout = templateLayout(sonetaa);

  it("names its columns in first-seen order", () => {
    expect(layout.name).toBe("template");
    expect(layout.entities).toEqual(["id", "task", "modality", "file"]);
  });

  it("reads id, task and modality from every MFF recording folder", () => {
    const mff = paths.filter((p) => p.startsWith("MFF/"));
    expect(mff).toHaveLength(6);
    const got = mff.map((p) => layout.parse(p));
    expect(got.every((g) => g.valid && g.unparsed === null)).toBe(true);
    expect(new Set(got.map((g) => g.entities.id))).toEqual(new Set(["REC-200319-A", "REC-200320-A"]));
    expect(new Set(got.map((g) => g.entities.task))).toEqual(new Set(["RS", "MMN", "HDC"]));
    expect(layout.parse("MFF/REC-200319-A-RS.mff/dummy").entities).toEqual({
      id: "REC-200319-A",
      task: "RS",
      modality: "EEG",
      file: null,
    });
  });

  it("reads behaviour, processed and clinical files", () => {
    expect(layout.parse("HDC/REC-200320-A/Trial1_report.txt").entities).toEqual({
      id: "REC-200320-A",
      task: "HDC",
      modality: "behavior",
      file: "Trial1_report.txt",
    });
    expect(layout.parse("PROCESSED/REC-200320-A/HDC/norm-scores.csv").entities).toEqual({
      id: "REC-200320-A",
      task: "HDC",
      modality: null,
      file: "norm-scores.csv",
    });
    expect(layout.parse("PROCESSED/REC-200319-A/clinical.json").entities).toEqual({
      id: "REC-200319-A",
      task: null,
      modality: "clinical",
      file: null,
    });
  });

  it("leaves files no pattern describes unparsed", () => {
    const unmatched = paths.filter((p) => !layout.parse(p).valid);
    expect(unmatched).toEqual(["CLINICAL/data.csv", "LOG/REC-200320-A.log", "workspace.toml"]);
    expect(layout.parse("LOG/REC-200320-A.log")).toEqual({
      valid: false,
      entities: { id: null, task: null, modality: null, file: null },
      unparsed: "LOG/REC-200320-A.log",
    });
  });

  it("rejects ids the id regex refuses", () => {
    expect(layout.parse("HDC/REC-20032-A/Trial1_report.txt").valid).toBe(false);
    expect(layout.parse("PROCESSED/REC-200320-A/XYZ/norm-scores.csv").valid).toBe(false);
  });

  it("builds back every path of a pattern without unnamed wildcards", () => {
    const buildable = paths.filter((p) => layout.parse(p).valid && !p.startsWith("MFF/"));
    expect(buildable.length).toBeGreaterThan(5);
    for (const p of buildable) expect(layout.build(layout.parse(p).entities)).toBe(p);
  });

  it("refuses to build a folder recording whose inner path it cannot know", () => {
    const err = layoutError(() => layout.build({ id: "REC-200319-A", task: "RS", modality: "EEG" }));
    expect(err.message).toMatch(/MFF\/\{id\}-\{task\}\.mff\/\*\*" has an unnamed \* or \*\*/);
  });
});

describe("template pattern syntax", () => {
  it("splits on the first place the default lazy regex allows, unless an entity regex says otherwise", () => {
    const loose = templateLayout({ patterns: ["MFF/{id}-{task}.mff/**"] });
    expect(loose.parse("MFF/REC-200319-A-RS.mff/dummy").entities).toMatchObject({ id: "REC", task: "200319-A-RS" });
    const strict = templateLayout({ patterns: ["MFF/{id}-{task}.mff/**"], entities: { task: "RS|MMN|HDC" } });
    expect(strict.parse("MFF/REC-200319-A-RS.mff/dummy").entities).toMatchObject({ id: "REC-200319-A", task: "RS" });
  });

  it("requires a repeated name to repeat its value", () => {
    const t = templateLayout({ patterns: ["EEG/{id}/{id}-{task}.edf"] });
    expect(t.entities).toEqual(["id", "task"]);
    expect(t.parse("EEG/A1/A1-RS.edf").entities).toEqual({ id: "A1", task: "RS" });
    expect(t.parse("EEG/A1/B2-RS.edf").valid).toBe(false);
    expect(t.build({ id: "C3", task: "MMN" })).toBe("EEG/C3/C3-MMN.edf");
  });

  it("strips anchors from a pasted full-match regex", () => {
    const t = templateLayout({ patterns: ["raw/{id}.csv"], entities: { id: "^REC-\\d+$" } });
    expect(t.parse("raw/REC-42.csv").entities.id).toBe("REC-42");
    expect(t.parse("raw/X-42.csv").valid).toBe(false);
  });

  it("matches * within one segment only", () => {
    const t = templateLayout({ patterns: ["raw/{id}_*.csv"] });
    expect(t.parse("raw/s1_run-2.csv").entities.id).toBe("s1");
    expect(t.parse("raw/s1_.csv").valid).toBe(true);
    expect(t.parse("raw/s1_a/b.csv").valid).toBe(false);
  });

  it("matches ** as zero or more whole segments, at the start, middle or end", () => {
    const middle = templateLayout({ patterns: ["{subject}/**/{file}"] });
    expect(middle.parse("s1/f.txt").entities).toEqual({ subject: "s1", file: "f.txt" });
    expect(middle.parse("s1/a/b/f.txt").entities).toEqual({ subject: "s1", file: "f.txt" });
    expect(middle.parse("f.txt").valid).toBe(false);
    const start = templateLayout({ patterns: ["**/{name}.json"] });
    expect(start.parse("x.json").entities.name).toBe("x");
    expect(start.parse("a/b/x.json").entities.name).toBe("x");
    const end = templateLayout({ patterns: ["data/**"] });
    expect(end.parse("data/a/b/c").valid).toBe(true);
    expect(end.parse("data").valid).toBe(true);
    expect(end.parse("database/x").valid).toBe(false);
  });

  it("keeps the text of named wildcards so those paths build back", () => {
    const t = templateLayout({ patterns: ["MFF/{id}-{task}.mff/{inner:**}", "raw/{id}_{run:*}.csv"], entities: { task: "RS|MMN" } });
    const inner = t.parse("MFF/REC-1-RS.mff/a/b/signal1.bin");
    expect(inner.entities).toMatchObject({ id: "REC-1", task: "RS", inner: "a/b/signal1.bin" });
    expect(t.build(inner.entities)).toBe("MFF/REC-1-RS.mff/a/b/signal1.bin");
    const bare = t.parse("MFF/REC-1-RS.mff");
    expect(bare.entities.inner).toBe("");
    expect(t.build(bare.entities)).toBe("MFF/REC-1-RS.mff");
    expect(t.build({ id: "s2", run: "x" })).toBe("raw/s2_x.csv");
  });

  it("treats regex metacharacters in patterns as literal text", () => {
    const t = templateLayout({ patterns: ["data (v1)/{id}.csv", "a+b/[x]/{id}.tsv"] });
    expect(t.parse("data (v1)/s1.csv").entities.id).toBe("s1");
    expect(t.parse("data v1/s1.csv").valid).toBe(false);
    expect(t.parse("a+b/[x]/s2.tsv").entities.id).toBe("s2");
    expect(t.parse("aab/x/s2.tsv").valid).toBe(false);
    expect(t.parse("data (v1)/s1Xcsv").valid).toBe(false);
  });

  it("tries patterns in order, whatever their first segment", () => {
    const t = templateLayout({
      patterns: [{ pattern: "{site}/special.txt", set: { kind: "special" } }, { pattern: "raw/{file}", set: { kind: "raw" } }],
    });
    expect(t.parse("raw/special.txt").entities).toEqual({ site: "raw", kind: "special", file: null });
    expect(t.parse("raw/other.txt").entities).toEqual({ site: null, kind: "raw", file: "other.txt" });
    expect(t.parse("elsewhere/other.txt").valid).toBe(false);
  });
});

describe("template layout options that cannot work", () => {
  const cases: [string, TemplateOptions, RegExp][] = [
    ["no patterns", { patterns: [] }, /at least one pattern/],
    ["an unclosed brace", { patterns: ["raw/{id.csv"] }, /pattern "raw\/\{id\.csv" has an unclosed "\{"/],
    ["a stray brace", { patterns: ["raw/id}.csv"] }, /pattern "raw\/id\}\.csv" has a "\}" without "\{"/],
    ["a bad name", { patterns: ["raw/{1d}.csv"] }, /pattern "raw\/\{1d\}\.csv" has "\{1d\}"/],
    ["an inline regex", { patterns: ["raw/{id:\\d+}.csv"] }, /only \* or \*\* may follow/],
    ["** inside a segment", { patterns: ["raw/x**.csv"] }, /pattern "raw\/x\*\*\.csv" has "\*\*" inside/],
    ["a leading slash", { patterns: ["/raw/{id}"] }, /pattern "\/raw\/\{id\}" must be relative/],
    ["an empty segment", { patterns: ["raw//{id}"] }, /empty segment/],
    ["a dot-dot segment", { patterns: ["../{id}"] }, /has a "\.\." segment/],
    ["two ** in a row", { patterns: ["a/**/**/b"] }, /two \*\* segments in a row/],
    ["an invalid regex", { patterns: ["raw/{id}.csv"], entities: { id: "REC-(\\d" } }, /entity "id" regex "REC-\(\\d" is invalid/],
    ["a named group", { patterns: ["raw/{id}.csv"], entities: { id: "(?<x>a)" } }, /must not contain named groups/],
    ["an unused regex", { patterns: ["raw/{id}.csv"], entities: { task: "RS" } }, /entities\.task .* no pattern has \{task\}/],
    ["a set that captures too", { patterns: [{ pattern: "raw/{id}.csv", set: { id: "x" } }] }, /both captures \{id\} and sets it/],
    ["a wildcard with a regex", { patterns: ["raw/{id:*}.csv"], entities: { id: "a" } }, /also gives it a regex/],
  ];
  it.each(cases)("refuses %s, naming the pattern", (_, options, message) => {
    expect(layoutError(() => templateLayout(options)).message).toMatch(message);
  });
});

describe("template build", () => {
  const t = templateLayout({
    patterns: [
      { pattern: "HDC/{id}/{file}", set: { task: "HDC" } },
      "PROCESSED/{id}/{task}/{file}",
      "PROCESSED/{id}/clinical.json",
    ],
    entities: { id: "REC-\\d{6}-[A-Z]" },
  });

  it("picks the first pattern that holds exactly the given entities", () => {
    expect(t.build({ id: "REC-200319-A", file: "a.txt" })).toBe("HDC/REC-200319-A/a.txt");
    expect(t.build({ id: "REC-200319-A", task: "HDC", file: "a.txt" })).toBe("HDC/REC-200319-A/a.txt");
    expect(t.build({ id: "REC-200319-A", task: "RS", file: "a.txt" })).toBe("PROCESSED/REC-200319-A/RS/a.txt");
    expect(t.build({ id: "REC-200319-A" })).toBe("PROCESSED/REC-200319-A/clinical.json");
  });

  it("ignores keys that are not its entities", () => {
    expect(t.build({ id: "REC-200319-A", subject: "x" })).toBe("PROCESSED/REC-200319-A/clinical.json");
  });

  it("lists what each pattern is missing", () => {
    const err = layoutError(() => t.build({ task: "RS" }));
    expect(err.message).toMatch(/from \{task: "RS"\}/);
    expect(err.message).toMatch(/"HDC\/\{id\}\/\{file\}" needs id, file/);
    expect(err.message).toMatch(/"PROCESSED\/\{id\}\/\{task\}\/\{file\}" needs id, file/);
  });

  it("refuses values the entity regex or the segment would not hold", () => {
    expect(layoutError(() => t.build({ id: "nope", file: "a.txt" })).message).toMatch(/does not accept id="nope"/);
    expect(layoutError(() => t.build({ id: "REC-200319-A", file: "a/b.txt" })).message).toMatch(/file="a\/b\.txt"/);
  });

  it("refuses a path that would parse back to other entities", () => {
    const shadowed = templateLayout({ patterns: ["{a}/x", "{b}/{c}"] });
    expect(shadowed.build({ b: "q", c: "y" })).toBe("q/y");
    expect(layoutError(() => shadowed.build({ b: "q", c: "x" })).message).toMatch(
      /"\{b\}\/\{c\}" would make "q\/x", which parses back to other entities/,
    );
    const lazy = templateLayout({ patterns: ["{a}-{b}.txt"] });
    expect(lazy.build({ a: "x", b: "y-z" })).toBe("x-y-z.txt");
    expect(layoutError(() => lazy.build({ a: "x-y", b: "z" })).message).toMatch(/parses back to other entities/);
  });
});
