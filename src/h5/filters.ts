// The filter-pipeline message and the filters applied to chunk bytes when reading: deflate
// (node:zlib), shuffle and fletcher32 (checked and stripped) synchronously; blosc (32001), lz4
// (32004) and zstd (32015) through numcodecs' wasm (wasm-codecs.ts), which is async. Any other
// filter is reported by id (H5UnsupportedError) when its data is read.
//
//   const pipeline = parseFilterPipeline(cursor);    // [{ id: 2, name: "shuffle", values: [2] }, ...]
//   const raw = await unfilter(pipeline, chunkBytes, filterMask, elementSize, where, chunkLength);
//   // a Uint8Array when only deflate/shuffle/fletcher32 ran, else a Promise<Uint8Array>

import { inflate, inflateSync } from "node:zlib";
import { Cursor } from "./cursor.ts";
import { H5FormatError, H5UnsupportedError, type H5Where } from "./errors.ts";
import { CodecError, wasmDecode, type WasmCodec } from "./wasm-codecs.ts";

export const FILTER = { DEFLATE: 1, SHUFFLE: 2, FLETCHER32: 3, SZIP: 4, NBIT: 5, SCALEOFFSET: 6, BLOSC: 32001, LZ4: 32004, ZSTD: 32015 } as const;
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

/**
 * Undo the pipeline on one chunk (filters run in reverse; bit i of `mask` skips filter i).
 * Synchronous unless a wasm filter (blosc, lz4, zstd) runs: then a Promise. `await` works on both.
 */
export function unfilter(
  pipeline: Filter[],
  data: Uint8Array,
  mask: number,
  elementSize: number,
  where: H5Where,
  /** The most bytes decompression may produce (the chunk's size): a bound against zip bombs. */
  maxOutput = 1 << 30,
  /** Inflate on libuv's thread pool (a Promise): whole-dataset reads decompress chunks side by side. */
  threaded = false,
): Uint8Array | Promise<Uint8Array> {
  const run = (from: number, input: Uint8Array): Uint8Array | Promise<Uint8Array> => {
    let b = input;
    for (let i = from; i >= 0; i--) {
      if (mask & (1 << i)) continue;
      const f = pipeline[i];
      const wasm = WASM_FILTERS[f.id];
      if (wasm) return wasmFilter(wasm, b, maxOutput, where).then((out) => run(i - 1, out));
      if (threaded && f.id === FILTER.DEFLATE) return inflateThreaded(b, maxOutput, where).then((out) => run(i - 1, out));
      b = syncFilter(f, b, elementSize, where, maxOutput);
    }
    return b;
  };
  return run(pipeline.length - 1, data);
}

/** unfilter, always as a Promise. */
export async function unfilterAsync(...args: Parameters<typeof unfilter>): Promise<Uint8Array> {
  return unfilter(...args);
}

const WASM_FILTERS: Record<number, WasmCodec> = { [FILTER.BLOSC]: "blosc", [FILTER.LZ4]: "lz4", [FILTER.ZSTD]: "zstd" };

function syncFilter(f: Filter, b: Uint8Array, elementSize: number, where: H5Where, maxOutput: number): Uint8Array {
  switch (f.id) {
    case FILTER.DEFLATE:
      try {
        const out = inflateSync(b, inflateOptions(maxOutput));
        return new Uint8Array(out.buffer, out.byteOffset, out.length); // a view: no copy of the chunk
      } catch (e) {
        throw new H5FormatError(`deflate: ${(e as Error).message}`, where);
      }
    case FILTER.SHUFFLE:
      return unshuffle(b, f.values[0] ?? elementSize);
    case FILTER.FLETCHER32:
      return checkFletcher32(b, where);
    default:
      throw new H5UnsupportedError(`filter ${f.id} (${f.name}) is not implemented`, where);
  }
}

/** With a known chunk size, one output buffer of that size: no 16 KiB pieces to concatenate. */
function inflateOptions(maxOutput: number): { maxOutputLength: number; chunkSize?: number } {
  const maxOutputLength = Math.max(1, maxOutput);
  return maxOutputLength <= 64 << 20 ? { maxOutputLength, chunkSize: Math.max(64, maxOutputLength) } : { maxOutputLength };
}

function inflateThreaded(b: Uint8Array, maxOutput: number, where: H5Where): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    inflate(b, inflateOptions(maxOutput), (err, out) => {
      if (err) reject(new H5FormatError(`deflate: ${err.message}`, where));
      else resolve(new Uint8Array(out.buffer, out.byteOffset, out.length));
    });
  });
}

async function wasmFilter(codec: WasmCodec, b: Uint8Array, maxOutput: number, where: H5Where): Promise<Uint8Array> {
  try {
    return codec === "lz4" ? await h5lz4(b, maxOutput) : await wasmDecode(codec, b, maxOutput);
  } catch (e) {
    if (e instanceof CodecError) throw new H5FormatError(e.message, where);
    throw e;
  }
}

/**
 * The HDF5 LZ4 filter's stream: total size (u64 BE), block size (u32 BE), then per block its
 * compressed size (u32 BE) and bytes, stored raw when compression did not shrink it. Each block
 * goes to numcodecs' LZ4 with the size prefix that codec expects.
 */
async function h5lz4(b: Uint8Array, maxOutput: number): Promise<Uint8Array> {
  if (b.length < 12) throw new CodecError("lz4: stream shorter than its 12-byte header");
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const total = Number(dv.getBigUint64(0, false));
  const blockSize = dv.getUint32(8, false);
  if (total > maxOutput) throw new CodecError(`lz4: stream says ${total} bytes, more than the ${maxOutput} expected`);
  if (blockSize === 0 && total > 0) throw new CodecError("lz4: block size 0");
  const out = new Uint8Array(total);
  let pos = 12;
  for (let done = 0; done < total; ) {
    const want = Math.min(blockSize, total - done);
    if (pos + 4 > b.length) throw new CodecError("lz4: stream ends inside a block header");
    const n = dv.getUint32(pos, false);
    pos += 4;
    if (pos + n > b.length) throw new CodecError(`lz4: block of ${n} bytes passes the end of the stream`);
    let block = b.subarray(pos, pos + n);
    if (n !== want) {
      const framed = new Uint8Array(4 + n);
      new DataView(framed.buffer).setUint32(0, want, true);
      framed.set(block, 4);
      block = await wasmDecode("lz4", framed, want);
    }
    out.set(block, done);
    done += want;
    pos += n;
  }
  return out;
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
