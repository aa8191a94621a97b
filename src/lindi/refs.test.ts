// The reference file system model: LINDI's validation rules, its .lindi.json layout (Python's
// json.dump indent=2 sort_keys=True), inline encoding, templates; and LINDI's annotations as
// fromHdf5 writes them for basic.h5.

import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { wasmDecode } from "../h5/wasm-codecs.ts";
import { fromHdf5 } from "./from-hdf5.ts";
import { LindiError } from "./errors.ts";
import { LindiDataset } from "./dataset.ts";
import { LindiFile } from "./file.ts";
import { decodeInline, encodeInline, parseRfs, stringifyRfs, useTemplates, validateRfs, type Rfs } from "./refs.ts";

describe("validateRfs", () => {
  it("rejects what LINDI's test_core rejects", () => {
    for (const bad of [{ refs: { a: 1 } }, { refs: { a: ["a", 1] } }, { refs: { a: ["a", 1, 2, 3] } }, { refs: { a: [1, 2, 3] } }, { refs: { a: ["a", "a", 2] } }, { refs: { a: ["a", 1, "a"] } }, {}, [], { refs: {}, templates: { u1: 3 } }]) {
      expect(() => validateRfs(bad), JSON.stringify(bad)).toThrow(LindiError);
    }
    expect(validateRfs({ refs: { a: "x", b: { c: 1 }, d: ["u", 0, 3] } }).refs.d).toEqual(["u", 0, 3]);
    expect(() => parseRfs("{")).toThrow(LindiError);
  });
  it("fails on bad base64 when read", () => {
    expect(() => decodeInline("base64:abc+++", "k")).toThrow(LindiError);
  });
});

describe("stringifyRfs", () => {
  it("writes what Python's json.dump(rfs, indent=2, sort_keys=True) writes", () => {
    const rfs: Rfs = {
      version: 1,
      refs: {
        "t/0": '["bé","|O",[1]]',
        "b/0": "base64:AAE=",
        "a/0": ["f.h5", 12, 34],
        "a/.zarray": { zarr_format: 2, shape: [100], order: "C", filters: [{ id: "shuffle", elementsize: 2 }, { level: 4, id: "zlib" }], fill_value: 0, dtype: "<i2", compressor: null, chunks: [10] },
        ".zgroup": { zarr_format: 2 },
        ".zattrs": { x: "café", l: [], e: {} },
      },
    };
    // generated with CPython 3 json.dumps(..., indent=2, sort_keys=True)
    const python =
      "{\n  \"refs\": {\n    \".zattrs\": {\n      \"e\": {},\n      \"l\": [],\n      \"x\": \"caf\\u00e9\"\n    },\n    \".zgroup\": {\n      \"zarr_format\": 2\n    },\n    \"a/.zarray\": {\n      \"chunks\": [\n        10\n      ],\n      \"compressor\": null,\n      \"dtype\": \"<i2\",\n      \"fill_value\": 0,\n      \"filters\": [\n        {\n          \"elementsize\": 2,\n          \"id\": \"shuffle\"\n        },\n        {\n          \"id\": \"zlib\",\n          \"level\": 4\n        }\n      ],\n      \"order\": \"C\",\n      \"shape\": [\n        100\n      ],\n      \"zarr_format\": 2\n    },\n    \"a/0\": [\n      \"f.h5\",\n      12,\n      34\n    ],\n    \"b/0\": \"base64:AAE=\",\n    \"t/0\": \"[\\\"b\\u00e9\\\",\\\"|O\\\",[1]]\"\n  },\n  \"version\": 1\n}";
    expect(stringifyRfs(rfs)).toBe(python);
    expect(parseRfs(python)).toEqual(JSON.parse(python));
  });
});

describe("inline values and templates", () => {
  it("stores ASCII as text, anything else (or text starting base64:) as base64", () => {
    expect(encodeInline(new TextEncoder().encode("abc"))).toBe("abc");
    expect(encodeInline(new Uint8Array([0, 1, 255]))).toBe("base64:AAH/");
    expect(encodeInline(new TextEncoder().encode("base64:x"))).toBe("base64:YmFzZTY0Ong=");
    for (const s of ["abc", "base64:AAH/", "base64:YmFzZTY0Ong="]) expect(encodeInline(decodeInline(s))).toBe(s);
  });
  it("templates URLs used 5 or more times as u1, u2, ... in sorted order", () => {
    const refs: Rfs["refs"] = {};
    for (let i = 0; i < 5; i++) {
      refs[`b/${i}`] = ["https://b", i, 1];
      refs[`a/${i}`] = ["https://a", i, 1];
    }
    refs["c/0"] = ["https://c", 0, 1];
    const rfs: Rfs = { refs };
    useTemplates(rfs);
    expect(rfs.templates).toEqual({ u1: "https://a", u2: "https://b" });
    expect(rfs.refs["a/3"]).toEqual(["{{u1}}", 3, 1]);
    expect(rfs.refs["b/0"]).toEqual(["{{u2}}", 0, 1]);
    expect(rfs.refs["c/0"]).toEqual(["https://c", 0, 1]);
  });
});

describe("LINDI annotations from basic.h5", async () => {
  const path = resolve(repoRoot, "test/fixtures/h5/basic.h5");
  const { rfs } = await fromHdf5(path, { url: "https://x/basic.h5", onUnsupported: "skip" });
  const f = LindiFile.fromRfs(rfs, "/");
  const read = async (key: string) => (f.get(key) as LindiDataset).read();
  // inline arrays are Blosc-compressed, like LINDI's: the JSON codec's text underneath
  const jsonText = async (key: string) => Buffer.from(await wasmDecode("blosc", decodeInline(rfs.refs[key] as string, key), 1 << 20)).toString("latin1");
  it("soft links become _SOFT_LINK groups", () => {
    expect(rfs.refs["soft/.zattrs"]).toEqual({ _SOFT_LINK: { path: "/a/b/c" } });
    expect(rfs.refs["soft/.zgroup"]).toEqual({ zarr_format: 2 });
    expect(rfs.refs["soft/.zarray"]).toBeUndefined();
  });
  it("scalars are shape [1] arrays marked _SCALAR", async () => {
    expect(rfs.refs["scalar/.zattrs"]).toEqual({ _SCALAR: true });
    expect((f.get("scalar") as LindiDataset).zarray).toMatchObject({ shape: [1], chunks: [1], dtype: "<f8" });
    expect(Array.from((await read("scalar")) as Float64Array)).toEqual([3.25]);
    expect(await read("scalar_str")).toEqual(["hello"]);
  });
  it("object references become _REFERENCE values", async () => {
    expect((rfs.refs[".zattrs"] as Record<string, unknown>).ref).toEqual({ _REFERENCE: { object_id: null, path: "/contig", source: ".", source_object_id: null } });
    expect(await jsonText("refs/0")).toBe(
      '[{"_REFERENCE":{"object_id":null,"path":"/contig","source":".","source_object_id":null}},{"_REFERENCE":{"object_id":null,"path":"/a/b","source":".","source_object_id":null}},{"_REFERENCE":{"object_id":null,"path":"/","source":".","source_object_id":null}},"|O",[3]]',
    );
  });
  it("NaN attributes become the string NaN", () => {
    expect((rfs.refs[".zattrs"] as Record<string, unknown>).nan).toBe("NaN");
  });
  it("compound datasets carry _COMPOUND_DTYPE and JSON rows (float fields as Python floats)", async () => {
    expect(rfs.refs["uses_named_type/.zattrs"]).toEqual({ _COMPOUND_DTYPE: [["a", "int32"], ["b", "float32"]] });
    expect(await jsonText("uses_named_type/0")).toBe('[[1,2.0],[3,4.5],"|O",[2]]');
  });
  it("chunked datasets map HDF5 filters to numcodecs filters, compressor null", () => {
    expect(rfs.refs["chunked_gzip/.zarray"]).toEqual({
      chunks: [10, 16],
      compressor: null,
      dtype: "<i2",
      fill_value: 0,
      filters: [{ elementsize: 2, id: "shuffle" }, { id: "zlib", level: 4 }],
      order: "C",
      shape: [100, 16],
      zarr_format: 2,
    });
    expect(rfs.refs["chunked_gzip/3.0"]).toEqual(["{{u1}}", expect.any(Number), expect.any(Number)]);
    expect(rfs.templates).toEqual({ u1: "https://x/basic.h5" });
  });
  it("strings: vlen arrays as json2 object arrays, fixed-length as |S", async () => {
    expect((f.get("vlen_str") as LindiDataset).zarray).toMatchObject({ dtype: "|O", filters: [{ id: "json2" }] });
    expect(await jsonText("vlen_str/0")).toBe('["alpha","b\\u00e9ta","","a longer string here","|O",[4]]');
    expect((f.get("fixed_str") as LindiDataset).zarray.dtype).toBe("|S4");
    expect(await read("fixed_str")).toEqual(["ab", "cde", "f"]);
  });
});
