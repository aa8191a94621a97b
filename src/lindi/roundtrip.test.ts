// HDF5 → LINDI → values: every dataset of the h5 fixtures, converted by fromHdf5 (inlined and
// referenced in place) and read through the h5py-like API, equals h5py's values, and selections
// equal slicing h5py's arrays. Also through a .lindi.json on disk.

import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { tempDir } from "../../test/helpers.ts";
import { selectFlat } from "../array/selection.ts";
import { LindiDataset } from "./dataset.ts";
import { LindiFile } from "./file.ts";
import { fromHdf5 } from "./from-hdf5.ts";
import { stringifyRfs } from "./refs.ts";
import { canonValues } from "./testing.ts";

interface Obj {
  kind: string;
  shape?: number[] | null;
  values?: unknown[];
}

const tmp = tempDir("trove-lindi-roundtrip-");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const h5 = (n: string) => resolve(repoRoot, "test/fixtures/h5", `${n}.h5`);
const expected = (n: string) => JSON.parse(readFileSync(resolve(repoRoot, "test/fixtures/h5", `${n}.expected.json`), "utf8")) as { objects: Record<string, Obj> };

function selectionsFor(shape: number[]): string[] {
  if (shape.length === 0) return [""];
  return [
    shape.map((s) => `${Math.floor(s / 3)}:${s - 1}:2`).join(","),
    shape.map(() => "-1").join(","),
    shape.map((s, d) => (d === 0 ? String(Math.floor(s / 2)) : "::3")).join(","),
    "...," + `1:${shape[shape.length - 1]}:${Math.max(1, Math.floor(shape[shape.length - 1] / 2))}`,
  ];
}

describe("fromHdf5 → LindiFile equals h5py", () => {
  for (const name of ["basic", "big", "latest", "userblock", "v108"]) {
    for (const inline of [1000, 0]) {
      it(`${name}.h5 (maxInlineSize ${inline})`, async () => {
        const exp = expected(name);
        const { rfs, skipped } = await fromHdf5(h5(name), { onUnsupported: "skip", maxInlineSize: inline });
        const json = join(tmp, `${name}.${inline}.lindi.json`);
        writeFileSync(json, stringifyRfs(rfs));
        const mem = LindiFile.fromRfs(rfs);
        const disk = await LindiFile.open(json);
        let checked = 0;
        for (const [path, o] of Object.entries(exp.objects)) {
          if (o.kind !== "dataset" || !o.values || skipped.some((s) => s.path === path)) continue;
          const shape = o.shape ?? [];
          for (const f of [mem, disk]) {
            const ds = f.get(path);
            expect(ds, path).toBeInstanceOf(LindiDataset);
            const d = ds as LindiDataset;
            expect(d.shape, path).toEqual(shape);
            expect(canonValues(Array.from((await d.read()) as ArrayLike<unknown>)), path).toEqual(canonValues(o.values));
            for (const sel of selectionsFor(shape)) {
              const got = Array.from((await d.read(sel)) as ArrayLike<unknown>);
              expect(canonValues(got), `${path}[${sel}]`).toEqual(canonValues(selectFlat(o.values, shape, sel)));
            }
          }
          checked++;
        }
        await disk.close();
        expect(checked).toBeGreaterThan(0);
      });
    }
  }
});

describe("_EXTERNAL_ARRAY_LINK datasets", () => {
  it("read (with selections) from the HDF5 file, as LINDI does", async () => {
    const { rfs } = await fromHdf5(h5("big"), { onUnsupported: "skip", numDatasetChunksThreshold: 100 });
    const f = LindiFile.fromRfs(rfs);
    const ds = f.get("ea_sblocks") as LindiDataset; // 1500 chunks of 1
    expect(ds.externalLink).toEqual({ link_type: "hdf5_dataset", name: "ea_sblocks", url: h5("big") });
    const { H5File } = await import("../h5/index.ts");
    const file = await H5File.openPath(h5("big"));
    try {
      const want = Array.from((await ((await file.get("/ea_sblocks")) as import("../h5/index.ts").H5Dataset).read()) as Int8Array);
      expect(Array.from((await ds.read()) as Int8Array)).toEqual(want);
      expect(Array.from((await ds.read("100:1400:97")) as Int8Array)).toEqual(selectFlat(want, [1500], "100:1400:97"));
    } finally {
      await file.close();
    }
  });
});
