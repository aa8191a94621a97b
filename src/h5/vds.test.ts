// Virtual datasets against vds.h5 + vds-source.h5 (scripts/h5/features.py): the mapping as h5py's
// H5Pget_virtual_* give it, values from the same file (".") always and from the sibling file
// through a registered opener, fill values where nothing (or a missing file) maps, selections.
//
//   npx vitest run src/h5/vds

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { H5UnsupportedError } from "./errors.ts";
import { compareWithExpected, type Expected } from "./expected.ts";
import { H5Dataset, H5File } from "./file.ts";
import { localFileOpener, readVirtualMapping, selectedIndices, setVirtualFileOpener } from "./vds.ts";

const dir = join(repoRoot, "test", "fixtures", "h5");
const expected = JSON.parse(readFileSync(join(dir, "vds.expected.json"), "utf8")) as Expected & { virtualMappings: Record<string, unknown[]> };

async function openVds(withOpener: boolean) {
  const file = await H5File.openPath(join(dir, "vds.h5"));
  const opener = localFileOpener(dir);
  if (withOpener) setVirtualFileOpener(file.ctx, opener);
  return { file, close: async () => (await opener.close?.(), await file.close()) };
}

describe("virtual datasets", () => {
  it("vds.h5 reads as h5py reads it, sources in the sibling file included", async () => {
    const { file, close } = await openVds(true);
    expect(await compareWithExpected(file, expected)).toEqual([]);
    await close();
  });

  it("give the mapping as H5Pget_virtual_* do", async () => {
    const { file, close } = await openVds(false);
    const got: Record<string, unknown[]> = {};
    for (const path of Object.keys(expected.virtualMappings)) {
      const ds = (await file.get(path)) as H5Dataset;
      if (ds.layout.class !== "virtual") throw new Error(`${path} is not virtual`);
      got[path] = (await readVirtualMapping(file.ctx, ds.layout, path)).map((m) => {
        const strip = ({ regular: _, ...s }: Record<string, unknown>) => s;
        return { dataset: m.dataset, file: m.file, source: strip(m.source), virtual: strip(m.virtual) };
      });
    }
    expect(got).toEqual(expected.virtualMappings);
    await close();
  });

  it("read same-file sources without an opener and name the other file otherwise", async () => {
    const { file, close } = await openVds(false);
    const stacked = (await file.get("/stacked")) as H5Dataset;
    expect(Array.from((await stacked.read()) as Int32Array)).toEqual([...Array(10).keys(), ...Array.from({ length: 10 }, (_, i) => -10 - i)]);
    expect(Array.from((await stacked.read({ selection: "1, 2:5" })) as Int32Array)).toEqual([-12, -13, -14]);
    const mixed = (await file.get("/mixed")) as H5Dataset;
    const err = await mixed.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(H5UnsupportedError);
    expect(String(err)).toMatch(/other files are not supported.*vds-source\.h5:\/src/);
    await close();
  });

  it("read a missing source file as the fill value, and select in row-major order", async () => {
    const { file, close } = await openVds(true);
    expect(Array.from((await ((await file.get("/missing_source")) as H5Dataset).read()) as Int32Array)).toEqual([3, 3, 3, 3]);
    const grid = (await file.get("/grid")) as H5Dataset;
    expect(Array.from((await grid.read({ selection: "0:2, 1:4" })) as Float32Array)).toEqual([NaN, 15.5, 16.5, 1.5, 2.5, 3.5]);
    // two blocks side by side: row-major order interleaves them
    const sel = { kind: "hyperslab" as const, blocks: [{ start: [0, 3], end: [1, 3] }, { start: [0, 0], end: [1, 1] }] };
    expect(Array.from(selectedIndices(sel, [2, 4], 100, {}))).toEqual([0, 1, 3, 4, 5, 7]);
    await close();
  });
});
