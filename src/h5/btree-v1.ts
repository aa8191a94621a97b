// Version 1 B-trees ("TREE"): type 0 indexes an old-style group's symbol-table nodes, type 1 a
// chunked dataset's chunks (layout versions 1-3, the h5py/pynwb default).
//
//   const snods = await groupNodes(ctx, btreeAddress, "/g");           // SNOD addresses
//   const chunks = await chunkRecords(ctx, btreeAddress, 2, "/data");   // [{ offset, address, size, filterMask }]

import type { H5Context } from "./context.ts";
import { UNDEF } from "./cursor.ts";
import { H5FormatError } from "./errors.ts";

export interface ChunkRecord {
  /** Element offset of the chunk's first element, one per dataset dimension. */
  offset: number[];
  /** Absolute file offset of the (filtered) chunk bytes. */
  address: number;
  size: number;
  filterMask: number;
}

interface Node<K> {
  level: number;
  keys: K[];
  children: number[];
}

async function readNode<K>(
  ctx: H5Context,
  address: number,
  type: number,
  keySize: number,
  readKey: (c: import("./cursor.ts").Cursor) => K,
  path?: string,
): Promise<Node<K>> {
  const { so } = ctx.sizes;
  const head = await ctx.cursor(address, 8 + 2 * so, "v1 B-tree node", path);
  head.signature("TREE");
  const t = head.u8();
  if (t !== type) head.fail(`v1 B-tree node type ${t}, expected ${type}`);
  const level = head.u8();
  const n = head.u16();
  const c = await ctx.cursor(address + 8 + 2 * so, n * (keySize + so) + keySize, "v1 B-tree node", path);
  const keys: K[] = [];
  const children: number[] = [];
  for (let i = 0; i < n; i++) {
    keys.push(readKey(c));
    children.push(c.offset());
  }
  keys.push(readKey(c));
  return { level, keys, children };
}

async function walk<K>(
  ctx: H5Context,
  root: number,
  type: number,
  keySize: number,
  readKey: (c: import("./cursor.ts").Cursor) => K,
  leaf: (key: K, child: number) => void,
  path?: string,
): Promise<void> {
  const seen = new Set<number>();
  async function visit(address: number, expectLevel: number | undefined): Promise<void> {
    if (seen.has(address)) throw new H5FormatError("v1 B-tree has a cycle", { path, offset: ctx.abs(address) });
    seen.add(address);
    const node = await (pending.get(address) ?? readNode(ctx, address, type, keySize, readKey, path));
    pending.delete(address);
    if (expectLevel !== undefined && node.level !== expectLevel) {
      throw new H5FormatError(`v1 B-tree node level ${node.level}, expected ${expectLevel}`, { path, offset: ctx.abs(address) });
    }
    if (node.level > 0) {
      // Ask for all children at once, then visit them in order: over HTTP their reads share
      // requests and run side by side instead of one round trip per node.
      for (const child of node.children) {
        if (child === UNDEF || seen.has(child) || pending.has(child)) continue;
        const p = readNode(ctx, child, type, keySize, readKey, path);
        p.catch(() => {}); // awaited (and thrown) when visited
        pending.set(child, p);
      }
    }
    for (let i = 0; i < node.children.length; i++) {
      if (node.children[i] === UNDEF) continue;
      if (node.level === 0) leaf(node.keys[i], node.children[i]);
      else await visit(node.children[i], node.level - 1);
    }
  }
  const pending = new Map<number, Promise<Node<K>>>();
  if (root !== UNDEF) await visit(root, undefined);
}

/** Addresses of the symbol-table nodes (SNOD) of an old-style group, in name order. */
export async function groupNodes(ctx: H5Context, root: number, path?: string): Promise<number[]> {
  const out: number[] = [];
  const sl = ctx.sizes.sl;
  await walk(ctx, root, 0, sl, (c) => c.length(), (_k, child) => out.push(child), path);
  return out;
}

/** Every chunk of a chunked dataset of `rank` dimensions. */
export async function chunkRecords(ctx: H5Context, root: number, rank: number, path?: string): Promise<ChunkRecord[]> {
  const out: ChunkRecord[] = [];
  const keySize = 8 + 8 * (rank + 1);
  // one object per chunk: the key read from the node becomes the record (a million chunks make
  // a million of these, so no intermediate key objects or sliced arrays)
  await walk<ChunkRecord>(
    ctx,
    root,
    1,
    keySize,
    (c) => {
      const size = c.u32();
      const filterMask = c.u32();
      const offset = new Array<number>(rank);
      for (let i = 0; i < rank; i++) offset[i] = c.u64();
      c.skip(8); // the element-size "dimension"
      return { offset, address: 0, size, filterMask };
    },
    (k, child) => {
      k.address = ctx.abs(child);
      out.push(k);
    },
    path,
  );
  return out;
}
