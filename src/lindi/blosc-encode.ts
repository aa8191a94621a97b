// Blosc (c-blosc 1.x) compression of a zarr chunk with zarr's default compressor (lz4, clevel 5,
// byte shuffle), giving the bytes Python numcodecs.Blosc().encode(array) gives: LINDI compresses
// every inline array this way, and trove's .lindi.json must equal LINDI's byte for byte.
//
//   await bloscEncode(bytes, 8);   // Uint8Array: 16-byte blosc header, block starts, lz4 blocks
//
// Why not numcodecs.js's Blosc.encode: its wasm passes a fixed typesize of 4 to blosc, while
// Python passes the array's itemsize (1 for a json2 chunk, 128 for <U32, ...), and the typesize
// decides the header, the shuffle and the block splits. So the blosc framing is done here, and
// only the LZ4 block compression (LZ4_compress_fast) comes from numcodecs.js's LZ4 wasm.

import { LindiError } from "./errors.ts";

/** zarr's default compressor, the one LINDI's inline arrays get. */
export const DEFAULT_BLOSC = { blocksize: 0, clevel: 5, cname: "lz4", id: "blosc", shuffle: 1 } as const;

const MAX_OVERHEAD = 16; // the header
const MIN_BUFFERSIZE = 128; // smaller inputs are stored (memcpy'd), not compressed
const MAX_SPLITS = 16;
const MAX_TYPESIZE = 255;
const L1 = 32 * 1024;
const MEMCPYED = 0x2;
const DOSHUFFLE = 0x1;
const LZ4_FORMAT = 1;
// c-blosc 1.21's get_accel: 10 - clevel for lz4 (newer c-blosc forces 1; the fixtures, written
// with Debian's numcodecs 0.11 + c-blosc 1.21.3, match 5 and no other value)
const ACCELERATION = 10 - DEFAULT_BLOSC.clevel;

interface Lz4 {
  encode(data: Uint8Array): Promise<Uint8Array>;
}
let lz4: Promise<Lz4> | undefined;

/** One LZ4 block (numcodecs.js LZ4's output without its 4-byte size prefix). */
async function lz4Block(data: Uint8Array): Promise<Uint8Array> {
  lz4 ??= import("numcodecs/lz4").then((m) => m.default.fromConfig({ acceleration: ACCELERATION }) as Lz4);
  return (await (await lz4).encode(data)).subarray(4);
}

/** c-blosc's split_block in its default (forward-compatible) split mode. */
function splits(typesize: number, blocksize: number): boolean {
  return typesize <= MAX_SPLITS && Math.floor(blocksize / typesize) >= MIN_BUFFERSIZE;
}

/** c-blosc's compute_blocksize for lz4 at clevel 5 with no forced block size. */
function blockSize(typesize: number, nbytes: number): number {
  if (nbytes < typesize) return 1;
  let bs = nbytes >= L1 ? L1 * 4 : nbytes;
  if (splits(typesize, bs)) {
    bs = Math.min(bs, 1 << 18) * typesize;
    bs = Math.min(Math.max(bs, 1 << 16), 1024 * 1024);
  }
  bs = Math.min(bs, nbytes);
  if (bs > typesize) bs = Math.floor(bs / typesize) * typesize;
  return bs;
}

/** Byte shuffle of one block: byte j of every element together; a partial element stays last. */
function shuffle(typesize: number, src: Uint8Array): Uint8Array {
  const n = Math.floor(src.length / typesize);
  const out = new Uint8Array(src.length);
  for (let j = 0; j < typesize; j++) for (let i = 0; i < n; i++) out[j * n + i] = src[i * typesize + j];
  out.set(src.subarray(n * typesize), n * typesize);
  return out;
}

/**
 * Compress `data` (an array of `itemsize`-byte elements) like numcodecs 0.11's Blosc(cname="lz4",
 * clevel=5, shuffle=SHUFFLE, blocksize=0) with c-blosc 1.21, single-threaded.
 */
export async function bloscEncode(data: Uint8Array, itemsize: number): Promise<Uint8Array> {
  const nbytes = data.length;
  if (nbytes > 0x7fffffff - MAX_OVERHEAD) throw new LindiError(`blosc: ${nbytes} bytes is more than blosc can compress`);
  const typesize = itemsize > MAX_TYPESIZE || itemsize < 1 ? 1 : itemsize;
  const bs = blockSize(typesize, nbytes);
  const nblocks = Math.ceil(nbytes / bs);
  const leftover = nbytes % bs;
  const dontSplit = !splits(typesize, bs);
  const header = (flags: number, cbytes: number) => {
    const h = new Uint8Array(MAX_OVERHEAD);
    const dv = new DataView(h.buffer);
    h.set([2, 1, flags | (dontSplit ? 0x10 : 0) | (LZ4_FORMAT << 5), typesize]);
    dv.setUint32(4, nbytes, true);
    dv.setUint32(8, bs, true);
    dv.setUint32(12, cbytes, true);
    return h;
  };
  const memcpy = () => {
    const out = new Uint8Array(MAX_OVERHEAD + nbytes);
    out.set(header(DOSHUFFLE | MEMCPYED, out.length));
    out.set(data, MAX_OVERHEAD);
    return out;
  };
  if (nbytes < MIN_BUFFERSIZE) return memcpy();
  const maxbytes = nbytes + MAX_OVERHEAD; // numcodecs' destination size
  const parts: Uint8Array[] = [];
  const starts = new Uint8Array(4 * nblocks);
  let ntbytes = MAX_OVERHEAD + starts.length;
  for (let j = 0; j < nblocks; j++) {
    new DataView(starts.buffer).setUint32(4 * j, ntbytes, true);
    const last = j === nblocks - 1 && leftover > 0;
    let block = data.subarray(j * bs, j * bs + (last ? leftover : bs));
    if (typesize > 1) block = shuffle(typesize, block);
    const nsplits = !dontSplit && !last ? typesize : 1;
    const neblock = Math.floor(block.length / nsplits);
    for (let s = 0; s < nsplits; s++) {
      ntbytes += 4;
      const maxout = Math.min(neblock, maxbytes - ntbytes);
      if (maxout <= 0) return memcpy();
      const piece = block.subarray(s * neblock, (s + 1) * neblock);
      let c = await lz4Block(piece);
      if (c.length > maxout || c.length === neblock) {
        // lz4 could not compress it within the room left: store the split as is
        if (ntbytes + neblock > maxbytes) return memcpy();
        c = piece;
      }
      const len = new Uint8Array(4);
      new DataView(len.buffer).setUint32(0, c.length, true);
      parts.push(len, c);
      ntbytes += c.length;
    }
  }
  const out = new Uint8Array(ntbytes);
  out.set(header(DOSHUFFLE, ntbytes));
  out.set(starts, MAX_OVERHEAD);
  let at = MAX_OVERHEAD + starts.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The itemsize numpy gives a zarr dtype, which numcodecs passes to blosc as the typesize (1 for json2 "|O" chunks, which are bytes). */
export function itemsizeOf(dtype: string): number {
  const m = /^[<>|=]([a-zA-Z])(\d+)$/.exec(dtype);
  if (!m || dtype === "|O") return 1;
  return m[1] === "U" ? 4 * Number(m[2]) : Number(m[2]);
}
