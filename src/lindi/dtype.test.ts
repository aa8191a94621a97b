// dtype.ts: every numeric dtype round-trips through fromValues/toValues (both byte orders),
// range checks, strings, fill values, h5py-style names and numpy's inference.

import { describe, expect, it } from "vitest";
import { compoundRows, fillElement, fromValues, inferDtype, itemsize, normalizeDtype, toValues } from "./dtype.ts";

describe("fromValues / toValues", () => {
  const cases: [string, unknown[]][] = [
    ["|i1", [-128, 0, 127]],
    ["|u1", [0, 255]],
    ["<i2", [-32768, 1, 32767]],
    [">i2", [-2, 513]],
    ["<u2", [0, 65535]],
    ["<i4", [-(2 ** 31), 2 ** 31 - 1]],
    [">u4", [0, 2 ** 32 - 1]],
    ["<i8", [-(2n ** 63n), 2n ** 63n - 1n]],
    ["<u8", [0n, 2n ** 64n - 1n]],
    ["<f4", [0.5, -Infinity, NaN]],
    [">f8", [1.5, -2.25]],
    ["|b1", [true, false]],
    ["|S4", ["ab", "cdef", ""]],
    ["<U3", ["é", "abc"]],
  ];
  for (const [dtype, values] of cases) {
    it(dtype, () => {
      const bytes = fromValues(values, dtype);
      expect(bytes.length).toBe(values.length * itemsize(dtype));
      expect(Array.from(toValues(bytes, dtype, values.length) as ArrayLike<unknown>)).toEqual(values);
    });
  }
  it("writes the byte order asked for", () => {
    expect(Array.from(fromValues([0x0102], ">i2"))).toEqual([1, 2]);
    expect(Array.from(fromValues([0x0102], "<i2"))).toEqual([2, 1]);
  });
  it("rejects values that do not fit", () => {
    expect(() => fromValues([256], "|u1")).toThrow(/out of range/);
    expect(() => fromValues([-1], "<u4")).toThrow(/out of range/);
    expect(() => fromValues([2n ** 63n], "<i8")).toThrow(/out of range/);
    expect(() => fromValues([1.5], "<i4")).toThrow(/not an integer/);
    expect(() => fromValues(["x"], "<f8")).toThrow(/not a number/);
    expect(() => fromValues(["abcde"], "|S4")).toThrow(/longer than 4 bytes/);
  });
});

describe("names, fill values, inference", () => {
  it("normalises h5py and numpy names", () => {
    expect(["int16", "float32", "bool", "uint8", "i8", "f8", ">f4", "S5", "object", "|O"].map(normalizeDtype)).toEqual(["<i2", "<f4", "|b1", "|u1", "<i8", "<f8", ">f4", "|S5", "|O", "|O"]);
    expect(() => normalizeDtype("complex64")).toThrow(/not supported/);
  });
  it("gives fill values as element bytes", () => {
    expect(fillElement(0, "<i4")).toBeUndefined();
    expect(Array.from(fillElement(-1, "<i2")!)).toEqual([255, 255]);
    expect(Array.from(toValues(fillElement("NaN", "<f8")!, "<f8", 1) as Float64Array)).toEqual([NaN]);
    expect(Array.from(fillElement(true, "|b1")!)).toEqual([1]);
  });
  it("infers dtypes as numpy would", () => {
    expect(inferDtype(new Float32Array(1))).toBe("<f4");
    expect(inferDtype([1, 2])).toBe("<i8");
    expect(inferDtype([1, 2.5])).toBe("<f8");
    expect(inferDtype([true])).toBe("|b1");
    expect(inferDtype(["a"])).toBe("|O");
  });
  it("names compound rows by field, once", () => {
    const rows = compoundRows([[1, "a"]], [["id", "int32"], ["s", "object"]]);
    expect(rows).toEqual([{ id: 1, s: "a" }]);
    expect(compoundRows(rows, [["id", "int32"], ["s", "object"]])).toEqual(rows);
  });
});
