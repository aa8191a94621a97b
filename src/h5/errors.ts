// The errors the HDF5 reader throws: the file is not HDF5 or is damaged (H5FormatError), or it uses
// a part of the format this reader does not implement (H5UnsupportedError). Both name the object
// path and the file offset where they can, so a report points at the bytes.
//
//   throw new H5FormatError("bad object header signature", { path: "/acquisition", offset: 4096 });

import { TroveError } from "../errors.ts";

export interface H5Where {
  /** The HDF5 object path being read, when known. */
  path?: string;
  /** The absolute file offset of the structure being read, when known. */
  offset?: number;
}

function describe(detail: string, where: H5Where): string {
  const parts: string[] = [];
  if (where.path !== undefined) parts.push(where.path);
  if (where.offset !== undefined) parts.push(`at byte ${where.offset}`);
  return parts.length ? `${detail} (${parts.join(", ")})` : detail;
}

/** An error at a place in the file: which object (path) and which byte offset, when known. */
abstract class H5PlacedError extends TroveError {
  readonly path: string | undefined;
  readonly offset: number | undefined;
  constructor(detail: string, where: H5Where = {}) {
    super(describe(detail, where));
    this.path = where.path;
    this.offset = where.offset;
  }
}

/** The bytes are not valid HDF5: bad signature, checksum, size out of bounds, ... */
export class H5FormatError extends H5PlacedError {
  override name = "H5FormatError";
}

/** Valid HDF5 that uses a feature this reader does not implement (yet). */
export class H5UnsupportedError extends H5PlacedError {
  override name = "H5UnsupportedError";
}

/** A path that names nothing in the file. */
export class H5NotFoundError extends TroveError {
  override name = "H5NotFoundError";
}

/**
 * Reading a remote file over HTTP failed: the server refused, cut the body short, ignored Range,
 * or kept failing after the retries. Names the URL without userinfo or query string (presigned
 * URLs carry credentials there) and the offset of the read.
 */
export class H5RemoteError extends H5PlacedError {
  override name = "H5RemoteError";
  /** The URL as shown in the message (no credentials, no query). */
  readonly url: string;
  /** The HTTP status, when a response came back. */
  readonly status: number | undefined;
  constructor(detail: string, where: H5Where & { url: string; status?: number }) {
    super(`${detail}: ${where.url}`, where);
    this.url = where.url;
    this.status = where.status;
  }
}

/** A URL fit for a message: no user:password@, no ?query, no #fragment. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    u.hash = "";
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, "//").replace(/[?#].*$/, "");
  }
}
