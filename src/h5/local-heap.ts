// Local heaps ("HEAP"): the names of an old-style group's links and soft-link values, addressed
// by offset into the heap's data segment.
//
//   const heap = await readLocalHeap(ctx, address, "/group");
//   heap.string(entry.nameOffset);   // "child"

import type { H5Context } from "./context.ts";
import { H5FormatError } from "./errors.ts";
import { utf8 } from "./cursor.ts";

export interface LocalHeap {
  data: Uint8Array;
  /** The NUL-terminated string at `offset` in the data segment. */
  string(offset: number): string;
}

export function readLocalHeap(ctx: H5Context, address: number, path?: string): Promise<LocalHeap> {
  return ctx.memo(`lheap:${address}`, async () => {
    const { so, sl } = ctx.sizes;
    const c = await ctx.cursor(address, 8 + 2 * sl + so, "local heap", path);
    c.signature("HEAP");
    const version = c.u8();
    if (version !== 0) c.fail(`local heap version ${version}`);
    c.skip(3);
    const size = c.length();
    c.length(); // free list head
    const dataAddress = c.offset();
    const data = await ctx.read(dataAddress, size, "local heap data", path);
    return {
      data,
      string(offset: number): string {
        if (offset < 0 || offset >= data.length) {
          throw new H5FormatError(`local heap offset ${offset} outside its ${data.length} bytes`, { path, offset: ctx.abs(dataAddress) });
        }
        let end = data.indexOf(0, offset);
        if (end < 0) end = data.length;
        return utf8(data.subarray(offset, end));
      },
    };
  });
}
