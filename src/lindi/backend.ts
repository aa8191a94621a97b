// Where a LINDI file lives, behind one small interface: a single .lindi.json, a .lindi.tar
// (LINDI's growable tar) or a .lindi.d folder, local or (read-only) over HTTP. The h5py-like API
// (file.ts) keeps the reference file system in memory and asks the backend only to store new
// chunks and to persist the refs.
//
//   const b = await openBackend("x.lindi.tar", "r+");   // open-backend.ts; json-, tar-, dir-backend.ts implement this
//   b.rfs.refs["a/0"] = await b.putChunk("a/0", bytes);
//   await b.flush(b.rfs);
//   await b.close();

import type { RefValue, Rfs } from "./refs.ts";

/** h5py's modes: r (must exist), r+ (must exist, writable), w (create or truncate), w-/x (create, fail if it exists), a (create if missing). */
export type OpenMode = "r" | "r+" | "w" | "w-" | "x" | "a";

export type BackendKind = "json" | "tar" | "dir";

export interface LindiBackend {
  /** The path or URL it was opened from. */
  readonly location: string;
  readonly kind: BackendKind;
  readonly writable: boolean;
  /** The reference file system as stored: "./blobs/…" refs are left as they are. */
  readonly rfs: Rfs;
  /** Bytes behind a "./name" ref inside this tar or folder. */
  readInternal(name: string, offset: number, length: number): Promise<Uint8Array>;
  /**
   * Store one chunk and return the value to put in `rfs.refs[key]`: an inline string where LINDI
   * keeps it inline (.lindi.json, or chunks under 1000 bytes), else ["./blobs/<key>", 0, size].
   */
  putChunk(key: string, bytes: Uint8Array): Promise<RefValue>;
  /** Persist `rfs` (tar: lindi.json rewritten in place, or trashed and appended when it outgrows its room). */
  flush(rfs: Rfs): Promise<void>;
  close(): Promise<void>;
}
