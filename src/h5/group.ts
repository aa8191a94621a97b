// A group's links, in the three storage forms: old-style symbol table (v1 B-tree + SNOD nodes +
// local heap), compact link messages in the object header, and dense storage (link-info message
// -> fractal heap of link messages, v2 B-tree name index). Hard, soft and external links.
//
//   const links = await readLinks(ctx, objectHeader, "/acquisition");
//   // [{ name: "ts", kind: "hard", address: 4242 }, { name: "alias", kind: "soft", target: "/a/b" }]

import { groupNodes } from "./btree-v1.ts";
import { readBtreeV2 } from "./btree-v2.ts";
import type { H5Context } from "./context.ts";
import { Cursor, UNDEF, utf8 } from "./cursor.ts";
import { H5FormatError, H5UnsupportedError } from "./errors.ts";
import { readFractalHeap } from "./fractal-heap.ts";
import { readLocalHeap } from "./local-heap.ts";
import { MSG, type ObjectHeader } from "./object-header.ts";
import { readSymbolTableEntry } from "./superblock.ts";

export type Link =
  | { name: string; kind: "hard"; address: number; order?: number }
  | { name: string; kind: "soft"; target: string; order?: number }
  | { name: string; kind: "external"; file: string; target: string; order?: number };

/** True when the header describes a group (symbol table, link info or link messages, or nothing dataset-like). */
export function isGroupHeader(oh: ObjectHeader): boolean {
  return oh.messages.some((m) => m.type === MSG.SYMBOL_TABLE || m.type === MSG.LINK_INFO || m.type === MSG.LINK || m.type === MSG.GROUP_INFO);
}

export function parseLinkMessage(c: Cursor): Link {
  const version = c.u8();
  if (version !== 1) c.fail(`link message version ${version}`);
  const flags = c.u8();
  const type = flags & 0x08 ? c.u8() : 0;
  const order = flags & 0x04 ? c.u64() : undefined;
  if (flags & 0x10) c.u8(); // name character set
  const nameLen = c.uint(1 << (flags & 3));
  const name = utf8(c.take(nameLen));
  if (type === 0) return { name, kind: "hard", address: c.offset(), order };
  if (type === 1) {
    const n = c.u16();
    return { name, kind: "soft", target: utf8(c.take(n)), order };
  }
  if (type === 64) {
    const n = c.u16();
    const v = new Cursor(c.take(n), c.address + c.pos - n, c.sizes, c.path);
    v.u8(); // version and flags
    const file = v.cstring();
    const target = v.cstring();
    return { name, kind: "external", file, target, order };
  }
  throw new H5UnsupportedError(`user-defined link type ${type} (${name})`, { path: c.path, offset: c.address });
}

async function symbolTableLinks(ctx: H5Context, c: Cursor, path?: string): Promise<Link[]> {
  const btree = c.offset();
  const heapAddress = c.offset();
  const heap = await readLocalHeap(ctx, heapAddress, path);
  const out: Link[] = [];
  const entrySize = 2 * ctx.sizes.so + 24;
  for (const node of await groupNodes(ctx, btree, path)) {
    const head = await ctx.cursor(node, 8, "symbol table node", path);
    head.signature("SNOD");
    const version = head.u8();
    if (version !== 1) head.fail(`symbol table node version ${version}`);
    head.skip(1);
    const n = head.u16();
    const ec = await ctx.cursor(node + 8, n * entrySize, "symbol table node", path);
    for (let i = 0; i < n; i++) {
      const e = readSymbolTableEntry(ec);
      const name = heap.string(e.nameOffset);
      if (e.cacheType === 2 && e.linkOffset !== undefined) out.push({ name, kind: "soft", target: heap.string(e.linkOffset) });
      else out.push({ name, kind: "hard", address: e.objectAddress });
    }
  }
  return out;
}

function byName(a: Link, b: Link): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The links of a group, in h5py's order (name order; creation order when the group tracks it). */
export async function readLinks(ctx: H5Context, oh: ObjectHeader, path?: string): Promise<Link[]> {
  const st = oh.messages.find((m) => m.type === MSG.SYMBOL_TABLE);
  if (st) return (await symbolTableLinks(ctx, new Cursor(st.data, st.offset, ctx.sizes, path), path)).sort(byName);
  const links: Link[] = [];
  for (const m of oh.messages) if (m.type === MSG.LINK) links.push(parseLinkMessage(new Cursor(m.data, m.offset, ctx.sizes, path)));
  let tracked = false;
  const info = oh.messages.find((m) => m.type === MSG.LINK_INFO);
  if (info) {
    const c = new Cursor(info.data, info.offset, ctx.sizes, path);
    const version = c.u8();
    if (version !== 0) c.fail(`link info version ${version}`);
    const flags = c.u8();
    tracked = (flags & 1) !== 0;
    if (flags & 1) c.u64();
    const heapAddress = c.offset();
    const nameIndex = c.offset();
    if (heapAddress !== UNDEF && nameIndex !== UNDEF) {
      const heap = await readFractalHeap(ctx, heapAddress, path);
      const tree = await readBtreeV2(ctx, nameIndex, path);
      if (tree.type !== 5) throw new H5FormatError(`dense link name index has record type ${tree.type}`, { path });
      for (const rec of tree.records) {
        const bytes = await heap.get(rec.subarray(4, 4 + heap.heapIdLength));
        links.push(parseLinkMessage(new Cursor(bytes, 0, ctx.sizes, path)));
      }
    }
  }
  if (tracked && links.every((l) => l.order !== undefined)) return links.sort((a, b) => a.order! - b.order!);
  return links.sort(byName);
}
