// The bytes behind a LINDI chunk ref [url, offset, length] (templates already expanded): http(s)
// URLs through one pooled HttpRangeReader per URL (no size probe, so one chunk costs one request),
// local paths (absolute, file://, or relative to a base folder) through pooled LocalFileReaders.
// Relative refs in a remote LINDI file are an error, as in LINDI.
//
//   const refs = new RefReader({ base: "/data" });            // or { base: "https://host/x.lindi.json" }
//   const bytes = await refs.read("https://host/x.nwb", 4096, 1000);
//   await refs.close();

import { isAbsolute, resolve } from "node:path";
import { HttpRangeReader, type HttpRangeReaderOptions } from "../h5/http-reader.ts";
import { isHttpUrl, localPath } from "../h5/open-reader.ts";
import { LocalFileReader, type RangeReader } from "../h5/reader.ts";
import { safeUrl } from "../h5/errors.ts";
import { TroveError } from "../errors.ts";
import { LindiError } from "./errors.ts";

export interface RefReaderOptions {
  /**
   * What relative refs resolve against: a local folder (default: the working directory), or the
   * http(s) URL of the LINDI file itself, which makes relative refs an error.
   */
  base?: string;
  /** Options for the HTTP readers (defaults below suit chunk reads). */
  http?: HttpRangeReaderOptions;
}

/**
 * Chunks are read once each, usually: a small block cache per URL still pays when neighbouring
 * small chunks share a block, but anything above one block goes straight through.
 */
const CHUNK_HTTP_DEFAULTS: HttpRangeReaderOptions = { blockSize: 65536, bypassBytes: 65536, cacheBytes: 4 << 20 };

export class RefReader {
  private readonly readers = new Map<string, Promise<RangeReader>>();
  private closed = false;

  constructor(private readonly opts: RefReaderOptions = {}) {}

  /** Exactly `length` bytes at `offset` of the file a ref names; `key` names the ref in errors. */
  async read(url: string, offset: number, length: number, key?: string): Promise<Uint8Array> {
    if (this.closed) throw new LindiError(`ref ${key ?? url}: the LINDI file is closed`);
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new LindiError(`ref ${key ?? url}: bad offset ${offset} or length ${length}`);
    }
    const reader = await this.reader(url, key);
    try {
      return await reader.read(offset, length);
    } catch (e) {
      // the reader knows the offset, the user needs the ref and the file too
      const where = `ref ${key ?? url}: ${safeUrl(url)}`;
      if (e instanceof TroveError && !e.message.startsWith(where)) e.message = `${where}: ${e.message}`;
      throw e;
    }
  }

  /**
   * Let refs to `url` read through an already open reader (the tar a LINDI file was opened from,
   * with its first blocks cached); the RefReader closes it.
   */
  adopt(url: string, reader: RangeReader): void {
    this.readers.set(this.keyFor(url), Promise.resolve(reader));
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.readers.values()];
    this.readers.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.close()));
  }

  private keyFor(url: string, key?: string): string {
    if (isHttpUrl(url)) return url;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^file:\/\//i.test(url)) throw new LindiError(`ref ${key ?? url}: unsupported URL scheme (${safeUrl(url)})`);
    const p = localPath(url);
    if (isAbsolute(p)) return p;
    const base = this.opts.base;
    if (base !== undefined && isHttpUrl(base)) {
      throw new LindiError(`ref ${key ?? url}: relative ref "${url}" in a remote LINDI file (${safeUrl(base)}); LINDI allows relative refs only in local files`);
    }
    return resolve(base ?? ".", p);
  }

  private reader(url: string, key?: string): Promise<RangeReader> {
    const k = this.keyFor(url, key);
    let p = this.readers.get(k);
    if (!p) {
      p = isHttpUrl(k) ? Promise.resolve(HttpRangeReader.unsized(k, { ...CHUNK_HTTP_DEFAULTS, ...this.opts.http })) : LocalFileReader.open(k);
      this.readers.set(k, p);
      // a file that failed to open is tried again next time, not remembered as failed
      p.catch(() => this.readers.get(k) === p && this.readers.delete(k));
    }
    return p;
  }
}
