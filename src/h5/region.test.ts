// Region references against regions.h5 (scripts/h5/features.py): each one's target and selection
// (hyperslab blocks, points, all, none) as h5py's H5Rget_region gives them, in a dataset, a scalar
// dataset and attributes; the selection parser on hand-made version 2/3 encodings; and LINDI,
// which cannot express region references, refusing them by name.
//
//   npx vitest run src/h5/region

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { fromH5File } from "../lindi/from-hdf5.ts";
import { LindiError } from "../lindi/errors.ts";
import { Cursor } from "./cursor.ts";
import { compareWithExpected, type Expected } from "./expected.ts";
import { H5Dataset, H5File, H5Group } from "./file.ts";
import { H5RegionReference } from "./references.ts";
import { parseSerializedSelection, selectionCount } from "./region.ts";

const dir = join(repoRoot, "test", "fixtures", "h5");
const expected = JSON.parse(readFileSync(join(dir, "regions.expected.json"), "utf8")) as Expected & { regionSelections: Record<string, unknown> };

describe("region references", () => {
  it("regions.h5 reads as h5py reads it (references as their targets)", async () => {
    const file = await H5File.openPath(join(dir, "regions.h5"));
    expect(await compareWithExpected(file, expected)).toEqual([]);
    await file.close();
  });

  it("give each reference's target and selection as H5Rget_region does", async () => {
    const file = await H5File.openPath(join(dir, "regions.h5"));
    const got: Record<string, unknown> = {};
    const add = async (key: string, r: unknown) => {
      expect(r).toBeInstanceOf(H5RegionReference);
      const ref = r as H5RegionReference;
      const { regular: _, ...sel } = ref.selection as { regular?: unknown };
      got[key] = { target: await file.dereference(ref), ...sel };
    };
    const list = await ((await file.get("/regions")) as H5Dataset).read();
    for (let i = 0; i < list.length; i++) await add(`/regions[${i}]`, list[i]);
    await add("/@region", (await file.rootGroup.attrs()).region);
    const gAttr = (await ((await file.get("/g")) as H5Group).attrs()).regions as unknown[];
    for (let i = 0; i < gAttr.length; i++) await add(`/g@regions[${i}]`, gAttr[i]);
    await add("/region_scalar", (await ((await file.get("/region_scalar")) as H5Dataset).read())[0]);
    expect(got).toEqual(expected.regionSelections);
    const data = (await file.get("/data")) as H5Dataset;
    expect((list as unknown[]).map((r) => selectionCount((r as H5RegionReference).selection, data.shape))).toEqual([6, 3, 60, 3, 0, 4]);
    await file.close();
  });

  it("parses regular (version 2) and version 3 hyperslabs and version 2 points", () => {
    const sizes = { so: 8, sl: 8 };
    const u32 = (...v: number[]) => Array.from(new Uint8Array(Uint32Array.from(v).buffer));
    const u64 = (...v: number[]) => Array.from(new Uint8Array(BigUint64Array.from(v.map(BigInt)).buffer));
    // v2: flags, length, rank 1, start 2 stride 5 count 3 block 2
    const v2 = Uint8Array.from([...u32(2, 2), 1, ...u32(40, 1), ...u64(2, 5, 3, 2)]);
    expect(parseSerializedSelection(new Cursor(v2, 0, sizes))).toMatchObject({
      kind: "hyperslab",
      blocks: [{ start: [2], end: [3] }, { start: [7], end: [8] }, { start: [12], end: [13] }],
    });
    // v3 block list with 2-byte integers: rank 2, one block [1,2]-[3,4]
    const v3 = Uint8Array.from([...u32(2, 3), 0, 2, ...u32(2), 1, 0, 1, 0, 2, 0, 3, 0, 4, 0]);
    expect(parseSerializedSelection(new Cursor(v3, 0, sizes))).toEqual({ kind: "hyperslab", blocks: [{ start: [1, 2], end: [3, 4] }] });
    // points v2, 4-byte integers: rank 1, two points
    const p2 = Uint8Array.from([...u32(1, 2), 4, ...u32(1), ...u32(2, 9, 4)]);
    expect(parseSerializedSelection(new Cursor(p2, 0, sizes))).toEqual({ kind: "points", points: [[9], [4]] });
    // an unlimited count is refused, a truncated list is a format error
    expect(() => parseSerializedSelection(new Cursor(Uint8Array.from([...u32(2, 2), 1, ...u32(40, 1), ...u64(0, 1), 255, 255, 255, 255, 255, 255, 255, 255, ...u64(1)]), 0, sizes))).toThrow(/unlimited/);
    expect(() => parseSerializedSelection(new Cursor(v3.subarray(0, 20), 0, sizes))).toThrow(/passes the end/);
  });

  it("are refused by the LINDI conversion, by name", async () => {
    const file = await H5File.openPath(join(dir, "regions.h5"));
    const err = await fromH5File(file, "regions.h5").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LindiError);
    expect(String(err)).toMatch(/region references/);
    const { rfs, skipped } = await fromH5File(file, "regions.h5", { onUnsupported: "skip" });
    expect(skipped.map((s) => s.path).sort()).toEqual(["/@region", "/g@regions", "/region_scalar", "/regions"]);
    expect(skipped.every((s) => /region references/.test(s.reason))).toBe(true);
    expect(rfs.refs["data/.zarray"]).toBeDefined();
    await file.close();
  });
});
