// The HDF5 reader against h5py: every fixture in test/fixtures/h5/ (written by
// scripts/h5/make-fixtures.py) and every shared NWB fixture (expected JSON by
// scripts/h5/expected-nwb.py) must read the same tree, attributes, dtypes, chunk tables and values.
//
//   npx vitest run src/h5

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, sharedFixture } from "../../test/fixtures.ts";
import { TroveError } from "../errors.ts";
import { H5FormatError, H5NotFoundError, H5UnsupportedError } from "./errors.ts";
import { compareWithExpected, type Expected } from "./expected.ts";
import { H5Dataset, H5File, H5Group, H5Reference } from "./file.ts";
import { BufferReader } from "./reader.ts";

const dir = join(repoRoot, "test", "fixtures", "h5");

async function problems(h5: string, json: string): Promise<string[]> {
  const file = await H5File.openPath(h5);
  try {
    return await compareWithExpected(file, JSON.parse(readFileSync(json, "utf8")) as Expected);
  } finally {
    await file.close();
  }
}

describe("h5py fixtures", () => {
  for (const name of ["basic", "latest", "v108", "big", "userblock"]) {
    it(`${name}.h5 reads as h5py reads it`, async () => {
      expect(await problems(join(dir, `${name}.h5`), join(dir, `${name}.expected.json`))).toEqual([]);
    });
  }
});

describe("superblock v1 (synthetic)", () => {
  // h5py cannot write a version 1 superblock (it needs a non-default indexed-storage K), so this
  // puts one in front of basic.h5: base address 512, the root entry copied from the v0 superblock
  it("reads basic.h5 behind a v1 superblock", async () => {
    const v0 = readFileSync(join(dir, "basic.h5"));
    const bytes = new Uint8Array(512 + v0.length);
    bytes.set(v0, 512);
    const sb = new DataView(bytes.buffer);
    bytes.set(v0.subarray(0, 8), 0); // signature
    bytes.set([1, 0, 0, 0, 0, 8, 8, 0], 8); // version 1, sizes
    sb.setUint16(16, 4, true); // group leaf node K
    sb.setUint16(18, 16, true); // group internal node K
    sb.setUint16(24, 64, true); // indexed storage K
    sb.setBigUint64(28, 512n, true); // base address
    sb.setBigUint64(36, 0xffffffffffffffffn, true); // free space
    sb.setBigUint64(44, BigInt(v0.length), true); // end of file
    sb.setBigUint64(52, 0xffffffffffffffffn, true); // driver info
    bytes.set(v0.subarray(56, 96), 60); // root group symbol table entry
    const file = await H5File.open(new BufferReader(bytes));
    expect(file.superblock.version).toBe(1);
    expect(file.superblock.baseAddress).toBe(512);
    const exp = JSON.parse(readFileSync(join(dir, "basic.expected.json"), "utf8")) as Expected;
    expect(await compareWithExpected(file, exp, { addresses: false })).toEqual([]);
  });
});

describe("shared NWB fixtures", () => {
  const names = readdirSync(join(dir, "nwb")).map((n) => n.replace(/\.expected\.json$/, ""));
  it("has expected JSON for each", () => {
    const shared = readdirSync(sharedFixture("nwb")).filter((n) => /\.(nwb|hdf5|h5)$/.test(n));
    expect(names.sort()).toEqual(shared.sort());
  });
  for (const name of names) {
    it(`${name} reads as h5py reads it`, async () => {
      expect(await problems(sharedFixture("nwb", name), join(dir, "nwb", `${name}.expected.json`))).toEqual([]);
    });
  }
});

describe("H5File", () => {
  it("gives chunk tables and values of a gzip+shuffle dataset", async () => {
    const file = await H5File.openPath(join(dir, "basic.h5"));
    const ds = (await file.get("/chunked_gzip")) as H5Dataset;
    expect(ds.chunks).toEqual([10, 16]);
    expect(ds.filters.map((f) => f.name)).toEqual(["shuffle", "deflate"]);
    const table = await ds.chunkTable();
    expect(table).toHaveLength(10);
    const values = (await ds.read()) as Int16Array;
    expect(values).toBeInstanceOf(Int16Array);
    expect(values[250]).toBe(250);
    const third = new Int16Array((await ds.readChunk(table[2])).slice().buffer);
    expect(Array.from(third.subarray(0, 3))).toEqual([320, 321, 322]);
    const g = (await file.get("/a")) as H5Group;
    expect(await g.keys()).toEqual(["b", "sibling"]);
    expect(((await g.get("b/c")) as H5Group).path).toBe("/a/b/c");
    await file.close();
  });

  it("follows soft links, reports external links, resolves references", async () => {
    const file = await H5File.openPath(join(dir, "basic.h5"));
    const viaSoft = await file.get("/soft");
    expect(viaSoft.kind).toBe("group");
    expect(viaSoft.address).toBe((await file.get("/a/b/c")).address);
    expect(await viaSoft.attrs()).toEqual({ depth: 3n });
    const ext = await file.get("/ext").catch((e: unknown) => e);
    expect(ext).toBeInstanceOf(H5UnsupportedError);
    expect(String(ext)).toContain("other.h5:/some/path");
    await expect(file.get("/a/nope")).rejects.toBeInstanceOf(H5NotFoundError);
    const refs = (await ((await file.get("/refs")) as H5Dataset).read()) as H5Reference[];
    expect(await Promise.all(refs.map((r) => file.dereference(r)))).toEqual(["/contig", "/a/b", "/"]);
    const nul = (await file.get("/null")) as H5Dataset;
    expect(nul.space.kind).toBe("null");
    expect((await nul.read()).length).toBe(0);
    await file.close();
  });

  it("rejects a file that is not HDF5 with an H5FormatError", async () => {
    const err = await H5File.open(new BufferReader(new Uint8Array(2048))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(H5FormatError);
    expect(err).toBeInstanceOf(TroveError);
  });

  it("reports a damaged object header with its offset", async () => {
    const bytes = new Uint8Array(readFileSync(join(dir, "latest.h5")));
    const file = await H5File.open(new BufferReader(bytes));
    const addr = file.superblock.rootAddress;
    bytes[addr + 8] ^= 0xff; // inside the root header: checksum no longer matches
    const damaged = await H5File.open(new BufferReader(bytes));
    const err = (await damaged.rootGroup.keys().catch((e: unknown) => e)) as H5FormatError;
    expect(err).toBeInstanceOf(H5FormatError);
    expect(err.offset).toBe(addr);
  });
});
