// trove's .lindi.json read by another Zarr v2 implementation: zarrita's ReferenceStore over a real
// HTTP server (meta objects given as JSON text, see below) reads the chunked, shuffled, zlib-compressed arrays and the small Blosc-compressed
// inline arrays to the values trove's own HDF5 reader gives.
//
//   npx vitest run src/lindi/zarrita.test.ts

import { ReferenceStore } from "@zarrita/storage";
import * as zarr from "zarrita";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { H5Dataset, H5File } from "../h5/file.ts";
import { startRangeServer, type RangeServer } from "../h5/testing-http.ts";
import { fromHdf5 } from "./from-hdf5.ts";

const basic = join(repoRoot, "test", "fixtures", "h5", "basic.h5");
let srv: RangeServer;

beforeAll(async () => {
  srv = await startRangeServer({ files: { "/basic.h5": basic } });
});
afterAll(() => srv.close());

describe("zarrita reads trove's LINDI refs", () => {
  for (const path of ["chunked_gzip", "chunked_plain", "contig", "be_float", "array", "compact"]) {
    it(path, async () => {
      const { rfs } = await fromHdf5(basic, { url: srv.url("/basic.h5"), onUnsupported: "skip" });
      // kerchunk's spec (which zarrita reads) has text values only; LINDI keeps meta files as
      // objects, so they are handed over as their JSON text, as LINDI's own readers do
      const refs = Object.fromEntries(Object.entries(rfs.refs).map(([k, v]) => [k, !Array.isArray(v) && typeof v === "object" ? JSON.stringify(v) : v]));
      const store = await ReferenceStore.fromSpec({ ...rfs, refs } as unknown as Parameters<typeof ReferenceStore.fromSpec>[0]);
      const arr = await zarr.open.v2(zarr.root(store).resolve(path), { kind: "array", attrs: false });
      const chunk = await zarr.get(arr);
      const h5 = await H5File.openSource(basic);
      try {
        const want = await ((await h5.get("/" + path)) as H5Dataset).read();
        expect(chunk.shape).toEqual(((await h5.get("/" + path)) as H5Dataset).shape);
        expect(Array.from(chunk.data as ArrayLike<number>)).toEqual(Array.from(want as ArrayLike<number>));
      } finally {
        await h5.close();
      }
    });
  }
});
