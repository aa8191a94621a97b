// The data layout message (where a dataset's bytes are) and the fill-value messages (what
// unwritten elements hold). Layout versions 1-3 (compact, contiguous, chunked with a v1 B-tree)
// and 4 (chunked with a single-chunk, implicit, fixed-array, extensible-array or v2 B-tree index;
// virtual: where the global heap keeps the source mapping, which vds.ts reads).
//
//   const layout = parseLayout(cursor);
//   if (layout.class === "chunked") layout.chunkDims; layout.index.type;

import { Cursor } from "./cursor.ts";

export type ChunkIndexInfo =
  | { type: "btree-v1" }
  | { type: "single"; filteredSize?: number; filterMask?: number }
  | { type: "implicit" }
  | { type: "fixed-array"; pageBits: number }
  | { type: "extensible-array" }
  | { type: "btree-v2"; nodeSize: number };

export type Layout =
  | { class: "compact"; version: number; data: Uint8Array; offset: number }
  | { class: "contiguous"; version: number; address: number; size: number }
  | {
      class: "chunked";
      version: number;
      /** Chunk shape in elements (without the trailing element-size dimension). */
      chunkDims: number[];
      elementSize: number;
      address: number;
      index: ChunkIndexInfo;
      /** Layout v4 flag: partial edge chunks are stored unfiltered. */
      edgeUnfiltered: boolean;
    }
  | {
      class: "virtual";
      version: number;
      /** The global heap collection and object holding the mapping (see vds.ts). */
      heapAddress: number;
      heapIndex: number;
    };

export function parseLayout(c: Cursor): Layout {
  const version = c.u8();
  if (version === 1 || version === 2) {
    const ndims = c.u8();
    const cls = c.u8();
    c.skip(5);
    const address = cls !== 0 ? c.offset() : -1;
    const dims: number[] = [];
    for (let i = 0; i < ndims; i++) dims.push(c.u32());
    if (cls === 2) {
      const elementSize = c.u32();
      return { class: "chunked", version, chunkDims: dims.slice(0, -1), elementSize, address, index: { type: "btree-v1" }, edgeUnfiltered: false };
    }
    if (cls === 1) return { class: "contiguous", version, address, size: dims.reduce((a, b) => a * b, 1) };
    const size = c.u32();
    const offset = c.address + c.pos;
    return { class: "compact", version, data: c.take(size), offset };
  }
  if (version !== 3 && version !== 4) c.fail(`data layout version ${version}`);
  const cls = c.u8();
  if (cls === 0) {
    const size = c.u16();
    const offset = c.address + c.pos;
    return { class: "compact", version, data: c.take(size), offset };
  }
  if (cls === 1) return { class: "contiguous", version, address: c.offset(), size: c.length() };
  if (cls === 3) return { class: "virtual", version, heapAddress: c.offset(), heapIndex: c.u32() };
  if (cls !== 2) c.fail(`data layout class ${cls}`);
  if (version === 3) {
    const ndims = c.u8();
    const address = c.offset();
    const dims: number[] = [];
    for (let i = 0; i < ndims; i++) dims.push(c.u32());
    return chunked(version, dims, address, { type: "btree-v1" }, false);
  }
  const flags = c.u8();
  const ndims = c.u8();
  const enc = c.u8();
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(c.uint(enc));
  const indexType = c.u8();
  let index: ChunkIndexInfo;
  switch (indexType) {
    case 1:
      index = flags & 2 ? { type: "single", filteredSize: c.length(), filterMask: c.u32() } : { type: "single" };
      break;
    case 2:
      index = { type: "implicit" };
      break;
    case 3:
      index = { type: "fixed-array", pageBits: c.u8() };
      break;
    case 4:
      c.skip(5);
      index = { type: "extensible-array" };
      break;
    case 5: {
      const nodeSize = c.u32();
      c.skip(2);
      index = { type: "btree-v2", nodeSize };
      break;
    }
    default:
      return c.fail(`chunk index type ${indexType}`);
  }
  return chunked(version, dims, c.offset(), index, (flags & 1) !== 0);
}

/** The message's dimensions end with the element size (both layout versions). */
function chunked(version: number, dims: number[], address: number, index: ChunkIndexInfo, edgeUnfiltered: boolean) {
  return { class: "chunked" as const, version, chunkDims: dims.slice(0, -1), elementSize: dims[dims.length - 1], address, index, edgeUnfiltered };
}

/** The fill value bytes from a fill value message (0x05) or the old one (0x04); undefined when none is defined. */
export function parseFillValue(c: Cursor, old: boolean): Uint8Array | undefined {
  if (old) {
    const size = c.u32();
    return size > 0 ? c.take(size) : undefined;
  }
  const version = c.u8();
  if (version === 1 || version === 2) {
    c.skip(2); // allocation time, write time
    const defined = c.u8();
    if (version === 1 || defined) {
      if (c.remaining < 4) return undefined;
      const size = c.u32();
      return size > 0 ? c.take(size) : undefined;
    }
    return undefined;
  }
  if (version === 3) {
    const flags = c.u8();
    if (flags & 0x20) {
      const size = c.u32();
      return size > 0 ? c.take(size) : undefined;
    }
    return undefined;
  }
  return c.fail(`fill value version ${version}`);
}
