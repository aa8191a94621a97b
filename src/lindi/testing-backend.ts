// Test support: a LindiBackend held in memory, faithful to the interface (chunks of 1000 bytes or
// more become "./blobs/<key>" files, smaller ones inline; flush keeps a deep copy of what would be
// written), so the h5py-like API can be tested without a tar or folder on disk.
//
//   const b = new MemoryBackend({ refs: { ".zgroup": { zarr_format: 2 } } }, true);
//   const f = LindiFile.fromBackend(b);        // or: const { b, f } = memoryFile();
//   b.flushed;   // the rfs as last flushed

import type { BackendKind, LindiBackend } from "./backend.ts";
import { LindiFile } from "./file.ts";
import { LindiError } from "./errors.ts";
import { BLOB_MIN_SIZE, blobName, internalName } from "./internal-name.ts";
import { encodeInline, type RefValue, type Rfs } from "./refs.ts";

export class MemoryBackend implements LindiBackend {
  readonly location = "memory";
  readonly kind: BackendKind = "tar";
  readonly files = new Map<string, Uint8Array>();
  flushed: Rfs | undefined;
  flushes = 0;
  closed = false;

  constructor(
    readonly rfs: Rfs,
    readonly writable: boolean,
  ) {}

  async readInternal(name: string, offset: number, length: number): Promise<Uint8Array> {
    const f = this.files.get(internalName(name));
    if (!f) throw new LindiError(`memory: no ${name}`);
    if (offset + length > f.length) throw new LindiError(`memory: ${name} holds ${f.length} bytes`);
    return f.slice(offset, offset + length);
  }

  async putChunk(key: string, bytes: Uint8Array): Promise<RefValue> {
    if (!this.writable) throw new LindiError("memory: read-only");
    if (bytes.length < BLOB_MIN_SIZE) return encodeInline(bytes);
    const name = await blobName(key, (n) => this.files.has(n));
    this.files.set(name, bytes.slice());
    return [`./${name}`, 0, bytes.length];
  }

  async flush(rfs: Rfs): Promise<void> {
    if (!this.writable) throw new LindiError("memory: read-only");
    this.flushed = JSON.parse(JSON.stringify(rfs)) as Rfs;
    this.flushes++;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A writable LindiFile over a fresh MemoryBackend holding an empty root group. */
export function memoryFile(): { b: MemoryBackend; f: LindiFile } {
  const b = new MemoryBackend({ refs: { ".zgroup": { zarr_format: 2 } } }, true);
  return { b, f: LindiFile.fromBackend(b) };
}
