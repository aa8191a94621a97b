// Global heap collections ("GCOL"): where variable-length data (vlen strings and sequences) lives.
// A vlen element is (length, collection address, object index); this module finds the object.
//
//   const bytes = await globalHeapObject(ctx, collectionAddress, index);

import type { H5Context } from "./context.ts";
import { Cursor } from "./cursor.ts";
import { H5FormatError } from "./errors.ts";

type Collection = Map<number, Uint8Array>;

function readCollection(ctx: H5Context, address: number): Promise<Collection> {
  return ctx.memo(`gheap:${address}`, async () => {
    const { sl } = ctx.sizes;
    const head = await ctx.cursor(address, 8 + sl, "global heap");
    head.signature("GCOL");
    const version = head.u8();
    if (version !== 1) head.fail(`global heap version ${version}`);
    head.skip(3);
    const size = head.length();
    const c = new Cursor(await ctx.read(address, size, "global heap"), ctx.abs(address), ctx.sizes);
    c.pos = 8 + sl;
    const objects: Collection = new Map();
    while (c.remaining >= 8 + sl) {
      const index = c.u16();
      if (index === 0) break; // free space runs to the end
      c.skip(6);
      const n = c.length();
      objects.set(index, c.take(n));
      c.align(8);
    }
    return objects;
  });
}

export async function globalHeapObject(ctx: H5Context, address: number, index: number, path?: string): Promise<Uint8Array> {
  const obj = (await readCollection(ctx, address)).get(index);
  if (!obj) throw new H5FormatError(`global heap object ${index} not found`, { path, offset: ctx.abs(address) });
  return obj;
}
