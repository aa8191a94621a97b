// Wildcard and Python-regex translation against what CPython 3.11 answers (fnmatch.translate +
// re.match; re.search), vectors computed with CPython and written down here.
//
//   npx vitest run src/compat/one/match.test.ts

import { describe, expect, it } from "vitest";
import {
  OnePatternError,
  compilePythonRegex,
  pythonRegexSource,
  wildcardSource,
} from "./match.ts";

const SUBJECTS = [
  "x.meta", "alf/x.meta", "wheel", "alf/wheel.position.npy", "_ibl_trials.x", "axb", "ab",
  "aXbYc", "abc", "bx", "ax", "cx", "]x", "a", "b", "]", "[", "a[b", "timestampz", "timestamps",
  "alf", "/lf", "", "-", "0", "\\", "a.b", "a(b)", "{x}", "\n", "/",
];

// [pattern, the SUBJECTS that re.match(fnmatch.translate(pattern), s) accepts]
const FNMATCH: [string, string[]][] = [
  ["*.meta", ["x.meta", "alf/x.meta"]],
  ["*", SUBJECTS],
  ["*wheel*", ["wheel", "alf/wheel.position.npy"]],
  ["_ibl_*", ["_ibl_trials.x"]],
  ["*a*b", ["axb", "ab", "a[b", "a.b"]],
  ["a*b*c", ["aXbYc", "abc"]],
  ["[!a]*", ["x.meta", "wheel", "_ibl_trials.x", "bx", "cx", "]x", "b", "]", "[", "timestampz",
    "timestamps", "/lf", "-", "0", "\\", "{x}", "\n", "/"]],
  ["[a-c]x", ["bx", "ax", "cx"]],
  ["[]]x", ["]x"]],
  ["[!]]", ["a", "b", "[", "-", "0", "\\", "\n", "/"]],
  ["[", ["["]],
  ["a[b", ["a[b"]],
  ["timestamp?", ["timestampz", "timestamps"]],
  ["*lf", ["alf", "/lf"]],
  ["", [""]],
  ["[z-a]", []],
  ["[!z-a]", ["a", "b", "]", "[", "-", "0", "\\", "\n", "/"]],
  ["[a-]", ["a", "-"]],
  ["[--0]", ["-", "0", "/"]],
  ["[\\]", ["\\"]],
  ["a.b", ["a.b"]],
  ["a(b)", ["a(b)"]],
  ["{x}", ["{x}"]],
  ["?", ["a", "b", "]", "[", "-", "0", "\\", "\n", "/"]],
];

function wholeMatches(pattern: string, subjects: readonly string[], leading = false): string[] {
  const source = wildcardSource(pattern, { leadingStarStaysInFolder: leading });
  const re = new RegExp(`^(?:${source})$`, "u");
  return subjects.filter((s) => re.test(s));
}

describe("wildcardSource (fnmatch.translate)", () => {
  it.each(FNMATCH)("%j matches what CPython's fnmatch matches", (pattern, expected) => {
    expect(wholeMatches(pattern, SUBJECTS)).toEqual(SUBJECTS.filter((s) => expected.includes(s)));
  });

  it("keeps a lone leading star in the folder, as ONE's exclude_slash rewrite does", () => {
    const subjects = ["x.meta", "alf/x.meta", "alf/wheel", "wheel", "x/ab", "ab", "a/x", "ax"];
    expect(wholeMatches("*.meta", subjects, true)).toEqual(["x.meta"]);
    expect(wholeMatches("*", subjects, true)).toEqual(["x.meta", "wheel", "ab", "ax"]);
    // Two star runs: Python 3.9+ emits an atomic group first, which the rewrite does not see.
    expect(wholeMatches("*wheel*", subjects, true)).toEqual(["alf/wheel", "wheel"]);
    expect(wholeMatches("*a*b", subjects, true)).toEqual(["x/ab", "ab"]);
    expect(wholeMatches("a*", subjects, true)).toEqual(["alf/x.meta", "alf/wheel", "ab", "a/x", "ax"]);
  });
});

// [pattern, [subject, re.search(pattern, subject) is not None][]] from CPython 3.11
const PYTHON_SEARCH: [string, [string, boolean][]][] = [
  ["(?P<rev>\\d{4})-(?P=rev)", [["2020-2020", true], ["2020-2021", false], ["٢٠٢٠-٢٠٢٠", true]]],
  ["\\w+$", [["Müller", true], ["a-b", true]]],
  ["^\\w+$", [["Müller", true], ["a-b", false]]],
  ["a{", [["a{", true], ["a", false]]],
  ["a{,2}b", [["aab", true], ["b", true], ["aaab", true]]],
  ["a{}", [["a{}", true]]],
  ["[]a]", [["]", true], ["a", true], ["b", false]]],
  ["\\-\\#\\ ", [["-# ", true]]],
  ["^spikes\\..+$", [["spikes.times.npy", true], ["spikesXtimes", false]]],
  ["a.b", [["a\nb", false], ["a\rb", true]]],
  ["(?i)zm_", [["ZM_335", true]]],
  ["\\Aab\\Z", [["ab", true], ["ab\n", false]]],
  ["x]", [["x]", true]]],
  ["(?s)a.b", [["a\nb", true]]],
];

describe("compilePythonRegex (Python re syntax)", () => {
  it.each(PYTHON_SEARCH)("%j searches as CPython's re.search does", (pattern, cases) => {
    const re = compilePythonRegex(pattern);
    expect(cases.map(([s]) => [s, re.test(s)])).toEqual(cases);
  });

  it("full-matches like re.fullmatch", () => {
    const re = compilePythonRegex("spikes.times.npy", { fullMatch: true });
    expect(re.test("spikes.times.npy")).toBe(true);
    expect(re.test("spikesXtimes.npy")).toBe(true); // `.` is any character
    expect(re.test("alf/spikes.times.npy")).toBe(false);
    expect(re.test("spikes.times.npy.bak")).toBe(false);
  });

  it("throws OnePatternError for patterns Python rejects or JavaScript cannot express", () => {
    expect(() => compilePythonRegex("*.npy")).toThrow(OnePatternError); // nothing to repeat
    expect(() => compilePythonRegex("a(")).toThrow(OnePatternError);
    expect(() => compilePythonRegex("\\q")).toThrow(/Bad escape/);
    expect(() => compilePythonRegex("(?x)a b")).toThrow(/Unsupported regex flags/);
    expect(() => pythonRegexSource("a(?i)b")).toThrow(/must start the whole pattern/);
  });
});
