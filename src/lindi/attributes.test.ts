// LindiAttributes: LINDI's conversions (NaN/Infinity as strings and back, special strings
// rejected, references), hidden annotations, delete.

import { describe, expect, it } from "vitest";
import { LindiError } from "./errors.ts";
import { memoryFile as writable } from "./testing-backend.ts";

describe("attributes", () => {
  it("converts as LINDI does and hides LINDI's annotations", async () => {
    const { f } = writable();
    const g = f.createGroup("g");
    g.attrs.set("rate", 30000);
    g.attrs.set("gains", new Float32Array([1, NaN]));
    g.attrs.set("inf", -Infinity);
    g.attrs.set("big", 12345678901n);
    g.attrs.set("names", ["a", "b"]);
    g.attrs.set("target", f.ref);
    expect(f.rfs.refs["g/.zattrs"]).toMatchObject({ rate: 30000, gains: [1, "NaN"], inf: "-Infinity", big: 12345678901, names: ["a", "b"] });
    expect(g.attrs.get("gains")).toEqual([1, NaN]);
    expect(g.attrs.get("inf")).toBe(-Infinity);
    expect(g.attrs.get("target")).toEqual({ _REFERENCE: { object_id: null, path: "/", source: ".", source_object_id: null } });
    expect(() => g.attrs.set("bad", "NaN")).toThrow(/special string NaN not allowed/);
    expect(() => g.attrs.set("_SCALAR", true)).toThrow(/reserved/);
    expect(() => g.attrs.set("n", null)).toThrow(LindiError);
    const s = await f.createDataset("s", { data: 1 });
    expect(s.attrs.keys()).toEqual([]);
    s.attrs.set("unit", "V");
    expect(s.attrs.toObject()).toEqual({ unit: "V" });
    s.attrs.delete("unit");
    expect(f.rfs.refs["s/.zattrs"]).toEqual({ _SCALAR: true });
    g.attrs.delete("rate");
    expect(g.attrs.has("rate")).toBe(false);
    expect(() => g.attrs.delete("rate")).toThrow(/no attribute rate/);
  });
});
