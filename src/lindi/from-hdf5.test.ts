// Structural and round-trip checks of fromHdf5 on the h5py-described fixtures: every group gets a
// .zgroup, every dataset's chunk refs equal the chunk table, and values read back through the
// refs equal h5py's values.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { H5File } from "../h5/index.ts";
import { fromHdf5 } from "./from-hdf5.ts";
import { LindiDataset } from "./dataset.ts";
import { LindiFile } from "./file.ts";
import { isChunkRef } from "./refs.ts";
import { canonValues } from "./testing.ts";

interface Obj {
  kind: string;
  shape?: number[] | null;
  chunks?: number[] | null;
  layout?: string;
  chunkTable?: { offset: number[]; address: number; size: number }[];
  offset?: number;
  values?: unknown[];
}

const fixtures = ["basic", "big", "latest", "userblock", "v108"];
const h5 = (n: string) => resolve(repoRoot, "test/fixtures/h5", `${n}.h5`);
const expected = (n: string) => JSON.parse(readFileSync(resolve(repoRoot, "test/fixtures/h5", `${n}.expected.json`), "utf8")) as { objects: Record<string, Obj> };

/** What LINDI cannot express in basic.h5 / latest.h5 (LINDI itself raises on these). */
const UNSUPPORTED = ["/@empty", "/compound", "/ext", "/null", "/opaque", "/uses_named_type@typed_attr", "/vlen_int"];

function dataset(f: LindiFile, key: string): LindiDataset {
  const d = f.get(key);
  if (!(d instanceof LindiDataset)) throw new Error(`${key} is not a dataset`);
  return d;
}

async function valuesOf(f: LindiFile, key: string): Promise<unknown[]> {
  return Array.from((await dataset(f, key).read()) as ArrayLike<unknown>);
}

describe("fromHdf5 on the h5 fixtures", () => {
  for (const name of fixtures) {
    for (const inline of [1000, 0]) {
      it(`${name}.h5 (maxInlineSize ${inline})`, async () => {
        const exp = expected(name);
        const { rfs, skipped } = await fromHdf5(h5(name), { url: h5(name), onUnsupported: "skip", maxInlineSize: inline, templates: false });
        expect(skipped.map((s) => s.path).sort()).toEqual(name === "basic" || name === "latest" ? UNSUPPORTED : []);
        const f = LindiFile.fromRfs(rfs, "/");
        const file = await H5File.openPath(h5(name));
        const base = file.superblock.baseAddress;
        await file.close();
        for (const [path, o] of Object.entries(exp.objects)) {
          const key = path.slice(1);
          if (skipped.some((s) => s.path === path)) continue;
          if (o.kind === "group") {
            expect(rfs.refs[key ? `${key}/.zgroup` : ".zgroup"]).toEqual({ zarr_format: 2 });
            continue;
          }
          if (o.kind !== "dataset") continue;
          const z = dataset(f, key).zarray;
          expect(z.shape).toEqual(o.shape && o.shape.length ? o.shape : [1]);
          const chunkRefs = Object.entries(rfs.refs).filter(([k, v]) => k.startsWith(`${key}/`) && !k.slice(key.length + 1).includes("/") && isChunkRef(v));
          if (o.chunkTable && chunkRefs.length) {
            // the fixtures' chunk tables count addresses from the base address; refs are file offsets
            const want = o.chunkTable.map((r) => [`${key}/${r.offset.map((x, i) => x / o.chunks![i]).join(".")}`, [h5(name), r.address + base, r.size]]);
            expect(chunkRefs).toEqual(want);
          }
          if (o.layout === "contiguous" && chunkRefs.length) expect(chunkRefs.map(([, v]) => (v as unknown[])[1])).toEqual([o.offset]);
          const link = dataset(f, key).externalLink;
          if (link) {
            expect(link).toEqual({ link_type: "hdf5_dataset", name: key, url: h5(name) });
            expect(o.chunkTable!.length).toBeGreaterThan(1000);
            expect(chunkRefs).toEqual([]);
            continue;
          }
          if (inline === 0 && o.layout === "chunked" && o.chunkTable) expect(chunkRefs.length).toBe(o.chunkTable.length);
          if (o.values) expect(canonValues(await valuesOf(f, key)), path).toEqual(canonValues(o.values));
        }
      });
    }
  }
});

describe("LINDI's options", () => {
  it("splits an unfiltered contiguous dataset into virtual chunks along axis 0", async () => {
    const path = h5("latest");
    const { rfs } = await fromHdf5(path, { maxInlineSize: 0, contiguousDatasetMaxChunkSize: 40, templates: false, onUnsupported: "skip" });
    const f = LindiFile.fromRfs(rfs, "/");
    // /contig is 3x4 float64 at one offset: rows of 32 bytes, 40 // 32 = 1 row per chunk
    const offset = expected("latest").objects["/contig"].offset!;
    expect(dataset(f, "contig").zarray).toMatchObject({ shape: [3, 4], chunks: [1, 4], filters: null });
    expect([0, 1, 2].map((i) => rfs.refs[`contig/${i}.0`])).toEqual([0, 1, 2].map((i) => [path, offset + 32 * i, 32]));
    expect(Array.from((await dataset(f, "contig").read()) as Float64Array)).toEqual(expected("latest").objects["/contig"].values);
  });
  it("throws LindiError on what LINDI cannot express unless told to skip", async () => {
    await expect(fromHdf5(h5("basic"))).rejects.toThrow(/not supported/);
  });
});
