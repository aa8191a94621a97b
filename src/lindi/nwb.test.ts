// fromHdf5 on shared NWB files: written to a .lindi.json, opened again, every dataset read back
// through its refs equals what the HDF5 reader reads, and chunk refs equal the chunk tables.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sharedFixture } from "../../test/fixtures.ts";
import { H5Dataset, H5File, H5Group, H5Reference } from "../h5/index.ts";
import { fromHdf5 } from "./from-hdf5.ts";
import { LindiDataset } from "./dataset.ts";
import { LindiFile } from "./file.ts";
import { isChunkRef, stringifyRfs } from "./refs.ts";
import { canonValues } from "./testing.ts";

const files = [
  "sub_anm00239123_ses_20170627T093549_ecephys_and_ogen.nwb",
  "2.1.0_nwbfile_with_extension.nwb",
  "1.0.2_nwbfile.nwb",
  "2.2.0_subject_no_age__reference.nwb",
  "NEONDSTowerTemperatureData.hdf5",
];

const tmp = mkdtempSync(join(tmpdir(), "trove-lindi-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function datasets(file: H5File, g: H5Group, out: H5Dataset[] = []): Promise<H5Dataset[]> {
  for (const l of await g.links()) {
    if (l.kind !== "hard") continue;
    const o = await g.get(l.name);
    if (o instanceof H5Group) await datasets(file, o, out);
    else if (o instanceof H5Dataset) out.push(o);
  }
  return out;
}

async function h5Values(file: H5File, ds: H5Dataset): Promise<unknown[]> {
  const vals = Array.from((await ds.read()) as ArrayLike<unknown>);
  const deref = async (v: unknown): Promise<unknown> => {
    if (v instanceof H5Reference) return file.dereference(v);
    if (v && typeof v === "object" && !ArrayBuffer.isView(v) && !Array.isArray(v)) {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[k] = await deref(x);
      return o;
    }
    return v;
  };
  return Promise.all(vals.map(deref));
}

describe("fromHdf5 on NWB files", () => {
  for (const name of files) for (const inline of [1000, 0]) {
    it(`${name} (maxInlineSize ${inline})`, async () => {
      const path = sharedFixture("nwb", name);
      const { rfs, skipped } = await fromHdf5(path, { onUnsupported: "skip", maxInlineSize: inline });
      expect(skipped).toEqual([]);
      const out = join(tmp, `${name}.${inline}.lindi.json`);
      writeFileSync(out, stringifyRfs(rfs));
      const f = await LindiFile.open(out);
      const file = await H5File.openPath(path);
      try {
        let checked = 0;
        for (const ds of await datasets(file, file.rootGroup)) {
          const key = ds.path.slice(1);
          if (skipped.some((s) => s.path === ds.path)) continue;
          const a = f.get(key);
          expect(a, ds.path).toBeInstanceOf(LindiDataset);
          if (!(a instanceof LindiDataset) || a.externalLink) continue;
          const first = f.rfs.refs[`${key}/${ds.shape.map(() => "0").join(".")}`];
          if (ds.layout.class === "chunked" && first !== undefined && isChunkRef(first)) {
            const table = await ds.chunkTable();
            const refs = table.map((r) => f.rfs.refs[`${key}/${r.offset.map((o, i) => o / ds.chunks![i]).join(".")}`]);
            expect(refs.map((r) => (r as unknown[]).slice(1))).toEqual(table.map((r) => [r.address, r.size]));
          }
          const got = Array.from((await a.read()) as ArrayLike<unknown>);
          expect(canonValues(got), ds.path).toEqual(canonValues(await h5Values(file, ds)));
          checked++;
        }
        expect(checked).toBeGreaterThan(0);
      } finally {
        await file.close();
      }
    });
  }
});
