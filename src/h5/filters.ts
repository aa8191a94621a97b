// The filter-pipeline message and the filters applied to chunk bytes when reading: deflate
// (node:zlib), shuffle and fletcher32 (checked and stripped) are implemented; any other filter is
// reported by id (H5UnsupportedError) when its data is read.
//
//   const pipeline = parseFilterPipeline(cursor);    // [{ id: 2, name: "shuffle", values: [2] }, ...]
//   const raw = unfilter(pipeline, chunkBytes, filterMask, elementSize, where, chunkLength);

import { inflateSync } from "node:zlib";
import { Cursor } from "./cursor.ts";
import { H5FormatError, H5UnsupportedError, type H5Where } from "./errors.ts";

export const FILTER = { DEFLATE: 1, SHUFFLE: 2, FLETCHER32: 3, SZIP: 4, NBIT: 5, SCALEOFFSET: 6 } as const;
const NAMES: Record<number, string> = { 1: "deflate", 2: "shuffle", 3: "fletcher32", 4: "szip", 5: "nbit", 6: "scaleoffset", 32001: "blosc", 32004: "lz4", 32015: "zstd" };

export interface Filter {
  id: number;
  name: string;
  /** Bit 0 set: optional (may have been skipped for a chunk). */
  flags: number;
  values: number[];
}

export function parseFilterPipeline(c: Cursor): Filter[] {
  const version = c.u8();
  const n = c.u8();
  if (version === 1) c.skip(6);
  else if (version !== 2) c.fail(`filter pipeline version ${version}`);
  const out: Filter[] = [];
  for (let i = 0; i < n; i++) {
    const id = c.u16();
    const nameLen = version === 1 || id >= 256 ? c.u16() : 0;
    const flags = c.u16();
    const nvalues = c.u16();
    let name = NAMES[id] ?? `filter ${id}`;
    if (nameLen > 0) {
      const raw = c.take(version === 1 ? Math.ceil(nameLen / 8) * 8 : nameLen);
      const end = raw.indexOf(0);
      name = new TextDecoder().decode(end >= 0 ? raw.subarray(0, end) : raw) || name;
    }
    const values: number[] = [];
    for (let j = 0; j < nvalues; j++) values.push(c.u32());
    if (version === 1 && nvalues % 2 === 1) c.skip(4);
    out.push({ id, name, flags, values });
  }
  return out;
}

/** Undo the pipeline on one chunk (filters run in reverse; bit i of `mask` skips filter i). */
export function unfilter(
  pipeline: Filter[],
  data: Uint8Array,
  mask: number,
  elementSize: number,
  where: H5Where,
  /** The most bytes decompression may produce (the chunk's size): a bound against zip bombs. */
  maxOutput = 1 << 30,
): Uint8Array {
  let b = data;
  for (let i = pipeline.length - 1; i >= 0; i--) {
    if (mask & (1 << i)) continue;
    const f = pipeline[i];
    switch (f.id) {
      case FILTER.DEFLATE:
        try {
          b = new Uint8Array(inflateSync(b, { maxOutputLength: Math.max(1, maxOutput) }));
        } catch (e) {
          throw new H5FormatError(`deflate: ${(e as Error).message}`, where);
        }
        break;
      case FILTER.SHUFFLE:
        b = unshuffle(b, f.values[0] ?? elementSize);
        break;
      case FILTER.FLETCHER32:
        b = checkFletcher32(b, where);
        break;
      default:
        throw new H5UnsupportedError(`filter ${f.id} (${f.name}) is not implemented`, where);
    }
  }
  return b;
}

export function unshuffle(b: Uint8Array, size: number): Uint8Array {
  if (size <= 1 || b.length < size) return b;
  const n = Math.floor(b.length / size);
  const out = new Uint8Array(b.length);
  for (let j = 0; j < size; j++) {
    const src = j * n;
    for (let i = 0; i < n; i++) out[i * size + j] = b[src + i];
  }
  out.set(b.subarray(n * size), n * size); // leftover bytes are not shuffled
  return out;
}

/** HDF5's Fletcher-32 over 16-bit big-endian words; the checksum is the last 4 bytes. */
export function fletcher32(b: Uint8Array): number {
  let sum1 = 0;
  let sum2 = 0;
  const len = b.length;
  let i = 0;
  let words = Math.floor(len / 2);
  while (words > 0) {
    let tlen = Math.min(words, 360);
    words -= tlen;
    while (tlen--) {
      sum1 += (b[i] << 8) | b[i + 1];
      sum2 += sum1;
      i += 2;
    }
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  if (len % 2) {
    sum1 += b[len - 1] << 8;
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  return ((sum2 << 16) | sum1) >>> 0;
}

function checkFletcher32(b: Uint8Array, where: H5Where): Uint8Array {
  if (b.length < 4) throw new H5FormatError("fletcher32: chunk shorter than its checksum", where);
  const data = b.subarray(0, b.length - 4);
  const n = b.length - 4;
  const stored = (b[n] | (b[n + 1] << 8) | (b[n + 2] << 16) | (b[n + 3] << 24)) >>> 0;
  const sum = fletcher32(data);
  // HDF5 before 1.6.? stored the checksum with its bytes in the other order; accept both
  const swapped = (((sum & 0xff) << 24) | ((sum & 0xff00) << 8) | ((sum >>> 8) & 0xff00) | (sum >>> 24)) >>> 0;
  if (stored !== sum && stored !== swapped) throw new H5FormatError("fletcher32 checksum mismatch", where);
  return data;
}
