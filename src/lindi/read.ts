// Open a .lindi.json and read arrays through its refs, chunk by chunk: inline chunks are decoded,
// [url, offset, length] chunks are read from local files (relative "./x" refs next to the JSON),
// .lindi.tar files through their index, codecs undone (zlib, shuffle, fletcher32, json2), short chunks zero-padded, missing ones filled.
//
//   const f = await LindiFile.open("x.nwb.lindi.json");
//   const a = await f.readArray("acquisition/ts/data");   // { shape, dtype, values, attrs }

import { open, readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { float16 } from "../h5/values.ts";
import { decodeChunk, jsonChunkItems } from "./codecs.ts";
import { LindiError } from "./errors.ts";
import { decodeInline, expandTemplates, isChunkRef, parseRfs, type Rfs } from "./refs.ts";
import { isUstar, readLindiTar } from "./tar.ts";
import type { Codec } from "./zarr-meta.ts";
import { unravel } from "../h5/chunk-index.ts";

export interface Zarray {
  shape: number[];
  chunks: number[];
  dtype: string;
  fill_value: unknown;
  compressor: Codec | null;
  filters: Codec[] | null;
  order: string;
}

export type ArrayValues =
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array | unknown[];

export interface LindiArray {
  /** The zarr shape ([1] for a _SCALAR dataset). */
  shape: number[];
  dtype: string;
  scalar: boolean;
  attrs: Record<string, unknown>;
  /** Row-major values: a typed array for numbers, else strings, booleans or JSON items. */
  values: ArrayValues;
}

export class LindiFile {
  constructor(
    readonly rfs: Rfs,
    /** Folder that relative refs ("./blobs/x") and relative paths resolve against. */
    readonly baseDir: string,
  ) {}

  /** A .lindi.json, or a .lindi.tar (recognised, as LINDI does, by the ustar magic). */
  static async open(path: string): Promise<LindiFile> {
    const fh = await open(path, "r");
    const head = new Uint8Array(512);
    let n: number;
    try {
      n = (await fh.read(head, 0, 512, 0)).bytesRead;
    } finally {
      await fh.close();
    }
    if (isUstar(head.subarray(0, n))) return new LindiFile((await readLindiTar(resolve(path))).rfs, dirname(resolve(path)));
    if (head.subarray(0, n).includes(0)) throw new LindiError(`${path}: binary, but not a tar`);
    return new LindiFile(parseRfs(await readFile(path, "utf8")), dirname(resolve(path)));
  }

  has(key: string): boolean {
    return key in this.rfs.refs;
  }

  /** The bytes behind one key. */
  async bytes(key: string): Promise<Uint8Array> {
    const v = this.rfs.refs[key];
    if (v === undefined) throw new LindiError(`no ref ${key}`);
    if (!isChunkRef(v)) return decodeInline(v, key);
    const url = expandTemplates(v[0], this.rfs.templates);
    if (/^https?:\/\//.test(url)) throw new LindiError(`ref ${key}: remote URLs are not supported (${url})`);
    const path = isAbsolute(url) ? url : resolve(this.baseDir, url);
    const fh = await open(path, "r");
    try {
      const buf = new Uint8Array(v[2]);
      const { bytesRead } = await fh.read(buf, 0, v[2], v[1]);
      if (bytesRead !== v[2]) throw new LindiError(`ref ${key}: ${path} holds ${bytesRead} of ${v[2]} bytes at ${v[1]}`);
      return buf;
    } finally {
      await fh.close();
    }
  }

  /** A JSON meta file (.zattrs, .zgroup, .zarray) as an object, or undefined. */
  meta(key: string): Record<string, unknown> | undefined {
    const v = this.rfs.refs[key];
    if (v === undefined) return undefined;
    if (isChunkRef(v)) throw new LindiError(`${key}: meta files must be inline`);
    if (typeof v === "object") return v;
    return JSON.parse(Buffer.from(decodeInline(v, key)).toString("utf8")) as Record<string, unknown>;
  }

  attrs(path: string): Record<string, unknown> {
    return this.meta(join(path, ".zattrs")) ?? {};
  }

  zarray(path: string): Zarray {
    const z = this.meta(join(path, ".zarray"));
    if (!z) throw new LindiError(`${path || "/"} is not an array`);
    return z as unknown as Zarray;
  }

  async readArray(path: string): Promise<LindiArray> {
    path = path.replace(/^\/+/, "");
    const z = this.zarray(path);
    const attrs = this.attrs(path);
    if (z.order !== "C") throw new LindiError(`${path}: order ${z.order} is not supported`);
    if (attrs._EXTERNAL_ARRAY_LINK) throw new LindiError(`${path}: an _EXTERNAL_ARRAY_LINK (read it from the HDF5 file)`);
    const { shape, chunks, dtype } = z;
    const n = shape.reduce((a, b) => a * b, 1);
    const rank = shape.length;
    const grid = shape.map((s, i) => Math.ceil(s / chunks[i]));
    const chunkN = chunks.reduce((a, b) => a * b, 1);
    const isObject = dtype === "|O";
    const es = isObject ? 0 : itemsize(dtype);
    const outBytes = new Uint8Array(isObject ? 0 : n * es);
    const outItems: unknown[] = isObject ? new Array<unknown>(n).fill(null) : [];
    if (!isObject) fillBytes(outBytes, z.fill_value, dtype, es);
    const total = grid.reduce((a, b) => a * b, 1);
    for (let ci = 0; ci < total && n > 0; ci++) {
      const coord = unravel(ci, grid);
      const key = join(path, rank ? coord.join(".") : "0");
      if (!this.has(key)) continue;
      const raw = decodeChunk(await this.bytes(key), z.compressor, z.filters, key);
      if (isObject) {
        const items = jsonChunkItems(raw, rank, key);
        for (const [o, i, len] of runs(shape, chunks, coord)) for (let k = 0; k < len; k++) outItems[o + k] = items[i + k];
      } else {
        const full = raw.length >= chunkN * es ? raw : padded(raw, chunkN * es);
        for (const [o, i, len] of runs(shape, chunks, coord)) outBytes.set(full.subarray(i * es, (i + len) * es), o * es);
      }
    }
    const values = isObject ? outItems : toValues(outBytes, dtype, n);
    return { shape, dtype, scalar: attrs._SCALAR === true, attrs, values };
  }
}

function join(a: string, b: string): string {
  return a ? `${a}/${b}` : b;
}

function padded(b: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(len);
  out.set(b.subarray(0, len));
  return out;
}

function itemsize(dtype: string): number {
  const m = /^[<>|=][a-zA-Z](\d+)$/.exec(dtype);
  if (!m) throw new LindiError(`dtype ${dtype} is not supported`);
  return dtype[1] === "U" ? 4 * Number(m[1]) : Number(m[1]);
}

/** Row runs [outIndex, chunkIndex, length] (in elements) of the part of a chunk inside the array. */
function* runs(shape: number[], chunks: number[], coord: number[]): Generator<[number, number, number]> {
  const rank = shape.length;
  if (rank === 0) {
    yield [0, 0, 1];
    return;
  }
  const start = coord.map((c, d) => c * chunks[d]);
  const extent = chunks.map((c, d) => Math.max(0, Math.min(c, shape[d] - start[d])));
  if (extent.some((e) => e === 0)) return;
  const outer = extent.slice(0, -1);
  const count = outer.reduce((a, b) => a * b, 1);
  for (let r = 0; r < count; r++) {
    const idx = unravel(r, outer);
    let o = 0;
    let i = 0;
    for (let d = 0; d < rank; d++) {
      const k = d < rank - 1 ? idx[d] : 0;
      o = o * shape[d] + start[d] + k;
      i = i * chunks[d] + k;
    }
    yield [o, i, extent[rank - 1]];
  }
}

function fillBytes(out: Uint8Array, fill: unknown, dtype: string, es: number): void {
  if (fill === null || fill === 0 || fill === false || fill === "" || fill === undefined || !out.length) return;
  const one = new Uint8Array(es);
  const dv = new DataView(one.buffer);
  const le = dtype[0] !== ">";
  const num = fill === "NaN" ? NaN : fill === "Infinity" ? Infinity : fill === "-Infinity" ? -Infinity : Number(fill);
  const kind = dtype[1];
  if (kind === "f" && es === 4) dv.setFloat32(0, num, le);
  else if (kind === "f" && es === 8) dv.setFloat64(0, num, le);
  else if ((kind === "i" || kind === "u") && es === 8) dv.setBigUint64(0, BigInt.asUintN(64, BigInt(Math.trunc(num))), le);
  else if (kind === "i" || kind === "u") {
    let v = BigInt.asUintN(8 * es, BigInt(Math.trunc(num)));
    for (let k = 0; k < es; k++) {
      one[le ? k : es - 1 - k] = Number(v & 0xffn);
      v >>= 8n;
    }
  } else if (kind === "b") one[0] = num ? 1 : 0;
  else return;
  for (let p = 0; p < out.length; p += es) out.set(one, p);
}

/** Row-major bytes to values by numpy dtype. */
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

/** Compound rows (lists, as LINDI stores them) to objects by _COMPOUND_DTYPE field names. */
export function compoundRows(values: unknown[], compoundDtype: [string, string][]): Record<string, unknown>[] {
  return values.map((row) => Object.fromEntries(compoundDtype.map(([name], i) => [name, (row as unknown[])[i]])));
}
