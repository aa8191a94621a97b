// The wasm filters (blosc 32001, lz4 32004, zstd 32015) against filters.h5, which h5py wrote with
// Debian's blosc and lz4 plugins and numcodecs' zstd (scripts/h5/features.py); plus the bounds
// and errors of damaged streams, and the synchronous path staying synchronous.
//
//   npx vitest run src/h5/filters-wasm

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { H5FormatError } from "./errors.ts";
import { compareWithExpected, type Expected } from "./expected.ts";
import { H5Dataset, H5File } from "./file.ts";
import { unfilter, type Filter } from "./filters.ts";
import { CodecError, statedSize, wasmDecode } from "./wasm-codecs.ts";

const dir = join(repoRoot, "test", "fixtures", "h5");
const f = (id: number, values: number[] = []): Filter => ({ id, name: String(id), flags: 0, values });

async function withFile<T>(fn: (file: H5File) => Promise<T>): Promise<T> {
  const file = await H5File.openPath(join(dir, "filters.h5"));
  try {
    return await fn(file);
  } finally {
    await file.close();
  }
}

describe("wasm filters", () => {
  it("filters.h5 reads as h5py (and numcodecs, for zstd) read it", async () => {
    const exp = JSON.parse(readFileSync(join(dir, "filters.expected.json"), "utf8")) as Expected;
    expect(Object.keys(exp.objects)).toContain("/zstd");
    expect(await withFile((file) => compareWithExpected(file, exp))).toEqual([]);
  });

  it("keeps deflate/shuffle synchronous and makes blosc a promise", async () => {
    const raw = new Uint8Array(64).fill(3);
    expect(unfilter([f(2, [4]), f(1)], new Uint8Array(deflateSync(raw)), 0, 4, {})).toBeInstanceOf(Uint8Array);
    await withFile(async (file) => {
      const ds = (await file.get("/blosc_lz4hc_hdf5_shuffle")) as H5Dataset;
      const rec = (await ds.chunkTable())[0];
      const stored = await file.reader.read(rec.address, rec.size);
      const out = unfilter(ds.filters, stored, 0, 4, {}, 7 * 30 * 4);
      expect(out).toBeInstanceOf(Promise);
      expect(Array.from(new Int32Array((await out).slice().buffer).subarray(0, 3))).toEqual([-500, -497, -494]);
      // masking the blosc filter (bit 1) leaves only the unshuffle of compressed bytes
      expect(unfilter(ds.filters, stored, 2, 4, {})).toBeInstanceOf(Uint8Array);
    });
  });

  it("refuses a stream whose header claims more than the chunk, and damaged streams", async () => {
    await withFile(async (file) => {
      for (const [path, id] of [["/blosc_lz4", 32001], ["/zstd", 32015], ["/lz4", 32004]] as const) {
        const ds = (await file.get(path)) as H5Dataset;
        const rec = (await ds.chunkTable())[0];
        const stored = (await file.reader.read(rec.address, rec.size)).slice();
        await expect(Promise.resolve(unfilter([f(id)], stored, 0, 4, { path }, 100))).rejects.toThrow(H5FormatError);
        const cut = stored.subarray(0, Math.floor(stored.length / 2));
        await expect(Promise.resolve(unfilter([f(id)], cut, 0, 4, { path }))).rejects.toThrow(H5FormatError);
      }
    });
  });

  it("reads the decompressed size from blosc, lz4 and zstd headers", async () => {
    const streams = JSON.parse(readFileSync(join(dir, "numcodecs.json"), "utf8")) as { raw: string; streams: { config: { id: string }; encoded: string }[] };
    const rawLen = Buffer.from(streams.raw, "base64").length;
    for (const s of streams.streams) {
      if (!["blosc", "lz4", "zstd"].includes(s.config.id)) continue;
      expect(statedSize(s.config.id as "zstd", Buffer.from(s.encoded, "base64"))).toBe(rawLen);
    }
    await expect(wasmDecode("zstd", Uint8Array.from([1, 2, 3, 4, 5, 6]), 10)).rejects.toThrow(CodecError);
  });
});
