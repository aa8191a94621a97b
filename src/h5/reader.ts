// Where HDF5 bytes come from: an async byte-range reader, so the same parser can read a local file,
// an in-memory buffer, or (later) HTTP/S3 ranges. The local-file reader keeps a small LRU cache of
// fixed-size blocks, since metadata parsing makes many small reads close to each other.
//
//   const reader = await LocalFileReader.open("/data/x.nwb");
//   const bytes = await reader.read(0, 8);   // Uint8Array of 8 bytes
//   await reader.close();

import { open, type FileHandle } from "node:fs/promises";
import { H5FormatError } from "./errors.ts";

export interface RangeReader {
  /** Total size of the file in bytes. */
  readonly size: number;
  /** Exactly `length` bytes from `offset`; throws when the range passes the end of the file. */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

function checkRange(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new H5FormatError(`read of ${length} bytes past the end of the file (size ${size})`, { offset });
  }
}

/** A reader over bytes already in memory. */
export class BufferReader implements RangeReader {
  readonly size: number;
  constructor(private readonly bytes: Uint8Array) {
    this.size = bytes.length;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    return this.bytes.subarray(offset, offset + length);
  }
  async close(): Promise<void> {}
}

export interface LocalFileReaderOptions {
  /** Cache block size in bytes (default 64 KiB). */
  blockSize?: number;
  /** Number of blocks kept (default 128, i.e. 8 MiB). */
  maxBlocks?: number;
}

/** A local file read through one file handle and an LRU block cache. */
export class LocalFileReader implements RangeReader {
  private readonly blocks = new Map<number, Uint8Array>();
  private readonly loading = new Map<number, Promise<Uint8Array>>();
  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    private readonly blockSize: number,
    private readonly maxBlocks: number,
  ) {}

  static async open(path: string, opts: LocalFileReaderOptions = {}): Promise<LocalFileReader> {
    const fh = await open(path, "r");
    try {
      const { size } = await fh.stat();
      return new LocalFileReader(fh, size, opts.blockSize ?? 65536, opts.maxBlocks ?? 128);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  private block(i: number): Promise<Uint8Array> {
    const hit = this.blocks.get(i);
    if (hit) {
      this.blocks.delete(i);
      this.blocks.set(i, hit);
      return Promise.resolve(hit);
    }
    // concurrent readers of one block (a B-tree's sibling nodes, read side by side) share one read
    let p = this.loading.get(i);
    if (!p) {
      p = this.load(i).finally(() => this.loading.delete(i));
      this.loading.set(i, p);
    }
    return p;
  }

  private async load(i: number): Promise<Uint8Array> {
    const start = i * this.blockSize;
    const len = Math.min(this.blockSize, this.size - start);
    const buf = new Uint8Array(len);
    let got = 0;
    while (got < len) {
      const { bytesRead } = await this.fh.read(buf, got, len - got, start + got);
      if (bytesRead === 0) throw new H5FormatError("file shrank while reading", { offset: start + got });
      got += bytesRead;
    }
    this.blocks.set(i, buf);
    if (this.blocks.size > this.maxBlocks) this.blocks.delete(this.blocks.keys().next().value as number);
    return buf;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    const bs = this.blockSize;
    const first = Math.floor(offset / bs);
    const last = Math.floor((offset + Math.max(length, 1) - 1) / bs);
    if (first === last) {
      const b = await this.block(first);
      return b.subarray(offset - first * bs, offset - first * bs + length);
    }
    if (length > bs * 4) {
      // big reads (chunk data) bypass the cache
      const buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await this.fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) throw new H5FormatError("file shrank while reading", { offset: offset + got });
        got += bytesRead;
      }
      return buf;
    }
    const out = new Uint8Array(length);
    for (let i = first; i <= last; i++) {
      const b = await this.block(i);
      const from = Math.max(offset, i * bs);
      const to = Math.min(offset + length, i * bs + b.length);
      out.set(b.subarray(from - i * bs, to - i * bs), from - offset);
    }
    return out;
  }

  async close(): Promise<void> {
    this.blocks.clear();
    await this.fh.close();
  }
}
