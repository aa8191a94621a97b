// Where bytes live, behind one small interface: a local folder, S3 and S3-compatible servers,
// Azure Blob, GCS. Keys are "/"-separated, relative to the store's root (its prefix); the
// versions layer (src/versions) and push/pull only ever talk to a Store.
//
//   const store = await openStore("s3://bucket/lab/ds");
//   await store.write("objects/ab/abcd…", bytes, { sha256: "abcd…" });
//   const head = await store.stat("versions/latest_version.json");   // undefined when absent

export interface ObjectInfo {
  key: string;
  size: number;
  /** The store's entity tag (opaque; changes whenever the object does). */
  etag?: string;
  modified?: Date;
}

export interface ListResult {
  objects: ObjectInfo[];
  /** With a delimiter: the "folders" one level below the prefix, each ending with the delimiter. */
  prefixes: string[];
  /** Set when the listing stopped at `limit`: more objects may exist under the prefix. */
  truncated?: boolean;
}

export interface ListOptions {
  delimiter?: string;
  /**
   * Stop once at least this many objects are listed (a store may list them all anyway): lets a
   * caller try a listing where it pays and fall back to stat() where the prefix is too big.
   */
  limit?: number;
}

export interface WriteOptions {
  /** Hex sha256 of the content: the store verifies it (S3 x-amz-checksum-sha256, or after writing). */
  sha256?: string;
  contentType?: string;
  /** Write only when no object has this key (If-None-Match: *); else throw PreconditionFailedError. */
  ifAbsent?: boolean;
  /** Write only when the current object has this etag; else throw PreconditionFailedError. */
  ifMatch?: string;
}

export type Body = Uint8Array | { path: string; size: number };

export interface Store {
  /** A URI that names this store without credentials (safe to print). */
  readonly uri: string;
  /** Every object under `prefix` (recursively), or one level of it with `delimiter: "/"`. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** The whole object; NotFoundError when absent. */
  read(key: string): Promise<Uint8Array>;
  /** `length` bytes from `offset`. */
  readRange(key: string, offset: number, length: number): Promise<Uint8Array>;
  /** Bytes in memory, or a local file streamed (multipart when large). */
  write(key: string, body: Body, opts?: WriteOptions): Promise<ObjectInfo>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}
