// The superblock: where an HDF5 file starts (offset 0, 512, 1024, ...), its address/length sizes,
// base address and root group. Versions 0 and 1 carry the root group's symbol-table entry;
// versions 2 and 3 the root object header address and a checksum.
//
//   const sb = await readSuperblock(reader);
//   sb.version; sb.sizes.so; sb.rootAddress;

import { checksumOk } from "./checksum.ts";
import { Cursor } from "./cursor.ts";
import { H5FormatError, H5UnsupportedError } from "./errors.ts";
import type { RangeReader } from "./reader.ts";

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export interface SymbolTableEntry {
  nameOffset: number;
  objectAddress: number;
  cacheType: number;
  /** Cache type 1: the group's B-tree and local heap addresses. */
  btreeAddress?: number;
  heapAddress?: number;
  /** Cache type 2: offset of the soft link value in the local heap. */
  linkOffset?: number;
}

export interface Superblock {
  version: number;
  /** Absolute offset of the signature. */
  offset: number;
  sizes: { so: number; sl: number };
  baseAddress: number;
  eofAddress: number;
  rootAddress: number;
  rootEntry?: SymbolTableEntry;
  extensionAddress?: number;
}

export function readSymbolTableEntry(c: Cursor): SymbolTableEntry {
  const nameOffset = c.length();
  const objectAddress = c.offset();
  const cacheType = c.u32();
  c.skip(4);
  const scratch = c.pos;
  const e: SymbolTableEntry = { nameOffset, objectAddress, cacheType };
  if (cacheType === 1) {
    e.btreeAddress = c.offset();
    e.heapAddress = c.offset();
  } else if (cacheType === 2) {
    e.linkOffset = c.u32();
  }
  c.pos = scratch + 16;
  return e;
}

async function findSignature(reader: RangeReader): Promise<number> {
  for (let at = 0; at + 8 <= reader.size; at = at === 0 ? 512 : at * 2) {
    const b = await reader.read(at, 8);
    if (SIGNATURE.every((v, i) => b[i] === v)) return at;
  }
  throw new H5FormatError("not an HDF5 file (no superblock signature at 0, 512, 1024, ...)");
}

export async function readSuperblock(reader: RangeReader): Promise<Superblock> {
  const offset = await findSignature(reader);
  const head = await reader.read(offset, Math.min(256, reader.size - offset));
  const c = new Cursor(head, offset, { so: 8, sl: 8 });
  c.skip(8);
  const version = c.u8();
  if (version === 0 || version === 1) {
    c.skip(3); // free-space, root symbol table entry and shared header versions
    c.skip(1);
    const so = c.u8();
    const sl = c.u8();
    checkSizes(so, sl, offset);
    c.skip(1);
    c.skip(4); // group leaf/internal node K
    c.skip(4); // consistency flags
    if (version === 1) c.skip(4); // indexed storage K + reserved
    const sc = new Cursor(head.subarray(c.pos), offset + c.pos, { so, sl });
    const baseAddress = sc.offset();
    sc.offset(); // free-space info address
    const eofAddress = sc.offset();
    sc.offset(); // driver information block
    const rootEntry = readSymbolTableEntry(sc);
    return { version, offset, sizes: { so, sl }, baseAddress, eofAddress, rootAddress: rootEntry.objectAddress, rootEntry };
  }
  if (version === 2 || version === 3) {
    const so = c.u8();
    const sl = c.u8();
    checkSizes(so, sl, offset);
    c.skip(1); // flags
    const sc = new Cursor(head.subarray(c.pos), offset + c.pos, { so, sl });
    const baseAddress = sc.offset();
    const extensionAddress = sc.offset();
    const eofAddress = sc.offset();
    const rootAddress = sc.offset();
    const end = c.pos + sc.pos + 4;
    if (!checksumOk(head.subarray(0, end))) throw new H5FormatError("superblock checksum mismatch", { offset });
    return { version, offset, sizes: { so, sl }, baseAddress, eofAddress, rootAddress, extensionAddress };
  }
  throw new H5UnsupportedError(`superblock version ${version}`, { offset });
}

function checkSizes(so: number, sl: number, offset: number): void {
  if (![2, 4, 8].includes(so) || ![2, 4, 8].includes(sl)) {
    throw new H5FormatError(`superblock: unsupported size of offsets ${so} / lengths ${sl}`, { offset });
  }
}
