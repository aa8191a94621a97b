// Test support: LINDI's test_lindi_tar growing scenario run against any local backend — sessions
// that each add small (inline) and large (blob) chunks, flushing after every one, then a check that
// a fresh read-only open serves every chunk's bytes.
//
//   const expected = new Map<string, Uint8Array>();
//   await growSession(path, "a", 0, expected, { initialLindiJsonSize: 1024, initialIndexSize: 1024 });
//   await checkAll(path, expected);

import { expect } from "vitest";
import type { OpenMode } from "./backend.ts";
import { openBackend, type OpenBackendOptions } from "./open-backend.ts";
import { decodeInline, isChunkRef } from "./refs.ts";

export const TINY: OpenBackendOptions = { initialLindiJsonSize: 1024, initialIndexSize: 1024 };

export function pattern(len: number, seed: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (seed * 31 + i * 7 + (i >> 8)) & 0xff;
  return b;
}

const zarray = (n: number) => ({ chunks: [n], compressor: null, dtype: "|u1", fill_value: 0, filters: null, order: "C", shape: [n], zarr_format: 2 });

/** One session: 20 small chunks, 20 blobs (plus one rewrite of an earlier blob key), flush after each. */
export async function growSession(path: string, mode: OpenMode, j: number, expected: Map<string, Uint8Array>, opts: OpenBackendOptions = TINY): Promise<void> {
  const b = await openBackend(path, mode, opts);
  expect(b.writable).toBe(true);
  const rfs = b.rfs;
  const put = async (key: string, bytes: Uint8Array) => {
    rfs.refs[`${key.split("/")[0]}/.zarray`] = zarray(bytes.length);
    rfs.refs[key] = await b.putChunk(key, bytes);
    expected.set(key, bytes);
    await b.flush(rfs);
  };
  for (let i = 0; i < 20; i++) await put(`small_${j}_${i}/0`, pattern(10 + i, j * 100 + i));
  for (let i = 0; i < 20; i++) await put(`big_${j}_${i}/0`, pattern(1000 + 37 * i, j * 100 + i + 50));
  // a rewritten blob gets a new name (.v2, .v3 ...), never overwrites
  if (j > 0) await put("big_0_0/0", pattern(1200 + j, 999 + j));
  await b.close();
}

export async function chunkBytes(path: string, key: string): Promise<Uint8Array> {
  const b = await openBackend(path, "r");
  try {
    return await refBytes(b, key);
  } finally {
    await b.close();
  }
}

async function refBytes(b: Awaited<ReturnType<typeof openBackend>>, key: string): Promise<Uint8Array> {
  const v = b.rfs.refs[key];
  if (v === undefined) throw new Error(`missing ${key}`);
  if (!isChunkRef(v)) return decodeInline(v, key);
  expect(v[0].startsWith("./blobs/")).toBe(true);
  return b.readInternal(v[0], v[1], v[2]);
}

/** A read-only open serves every expected chunk and the root attribute. */
export async function checkAll(path: string, expected: Map<string, Uint8Array>): Promise<void> {
  const b = await openBackend(path, "r");
  try {
    expect(b.writable).toBe(false);
    expect(b.rfs.refs[".zattrs"]).toEqual({ attr1: "value1" });
    for (const [key, bytes] of expected) {
      const got = await refBytes(b, key);
      expect(Buffer.from(got).equals(Buffer.from(bytes)), key).toBe(true);
      const isBlob = isChunkRef(b.rfs.refs[key]);
      expect(isBlob, key).toBe(bytes.length >= 1000);
    }
  } finally {
    await b.close();
  }
}

/** Session zero: LINDI's empty file plus a root attribute. */
export async function createWithAttr(path: string, opts: OpenBackendOptions = TINY): Promise<void> {
  const b = await openBackend(path, "w", opts);
  b.rfs.refs[".zattrs"] = { attr1: "value1" };
  await b.flush(b.rfs);
  await b.close();
}
