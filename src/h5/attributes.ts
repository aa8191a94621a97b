// Attributes: compact (attribute messages in the object header) and dense (attribute-info message
// -> fractal heap + v2 B-tree name index). Values are decoded like dataset values; a scalar
// attribute gives one value, a simple one an array, a null dataspace `null`.
//
//   const attrs = await readAttributes(ctx, objectHeader, "/group");   // { name: value, ... }

import { readBtreeV2 } from "./btree-v2.ts";
import type { H5Context } from "./context.ts";
import { Cursor, UNDEF, utf8 } from "./cursor.ts";
import { elementCount, parseDataspace, type Dataspace } from "./dataspace.ts";
import { parseDatatype, type Datatype } from "./datatype.ts";
import { H5FormatError } from "./errors.ts";
import { readFractalHeap } from "./fractal-heap.ts";
import { MSG, type ObjectHeader } from "./object-header.ts";
import { sharedTarget } from "./shared.ts";
import { decodeValues } from "./values.ts";

export interface Attribute {
  name: string;
  dtype: Datatype;
  space: Dataspace;
  value: unknown;
}

async function parseAttribute(ctx: H5Context, c: Cursor, path?: string): Promise<Attribute> {
  const version = c.u8();
  const flags = c.u8();
  const nameSize = c.u16();
  const dtSize = c.u16();
  const dsSize = c.u16();
  if (version === 3) c.u8(); // name character set
  else if (version !== 1 && version !== 2) c.fail(`attribute message version ${version}`);
  const pad = (n: number) => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  const nameBytes = c.take(pad(nameSize));
  const nul = nameBytes.indexOf(0);
  const name = utf8(nameBytes.subarray(0, nul >= 0 ? Math.min(nul, nameSize) : nameSize));
  const dtStart = c.pos;
  let dtc = new Cursor(c.take(dtSize), c.address + dtStart, ctx.sizes, path);
  c.pos = dtStart + pad(dtSize);
  if (flags & 1) dtc = await sharedTarget(ctx, dtc, MSG.DATATYPE, path);
  const dtype = parseDatatype(dtc);
  const dsStart = c.pos;
  let dsc = new Cursor(c.take(dsSize), c.address + dsStart, ctx.sizes, path);
  c.pos = dsStart + pad(dsSize);
  if (flags & 2) dsc = await sharedTarget(ctx, dsc, MSG.DATASPACE, path);
  const space = parseDataspace(dsc);
  const n = elementCount(space);
  const where = `${path ?? ""}@${name}`;
  if (n * dtype.size > c.remaining) c.fail(`attribute ${name}: ${n} elements of ${dtype.size} bytes exceed the message`);
  if (space.kind === "null") return { name, dtype, space, value: null };
  const values = await decodeValues(ctx, dtype, c.take(n * dtype.size), n, where);
  const value = space.kind === "scalar" ? (values as ArrayLike<unknown>)[0] : values;
  return { name, dtype, space, value };
}

/** Every attribute of an object, in the order h5py lists them (name order unless creation order is tracked). */
export async function readAttributes(ctx: H5Context, oh: ObjectHeader, path?: string): Promise<Attribute[]> {
  const out: Attribute[] = [];
  for (const m of oh.messages) {
    if (m.type === MSG.ATTRIBUTE) out.push(await parseAttribute(ctx, new Cursor(m.data, m.offset, ctx.sizes, path), path));
  }
  const info = oh.messages.find((m) => m.type === MSG.ATTRIBUTE_INFO);
  if (info) {
    const c = new Cursor(info.data, info.offset, ctx.sizes, path);
    const version = c.u8();
    if (version !== 0) c.fail(`attribute info version ${version}`);
    const flags = c.u8();
    if (flags & 1) c.u16();
    const heapAddress = c.offset();
    const nameIndex = c.offset();
    if (heapAddress !== UNDEF && nameIndex !== UNDEF) {
      const heap = await readFractalHeap(ctx, heapAddress, path);
      const tree = await readBtreeV2(ctx, nameIndex, path);
      if (tree.type !== 8) throw new H5FormatError(`dense attribute name index has record type ${tree.type}`, { path });
      for (const rec of tree.records) {
        const bytes = await heap.get(rec.subarray(0, 8));
        out.push(await parseAttribute(ctx, new Cursor(bytes, 0, ctx.sizes, path), path));
      }
    }
  }
  // h5py lists attributes in name order (creation order only when tracked and indexed)
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}
