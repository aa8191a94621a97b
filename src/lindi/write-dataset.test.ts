// createDataset: zarr v2 metadata and chunks as zarr writes them (chunk guess, padding, zlib and
// gzip compressors, blobs vs inline), every kind of data, and reading it all back with selections.

import { gunzipSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { LindiDataset } from "./dataset.ts";
import type { LindiGroup } from "./group.ts";
import { decodeInline } from "./refs.ts";
import { memoryFile as writable } from "./testing-backend.ts";
import { guessChunks } from "./write-dataset.ts";

const ds = (f: LindiGroup, p: string) => {
  const d = f.get(p);
  if (!(d instanceof LindiDataset)) throw new Error(`${p} is not a dataset`);
  return d;
};

describe("datasets", () => {
  it("writes zarr v2 metadata and chunks as zarr would, and reads them back with selections", async () => {
    const { b, f } = writable();
    const data = Int16Array.from({ length: 23 * 7 }, (_, i) => i - 50);
    const d = await f.createDataset("x", { data, shape: [23, 7], chunks: [5, 3], compression: "zlib", compressionOpts: 6 });
    expect(f.rfs.refs["x/.zarray"]).toEqual({
      chunks: [5, 3], compressor: { id: "zlib", level: 6 }, dtype: "<i2", fill_value: 0, filters: null, order: "C", shape: [23, 7], zarr_format: 2,
    });
    expect(Object.keys(f.rfs.refs).filter((k) => /^x\/\d/.test(k))).toHaveLength(5 * 3);
    // an edge chunk is stored full size, padded with the fill value (zarr's layout)
    const edge = inflateSync(decodeInline(f.rfs.refs["x/4.2"] as string));
    expect(edge.length).toBe(5 * 3 * 2);
    expect(new Int16Array(edge.buffer, edge.byteOffset, 15)[1]).toBe(0);
    expect(d.shape).toEqual([23, 7]);
    expect(d.dtype).toBe("<i2");
    expect(d.chunks).toEqual([5, 3]);
    expect(Array.from((await d.read()) as Int16Array)).toEqual(Array.from(data));
    expect(Array.from((await d.read("21:, ::3")) as Int16Array)).toEqual([21 * 7, 21 * 7 + 3, 21 * 7 + 6, 22 * 7, 22 * 7 + 3, 22 * 7 + 6].map((i) => i - 50));
    expect(Array.from((await d.read("-1, -1")) as Int16Array)).toEqual([23 * 7 - 51]);
    await f.flush();
    expect(b.flushed?.refs["x/.zarray"]).toEqual(f.rfs.refs["x/.zarray"]);
  });

  it("gzip-compresses as numcodecs' GZip (a gzip member)", async () => {
    const { f } = writable();
    await f.createDataset("g", { data: new Float64Array([0.5, NaN, -Infinity]), compression: "gzip" });
    expect((f.rfs.refs["g/.zarray"] as { compressor: unknown }).compressor).toEqual({ id: "gzip", level: 1 });
    const raw = gunzipSync(decodeInline(f.rfs.refs["g/0"] as string));
    expect(Array.from(new Float64Array(raw.buffer, raw.byteOffset, 3))).toEqual([0.5, NaN, -Infinity]);
    expect(Array.from((await ds(f, "g").read()) as Float64Array)).toEqual([0.5, NaN, -Infinity]);
  });

  it("stores big chunks as blobs, small ones inline", async () => {
    const { b, f } = writable();
    await f.createDataset("big", { data: new Uint8Array(3000).fill(7), chunks: [1500] });
    await f.createDataset("small", { data: new Uint8Array([1, 2]) });
    expect(f.rfs.refs["big/0"]).toEqual(["./blobs/big/0", 0, 1500]);
    expect(typeof f.rfs.refs["small/0"]).toBe("string");
    expect([...b.files.keys()]).toEqual(["blobs/big/0", "blobs/big/1"]);
    expect(Array.from((await ds(f, "big").read("1499:1501")) as Uint8Array)).toEqual([7, 7]);
  });

  it("handles scalars, booleans, strings, references, nested data, fill values and empty datasets", async () => {
    const { f } = writable();
    const s = await f.createDataset("s", { data: 3.25 });
    expect(f.rfs.refs["s/.zattrs"]).toEqual({ _SCALAR: true });
    expect([s.scalar, s.shape, s.chunks]).toEqual([true, [], null]);
    expect(Array.from((await s.read()) as Float64Array)).toEqual([3.25]);
    expect(await (await f.createDataset("bools", { data: [true, false, true] })).read("::2")).toEqual([true, true]);
    const strs = await f.createDataset("strs", { data: ["alpha", "béta", ""] });
    expect(strs.dtype).toBe("|O");
    expect((f.rfs.refs["strs/.zarray"] as { filters: { id: string }[] }).filters[0].id).toBe("json2");
    expect(await strs.read("1:")).toEqual(["béta", ""]);
    expect(await (await f.createDataset("fixed", { data: ["ab", "c"], dtype: "|S2" })).read()).toEqual(["ab", "c"]);
    const refs = await f.createDataset("refs", { data: [f.get("s")!.ref, f.ref] });
    const got = (await refs.read()) as { _REFERENCE: { path: string } }[];
    expect(got.map((r) => r._REFERENCE.path)).toEqual(["/s", "/"]);
    expect(f.get(got[0])?.name).toBe("/s");
    const m = await f.createDataset("m", { data: [[1, 2, 3], [4, 5, 6]], dtype: "float32" });
    expect([m.shape, m.dtype]).toEqual([[2, 3], "<f4"]);
    expect(Array.from((await m.read(":, 1")) as Float32Array)).toEqual([2, 5]);
    const e = await f.createDataset("e", { shape: [10], dtype: "<i4", chunks: [4], fillValue: -1 });
    expect(Object.keys(f.rfs.refs).filter((k) => k.startsWith("e/"))).toEqual(["e/.zarray"]);
    expect(Array.from((await e.read()) as Int32Array)).toEqual(new Array(10).fill(-1));
    expect(Array.from((await (await f.createDataset("z", { shape: [0, 3] })).read()) as Float32Array)).toEqual([]);
  });

  it("requireDataset returns a matching dataset and refuses a mismatch", async () => {
    const { f } = writable();
    const a = await f.requireDataset("a", { shape: [3], dtype: "int16", data: new Int16Array(3) });
    expect((await f.requireDataset("a", { shape: [3], dtype: "<i2" })).name).toBe(a.name);
    await expect(f.requireDataset("a", { shape: [4], dtype: "<i2" })).rejects.toThrow(/shapes do not match/);
    await expect(f.requireDataset("a", { shape: [3], dtype: "<f4" })).rejects.toThrow(/dtypes do not match/);
  });

  it("rejects bad input with clear errors and leaves nothing half-made", async () => {
    const { f } = writable();
    await expect(f.createDataset("a", { data: [1, 2, 3], shape: [2] })).rejects.toThrow(/do not fill shape/);
    await expect(f.createDataset("a", { data: [1, 2], compression: "lzf" as "zlib" })).rejects.toThrow(/not supported/);
    await expect(f.createDataset("a", { data: [300], dtype: "|u1" })).rejects.toThrow(/out of range/);
    await expect(f.createDataset("a", { data: [[1], [2, 3]] })).rejects.toThrow(/ragged/);
    expect(f.keys()).toEqual([]);
    await f.createDataset("a", { data: [1] });
    await expect(f.createDataset("a/b", { data: [1] })).rejects.toThrow(/is a dataset/);
  });

  it("matches zarr's guess_chunks", () => {
    // worked through zarr.util.guess_chunks by hand (target size grows with log10 of the array size)
    expect(guessChunks([100], 8)).toEqual([100]);
    expect(guessChunks([1000000], 8)).toEqual([62500]);
    expect(guessChunks([10000, 10000], 4)).toEqual([625, 625]);
    expect(guessChunks([0], 4)).toEqual([1]);
  });
});
