// Unit tests of the byte-level pieces: lookup3 checksums, shuffle, Fletcher-32, float16, and
// the bounds every reader applies to what a file claims.
//
//   npx vitest run src/h5/filters

import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { lookup3 } from "./checksum.ts";
import { H5FormatError, H5UnsupportedError } from "./errors.ts";
import { fletcher32, unfilter, unshuffle, type Filter } from "./filters.ts";
import { BufferReader } from "./reader.ts";
import { float16 } from "./values.ts";

const f = (id: number, values: number[] = []): Filter => ({ id, name: String(id), flags: 0, values });

describe("lookup3", () => {
  it("matches Bob Jenkins' published values", () => {
    expect(lookup3(new Uint8Array())).toBe(0xdeadbeef);
    expect(lookup3(new TextEncoder().encode("Four score and seven years ago"))).toBe(0x17770551);
  });
});

describe("filters", () => {
  it("unshuffles 2-byte elements, leaving a ragged tail alone", () => {
    const shuffled = Uint8Array.from([1, 3, 5, 2, 4, 6, 9]);
    expect(Array.from(unshuffle(shuffled, 2))).toEqual([1, 2, 3, 4, 5, 6, 9]);
  });

  it("checks and strips a Fletcher-32 checksum", () => {
    const data = Uint8Array.from([1, 2, 3, 4, 5]);
    const sum = fletcher32(data);
    const stored = new Uint8Array(9);
    stored.set(data);
    new DataView(stored.buffer).setUint32(5, sum, true);
    expect(Array.from(unfilter([f(3)], stored, 0, 1, {}) as Uint8Array)).toEqual([1, 2, 3, 4, 5]);
    stored[0] ^= 1;
    expect(() => unfilter([f(3)], stored, 0, 1, {})).toThrow(H5FormatError);
  });

  it("inflates, skips masked filters, bounds the output, names unknown filters", () => {
    const raw = new Uint8Array(1000).fill(7);
    const z = new Uint8Array(deflateSync(raw));
    expect(unfilter([f(1)], z, 0, 1, {}, 1000)).toEqual(raw);
    expect(unfilter([f(1)], z, 1, 1, {})).toBe(z);
    expect(() => unfilter([f(1)], z, 0, 1, { path: "/x" }, 100)).toThrow(H5FormatError);
    expect(() => unfilter([f(307)], z, 0, 1, { path: "/x" })).toThrow(H5UnsupportedError);
    expect(() => unfilter([f(307)], z, 0, 1, { path: "/x" })).toThrow(/filter 307/);
  });

  it("decodes float16", () => {
    expect([0x3800, 0xbc00, 0x7bff, 0x0001, 0x7c00].map(float16)).toEqual([0.5, -1, 65504, 2 ** -24, Infinity]);
  });
});

describe("readers", () => {
  it("refuse ranges past the end", async () => {
    const r = new BufferReader(new Uint8Array(10));
    await expect(r.read(8, 4)).rejects.toThrow(H5FormatError);
    await expect(r.read(-1, 1)).rejects.toThrow(H5FormatError);
  });
});
