// LINDI's numcodecs codecs: streams Python's numcodecs encoded (test/fixtures/h5/numcodecs.json,
// by scripts/h5/features.py) decode to the same bytes; HDF5 blosc/zstd chunks of filters.h5 decode
// through the codecs codecsFromH5 maps their filters to, as LINDI references them in place.
//
//   npx vitest run src/lindi/codecs

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { H5Dataset, H5File } from "../h5/index.ts";
import { decodeChunk } from "./codecs.ts";
import { LindiError } from "./errors.ts";
import { codecsFromH5, type Codec } from "./zarr-meta.ts";

const dir = join(repoRoot, "test", "fixtures", "h5");
const fixture = JSON.parse(readFileSync(join(dir, "numcodecs.json"), "utf8")) as { raw: string; streams: { config: Codec; encoded: string }[] };

describe("decodeChunk", () => {
  const raw = new Uint8Array(Buffer.from(fixture.raw, "base64"));
  for (const s of fixture.streams) {
    it(`decodes numcodecs ${JSON.stringify(s.config)}`, async () => {
      const out = await decodeChunk(new Uint8Array(Buffer.from(s.encoded, "base64")), s.config, null, "x/0");
      expect(out).toEqual(raw);
    });
  }

  it("stays synchronous without wasm codecs, and names damaged streams", async () => {
    const zlib = fixture.streams.find((s) => s.config.id === "zlib")!;
    const sync = decodeChunk(new Uint8Array(Buffer.from(zlib.encoded, "base64")), zlib.config, [{ id: "shuffle", elementsize: 4 }], "x/0");
    expect(sync).toBeInstanceOf(Uint8Array);
    const zstd = fixture.streams.find((s) => s.config.id === "zstd")!;
    const bad = new Uint8Array(Buffer.from(zstd.encoded, "base64")).subarray(0, 20);
    await expect(Promise.resolve(decodeChunk(bad, zstd.config, null, "x/0"))).rejects.toThrow(LindiError);
    await expect(Promise.resolve(decodeChunk(bad, zstd.config, null, "x/0"))).rejects.toThrow(/x\/0: zstd/);
  });

  it("decodes filters.h5's blosc and zstd chunks through the codecs LINDI maps them to", async () => {
    const file = await H5File.openPath(join(dir, "filters.h5"));
    try {
      const seen: string[] = [];
      for (const name of ["blosc_lz4", "blosc_zstd_bitshuffle", "blosc_zlib_noshuffle", "blosc_lz4hc_hdf5_shuffle", "zstd", "zstd_float"]) {
        const ds = (await file.get(`/${name}`)) as H5Dataset;
        const codecs = codecsFromH5(ds.filters, ds.type.size, name);
        seen.push(...codecs.map((c) => String(c.cname ?? c.id)));
        for (const rec of await ds.chunkTable()) {
          const stored = await file.reader.read(rec.address, rec.size);
          expect(await decodeChunk(stored, null, codecs, name)).toEqual(await ds.readChunk(rec));
        }
      }
      expect(new Set(seen)).toEqual(new Set(["lz4", "zstd", "zlib", "lz4hc", "shuffle"]));
      const lz4 = (await file.get("/lz4")) as H5Dataset;
      expect(() => codecsFromH5(lz4.filters, 4, "lz4")).toThrow(/filter 32004/);
    } finally {
      await file.close();
    }
  });

  it("maps blosc's cd_values as LINDI does", () => {
    const blosc = { id: 32001, name: "blosc", flags: 1, values: [2, 2, 4, 512, 5, 1, 1] };
    expect(codecsFromH5([blosc], 4, "x")).toEqual([{ blocksize: 512, clevel: 5, cname: "lz4", id: "blosc", shuffle: 1 }]);
    expect(codecsFromH5([{ id: 32015, name: "zstd", flags: 1, values: [7] }], 4, "x")).toEqual([{ id: "zstd", level: 7 }]);
    expect(() => codecsFromH5([{ ...blosc, values: [2, 2, 4] }], 4, "x")).toThrow(LindiError);
  });
});
