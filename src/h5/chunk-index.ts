// The chunk table of a chunked dataset, whatever its index: v1 B-tree (layout v1-3), and the
// layout v4 indexes: single chunk, implicit, fixed array ("FAHD"/"FADB"), extensible array
// ("EAHD"/"EAIB"/"EASB"/"EADB") and v2 B-tree (record types 10 and 11).
//
//   const rows = await chunkTable(ctx, layout, shape, maxShape, "/data");
//   // [{ offset: [0, 0], address: 4016, size: 316, filterMask: 0 }, ...]

import { chunkRecords, type ChunkRecord } from "./btree-v1.ts";
import { readBtreeV2 } from "./btree-v2.ts";
import { checksumOk } from "./checksum.ts";
import type { H5Context } from "./context.ts";
import { Cursor, UNDEF } from "./cursor.ts";
import { UNLIMITED } from "./dataspace.ts";
import { H5FormatError } from "./errors.ts";
import type { Layout } from "./layout.ts";

export type { ChunkRecord };

type Chunked = Extract<Layout, { class: "chunked" }>;

const MAX_CHUNKS = 1 << 24;

function grid(shape: number[], chunk: number[]): number[] {
  return shape.map((s, i) => Math.ceil(s / chunk[i]));
}

/** Row-major coordinates of linear index `i` in a grid. */
export function unravel(i: number, dims: number[]): number[] {
  const out = new Array<number>(dims.length);
  for (let d = dims.length - 1; d >= 0; d--) {
    out[d] = i % dims[d];
    i = Math.floor(i / dims[d]);
  }
  return out;
}

function chunkBytes(l: Chunked): number {
  return l.chunkDims.reduce((a, b) => a * b, 1) * l.elementSize;
}

export async function chunkTable(
  ctx: H5Context,
  l: Chunked,
  shape: number[],
  maxShape: number[],
  path?: string,
): Promise<ChunkRecord[]> {
  if (l.address === UNDEF) return [];
  const rank = l.chunkDims.length;
  const where = { path, offset: ctx.abs(l.address) };
  const scaledToOffset = (s: number[]) => s.map((v, d) => v * l.chunkDims[d]);
  switch (l.index.type) {
    case "btree-v1":
      return chunkRecords(ctx, l.address, rank, path);
    case "single":
      return [
        {
          offset: new Array(rank).fill(0),
          address: ctx.abs(l.address),
          size: l.index.filteredSize ?? chunkBytes(l),
          filterMask: l.index.filterMask ?? 0,
        },
      ];
    case "implicit": {
      const g = grid(maxShape.map((m, i) => (m === UNLIMITED ? shape[i] : m)), l.chunkDims);
      const n = g.reduce((a, b) => a * b, 1);
      if (n > MAX_CHUNKS || l.address + n * chunkBytes(l) > ctx.fileSize) throw new H5FormatError("implicit chunk index passes the end of the file", where);
      const out: ChunkRecord[] = [];
      const size = chunkBytes(l);
      for (let i = 0; i < n; i++) out.push({ offset: scaledToOffset(unravel(i, g)), address: ctx.abs(l.address + i * size), size, filterMask: 0 });
      return out;
    }
    case "fixed-array": {
      const entries = await fixedArray(ctx, l.address, path);
      const g = grid(shape, l.chunkDims);
      return entries
        .map((e, i) => ({ e, i }))
        .filter(({ e }) => e.address !== UNDEF)
        .map(({ e, i }) => ({ offset: scaledToOffset(unravel(i, g)), address: ctx.abs(e.address), size: e.size ?? chunkBytes(l), filterMask: e.filterMask }));
    }
    case "extensible-array": {
      const entries = await extensibleArray(ctx, l.address, path);
      const out: ChunkRecord[] = [];
      // the unlimited dimension goes first ("swizzled"), the others keep their order
      const unlim = Math.max(0, maxShape.findIndex((m) => m === UNLIMITED));
      const order = [unlim, ...Array.from({ length: rank }, (_, d) => d).filter((d) => d !== unlim)];
      const g = order.map((d) => (d === unlim ? Number.MAX_SAFE_INTEGER : Math.ceil(maxShape[d] / l.chunkDims[d])));
      for (const { i, e } of entries) {
        const sw = unravel(i, g);
        const scaled = new Array<number>(rank);
        order.forEach((d, k) => (scaled[d] = sw[k]));
        out.push({ offset: scaledToOffset(scaled), address: ctx.abs(e.address), size: e.size ?? chunkBytes(l), filterMask: e.filterMask });
      }
      return out;
    }
    case "btree-v2": {
      const tree = await readBtreeV2(ctx, l.address, path);
      const { so } = ctx.sizes;
      const out: ChunkRecord[] = [];
      for (const rec of tree.records) {
        const c = new Cursor(rec, 0, ctx.sizes, path);
        const address = c.offset();
        let size = chunkBytes(l);
        let filterMask = 0;
        if (tree.type === 11) {
          size = c.uint(tree.recordSize - so - 4 - 8 * rank);
          filterMask = c.u32();
        } else if (tree.type !== 10) {
          throw new H5FormatError(`chunk v2 B-tree has record type ${tree.type}`, where);
        }
        const scaled: number[] = [];
        for (let d = 0; d < rank; d++) scaled.push(c.u64());
        if (address !== UNDEF) out.push({ offset: scaledToOffset(scaled), address: ctx.abs(address), size, filterMask });
      }
      return out;
    }
  }
}

interface Entry {
  address: number;
  size?: number;
  filterMask: number;
}

function readEntry(c: Cursor, clientId: number, entrySize: number): Entry {
  const address = c.offset();
  if (clientId === 0) return { address, filterMask: 0 };
  const size = c.uint(entrySize - c.sizes.so - 4);
  return { address, size, filterMask: c.u32() };
}

async function fixedArray(ctx: H5Context, address: number, path?: string): Promise<Entry[]> {
  const { so, sl } = ctx.sizes;
  const h = await ctx.cursor(address, 4 + 4 + sl + so + 4, "fixed array header", path);
  h.signature("FAHD");
  h.u8();
  const clientId = h.u8();
  const entrySize = h.u8();
  const pageBits = h.u8();
  const n = h.length();
  const dblock = h.offset();
  if (!checksumOk(h.bytes)) h.fail("fixed array header checksum mismatch");
  if (dblock === UNDEF) return [];
  if (n > MAX_CHUNKS || n * entrySize > ctx.fileSize) throw new H5FormatError("fixed array larger than the file", { path, offset: ctx.abs(address) });
  const pageN = 2 ** pageBits;
  const prefix = 4 + 2 + so;
  const out: Entry[] = [];
  if (n <= pageN) {
    const c = await ctx.cursor(dblock + prefix, n * entrySize, "fixed array data block", path);
    for (let i = 0; i < n; i++) out.push(readEntry(c, clientId, entrySize));
    return out;
  }
  const npages = Math.ceil(n / pageN);
  let at = dblock + prefix + Math.ceil(npages / 8) + 4;
  for (let p = 0; p < npages; p++) {
    const k = Math.min(pageN, n - p * pageN);
    const c = await ctx.cursor(at, k * entrySize, "fixed array page", path);
    for (let i = 0; i < k; i++) out.push(readEntry(c, clientId, entrySize));
    at += k * entrySize + 4;
  }
  return out;
}

async function extensibleArray(ctx: H5Context, address: number, path?: string): Promise<{ i: number; e: Entry }[]> {
  const { so, sl } = ctx.sizes;
  const where = { path, offset: ctx.abs(address) };
  const h = await ctx.cursor(address, 4 + 2 + 6 + 6 * sl + so + 4, "extensible array header", path);
  h.signature("EAHD");
  h.u8();
  const clientId = h.u8();
  const elSize = h.u8();
  const maxBits = h.u8();
  const iblockElems = h.u8();
  const dblockMinElems = h.u8();
  const sblockMinPtrs = h.u8();
  const pageBits = h.u8();
  h.skip(4 * sl);
  const maxIndex = h.length();
  h.length();
  const iblock = h.offset();
  if (!checksumOk(h.bytes)) h.fail("extensible array header checksum mismatch");
  if (iblock === UNDEF || maxIndex === 0) return [];
  if (maxIndex > MAX_CHUNKS) throw new H5FormatError(`extensible array claims ${maxIndex} elements`, where);
  const pow2 = (x: number) => x >= 1 && (x & (x - 1)) === 0;
  if (!pow2(dblockMinElems) || !pow2(sblockMinPtrs) || maxBits > 64 || pageBits > 32 || elSize < ctx.sizes.so) {
    throw new H5FormatError("extensible array header: bad creation parameters", where);
  }
  const log2 = (x: number) => Math.round(Math.log2(x));
  const nsblks = 1 + maxBits - log2(dblockMinElems);
  const sblk = (u: number) => ({ ndblks: 2 ** Math.floor(u / 2), dblkN: dblockMinElems * 2 ** Math.floor((u + 1) / 2) });
  const iblockSblks = 2 * log2(sblockMinPtrs);
  const ndblkAddrs = 2 * (sblockMinPtrs - 1);
  const nsblkAddrs = Math.max(0, nsblks - iblockSblks);
  const arrOff = Math.ceil(maxBits / 8);
  const pageN = 2 ** pageBits;

  const ic = await ctx.cursor(iblock, 6 + so + iblockElems * elSize + (ndblkAddrs + nsblkAddrs) * so, "extensible array index block", path);
  ic.signature("EAIB");
  ic.skip(2 + so);
  // only stored entries are kept, with their index; `next` counts every element, missing or not
  const out: { i: number; e: Entry }[] = [];
  let next = 0;
  const push = (e: Entry) => {
    if (e.address !== UNDEF) out.push({ i: next, e });
    next++;
  };
  // every element slot is stored, used or not: read past them all to reach the block addresses
  for (let i = 0; i < iblockElems; i++) {
    const e = readEntry(ic, clientId, elSize);
    if (next < maxIndex) push(e);
  }
  const dblkAddrs: number[] = [];
  for (let i = 0; i < ndblkAddrs; i++) dblkAddrs.push(ic.offset());
  const sblkAddrs: number[] = [];
  for (let i = 0; i < nsblkAddrs; i++) sblkAddrs.push(ic.offset());

  const missing = (k: number) => {
    next = Math.min(maxIndex, next + k);
  };
  const readDblock = async (addr: number, n: number) => {
    if (addr === UNDEF) return missing(n);
    const prefix = 6 + so + arrOff;
    if (n <= pageN) {
      const c = await ctx.cursor(addr + prefix, n * elSize, "extensible array data block", path);
      for (let i = 0; i < n && next < maxIndex; i++) push(readEntry(c, clientId, elSize));
      return;
    }
    let at = addr + prefix + 4;
    for (let p = 0; p < n / pageN && next < maxIndex; p++) {
      const c = await ctx.cursor(at, pageN * elSize, "extensible array data block page", path);
      for (let i = 0; i < pageN && next < maxIndex; i++) push(readEntry(c, clientId, elSize));
      at += pageN * elSize + 4;
    }
  };
  let d = 0;
  for (let u = 0; u < nsblks && next < maxIndex; u++) {
    const { ndblks, dblkN } = sblk(u);
    if (u < iblockSblks) {
      for (let k = 0; k < ndblks && next < maxIndex; k++) await readDblock(dblkAddrs[d++] ?? UNDEF, dblkN);
      continue;
    }
    const sa = sblkAddrs[u - iblockSblks];
    if (sa === undefined || sa === UNDEF) {
      missing(ndblks * dblkN);
      continue;
    }
    const npages = dblkN > pageN ? dblkN / pageN : 0;
    const bitmap = npages > 0 ? ndblks * Math.ceil(npages / 8) : 0;
    const sc = await ctx.cursor(sa, 6 + so + arrOff + bitmap + ndblks * so, "extensible array secondary block", path);
    sc.signature("EASB");
    sc.skip(2 + so + arrOff + bitmap);
    const addrs: number[] = [];
    for (let k = 0; k < ndblks; k++) addrs.push(sc.offset());
    for (const a of addrs) {
      if (next >= maxIndex) break;
      await readDblock(a, dblkN);
    }
  }
  return out;
}
