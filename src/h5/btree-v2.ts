// Version 2 B-trees ("BTHD"/"BTIN"/"BTLF"): the name and creation-order indexes of dense groups
// and dense attributes (record types 5, 6, 8, 9) and the chunk index of layout v4 datasets with
// more than one unlimited dimension (types 10, 11). This module yields raw records in key order;
// callers decode them.
//
//   const { type, records } = await readBtreeV2(ctx, address, "/group");
//   for (const rec of records) { ... }   // Uint8Array of recordSize bytes

import { checksumOk } from "./checksum.ts";
import type { H5Context } from "./context.ts";
import { bytesNeeded, Cursor, UNDEF } from "./cursor.ts";
import { H5FormatError } from "./errors.ts";

export interface BtreeV2 {
  type: number;
  recordSize: number;
  records: Uint8Array[];
}

const MAX_RECORDS = 1 << 24;

/** The node's checksum follows its records (and child pointers), not the end of the node. */
function verify(c: Cursor): void {
  if (!checksumOk(c.bytes.subarray(0, c.pos + 4))) c.fail("v2 B-tree node checksum mismatch");
}

export async function readBtreeV2(ctx: H5Context, address: number, path?: string): Promise<BtreeV2> {
  const { so, sl } = ctx.sizes;
  const headLen = 4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + so + 2 + sl + 4;
  const hb = await ctx.read(address, headLen, "v2 B-tree header", path);
  const where = { path, offset: ctx.abs(address) };
  if (!checksumOk(hb)) throw new H5FormatError("v2 B-tree header checksum mismatch", where);
  const h = new Cursor(hb, ctx.abs(address), ctx.sizes, path);
  h.signature("BTHD");
  const version = h.u8();
  if (version !== 0) h.fail(`v2 B-tree version ${version}`);
  const type = h.u8();
  const nodeSize = h.u32();
  const recordSize = h.u16();
  const depth = h.u16();
  h.skip(2);
  const root = h.offset();
  const rootRecords = h.u16();
  const total = h.length();
  if (recordSize === 0 || nodeSize < 10 + recordSize || depth > 64 || total > MAX_RECORDS) {
    throw new H5FormatError("v2 B-tree header: bad sizes", where);
  }

  // per depth: max records and the byte sizes of the child-pointer counts (as in the C library)
  const maxRec: number[] = [Math.floor((nodeSize - 10) / recordSize)];
  const cumMax: number[] = [maxRec[0]];
  const cumMaxSize: number[] = [0];
  const maxRecSize = bytesNeeded(maxRec[0]);
  for (let d = 1; d <= depth; d++) {
    const ptrSize = so + maxRecSize + cumMaxSize[d - 1];
    maxRec[d] = Math.floor((nodeSize - (10 + ptrSize)) / (recordSize + ptrSize));
    cumMax[d] = (maxRec[d] + 1) * cumMax[d - 1] + maxRec[d];
    cumMaxSize[d] = bytesNeeded(cumMax[d]);
  }

  const records: Uint8Array[] = [];
  async function visit(addr: number, nrec: number, d: number): Promise<void> {
    if (addr === UNDEF || nrec === 0) return;
    const block = await ctx.read(addr, nodeSize, "v2 B-tree node", path);
    const c = new Cursor(block, ctx.abs(addr), ctx.sizes, path);
    c.signature(d === 0 ? "BTLF" : "BTIN");
    c.skip(2);
    const recs: Uint8Array[] = [];
    for (let i = 0; i < nrec; i++) recs.push(c.take(recordSize));
    if (d === 0) {
      verify(c);
      records.push(...recs);
    } else {
      const children: [number, number][] = [];
      for (let i = 0; i <= nrec; i++) {
        const a = c.offset();
        const n = c.uint(maxRecSize);
        if (d > 1) c.uint(cumMaxSize[d - 1]);
        children.push([a, n]);
      }
      verify(c);
      for (let i = 0; i <= nrec; i++) {
        await visit(children[i][0], children[i][1], d - 1);
        if (i < nrec) records.push(recs[i]);
      }
    }
    if (records.length > MAX_RECORDS) throw new H5FormatError("v2 B-tree: too many records", where);
  }
  await visit(root, rootRecords, depth);
  return { type, recordSize, records };
}
