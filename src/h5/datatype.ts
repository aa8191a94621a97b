// The datatype message: what one element's bytes mean. Fixed-point, floating-point, strings (fixed
// and variable length), bitfield, opaque, compound, references, enums, variable-length sequences
// and arrays; plus the numpy description h5py would give (`numpyDtype`), which is what Zarr and
// the tests speak.
//
//   const dt = parseDatatype(new Cursor(msg.data, msg.offset, sizes));
//   numpyDtype(dt).str;   // "<i2", "|S10", "|O", "|V22", "|b1"

import { bytesNeeded, Cursor, utf8 } from "./cursor.ts";

export type ByteOrder = "<" | ">";
export type Charset = "ascii" | "utf-8";

export type Datatype =
  | { class: "int"; size: number; signed: boolean; order: ByteOrder }
  | { class: "float"; size: number; order: ByteOrder }
  | { class: "string"; size: number; padding: number; charset: Charset }
  | { class: "bitfield"; size: number; order: ByteOrder }
  | { class: "opaque"; size: number; tag: string }
  | { class: "compound"; size: number; members: CompoundMember[] }
  /** "revised": HDF5 1.12's H5R_ref_t (object, region or attribute), not read. */
  | { class: "reference"; size: number; kind: "object" | "region" | "revised" }
  | { class: "enum"; size: number; base: Datatype; members: { name: string; value: number | bigint }[] }
  | { class: "vlen-string"; size: number; padding: number; charset: Charset }
  | { class: "vlen"; size: number; base: Datatype }
  | { class: "array"; size: number; dims: number[]; base: Datatype }
  | { class: "time"; size: number };

export interface CompoundMember {
  name: string;
  offset: number;
  type: Datatype;
}

/** String padding: 0 null-terminated, 1 null-padded, 2 space-padded. */
export const PAD_NULLTERM = 0;
export const PAD_SPACE = 2;

export function parseDatatype(c: Cursor): Datatype {
  const cv = c.u8();
  const cls = cv & 0x0f;
  const version = cv >> 4;
  const b0 = c.u8();
  const b1 = c.u8();
  c.u8();
  const size = c.u32();
  if (size > 0x7fffffff) c.fail(`datatype size ${size}`);
  switch (cls) {
    case 0: {
      c.skip(4); // bit offset, precision
      return { class: "int", size, signed: (b0 & 0x08) !== 0, order: b0 & 1 ? ">" : "<" };
    }
    case 1: {
      c.skip(12);
      return { class: "float", size, order: b0 & 1 ? ">" : "<" };
    }
    case 2:
      c.skip(2);
      return { class: "time", size };
    case 3:
      return { class: "string", size, padding: b0 & 0x0f, charset: b0 >> 4 === 1 ? "utf-8" : "ascii" };
    case 4:
      c.skip(4);
      return { class: "bitfield", size, order: b0 & 1 ? ">" : "<" };
    case 5: {
      const tagLen = b0;
      const tag = utf8(c.take(tagLen)).replace(/\0+$/, "");
      return { class: "opaque", size, tag };
    }
    case 6: {
      const n = b0 | (b1 << 8);
      const members: CompoundMember[] = [];
      for (let i = 0; i < n; i++) {
        const start = c.pos;
        const name = c.cstring();
        let offset: number;
        if (version < 3) {
          c.align(8, start);
          offset = c.u32();
        } else {
          offset = c.uint(bytesNeeded(size));
        }
        if (version === 1) {
          const ndims = c.u8();
          c.skip(3 + 4 + 4);
          const dims: number[] = [];
          for (let d = 0; d < 4; d++) dims.push(c.u32());
          const type = parseDatatype(c);
          members.push({ name, offset, type: ndims > 0 ? arrayOf(type, dims.slice(0, ndims)) : type });
        } else {
          members.push({ name, offset, type: parseDatatype(c) });
        }
      }
      return { class: "compound", size, members };
    }
    case 7:
      return { class: "reference", size, kind: (b0 & 0x0f) === 0 ? "object" : (b0 & 0x0f) === 1 ? "region" : "revised" };
    case 8: {
      const n = b0 | (b1 << 8);
      const base = parseDatatype(c);
      const names: string[] = [];
      for (let i = 0; i < n; i++) {
        const start = c.pos;
        names.push(c.cstring());
        if (version < 3) c.align(8, start);
      }
      const members = names.map((name) => ({ name, value: readInt(c.take(base.size), base) }));
      return { class: "enum", size, base, members };
    }
    case 9: {
      const base = parseDatatype(c);
      if ((b0 & 0x0f) === 1) {
        return { class: "vlen-string", size, padding: b0 >> 4, charset: (b1 & 0x0f) === 1 ? "utf-8" : "ascii" };
      }
      return { class: "vlen", size, base };
    }
    case 10: {
      const ndims = c.u8();
      if (version < 3) c.skip(3);
      const dims: number[] = [];
      for (let i = 0; i < ndims; i++) dims.push(c.u32());
      if (version < 3) c.skip(4 * ndims);
      const base = parseDatatype(c);
      return { class: "array", size, dims, base };
    }
    default:
      return c.fail(`unknown datatype class ${cls}`);
  }
}

function arrayOf(base: Datatype, dims: number[]): Datatype {
  return { class: "array", size: base.size * dims.reduce((a, b) => a * b, 1), dims, base };
}

function readInt(b: Uint8Array, t: Datatype): number | bigint {
  const order = "order" in t ? t.order : "<";
  const signed = t.class === "int" && t.signed;
  let v = 0n;
  for (let i = 0; i < b.length; i++) {
    const byte = order === "<" ? b[b.length - 1 - i] : b[i];
    v = (v << 8n) | BigInt(byte);
  }
  if (signed && b.length > 0 && v >= 1n << BigInt(8 * b.length - 1)) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** True for the enum h5py writes for numpy booleans: {FALSE: 0, TRUE: 1}. */
export function isBoolEnum(t: Datatype): boolean {
  return (
    t.class === "enum" &&
    t.size === 1 &&
    t.members.length === 2 &&
    t.members.some((m) => m.name === "FALSE" && m.value === 0) &&
    t.members.some((m) => m.name === "TRUE" && m.value === 1)
  );
}

export interface NumpyDtype {
  str: string;
  descr?: [string, NumpyDtype, number][];
  base?: NumpyDtype;
  shape?: number[];
  string?: { encoding: string; length: number | null };
  enum?: Record<string, number>;
  ref?: boolean;
}

/** What h5py/numpy would say about this datatype (the shape of h5json.py's `dtype`). */
export function numpyDtype(t: Datatype): NumpyDtype {
  switch (t.class) {
    case "int":
      return { str: `${t.size === 1 ? "|" : t.order}${t.signed ? "i" : "u"}${t.size}` };
    case "bitfield":
      return { str: `${t.size === 1 ? "|" : t.order}u${t.size}` };
    case "float":
      return { str: `${t.order}f${t.size}` };
    case "string":
      return { str: `|S${t.size}`, string: { encoding: t.charset, length: t.size } };
    case "vlen-string":
      return { str: "|O", string: { encoding: t.charset, length: null } };
    case "vlen":
      return { str: "|O" };
    case "reference":
      return { str: "|O", ref: true };
    case "enum": {
      if (isBoolEnum(t)) return { str: "|b1" };
      const d = numpyDtype(t.base);
      return { ...d, enum: Object.fromEntries(t.members.map((m) => [m.name, Number(m.value)])) };
    }
    case "compound":
      return { str: `|V${t.size}`, descr: t.members.map((m) => [m.name, numpyDtype(m.type), m.offset]) };
    case "array":
      return { str: `|V${t.size}`, base: numpyDtype(t.base), shape: t.dims };
    case "opaque":
    case "time":
      return { str: `|V${t.size}` };
  }
}
