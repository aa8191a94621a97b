// Element bytes to JS values, per datatype: numbers become typed arrays (64-bit integers
// BigInt64Array/BigUint64Array, float16 Float32Array), everything else a JS array of strings,
// booleans (h5py's bool enum), objects (compound), arrays (array members, vlen sequences),
// H5Reference (object references), H5RegionReference (region references) or Uint8Array (opaque,
// bitfield, time).
//
//   const values = await decodeValues(ctx, dtype, bytes, count, "/data");

import type { H5Context } from "./context.ts";
import { Cursor, UNDEF, utf8 } from "./cursor.ts";
import { isBoolEnum, PAD_SPACE, type Datatype } from "./datatype.ts";
import { H5UnsupportedError } from "./errors.ts";
import { globalHeapObject } from "./global-heap.ts";
import { H5Reference } from "./references.ts";
import { readRegionReference } from "./region.ts";

export { H5Reference, H5RegionReference, type H5Selection } from "./references.ts";

export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

export type H5Values = NumericArray | unknown[];

function typedArrayFor(t: Datatype, buf: ArrayBuffer): NumericArray | undefined {
  if (t.class === "int") {
    switch (t.size) {
      case 1: return t.signed ? new Int8Array(buf) : new Uint8Array(buf);
      case 2: return t.signed ? new Int16Array(buf) : new Uint16Array(buf);
      case 4: return t.signed ? new Int32Array(buf) : new Uint32Array(buf);
      case 8: return t.signed ? new BigInt64Array(buf) : new BigUint64Array(buf);
    }
  }
  if (t.class === "float") {
    if (t.size === 4) return new Float32Array(buf);
    if (t.size === 8) return new Float64Array(buf);
  }
  return undefined;
}

function isNumeric(t: Datatype): boolean {
  return (t.class === "int" && [1, 2, 4, 8].includes(t.size)) || (t.class === "float" && [2, 4, 8].includes(t.size));
}

/** A copy of n elements of `size` bytes, byte-swapped to little-endian when needed. */
function nativeCopy(bytes: Uint8Array, size: number, n: number, bigEndian: boolean): ArrayBuffer {
  const out = new Uint8Array(size * n);
  out.set(bytes.subarray(0, size * n));
  if (bigEndian && size > 1) {
    for (let i = 0; i < out.length; i += size) out.subarray(i, i + size).reverse();
  }
  return out.buffer;
}

/** An integer of an unusual byte count (3, 5, 6, 7). */
function oddInt(b: Uint8Array, signed: boolean, order: string): number | bigint {
  let v = 0n;
  for (let i = 0; i < b.length; i++) v = (v << 8n) | BigInt(order === "<" ? b[b.length - 1 - i] : b[i]);
  if (signed && v >= 1n << BigInt(8 * b.length - 1)) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export function float16(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

export async function decodeValues(ctx: H5Context, t: Datatype, bytes: Uint8Array, count: number, path?: string): Promise<H5Values> {
  if (isNumeric(t)) {
    const order = (t as { order: string }).order;
    const buf = nativeCopy(bytes, t.size, count, order === ">");
    if (t.class === "float" && t.size === 2) {
      const u = new Uint16Array(buf);
      return Float32Array.from(u, float16);
    }
    return typedArrayFor(t, buf)!;
  }
  if (t.class === "enum" && !isBoolEnum(t) && isNumeric(t.base)) return decodeValues(ctx, t.base, bytes, count, path);
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) out.push(await decodeOne(ctx, t, bytes, i * t.size, path));
  return out;
}

function stringFrom(b: Uint8Array, padding: number): string {
  let end = b.length;
  const nul = b.indexOf(0);
  if (nul >= 0) end = nul;
  let s = utf8(b.subarray(0, end));
  if (padding === PAD_SPACE) s = s.replace(/ +$/, "");
  return s;
}

async function decodeOne(ctx: H5Context, t: Datatype, bytes: Uint8Array, pos: number, path?: string): Promise<unknown> {
  const b = bytes.subarray(pos, pos + t.size);
  switch (t.class) {
    case "int":
    case "float": {
      if (isNumeric(t)) return (await decodeValues(ctx, t, b, 1, path))[0];
      if (t.class === "int" && t.size >= 1 && t.size <= 8) return oddInt(b, t.signed, t.order);
      throw new H5UnsupportedError(`${t.class} of ${t.size} bytes`, { path });
    }
    case "string":
      return stringFrom(b, t.padding);
    case "vlen-string":
    case "vlen": {
      const c = new Cursor(b, 0, ctx.sizes, path);
      const n = c.u32();
      const addr = c.offset();
      const index = c.u32();
      if (t.class === "vlen-string") {
        if (n === 0 || addr === UNDEF || addr === 0) return "";
        const obj = await globalHeapObject(ctx, addr, index, path);
        return stringFrom(obj.subarray(0, n), t.padding);
      }
      if (n === 0 || addr === UNDEF || addr === 0) return [];
      const obj = await globalHeapObject(ctx, addr, index, path);
      const vals = await decodeValues(ctx, t.base, obj, Math.min(n, Math.floor(obj.length / Math.max(1, t.base.size))), path);
      return Array.from(vals as ArrayLike<unknown>);
    }
    case "reference": {
      if (t.kind === "region") return readRegionReference(ctx, b, path);
      if (t.kind !== "object") throw new H5UnsupportedError("HDF5 1.12 references (H5R_ref_t)", { path });
      const c = new Cursor(b, 0, ctx.sizes, path);
      const addr = c.offset();
      return addr === UNDEF || addr === 0 ? null : new H5Reference(addr);
    }
    case "enum": {
      const v = await decodeOne(ctx, t.base, bytes, pos, path);
      return isBoolEnum(t) ? v !== 0 : v;
    }
    case "compound": {
      const o: Record<string, unknown> = {};
      for (const m of t.members) o[m.name] = await decodeOne(ctx, m.type, bytes, pos + m.offset, path);
      return o;
    }
    case "array": {
      const n = t.dims.reduce((a, d) => a * d, 1);
      const vals = await decodeValues(ctx, t.base, b, n, path);
      return Array.from(vals as ArrayLike<unknown>);
    }
    default:
      return b.slice();
  }
}
