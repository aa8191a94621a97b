// parseSelection against numpy's rules: slices clamp, integers drop their axis, "..." expands,
// out-of-range integers, negative steps and too many indices are clear errors.

import { describe, expect, it } from "vitest";
import { SelectionError } from "./errors.ts";
import { parseSelection } from "./selection.ts";

const dims = (text: string, shape: number[]) => parseSelection(text, shape).dims.map((d) => [d.start, d.stop, d.step, d.count, d.dropped]);

describe("parseSelection", () => {
  it("resolves slices, integers and defaults", () => {
    expect(dims("0:10,:", [20, 5])).toEqual([[0, 10, 1, 10, false], [0, 5, 1, 5, false]]);
    expect(dims("5", [20, 5])).toEqual([[5, 6, 1, 1, true], [0, 5, 1, 5, false]]);
    expect(dims("::2,3:-1", [7, 10])).toEqual([[0, 7, 2, 4, false], [3, 9, 1, 6, false]]);
    expect(parseSelection("5, 1:3", [20, 5]).shape).toEqual([2]);
    expect(parseSelection("-1", [4]).dims[0].start).toBe(3);
  });
  it("clamps slices like Python", () => {
    expect(dims("-100:100", [6])).toEqual([[0, 6, 1, 6, false]]);
    expect(dims("8:2", [10])).toEqual([[8, 8, 1, 0, false]]);
    expect(dims("2:9:3", [10])).toEqual([[2, 9, 3, 3, false]]);
    expect(parseSelection("8:2", [10]).count).toBe(0);
  });
  it("expands an ellipsis and accepts brackets, a trailing comma, items", () => {
    expect(parseSelection("..., 1", [2, 3, 4]).shape).toEqual([2, 3]);
    expect(parseSelection("1, ...", [2, 3, 4]).shape).toEqual([3, 4]);
    expect(parseSelection("[1:2, ...]", [2, 3]).shape).toEqual([1, 3]);
    expect(parseSelection("1,", [2, 3]).shape).toEqual([3]);
    expect(parseSelection("...", []).shape).toEqual([]);
    expect(parseSelection("", [3, 3]).count).toBe(9);
    expect(parseSelection([1, { start: 1, step: 2 }], [3, 5]).shape).toEqual([2]);
  });
  it("gives clear errors", () => {
    expect(() => parseSelection("10", [10])).toThrow(/index 10 is out of bounds for axis 0 with size 10/);
    expect(() => parseSelection("-11", [10])).toThrow(SelectionError);
    expect(() => parseSelection("1,2", [10])).toThrow(/too many indices.*1-dimensional, but 2/);
    expect(() => parseSelection("::-1", [10])).toThrow(/negative steps are not supported/);
    expect(() => parseSelection("::0", [10])).toThrow(/step cannot be zero/);
    expect(() => parseSelection("a:b", [10])).toThrow(/not an integer/);
    expect(() => parseSelection("1:2:3:4", [10])).toThrow(/too many colons/);
    expect(() => parseSelection("...,...", [10])).toThrow(/single ellipsis/);
    expect(() => parseSelection("1,,2", [10, 10, 10])).toThrow(/empty index/);
    expect(() => parseSelection("0", [])).toThrow(/too many indices/);
  });
});
