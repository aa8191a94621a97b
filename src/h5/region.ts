// Dataspace selections as HDF5 serializes them (H5S_SELECT_SERIALIZE): in region references'
// global heap objects and in virtual dataset mappings. None, all, points, and hyperslabs (block
// lists, version 1; regular start/stride/count/block, versions 2 and 3), always given as blocks.
// Also reading a region reference element (references.ts has the value's class).
//
//   const sel = parseSerializedSelection(cursor);   // { kind: "hyperslab", blocks: [{ start: [1, 2], end: [2, 4] }] }
//   const r = await readRegionReference(ctx, elementBytes, "/regions");  // H5RegionReference | null

import type { H5Context } from "./context.ts";
import { Cursor, UNDEF } from "./cursor.ts";
import { H5UnsupportedError } from "./errors.ts";
import { globalHeapObject } from "./global-heap.ts";
import { H5RegionReference, type Block, type H5Selection, type RegularHyperslab } from "./references.ts";

export { H5RegionReference, type Block, type H5Selection, type RegularHyperslab };

const SEL = { NONE: 0, POINTS: 1, HYPERSLABS: 2, ALL: 3 } as const;

/** More blocks than this in one regular hyperslab is refused rather than listed. */
export const MAX_BLOCKS = 1_000_000;

export function parseSerializedSelection(c: Cursor): H5Selection {
  const type = c.u32();
  const version = c.u32();
  switch (type) {
    case SEL.NONE:
    case SEL.ALL:
      c.skip(8); // reserved, length (0)
      return { kind: type === SEL.ALL ? "all" : "none" };
    case SEL.POINTS:
      return points(c, version);
    case SEL.HYPERSLABS:
      return hyperslab(c, version);
    default:
      return c.fail(`selection type ${type}`);
  }
}

function rankOf(c: Cursor): number {
  const rank = c.u32();
  if (rank > 32) c.fail(`selection rank ${rank}`);
  return rank;
}

function encSize(c: Cursor): number {
  const n = c.u8();
  if (n !== 2 && n !== 4 && n !== 8) c.fail(`selection integer size ${n}`);
  return n;
}

function points(c: Cursor, version: number): H5Selection {
  let size = 4;
  if (version === 1) c.skip(8); // reserved, length
  else if (version === 2) size = encSize(c);
  else c.fail(`point selection version ${version}`);
  const rank = rankOf(c);
  const n = c.uint(size, false);
  if (n * rank * size > c.remaining) c.fail(`point selection of ${n} points passes the end of its data`);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push(coords(c, rank, size));
  return { kind: "points", points: out };
}

function coords(c: Cursor, rank: number, size: number): number[] {
  const out: number[] = [];
  for (let d = 0; d < rank; d++) out.push(c.uint(size, false));
  return out;
}

function hyperslab(c: Cursor, version: number): H5Selection {
  if (version === 1) {
    c.skip(8); // reserved, length
    return blockList(c, rankOf(c), 4);
  }
  if (version === 2) {
    c.u8(); // flags: always regular
    c.u32(); // length
    return regular(c, rankOf(c), 8);
  }
  if (version === 3) {
    const flags = c.u8();
    const size = encSize(c);
    const rank = rankOf(c);
    return flags & 1 ? regular(c, rank, size) : blockList(c, rank, size);
  }
  return c.fail(`hyperslab selection version ${version}`);
}

function blockList(c: Cursor, rank: number, size: number): H5Selection {
  const n = c.uint(size, false);
  if (n * rank * 2 * size > c.remaining) c.fail(`hyperslab of ${n} blocks passes the end of its data`);
  const blocks: Block[] = [];
  for (let i = 0; i < n; i++) blocks.push({ start: coords(c, rank, size), end: coords(c, rank, size) });
  return { kind: "hyperslab", blocks };
}

function regular(c: Cursor, rank: number, size: number): H5Selection {
  const r: RegularHyperslab = { start: [], stride: [], count: [], block: [] };
  for (let d = 0; d < rank; d++) {
    // all ones is H5S_UNLIMITED: a selection that grows with the dataset
    r.start.push(c.uint(size, true));
    r.stride.push(c.uint(size, true));
    r.count.push(c.uint(size, true));
    r.block.push(c.uint(size, true));
  }
  const where = { path: c.path, offset: c.address };
  if ([...r.start, ...r.stride, ...r.count, ...r.block].includes(UNDEF)) {
    throw new H5UnsupportedError("unlimited hyperslab selections (virtual datasets that grow with their sources)", where);
  }
  const total = r.count.reduce((a, b) => a * b, 1);
  if (total > MAX_BLOCKS) throw new H5UnsupportedError(`a hyperslab of ${total} blocks (at most ${MAX_BLOCKS} are listed)`, where);
  return { kind: "hyperslab", blocks: expand(r), regular: r };
}

/** The blocks of a regular hyperslab, row-major. */
function expand(r: RegularHyperslab): Block[] {
  const rank = r.count.length;
  const out: Block[] = [];
  if (r.count.some((n) => n === 0)) return out;
  const idx = new Array<number>(rank).fill(0);
  for (;;) {
    const start = idx.map((i, d) => r.start[d] + i * r.stride[d]);
    out.push({ start, end: start.map((s, d) => s + r.block[d] - 1) });
    let d = rank - 1;
    while (d >= 0 && ++idx[d] >= r.count[d]) idx[d--] = 0;
    if (d < 0) return out;
  }
}

/** Number of elements a selection picks out of a dataspace of `shape`. */
export function selectionCount(sel: H5Selection, shape: number[]): number {
  switch (sel.kind) {
    case "none":
      return 0;
    case "all":
      return shape.reduce((a, b) => a * b, 1);
    case "points":
      return sel.points.length;
    case "hyperslab":
      return sel.blocks.reduce((n, b) => n + b.start.reduce((m, s, d) => m * (b.end[d] - s + 1), 1), 0);
  }
}

/** One region reference element (global heap collection address, object index); null when unset. */
export async function readRegionReference(ctx: H5Context, b: Uint8Array, path?: string): Promise<H5RegionReference | null> {
  const c = new Cursor(b, 0, ctx.sizes, path);
  const heap = c.offset();
  const index = c.u32();
  if (heap === UNDEF || heap === 0) return null;
  const obj = await globalHeapObject(ctx, heap, index, path);
  const oc = new Cursor(obj, ctx.abs(heap), ctx.sizes, path);
  const address = oc.offset();
  if (address === UNDEF || address === 0) return null;
  return new H5RegionReference(address, parseSerializedSelection(oc));
}
