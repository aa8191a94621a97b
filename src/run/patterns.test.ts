// Tests of step path patterns and command templates, with Sinagot-style paths.
//
//   npx vitest run src/run/patterns

import { describe, expect, it } from "vitest";
import { TroveError } from "../errors.ts";
import { StepConfigError, fillCommand, fillPattern, parseCommand, parsePathPattern } from "./patterns.ts";

const entities = ["id", "task", "modality", "subject"];
const rec = { id: "REC-200319-A", task: "RS", modality: "EEG", subject: null };

function configError(fn: () => unknown): StepConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StepConfigError);
    expect(e).toBeInstanceOf(TroveError);
    return e as StepConfigError;
  }
  throw new Error("expected a StepConfigError");
}

describe("parsePathPattern", () => {
  it("splits a Sinagot input into segments and lists its entities once", () => {
    const p = parsePathPattern("EEG/{id}/{id}-{task}.mff/signal1.bin", { step: "preprocess", entities });
    expect(p.names).toEqual(["id", "task"]);
    expect(p.segments).toHaveLength(4);
    expect(p.segments[2]).toEqual([
      { kind: "ref", ref: "id" },
      { kind: "text", text: "-" },
      { kind: "ref", ref: "task" },
      { kind: "text", text: ".mff" },
    ]);
  });

  it("names the step, the pattern, the unknown entity and the known ones", () => {
    const e = configError(() => parsePathPattern("derived/{id}/{id}-{sesion}.csv", { step: "alpha", entities }));
    expect(e.message).toContain('step "alpha"');
    expect(e.message).toContain('"derived/{id}/{id}-{sesion}.csv"');
    expect(e.message).toContain("unknown entity {sesion}");
    expect(e.message).toContain("{id}, {task}, {modality}, {subject}");
  });

  it.each([
    ["derived/{}/x.csv", "not a placeholder"],
    ["derived/{in.eeg}/x.csv", "not a placeholder"],
    ["derived/{id-x}.csv", "not a placeholder"],
    ["derived/{id.csv", 'unclosed "{"'],
    ["derived/id}.csv", 'unmatched "}"'],
    ["/abs/{id}.csv", "relative"],
    ["derived//{id}.csv", "segment"],
    ["derived/../{id}.csv", "segment"],
    ["derived/{id}/*.csv", "globs"],
    ["", "non-empty"],
  ])("refuses %j (%s)", (pattern, words) => {
    const e = configError(() => parsePathPattern(pattern, { step: "s", entities }));
    expect(e.message).toContain(words);
    expect(e.message).toContain('step "s"');
  });

  it("reads {{ and }} as literal braces", () => {
    const p = parsePathPattern("x/{{{id}}}.json", { step: "s", entities });
    expect(p.names).toEqual(["id"]);
    expect(fillPattern(p, rec)).toBe("x/{REC-200319-A}.json");
  });
});

describe("fillPattern", () => {
  const eeg = parsePathPattern("EEG/{id}/{id}-{task}.mff/signal1.bin", { step: "preprocess", entities });

  it("fills every placeholder, repeated ones too", () => {
    expect(fillPattern(eeg, rec)).toBe("EEG/REC-200319-A/REC-200319-A-RS.mff/signal1.bin");
    expect(fillPattern(eeg, { ...rec, task: "MMN" })).toBe("EEG/REC-200319-A/REC-200319-A-MMN.mff/signal1.bin");
  });

  it("gives null when an entity is absent: null, empty or missing", () => {
    expect(fillPattern(eeg, { ...rec, task: null })).toBeNull();
    expect(fillPattern(eeg, { ...rec, task: "" })).toBeNull();
    expect(fillPattern(eeg, { id: "REC-200319-A" })).toBeNull();
  });

  it("refuses a value that would not stay one path segment", () => {
    expect(configError(() => fillPattern(eeg, { ...rec, task: "RS/../../etc" })).message).toContain("one path segment");
    expect(() => fillPattern(eeg, { ...rec, id: ".." })).toThrow(StepConfigError);
  });
});

describe("fillCommand", () => {
  const values = {
    step: "alpha",
    in: { eeg: "EEG/REC-1/REC-1-RS.mff/signal1.bin" },
    out: { alpha: "derived/REC-1/REC-1-RS-alpha.csv" },
    params: { band: "8-12", order: 4, notch: false },
    entities: { id: "REC-1", task: "RS", modality: null },
  };

  it("fills inputs, outputs, params and entities into argv", () => {
    const argv = fillCommand("python scripts/alpha.py {in.eeg} {out.alpha} --band {params.band} --id {id}", values);
    expect(argv).toEqual([
      "python",
      "scripts/alpha.py",
      "EEG/REC-1/REC-1-RS.mff/signal1.bin",
      "derived/REC-1/REC-1-RS-alpha.csv",
      "--band",
      "8-12",
      "--id",
      "REC-1",
    ]);
  });

  it("keeps quoted words whole and drops the quotes", () => {
    const argv = fillCommand(`python "my scripts/alpha.py" 'two words' --title="{task} rest" a\\ b ""`, values);
    expect(argv).toEqual(["python", "my scripts/alpha.py", "two words", "--title=RS rest", "a b", ""]);
  });

  it("lets \\\" and \\\\ through double quotes and keeps single quotes literal", () => {
    expect(fillCommand(`echo "say \\"hi\\" \\\\ ok" 'a\\b'`, values)).toEqual(["echo", 'say "hi" \\ ok', "a\\b"]);
  });

  it("never re-splits a filled value: spaces, quotes and shell syntax stay in one argument", () => {
    const tricky = { ...values, in: { eeg: "/data/my study/it's \"x\" $(rm -rf ~).bin" } };
    const argv = fillCommand("python a.py {in.eeg} --out={out.alpha}", tricky);
    expect(argv).toEqual(["python", "a.py", "/data/my study/it's \"x\" $(rm -rf ~).bin", "--out=derived/REC-1/REC-1-RS-alpha.csv"]);
  });

  it("fills placeholders inside quotes and turns numbers and booleans into text", () => {
    expect(fillCommand(`run '{params.order}' "{params.notch}" {{literal}}`, values)).toEqual(["run", "4", "false", "{literal}"]);
  });

  it("refuses a missing {params.x}, naming the step and the param", () => {
    const e = configError(() => fillCommand("python a.py --band {params.bnad}", values));
    expect(e.message).toContain('step "alpha"');
    expect(e.message).toContain('no param "bnad"');
    expect(e.message).toContain("band, order, notch");
  });

  it("refuses unknown placeholders and inputs the step does not have", () => {
    expect(configError(() => fillCommand("python a.py {sesion}", values)).message).toMatch(/step "alpha".*unknown placeholder \{sesion\}/);
    expect(configError(() => fillCommand("python a.py {in.clean}", values)).message).toContain('no input "clean"');
    expect(configError(() => fillCommand("python a.py {out.beta}", values)).message).toContain('no output "beta"');
    expect(configError(() => fillCommand("python a.py {env.HOME}", values)).message).toContain("unknown placeholder {env.HOME}");
  });

  it("refuses an entity the record does not have and a param that is not one value", () => {
    expect(configError(() => fillCommand("x {modality}", values)).message).toContain("the record has no modality");
    expect(configError(() => fillCommand("x {params.b}", { ...values, params: { b: [1, 2] } })).message).toContain("must be a string");
  });

  it("refuses unclosed quotes, stray braces and empty commands", () => {
    expect(configError(() => fillCommand(`python "a.py {in.eeg}`, values)).message).toContain('unclosed " quote');
    expect(configError(() => fillCommand(`python 'a.py`, values)).message).toContain("unclosed ' quote");
    expect(configError(() => fillCommand("python {in.eeg", values)).message).toContain('unclosed "{"');
    expect(configError(() => fillCommand("print(x)}", values)).message).toContain("{{ or }}");
    expect(configError(() => fillCommand("   ", values)).message).toContain("empty");
  });
});

describe("parseCommand", () => {
  const names = { step: "alpha", inputs: ["eeg"], outputs: ["alpha"], params: ["band"], entities };

  it("checks every reference against the declared names once, before any record", () => {
    const t = parseCommand("python a.py {in.eeg} {out.alpha} {params.band} {task}", names);
    expect(t.words).toHaveLength(6);
    const argv = fillCommand(t, { in: { eeg: "e b.bin" }, out: { alpha: "a.csv" }, params: { band: "8-12" }, entities: rec });
    expect(argv).toEqual(["python", "a.py", "e b.bin", "a.csv", "8-12", "RS"]);
  });

  it("names what is known when a reference is not", () => {
    expect(configError(() => parseCommand("python a.py {in.clean}", names)).message).toContain("known: {in.eeg}");
    expect(configError(() => parseCommand("python a.py {params.bnad}", names)).message).toContain("known: {params.band}");
    expect(configError(() => parseCommand("python a.py {sesion}", names)).message).toContain("{id}, {task}");
  });

  it("uses the parsed step name in fill-time errors", () => {
    const t = parseCommand("python a.py {params.band}", { step: "alpha" });
    expect(configError(() => fillCommand(t, { step: "other" })).message).toContain('step "alpha"');
  });
});
