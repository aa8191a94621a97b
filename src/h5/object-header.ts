// Object headers: the list of messages (dataspace, datatype, layout, links, attributes, ...) that
// describe one object. Version 1 (no signature, 8-byte aligned messages) and version 2 ("OHDR",
// checksummed), both following continuation messages into further blocks.
//
//   const oh = await readObjectHeader(ctx, address, "/acquisition");
//   oh.messages.filter((m) => m.type === MSG.ATTRIBUTE);

import { checksumOk } from "./checksum.ts";
import type { H5Context } from "./context.ts";
import { Cursor, UNDEF } from "./cursor.ts";
import { H5FormatError, H5UnsupportedError } from "./errors.ts";

export const MSG = {
  NIL: 0x00,
  DATASPACE: 0x01,
  LINK_INFO: 0x02,
  DATATYPE: 0x03,
  FILL_OLD: 0x04,
  FILL: 0x05,
  LINK: 0x06,
  EXTERNAL_FILES: 0x07,
  LAYOUT: 0x08,
  GROUP_INFO: 0x0a,
  FILTERS: 0x0b,
  ATTRIBUTE: 0x0c,
  COMMENT: 0x0d,
  SHARED_TABLE: 0x0f,
  CONTINUATION: 0x10,
  SYMBOL_TABLE: 0x11,
  MTIME: 0x12,
  ATTRIBUTE_INFO: 0x15,
  REFCOUNT: 0x16,
} as const;

export interface RawMessage {
  type: number;
  flags: number;
  data: Uint8Array;
  /** Absolute file offset of `data`. */
  offset: number;
}

export interface ObjectHeader {
  version: number;
  address: number;
  messages: RawMessage[];
}

/** Messages flagged "shared" (flags bit 1) hold a reference to another object's message. */
export const SHARED_FLAG = 0x02;

const MAX_CHUNKS = 10000;

export function readObjectHeader(ctx: H5Context, address: number, path?: string): Promise<ObjectHeader> {
  return ctx.memo(`oh:${address}`, () => parseObjectHeader(ctx, address, path));
}

async function parseObjectHeader(ctx: H5Context, address: number, path?: string): Promise<ObjectHeader> {
  if (address === UNDEF) throw new H5FormatError("object header at the undefined address", { path });
  const head = await ctx.cursorUpTo(address, 34, "object header", path);
  const messages: RawMessage[] = [];
  const pending: { addr: number; len: number }[] = [];
  let version: number;
  if (head.bytes[0] === 1) {
    version = 1;
    head.skip(2);
    head.u16(); // number of messages
    head.u32(); // reference count
    const size = head.u32();
    const c = await ctx.cursor(address + 16, size, "object header", path);
    parseV1Messages(c, messages, pending);
  } else if (String.fromCharCode(...head.bytes.subarray(0, 4)) === "OHDR") {
    head.skip(4);
    version = head.u8();
    if (version !== 2) head.fail(`object header version ${version}`);
    const flags = head.u8();
    if (flags & 0x20) head.skip(16);
    if (flags & 0x10) head.skip(4);
    const sizeBytes = 1 << (flags & 3);
    const size = head.uint(sizeBytes);
    const start = head.pos;
    const all = await ctx.read(address, start + size + 4, "object header", path);
    if (!checksumOk(all)) throw new H5FormatError("object header checksum mismatch", { path, offset: ctx.abs(address) });
    const c = new Cursor(all.subarray(0, start + size), ctx.abs(address), ctx.sizes, path);
    c.pos = start;
    parseV2Messages(c, flags, messages, pending);
    let n = 0;
    while (pending.length) {
      if (++n > MAX_CHUNKS) throw new H5FormatError("too many object header continuation blocks", { path });
      const { addr, len } = pending.shift()!;
      const block = await ctx.read(addr, len, "object header continuation", path);
      if (!checksumOk(block)) throw new H5FormatError("object header continuation checksum mismatch", { path, offset: ctx.abs(addr) });
      const cc = new Cursor(block.subarray(0, len - 4), ctx.abs(addr), ctx.sizes, path);
      cc.signature("OCHK");
      parseV2Messages(cc, flags, messages, pending);
    }
    return { version, address, messages };
  } else {
    throw new H5UnsupportedError(`object header version ${head.bytes[0]}`, { path, offset: ctx.abs(address) });
  }
  let n = 0;
  while (pending.length) {
    if (++n > MAX_CHUNKS) throw new H5FormatError("too many object header continuation blocks", { path });
    const { addr, len } = pending.shift()!;
    parseV1Messages(await ctx.cursor(addr, len, "object header continuation", path), messages, pending);
  }
  return { version, address, messages };
}

function continuation(data: Uint8Array, offset: number, c: Cursor): { addr: number; len: number } {
  const cc = new Cursor(data, offset, c.sizes, c.path);
  return { addr: cc.offset(), len: cc.length() };
}

function parseV1Messages(c: Cursor, out: RawMessage[], pending: { addr: number; len: number }[]): void {
  while (c.remaining >= 8) {
    const type = c.u16();
    const size = c.u16();
    const flags = c.u8();
    c.skip(3);
    const offset = c.address + c.pos;
    const data = c.take(size);
    if (type === MSG.CONTINUATION) pending.push(continuation(data, offset, c));
    else if (type !== MSG.NIL) out.push({ type, flags, data, offset });
    c.align(8);
  }
}

function parseV2Messages(c: Cursor, ohFlags: number, out: RawMessage[], pending: { addr: number; len: number }[]): void {
  const headerSize = ohFlags & 0x04 ? 6 : 4;
  while (c.remaining >= headerSize) {
    const type = c.u8();
    const size = c.u16();
    const flags = c.u8();
    if (ohFlags & 0x04) c.u16();
    const offset = c.address + c.pos;
    const data = c.take(size);
    if (type === MSG.CONTINUATION) pending.push(continuation(data, offset, c));
    else if (type !== MSG.NIL) out.push({ type, flags, data, offset });
  }
}
