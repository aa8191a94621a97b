// pyJson and pyFloatRepr against what Python 3 prints (values taken from /usr/bin/python3's
// repr(float) and json.dumps): floats keep their ".0", exponents appear below 1e-4 and from 1e16.

import { describe, expect, it } from "vitest";
import { plainFloats, PyFloat, pyFloatRepr, pyJson } from "./pyjson.ts";

describe("pyFloatRepr", () => {
  it("writes what Python's repr(float) writes", () => {
    // prettier-ignore
    const cases: [number, string][] = [
      [0, "0.0"], [-0, "-0.0"], [1, "1.0"], [-1, "-1.0"], [2.5, "2.5"], [0.1, "0.1"], [1e-5, "1e-05"],
      [0.0001, "0.0001"], [0.00012345, "0.00012345"], [1e16, "1e+16"], [1.5e16, "1.5e+16"],
      [9999999999999998, "9999999999999998.0"], [1e15, "1000000000000000.0"],
      [123456789012345678, "1.2345678901234568e+17"], [1e22, "1e+22"], [1e100, "1e+100"], [5e-324, "5e-324"],
      [1.7976931348623157e308, "1.7976931348623157e+308"], [0.30000000000000004, "0.30000000000000004"],
      [100, "100.0"], [1234.5, "1234.5"], [3.14159, "3.14159"], [2 ** 53, "9007199254740992.0"], [-1e-7, "-1e-07"],
      [1 / 3, "0.3333333333333333"],
    ];
    for (const [v, want] of cases) expect(pyFloatRepr(v), String(v)).toBe(want);
  });
});

describe("pyJson", () => {
  it("compact with sorted keys, like json.dumps(separators=(',', ':'), sort_keys=True)", () => {
    expect(pyJson([[1, new PyFloat(2)], { b: new PyFloat(1e-5), a: NaN }, "é"], null)).toBe('[[1,2.0],{"a":NaN,"b":1e-05},"\\u00e9"]');
  });
  it("plainFloats leaves numbers for readers and floats for the writer", () => {
    const z = plainFloats({ fill_value: new PyFloat(0), v: [new PyFloat(-1), 2, [new PyFloat(3)]] });
    expect(z).toEqual({ fill_value: 0, v: [-1, 2, [3]] });
    expect(pyJson(z, null)).toBe('{"fill_value":0.0,"v":[-1.0,2,[3.0]]}');
    expect(pyJson(z)).toBe('{\n  "fill_value": 0.0,\n  "v": [\n    -1.0,\n    2,\n    [\n      3.0\n    ]\n  ]\n}');
    expect(JSON.stringify(new PyFloat(2))).toBe("2");
  });
});
