// LindiDataset.read on hand-made reference file systems: fill values for missing chunks, LINDI's
// zero padding of short chunks, only the chunks a selection touches are read, dtypes, compound
// rows, scalars, and clear errors.

import { describe, expect, it } from "vitest";
import { LindiDataset } from "./dataset.ts";
import { LindiFile } from "./file.ts";
import type { Rfs } from "./refs.ts";
import { MemoryBackend } from "./testing-backend.ts";
import { JSON_CODEC } from "./zarr-meta.ts";

const zarray = (shape: number[], chunks: number[], dtype: string, extra: Record<string, unknown> = {}) => ({
  chunks, compressor: null, dtype, fill_value: 0, filters: null, order: "C", shape, zarr_format: 2, ...extra,
});
const b64 = (bytes: number[]) => "base64:" + Buffer.from(bytes).toString("base64");
const open = (refs: Rfs["refs"]) => LindiFile.fromRfs({ refs: { ".zgroup": { zarr_format: 2 }, ...refs } });
const read = async (f: LindiFile, p: string, sel?: string) => Array.from((await (f.get(p) as LindiDataset).read(sel)) as ArrayLike<unknown>);

class CountingBackend extends MemoryBackend {
  reads: string[] = [];
  override async readInternal(name: string, offset: number, length: number) {
    this.reads.push(name);
    return super.readInternal(name, offset, length);
  }
}

describe("LindiDataset.read", () => {
  it("fills missing chunks with fill_value and zero-pads short chunks", async () => {
    const f = open({
      "a/.zarray": zarray([6], [4], "<i2", { fill_value: -7 }),
      "a/1": b64([5, 0]), // a short final chunk: one element of two
    });
    expect(await read(f, "a")).toEqual([-7, -7, -7, -7, 5, 0]);
    expect(await read(f, "a", "3:5")).toEqual([-7, 5]);
  });

  it("reads only the chunks a selection touches", async () => {
    const backend = new CountingBackend({ refs: { ".zgroup": { zarr_format: 2 }, "x/.zarray": zarray([10, 10], [2, 5], "|u1") } }, false);
    for (let r = 0; r < 5; r++) for (let c = 0; c < 2; c++) {
      const name = `blobs/x/${r}.${c}`;
      backend.files.set(name, Uint8Array.from({ length: 10 }, (_, i) => (2 * r + Math.floor(i / 5)) * 10 + 5 * c + (i % 5)));
      backend.rfs.refs[`x/${r}.${c}`] = [`./${name}`, 0, 10];
    }
    const f = LindiFile.fromBackend(backend);
    expect(await read(f, "x", "3:5, 6")).toEqual([36, 46]);
    expect(backend.reads.sort()).toEqual(["./blobs/x/1.1", "./blobs/x/2.1"]);
    backend.reads = [];
    expect((await read(f, "x")).length).toBe(100);
    expect(backend.reads.length).toBe(10);
  });

  it("decodes big-endian, fixed strings, unicode, booleans and scalars", async () => {
    const f = open({
      "be/.zarray": zarray([2], [2], ">i4"),
      "be/0": b64([0, 0, 1, 0, 255, 255, 255, 254]),
      "s/.zarray": zarray([2], [2], "|S3"),
      "s/0": "ab\0xyz",
      "u/.zarray": zarray([1], [1], "<U2"),
      "u/0": b64([0xe9, 0, 0, 0, 0x41, 0, 0, 0]),
      "b/.zarray": zarray([3], [3], "|b1"),
      "b/0": b64([1, 0, 1]),
      "sc/.zarray": zarray([1], [1], "<f8"),
      "sc/.zattrs": { _SCALAR: true },
      "sc/0": b64([0, 0, 0, 0, 0, 0, 10, 64]),
    });
    expect(await read(f, "be")).toEqual([256, -2]);
    expect(await read(f, "s")).toEqual(["ab", "xyz"]);
    expect(await read(f, "u")).toEqual(["éA"]);
    expect(await read(f, "b", "1:")).toEqual([false, true]);
    const sc = f.get("sc") as LindiDataset;
    expect([sc.scalar, sc.shape, sc.chunks, sc.dtype]).toEqual([true, [], null, "<f8"]);
    expect(await read(f, "sc")).toEqual([3.25]);
    await expect(sc.read("0")).rejects.toThrow(/too many indices/);
  });

  it("gives compound rows by field name and keeps references as _REFERENCE objects", async () => {
    const ref = { _REFERENCE: { object_id: null, path: "/a", source: ".", source_object_id: null } };
    const f = open({
      "a/.zgroup": { zarr_format: 2 },
      "c/.zarray": zarray([2], [2], "|O", { filters: [JSON_CODEC] }),
      "c/.zattrs": { _COMPOUND_DTYPE: [["id", "int32"], ["r", "<REFERENCE>"]] },
      "c/0": JSON.stringify([[1, ref], [2, ref], "|O", [2]]),
    });
    const c = f.get("c") as LindiDataset;
    expect(c.dtype).toEqual([["id", "int32"], ["r", "<REFERENCE>"]]);
    const rows = (await c.read("1:")) as { id: number; r: typeof ref }[];
    expect(rows).toEqual([{ id: 2, r: ref }]);
    expect(f.get(rows[0].r)?.name).toBe("/a");
    expect(c.attrs.keys()).toEqual([]);
  });

  it("says what is wrong", async () => {
    const f = open({
      "fo/.zarray": zarray([2], [2], "<i2", { order: "F" }),
      "bad/.zarray": zarray([2], [2], "<c8"),
      "big/.zarray": zarray([1e6, 1e6], [1000, 1000], "<f8"),
    });
    await expect(read(f, "fo")).rejects.toThrow(/order F is not supported/);
    await expect(read(f, "bad")).rejects.toThrow(/dtype <c8 is not supported/);
    await expect(read(f, "big")).rejects.toThrow(/select less/);
    expect(await read(f, "big", "5, 7:9")).toEqual([0, 0]);
  });
});
