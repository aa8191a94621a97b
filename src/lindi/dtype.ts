// numpy dtype strings as zarr v2 (and so LINDI) stores them: element sizes, fill values as element
// bytes, raw row-major bytes to JS values (typed arrays for numbers, strings for |S/<U, booleans
// for |b1), and back again for writing. Also h5py-style names ("int16", "float64", "bool").
//
//   toValues(bytes, "<i2", 3);          // Int16Array [1, 2, 3]
//   fromValues([1, 2, 3], "<i2");       // Uint8Array of 6 bytes
//   normalizeDtype("float32");          // "<f4"

import { float16 } from "../h5/values.ts";
import { LindiError } from "./errors.ts";

export type ArrayValues =
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array | unknown[];

export const OBJECT_DTYPE = "|O";

/** Bytes per element ("|O" has none: object arrays hold JSON items). */
export function itemsize(dtype: string): number {
  const m = /^[<>|=][a-zA-Z](\d+)$/.exec(dtype);
  if (!m) throw new LindiError(`dtype ${dtype} is not supported`);
  return dtype[1] === "U" ? 4 * Number(m[1]) : Number(m[1]);
}

const NAMES: Record<string, string> = {
  bool: "|b1", int8: "|i1", uint8: "|u1", int16: "<i2", uint16: "<u2", int32: "<i4", uint32: "<u4",
  int64: "<i8", uint64: "<u8", float16: "<f2", float32: "<f4", float64: "<f8", object: "|O", str: "|O", O: "|O",
};

/** A dtype as zarr writes it: "<i2", "|u1", "|b1", "|O", "|S5", "<U3", from those or h5py-style names. */
export function normalizeDtype(d: string): string {
  if (NAMES[d]) return NAMES[d];
  const m = /^([<>|=]?)([biufSUO])(\d*)$/.exec(d);
  if (!m) throw new LindiError(`dtype ${d} is not supported (use e.g. "<i2", "float32", "bool", "|S5", "object")`);
  const [, order, kind, size] = m;
  if (kind === "O") return OBJECT_DTYPE;
  if (!size) throw new LindiError(`dtype ${d}: missing the element size`);
  const single = kind === "b" || kind === "S" || Number(size) === 1;
  return `${single ? "|" : order === ">" ? ">" : "<"}${kind}${size}`;
}

/** One element's bytes for a zarr fill_value, or undefined when it is zero (or none). */
export function fillElement(fill: unknown, dtype: string): Uint8Array | undefined {
  if (fill === null || fill === 0 || fill === false || fill === "" || fill === undefined) return undefined;
  const es = itemsize(dtype);
  const num = fill === "NaN" ? NaN : fill === "Infinity" ? Infinity : fill === "-Infinity" ? -Infinity : Number(fill);
  const kind = dtype[1];
  if (!"fiub".includes(kind) || (kind === "f" && es === 2)) return undefined;
  return fromValues([kind === "b" ? !!num : num], dtype);
}

/** Row-major bytes to values by numpy dtype (64-bit integers as BigInt64Array/BigUint64Array). */
export function toValues(b: Uint8Array, dtype: string, n: number): ArrayValues {
  const kind = dtype[1];
  const es = itemsize(dtype);
  if (kind === "b") return Array.from(b.subarray(0, n), (x) => x !== 0);
  if (kind === "S") {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const e = b.subarray(i * es, (i + 1) * es);
      const z = e.indexOf(0);
      out.push(Buffer.from(z >= 0 ? e.subarray(0, z) : e).toString("utf8"));
    }
    return out;
  }
  if (kind === "U") {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      let s = "";
      for (let k = 0; k < es / 4; k++) {
        const c = dv.getUint32(i * es + 4 * k, dtype[0] !== ">");
        if (c === 0) break;
        s += String.fromCodePoint(c);
      }
      out.push(s);
    }
    return out;
  }
  const copy = new Uint8Array(n * es);
  copy.set(b.subarray(0, n * es));
  if (dtype[0] === ">" && es > 1) for (let i = 0; i < copy.length; i += es) copy.subarray(i, i + es).reverse();
  const buf = copy.buffer;
  if (kind === "f") {
    if (es === 2) return Float32Array.from(new Uint16Array(buf), float16);
    if (es === 4) return new Float32Array(buf);
    if (es === 8) return new Float64Array(buf);
  }
  if (kind === "i" || kind === "u") {
    const s = kind === "i";
    if (es === 1) return s ? new Int8Array(buf) : new Uint8Array(buf);
    if (es === 2) return s ? new Int16Array(buf) : new Uint16Array(buf);
    if (es === 4) return s ? new Int32Array(buf) : new Uint32Array(buf);
    if (es === 8) return s ? new BigInt64Array(buf) : new BigUint64Array(buf);
  }
  throw new LindiError(`dtype ${dtype} is not supported`);
}

/** Values (numbers, bigints, booleans, strings for |S/<U) to row-major bytes of a dtype. */
export function fromValues(values: ArrayLike<unknown>, dtype: string): Uint8Array {
  const kind = dtype[1];
  const es = itemsize(dtype);
  const le = dtype[0] !== ">";
  const out = new Uint8Array(values.length * es);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const at = i * es;
    if (kind === "S" || kind === "U") {
      if (typeof v !== "string") throw new LindiError(`dtype ${dtype}: element ${i} is not a string`);
      if (kind === "S") {
        const b = Buffer.from(v, "utf8");
        if (b.length > es) throw new LindiError(`dtype ${dtype}: "${v}" is longer than ${es} bytes`);
        out.set(b, at);
      } else {
        const cps = Array.from(v, (c) => c.codePointAt(0)!);
        if (cps.length > es / 4) throw new LindiError(`dtype ${dtype}: "${v}" is longer than ${es / 4} characters`);
        cps.forEach((c, k) => dv.setUint32(at + 4 * k, c, le));
      }
      continue;
    }
    if (kind === "b") {
      out[at] = v ? 1 : 0;
      continue;
    }
    if (typeof v !== "number" && typeof v !== "bigint" && typeof v !== "boolean") throw new LindiError(`dtype ${dtype}: element ${i} (${String(v)}) is not a number`);
    if (kind === "f") {
      const x = Number(v);
      if (es === 4) dv.setFloat32(at, x, le);
      else if (es === 8) dv.setFloat64(at, x, le);
      else throw new LindiError(`dtype ${dtype}: writing is not supported`);
      continue;
    }
    if (kind !== "i" && kind !== "u") throw new LindiError(`dtype ${dtype}: writing is not supported`);
    if (typeof v === "number" && !Number.isInteger(v)) throw new LindiError(`dtype ${dtype}: element ${i} (${v}) is not an integer`);
    if (es <= 4 && typeof v !== "bigint") {
      // the common case without BigInt: exact for every integer of 32 bits or fewer
      const x = Number(v);
      const lo = kind === "i" ? -(2 ** (8 * es - 1)) : 0;
      const hi = kind === "i" ? 2 ** (8 * es - 1) - 1 : 2 ** (8 * es) - 1;
      if (x < lo || x > hi) throw new LindiError(`dtype ${dtype}: element ${i} (${x}) is out of range`);
      if (es === 1) out[at] = x & 0xff;
      else if (es === 2) dv.setUint16(at, x & 0xffff, le);
      else dv.setUint32(at, x >>> 0, le);
      continue;
    }
    const big = typeof v === "bigint" ? v : BigInt(Number(v));
    const bits = BigInt(8 * es);
    const lo = kind === "i" ? -(1n << (bits - 1n)) : 0n;
    const hi = kind === "i" ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
    if (big < lo || big > hi) throw new LindiError(`dtype ${dtype}: element ${i} (${big}) is out of range`);
    let u = BigInt.asUintN(8 * es, big);
    for (let k = 0; k < es; k++) {
      out[at + (le ? k : es - 1 - k)] = Number(u & 0xffn);
      u >>= 8n;
    }
  }
  return out;
}

/** The dtype numpy would give these values (typed arrays by type; integers int64, other numbers float64). */
export function inferDtype(values: ArrayLike<unknown>): string {
  if (values instanceof Float64Array) return "<f8";
  if (values instanceof Float32Array) return "<f4";
  if (values instanceof Int8Array) return "|i1";
  if (values instanceof Uint8Array) return "|u1";
  if (values instanceof Int16Array) return "<i2";
  if (values instanceof Uint16Array) return "<u2";
  if (values instanceof Int32Array) return "<i4";
  if (values instanceof Uint32Array) return "<u4";
  if (values instanceof BigInt64Array) return "<i8";
  if (values instanceof BigUint64Array) return "<u8";
  const arr = Array.from(values);
  if (arr.length && arr.every((v) => typeof v === "boolean")) return "|b1";
  if (arr.every((v) => typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v)))) return "<i8";
  if (arr.every((v) => typeof v === "number" || typeof v === "bigint")) return "<f8";
  return OBJECT_DTYPE;
}

/** Compound rows (lists, as LINDI stores them) to objects by _COMPOUND_DTYPE field names. */
export function compoundRows(values: unknown[], compoundDtype: [string, string][]): Record<string, unknown>[] {
  // rows already keyed by name pass through, so applying this twice is harmless
  return values.map((row) => (Array.isArray(row) ? Object.fromEntries(compoundDtype.map(([name], i) => [name, row[i]])) : (row as Record<string, unknown>)));
}
