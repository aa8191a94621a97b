// H5Dataset.read({ selection }) on the h5 fixtures: equal to slicing the whole read (which
// file.test.ts checks against h5py), for chunked, contiguous and compact layouts; only the chunks
// or byte ranges a selection needs are read.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { SelectionError } from "../array/errors.ts";
import { selectFlat } from "../array/selection.ts";
import { contiguousBlocks } from "./dataset.ts";
import { H5Dataset, H5File, H5Group } from "./file.ts";
import { LocalFileReader, type RangeReader } from "./reader.ts";

const dir = join(repoRoot, "test", "fixtures", "h5");

async function datasets(g: H5Group, out: H5Dataset[] = []): Promise<H5Dataset[]> {
  for (const l of await g.links()) {
    if (l.kind !== "hard") continue;
    const o = await g.get(l.name);
    if (o instanceof H5Group) await datasets(o, out);
    else if (o instanceof H5Dataset) out.push(o);
  }
  return out;
}

/** Selections to try on a shape: everything, strided halves, last elements, integer indices. */
function selectionsFor(shape: number[]): string[] {
  if (shape.length === 0) return ["...", ""];
  return [
    "...",
    shape.map((s) => `${Math.floor(s / 3)}:${s - 1}:2`).join(","),
    shape.map(() => "-1").join(","),
    shape.map((s, d) => (d === 0 ? String(Math.floor(s / 2)) : "::3")).join(","),
    shape.map((s) => `1:${s}:${Math.max(1, Math.floor(s / 2))}`).join(","),
  ];
}

class CountingReader implements RangeReader {
  bytes = 0;
  constructor(private readonly inner: RangeReader) {}
  get size() {
    return this.inner.size;
  }
  read(offset: number, length: number) {
    this.bytes += length;
    return this.inner.read(offset, length);
  }
  close() {
    return this.inner.close();
  }
}

describe("contiguousBlocks", () => {
  it("takes whole trailing dimensions, then as many rows as fit", () => {
    expect(contiguousBlocks([3, 4], 8, 1 << 20)).toEqual([3, 4]);
    expect(contiguousBlocks([10, 4], 8, 70)).toEqual([2, 4]);
    expect(contiguousBlocks([10, 4, 5], 2, 30)).toEqual([1, 3, 5]);
    expect(contiguousBlocks([10, 4, 5], 2, 9)).toEqual([1, 1, 4]);
    expect(contiguousBlocks([10, 1000], 8, 100)).toEqual([1, 12]);
    expect(contiguousBlocks([], 8, 100)).toEqual([]);
  });
});

describe("H5Dataset.read({ selection })", () => {
  for (const name of ["basic", "latest", "big", "v108", "userblock"]) {
    it(`${name}.h5: every dataset, several selections, equals slicing the full read`, async () => {
      const file = await H5File.openPath(join(dir, `${name}.h5`));
      try {
        let checked = 0;
        for (const ds of await datasets(file.rootGroup)) {
          if (ds.space.kind === "null") continue;
          const all = Array.from((await ds.read()) as ArrayLike<unknown>);
          for (const sel of selectionsFor(ds.shape)) {
            const got = Array.from((await ds.read({ selection: sel })) as ArrayLike<unknown>);
            expect(got, `${ds.path} [${sel}]`).toEqual(selectFlat(all, ds.shape, sel));
            // small blocks: contiguous data read as many byte ranges
            const blocks = Array.from((await ds.read({ selection: sel, blockBytes: 3 * ds.type.size })) as ArrayLike<unknown>);
            expect(blocks, `${ds.path} [${sel}] in blocks`).toEqual(got);
            checked++;
          }
        }
        expect(checked).toBeGreaterThanOrEqual(10);
      } finally {
        await file.close();
      }
    });
  }

  it("reads only the chunks a selection touches", async () => {
    const reader = new CountingReader(await LocalFileReader.open(join(dir, "basic.h5")));
    const file = await H5File.open(reader);
    try {
      const ds = (await file.get("/chunked_plain")) as H5Dataset; // 23 x 7 <u4, chunks 5 x 3
      const table = await ds.chunkTable();
      const all = (await ds.read()) as Uint32Array;
      reader.bytes = 0;
      const got = await ds.read({ selection: "6:9, 4" });
      expect(Array.from(got as Uint32Array)).toEqual([6 * 7 + 4, 7 * 7 + 4, 8 * 7 + 4].map((i) => all[i]));
      const touched = table.find((r) => r.offset[0] === 5 && r.offset[1] === 3)!;
      expect(reader.bytes).toBe(touched.size);
    } finally {
      await file.close();
    }
  });

  it("reads only the rows a selection spans of contiguous data", async () => {
    const reader = new CountingReader(await LocalFileReader.open(join(dir, "basic.h5")));
    const file = await H5File.open(reader);
    try {
      const ds = (await file.get("/contig")) as H5Dataset; // 3 x 4 <f8, 96 bytes
      reader.bytes = 0;
      expect(Array.from((await ds.read({ selection: "1, 2" })) as Float64Array)).toEqual([1.5]);
      expect(reader.bytes).toBeLessThanOrEqual(96);
      expect(await ds.readBytes({ selection: "0:0" })).toHaveLength(0);
      reader.bytes = 0;
      expect(Array.from((await ds.read({ selection: "1:, 1", blockBytes: 8 })) as Float64Array)).toEqual([1.25, 2.25]);
      expect(reader.bytes).toBe(16);
    } finally {
      await file.close();
    }
  });

  it("rejects bad selections and oversize reads with clear errors", async () => {
    const file = await H5File.openPath(join(dir, "basic.h5"));
    try {
      const ds = (await file.get("/chunked_plain")) as H5Dataset;
      await expect(ds.read({ selection: "23" })).rejects.toThrow(SelectionError);
      await expect(ds.read({ selection: "0,0,0" })).rejects.toThrow(/too many indices/);
      await expect(ds.read({ selection: "::-1" })).rejects.toThrow(/negative steps/);
      await expect(ds.read({ selection: "...", maxBytes: 100 })).rejects.toThrow(/more than the 100 bytes/);
    } finally {
      await file.close();
    }
  });
});
