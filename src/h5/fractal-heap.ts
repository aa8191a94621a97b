// Fractal heaps ("FRHP"): where new-style dense groups keep their link messages and dense
// attribute storage keeps attribute messages. Objects are found by heap ID: managed objects
// (offset + length into the doubling table of direct blocks) and tiny objects (inline). Huge
// objects and filtered heaps are reported as unsupported.
//
//   const heap = await readFractalHeap(ctx, address, "/group");
//   const bytes = await heap.get(heapId);

import { checksumOk } from "./checksum.ts";
import type { H5Context } from "./context.ts";
import { UNDEF } from "./cursor.ts";
import { H5FormatError, H5UnsupportedError } from "./errors.ts";

interface DirectBlock {
  address: number;
  heapOffset: number;
  size: number;
}

export interface FractalHeap {
  heapIdLength: number;
  get(id: Uint8Array): Promise<Uint8Array>;
}

const log2 = (n: number) => Math.round(Math.log2(n));
const MAX_BLOCKS = 1 << 20;

export function readFractalHeap(ctx: H5Context, address: number, path?: string): Promise<FractalHeap> {
  return ctx.memo(`fheap:${address}`, () => parse(ctx, address, path));
}

async function parse(ctx: H5Context, address: number, path?: string): Promise<FractalHeap> {
  const { so, sl } = ctx.sizes;
  const c = await ctx.cursorUpTo(address, 4 + 1 + 2 + 2 + 1 + 4 + 12 * sl + 3 * so + 2 * 4 + 64, "fractal heap", path);
  c.signature("FRHP");
  const version = c.u8();
  if (version !== 0) c.fail(`fractal heap version ${version}`);
  const heapIdLength = c.u16();
  const ioFiltersLength = c.u16();
  c.u8(); // flags
  const maxManagedSize = c.u32();
  c.length(); // next huge id
  c.offset(); // huge objects B-tree
  c.length(); // free space
  c.offset(); // free space manager
  c.length(); // managed space
  c.length(); // allocated managed space
  c.length(); // direct block allocation iterator
  c.length(); // number of managed objects
  c.length(); // size of huge objects
  c.length(); // number of huge objects
  c.length(); // size of tiny objects
  c.length(); // number of tiny objects
  const width = c.u16();
  const startSize = c.length();
  const maxDirectSize = c.length();
  const maxHeapBits = c.u16();
  c.u16(); // starting rows in root indirect block
  const rootAddress = c.offset();
  const rootRows = c.u16();
  const where = { path, offset: ctx.abs(address) };
  if (ioFiltersLength === 0 && !checksumOk(c.bytes.subarray(0, c.pos + 4))) throw new H5FormatError("fractal heap header checksum mismatch", where);
  if (ioFiltersLength > 0) throw new H5UnsupportedError("filtered fractal heap", where);
  if (width === 0 || startSize === 0 || (startSize & (startSize - 1)) !== 0 || maxDirectSize < startSize) {
    throw new H5FormatError("fractal heap: bad doubling table", where);
  }
  const offsetSize = Math.ceil(maxHeapBits / 8);
  const lengthSize = Math.min(Math.floor((log2(maxDirectSize) + 7) / 8), Math.floor(Math.floor(Math.log2(Math.max(1, maxManagedSize))) / 8) + 1);
  const maxDirectRows = log2(maxDirectSize) - log2(startSize) + 2;
  const rowSize = (r: number) => (r === 0 ? startSize : startSize * 2 ** (r - 1));

  const blocks: DirectBlock[] = [];
  async function indirect(addr: number, nrows: number, heapOffset: number, depth: number): Promise<void> {
    if (depth > 32) throw new H5FormatError("fractal heap: indirect blocks nested too deep", where);
    const directRows = Math.min(nrows, maxDirectRows);
    const entries = width * nrows;
    const size = 4 + 1 + so + offsetSize + entries * so + 4;
    const ic = await ctx.cursor(addr, size, "fractal heap indirect block", path);
    ic.signature("FHIB");
    ic.skip(1 + so + offsetSize);
    let off = heapOffset;
    const children: [number, number, number][] = [];
    for (let r = 0; r < nrows; r++) {
      const rs = rowSize(r);
      for (let w = 0; w < width; w++) {
        const a = ic.offset();
        if (a !== UNDEF) {
          if (r < directRows) blocks.push({ address: a, heapOffset: off, size: rs });
          else children.push([a, log2(rs) - log2(startSize * width) + 1, off]);
        }
        off += rs;
        if (blocks.length > MAX_BLOCKS) throw new H5FormatError("fractal heap: too many blocks", where);
      }
    }
    for (const [a, rows, o] of children) await indirect(a, rows, o, depth + 1);
  }
  if (rootAddress !== UNDEF) {
    if (rootRows === 0) blocks.push({ address: rootAddress, heapOffset: 0, size: startSize });
    else await indirect(rootAddress, rootRows, 0, 0);
  }
  blocks.sort((a, b) => a.heapOffset - b.heapOffset);

  return {
    heapIdLength,
    async get(id: Uint8Array): Promise<Uint8Array> {
      const type = (id[0] >> 4) & 3;
      if (type === 2) {
        const len = (id[0] & 0x0f) + 1;
        return id.subarray(1, 1 + len);
      }
      if (type !== 0) throw new H5UnsupportedError("fractal heap huge objects", where);
      let offset = 0;
      for (let i = offsetSize; i >= 1; i--) offset = offset * 256 + id[i];
      let length = 0;
      for (let i = offsetSize + lengthSize; i > offsetSize; i--) length = length * 256 + id[i];
      let lo = 0;
      let hi = blocks.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const b = blocks[mid];
        if (offset < b.heapOffset) hi = mid - 1;
        else if (offset >= b.heapOffset + b.size) lo = mid + 1;
        else {
          if (offset + length > b.heapOffset + b.size) break;
          return ctx.read(b.address + (offset - b.heapOffset), length, "fractal heap object", path);
        }
      }
      throw new H5FormatError(`fractal heap object at heap offset ${offset} (${length} bytes) not found`, where);
    },
  };
}
