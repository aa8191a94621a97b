// What every parser of one open HDF5 file shares: the range reader, the superblock's sizes and base
// address, and caches of parsed structures. Reads are bounded by the file length, so a damaged
// size field is an H5FormatError, never a huge allocation.
//
//   const c = await ctx.cursor(address, 16, "local heap", "/group");
//   c.signature("HEAP");

import { Cursor, type Sizes } from "./cursor.ts";
import { H5FormatError } from "./errors.ts";
import type { RangeReader } from "./reader.ts";

export class H5Context {
  /** Parsed structures keyed by kind and address (object headers, heaps, ...). */
  readonly cache = new Map<string, Promise<unknown>>();
  constructor(
    readonly reader: RangeReader,
    readonly sizes: Sizes,
    /** Base address: file addresses are relative to it. */
    readonly base: number,
  ) {}

  get fileSize(): number {
    return this.reader.size;
  }

  /** Absolute offset of a file address. */
  abs(address: number): number {
    return this.base + address;
  }

  async read(address: number, length: number, what: string, path?: string): Promise<Uint8Array> {
    const at = this.base + address;
    if (address < 0 || !Number.isSafeInteger(length) || length < 0 || at + length > this.fileSize) {
      throw new H5FormatError(`${what}: ${length} bytes at address ${address} pass the end of the file (${this.fileSize} bytes)`, {
        path,
        offset: at,
      });
    }
    return this.reader.read(at, length);
  }

  /** Up to `length` bytes, fewer when the file ends first (for structures of unknown size). */
  async readUpTo(address: number, length: number, what: string, path?: string): Promise<Uint8Array> {
    const avail = this.fileSize - (this.base + address);
    return this.read(address, Math.max(0, Math.min(length, avail)), what, path);
  }

  async cursor(address: number, length: number, what: string, path?: string): Promise<Cursor> {
    return new Cursor(await this.read(address, length, what, path), this.base + address, this.sizes, path);
  }

  async cursorUpTo(address: number, length: number, what: string, path?: string): Promise<Cursor> {
    return new Cursor(await this.readUpTo(address, length, what, path), this.base + address, this.sizes, path);
  }

  /** Memoise an async parse under a key. */
  memo<T>(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = make();
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
    }
    return p;
  }
}
