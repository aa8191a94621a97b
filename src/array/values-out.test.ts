import { describe, expect, it } from "vitest";
import { exactJson, toNestedJson, toText } from "./values-out.ts";

describe("exactJson", () => {
  it("keeps 64-bit integers and non-finite floats exact", () => {
    expect(exactJson(2n ** 63n - 1n)).toBe("9223372036854775807");
    expect(exactJson([NaN, Infinity, -Infinity, 1.5])).toEqual(["NaN", "Infinity", "-Infinity", 1.5]);
    expect(exactJson({ a: new Float32Array([0.5]), b: new Uint8Array([1, 2]) })).toEqual({ a: [0.5], b: { base64: "AQI=" } });
  });
});

describe("toNestedJson", () => {
  it("nests row-major values by shape", () => {
    expect(toNestedJson(new BigInt64Array([1n, 2n, 3n, 4n, 5n, 6n]), [2, 3])).toEqual([["1", "2", "3"], ["4", "5", "6"]]);
    expect(toNestedJson(["x"], [])).toBe("x");
    expect(toNestedJson(new Int8Array(0), [0, 3])).toEqual([]);
  });
});

describe("toText", () => {
  it("prints one value per line, rows, and 2-D blocks of higher ranks", () => {
    expect(toText(new Float64Array([1, NaN]), [2])).toBe("1\nNaN\n");
    expect(toText(new Int16Array([1, 2, 3, 4]), [2, 2])).toBe("1\t2\n3\t4\n");
    expect(toText(new Int8Array([1, 2, 3, 4, 5, 6, 7, 8]), [2, 2, 2])).toBe("[0, :, :]\n1\t2\n3\t4\n\n[1, :, :]\n5\t6\n7\t8\n");
    expect(toText([{ a: 1n }], [1])).toBe('{"a":"1"}\n');
  });
});
