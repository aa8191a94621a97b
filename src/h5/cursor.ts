// Little-endian field decoding over a byte slice that came from a known file address, with the
// file's "size of offsets" and "size of lengths"; every overrun is an H5FormatError naming the
// absolute offset.
//
//   const c = new Cursor(bytes, address, sizes);
//   const version = c.u8(); const addr = c.offset(); // UNDEF when all bits are set

import { H5FormatError } from "./errors.ts";

/** The "undefined address" (all bits set). */
export const UNDEF = -1;

export interface Sizes {
  /** Size of offsets (addresses) in bytes. */
  so: number;
  /** Size of lengths in bytes. */
  sl: number;
}

export class Cursor {
  pos = 0;
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    /** Absolute file address of bytes[0] (for error messages). */
    readonly address: number,
    readonly sizes: Sizes,
    readonly path?: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  fail(detail: string): never {
    throw new H5FormatError(detail, { path: this.path, offset: this.address + this.pos });
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.bytes.length) this.fail(`structure truncated (need ${n} more bytes)`);
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.pos++);
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  /** An unsigned little-endian integer of n bytes (n <= 8) as a number; UNDEF when all bits are set
   *  (for n >= 4, or any n when `allOnesIsUndef`: addresses and lengths). */
  uint(n: number, allOnesIsUndef = n >= 4): number {
    this.need(n);
    let v = 0;
    let allOnes = n > 0;
    for (let i = n - 1; i >= 0; i--) {
      const b = this.bytes[this.pos + i];
      if (b !== 0xff) allOnes = false;
      v = v * 256 + b;
    }
    this.pos += n;
    if (allOnes && allOnesIsUndef) return UNDEF;
    if (!Number.isSafeInteger(v)) this.fail(`integer too large (${v})`);
    return v;
  }
  u64(): number {
    return this.uint(8);
  }
  offset(): number {
    return this.uint(this.sizes.so, true);
  }
  length(): number {
    return this.uint(this.sizes.sl, true);
  }
  take(n: number): Uint8Array {
    this.need(n);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  align(n: number, from = 0): void {
    const rel = this.pos - from;
    const pad = (n - (rel % n)) % n;
    this.pos = Math.min(this.pos + pad, this.bytes.length);
  }
  signature(sig: string): void {
    const got = String.fromCharCode(...this.take(sig.length));
    if (got !== sig) {
      this.pos -= sig.length;
      this.fail(`expected signature ${sig}, found ${JSON.stringify(got)}`);
    }
  }
  /** A NUL-terminated string (the NUL is consumed). */
  cstring(): string {
    const end = this.bytes.indexOf(0, this.pos);
    if (end < 0) this.fail("unterminated string");
    const s = utf8(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
}

const decoder = new TextDecoder("utf-8");
export function utf8(b: Uint8Array): string {
  return decoder.decode(b);
}

/** Bytes needed to encode the unsigned integer n (at least 1). */
export function bytesNeeded(n: number): number {
  let b = 1;
  while (n >= 256) {
    n = Math.floor(n / 256);
    b++;
  }
  return b;
}
