// Tests of step ordering: Sinagot-like pipelines, diamonds, `after`, cycles and clashing outputs.
//
//   npx vitest run src/run/graph

import { describe, expect, it } from "vitest";
import { TroveError } from "../errors.ts";
import { StepGraphError, type StepDecl, downstreamOf, patternsOverlap, planOrder, upstreamOf } from "./graph.ts";
import { StepConfigError } from "./patterns.ts";

/** A step reading `ins` and writing `outs`, given as short file names under derived/{id}/. */
function step(name: string, ins: string[], outs: string[], after?: string[]): StepDecl {
  const under = (xs: string[]) => Object.fromEntries(xs.map((x) => [x, `derived/{id}/{id}-${x}.csv`]));
  return { name, inputs: under(ins), outputs: under(outs), after };
}

function graphError(fn: () => unknown): StepGraphError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StepGraphError);
    expect(e).toBeInstanceOf(TroveError);
    return e as StepGraphError;
  }
  throw new Error("expected a StepGraphError");
}

// The sonetaa workspace: EEG preprocess -> alpha, behavior scores -> scores_norm.
const sonetaa: StepDecl[] = [
  {
    name: "alpha",
    inputs: { clean: "PROCESSED/{id}/{task}/EEG-clean.fif" },
    outputs: { alpha: "PROCESSED/{id}/{task}/EEG-alpha.csv" },
  },
  {
    name: "scores_norm",
    inputs: { scores: "PROCESSED/{id}/HDC/behavior-scores.csv" },
    outputs: { norm: "PROCESSED/{id}/HDC/behavior-scores-norm.csv" },
  },
  {
    name: "preprocess",
    inputs: { eeg: "MFF/{id}-{task}.mff/signal1.bin" },
    outputs: { clean: "PROCESSED/{id}/{task}/EEG-clean.fif" },
  },
  {
    name: "scores",
    inputs: { report: "HDC/{id}/Trial1_report.txt" },
    outputs: { scores: "PROCESSED/{id}/HDC/behavior-scores.csv" },
  },
];

describe("planOrder", () => {
  it("puts Sinagot's preprocess before alpha and scores before scores_norm", () => {
    const plan = planOrder(sonetaa);
    expect(plan.order).toEqual(["preprocess", "alpha", "scores", "scores_norm"]);
    expect(plan.levels).toEqual([["preprocess", "scores"], ["alpha", "scores_norm"]]);
    expect(plan.upstream).toEqual({ alpha: ["preprocess"], scores_norm: ["scores"], preprocess: [], scores: [] });
    expect(plan.edges).toContainEqual({ kind: "data", from: "preprocess", to: "alpha", output: "clean", input: "clean" });
  });

  it("links an input to an output that matches it through a placeholder", () => {
    // alpha reads the cleaned file of any task, including preprocess_hdc's fixed "HDC" one.
    const plan = planOrder([
      { name: "alpha", inputs: { clean: "PROCESSED/{id}/{task}/EEG-clean.fif" }, outputs: { a: "PROCESSED/{id}/{task}/EEG-alpha.csv" } },
      { name: "preprocess_hdc", inputs: {}, outputs: { clean: "PROCESSED/{id}/HDC/EEG-clean.fif" } },
    ]);
    expect(plan.order).toEqual(["preprocess_hdc", "alpha"]);
  });

  it("keeps declaration order between independent steps", () => {
    expect(planOrder([step("c", [], ["c"]), step("a", [], ["a"]), step("b", [], ["b"])]).order).toEqual(["c", "a", "b"]);
    expect(planOrder([]).order).toEqual([]);
  });

  it("orders a diamond and lists each step's upstream", () => {
    const plan = planOrder([step("d", ["b", "c"], ["d"]), step("c", ["a"], ["c"]), step("b", ["a"], ["b"]), step("a", [], ["a"])]);
    expect(plan.order).toEqual(["a", "c", "b", "d"]);
    expect(plan.levels).toEqual([["a"], ["c", "b"], ["d"]]);
    expect(plan.upstream.d).toEqual(["c", "b"]);
    expect(downstreamOf(plan, "a")).toEqual(["c", "b", "d"]);
    expect(downstreamOf(plan, "b")).toEqual(["d"]);
    expect(downstreamOf(plan, "d")).toEqual([]);
    expect(upstreamOf(plan, "d")).toEqual(["a", "c", "b"]);
  });

  it("honours after = [...] with no data between the steps", () => {
    const plan = planOrder([step("report", [], ["report"], ["qc"]), step("qc", [], ["qc"])]);
    expect(plan.order).toEqual(["qc", "report"]);
    expect(plan.edges).toEqual([{ kind: "after", from: "qc", to: "report" }]);
    expect(downstreamOf(plan, "qc")).toEqual(["report"]);
  });

  it("does not make a step depend on itself when it reads what it writes", () => {
    const plan = planOrder([{ name: "tidy", inputs: { any: "derived/{id}/{file}" }, outputs: { t: "derived/{id}/tidy.csv" } }]);
    expect(plan.upstream.tidy).toEqual([]);
  });

  it("names a 2-step cycle", () => {
    const e = graphError(() => planOrder([step("a", ["b"], ["a"]), step("b", ["a"], ["b"])]));
    expect(e.message).toContain("a -> b -> a");
    expect(e.message).toContain('"b" input a reads "a" output a');
  });

  it("names a 3-step cycle from its first declared step, leaving out steps merely stuck behind it", () => {
    const e = graphError(() =>
      planOrder([step("z", ["c"], ["z"]), step("a", ["c"], ["a"]), step("b", ["a"], ["b"]), step("c", ["b"], ["c"])]),
    );
    expect(e.message).toContain("steps form a cycle: a -> b -> c -> a (");
    expect(e.message).not.toContain("z");
  });

  it("names cycles made by after, including a step after itself", () => {
    expect(graphError(() => planOrder([step("a", [], ["a"], ["b"]), step("b", ["a"], ["b"])])).message).toContain(
      'a -> b -> a ("b" input a reads "a" output a; "a" runs after "b")',
    );
    expect(graphError(() => planOrder([step("a", [], ["a"], ["a"])])).message).toContain("a -> a");
  });

  it("refuses an output claimed by two steps, naming both", () => {
    const e = graphError(() => planOrder([step("alpha", [], ["x"]), step("beta", [], ["x"])]));
    expect(e.message).toContain('step "alpha" output x = "derived/{id}/{id}-x.csv"');
    expect(e.message).toContain('step "beta" output x');
  });

  it("refuses outputs that differ as text but can name the same file", () => {
    const e = graphError(() =>
      planOrder([
        { name: "alpha", inputs: {}, outputs: { a: "derived/{id}/{id}-{task}-alpha.csv" } },
        { name: "alpha_rs", inputs: {}, outputs: { a: "derived/{subject}/{subject}-RS-alpha.csv" } },
      ]),
    );
    expect(e.message).toMatch(/step "alpha" output a .* and step "alpha_rs" output a/);
  });

  it("refuses two outputs of one step that can name the same file", () => {
    const e = graphError(() => planOrder([{ name: "s", inputs: {}, outputs: { a: "d/{id}.csv", b: "d/{task}.csv" } }]));
    expect(e.message).toContain('step "s" output a');
    expect(e.message).toContain('step "s" output b');
  });

  it("refuses an after naming an unknown step, and duplicate names", () => {
    const e = graphError(() => planOrder([step("alpha", [], ["a"], ["preprocces"]), step("preprocess", [], ["p"])]));
    expect(e.message).toContain('step "alpha": after = "preprocces" names no step; steps: alpha, preprocess');
    expect(graphError(() => planOrder([step("a", [], ["a"]), step("a", [], ["b"])])).message).toContain('two steps are named "a"');
  });

  it("reports a malformed pattern as the step's config error", () => {
    const bad = { name: "alpha", inputs: { x: "derived/{id" }, outputs: {} };
    expect(() => planOrder([bad])).toThrow(StepConfigError);
    expect(() => planOrder([bad])).toThrow(/step "alpha"/);
  });

  it("refuses downstreamOf an unknown step", () => {
    expect(graphError(() => downstreamOf(planOrder(sonetaa), "beta")).message).toContain('no step is named "beta"');
  });
});

describe("patternsOverlap", () => {
  it.each([
    ["derived/{id}/x.csv", "derived/{id}/x.csv", true],
    ["derived/{id}/x.csv", "derived/{subject}/x.csv", true],
    ["derived/{id}/x.csv", "derived/{id}/y.csv", false],
    ["derived/{id}/x.csv", "raw/{id}/x.csv", false],
    ["derived/{id}/x.csv", "derived/{id}/sub/x.csv", false],
    ["derived/{id}-{task}.csv", "derived/REC-1-RS.csv", true],
    ["derived/{id}-{task}.csv", "derived/REC.csv", false],
    ["derived/{id}.csv", "derived/.csv", false],
    ["d/{a}{b}", "d/x", false],
    ["d/{a}{b}", "d/xy", true],
    ["d/{a}-x", "d/y-{b}", true],
    ["d/{a}.csv", "d/{b}.json", false],
    ["d/{a}.csv.gz", "d/{b}.gz", true],
    ["d/pre{a}", "d/{b}post", true],
    ["d/pre{a}", "d/pr", false],
  ])("%j vs %j: %s", (a, b, expected) => {
    expect(patternsOverlap(a, b)).toBe(expected);
    expect(patternsOverlap(b, a)).toBe(expected);
  });

  it("over-approximates: a repeated name may take two values", () => {
    // Only possible if id were both "A" and "B"; the test does not track that (documented limit).
    expect(patternsOverlap("{id}/{id}.csv", "A/B.csv")).toBe(true);
  });
});
