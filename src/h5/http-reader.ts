// HDF5 (or any) bytes over HTTP(S) with Range requests: an aligned-block LRU cache so metadata
// parsing costs few round trips, one request per read() however many uncached blocks it spans,
// shared in-flight requests, big reads straight through, retries with backoff on network errors
// and 5xx/429, a timeout per request, and refusal of servers that ignore Range or cut bodies short.
//
//   const r = await HttpRangeReader.open("https://host/x.nwb", { timeoutMs: 10_000 });
//   const head = await r.read(0, 8);        // the first request also fetched the first block
//   r.stats;                                // { requests: 1, bytes: 65536, retries: 0 }
//   await r.close();

import { H5FormatError, H5RemoteError, safeUrl } from "./errors.ts";
import type { RangeReader } from "./reader.ts";

export interface HttpRangeReaderOptions {
  /** Cache block size in bytes (default 64 KiB). */
  blockSize?: number;
  /** Bytes of blocks kept (default 16 MiB). */
  cacheBytes?: number;
  /** Reads longer than this skip the cache and fetch exactly their range (default 4 blocks). */
  bypassBytes?: number;
  /** Further attempts after a network error, 5xx or 429 (default 3). */
  retries?: number;
  /** First backoff delay; doubles on each retry (default 100 ms). */
  retryDelayMs?: number;
  /** Limit for one request, body included (default 30 s). */
  timeoutMs?: number;
  /** Requests in flight at once; more wait their turn (default 8). */
  maxConcurrency?: number;
  /** Extra request headers (an Authorization header, say). */
  headers?: Record<string, string>;
  /**
   * The file size when the caller knows it. Without it `open` learns it from its first request,
   * and `unsized` from whichever request comes first.
   */
  size?: number;
}

export interface HttpStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Body bytes received. */
  bytes: number;
  /** Requests that were retries of a failed one. */
  retries: number;
}

/** A fetch outcome that may go better on another attempt. */
class Transient extends Error {}

/** A 200 answer to a range request is accepted only when it is the whole file and no longer than asked. */
interface Got {
  bytes: Uint8Array;
  total: number;
}

export class HttpRangeReader implements RangeReader {
  readonly stats: HttpStats = { requests: 0, bytes: 0, retries: 0 };
  private readonly blocks = new Map<number, Uint8Array>();
  private cached = 0;
  private readonly inflight = new Map<number, Promise<Uint8Array>>();
  private readonly controllers = new Set<AbortController>();
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly blockSize: number;
  private readonly cacheBytes: number;
  private readonly bypassBytes: number;
  private total: number | undefined;
  private closed = false;
  /** The URL as error messages show it. */
  readonly shownUrl: string;
  private readonly target: string;
  private readonly headers: Record<string, string>;

  private constructor(
    readonly url: string,
    private readonly opts: HttpRangeReaderOptions,
  ) {
    this.blockSize = opts.blockSize ?? 65536;
    this.cacheBytes = opts.cacheBytes ?? 16 << 20;
    this.bypassBytes = opts.bypassBytes ?? this.blockSize * 4;
    this.total = opts.size;
    this.shownUrl = safeUrl(url);
    // fetch refuses URLs with user:password@; send them as Basic auth, as curl does
    const u = new URL(url);
    if (u.username || u.password) {
      const auth = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString("base64");
      this.headers = { authorization: `Basic ${auth}`, ...opts.headers };
      u.username = "";
      u.password = "";
      this.target = u.toString();
    } else {
      this.headers = opts.headers ?? {};
      this.target = url;
    }
  }

  /**
   * Open, learning the size unless `opts.size` gives it: the first block is fetched with a range
   * GET whose Content-Range gives the size (no HEAD: presigned URLs are often signed for GET only,
   * and the superblock or ustar header is read from that block next, so it costs nothing extra).
   */
  static async open(url: string, opts: HttpRangeReaderOptions = {}): Promise<HttpRangeReader> {
    const r = new HttpRangeReader(url, opts);
    if (r.total === undefined) await r.block(0);
    return r;
  }

  /** A reader that sends nothing until the first read (the size is learned then): for chunk refs. */
  static unsized(url: string, opts: HttpRangeReaderOptions = {}): HttpRangeReader {
    return new HttpRangeReader(url, opts);
  }

  /** Total size in bytes (NaN on an `unsized` reader before its first request). */
  get size(): number {
    return this.total ?? NaN;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (this.closed) throw new H5RemoteError("read after close", { url: this.shownUrl, offset });
    const end = offset + length;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || (this.total !== undefined && end > this.total)) {
      throw new H5FormatError(`read of ${length} bytes past the end of ${this.shownUrl} (size ${this.size})`, { offset });
    }
    if (length === 0) return new Uint8Array(0);
    if (length > this.bypassBytes) return (await this.fetchRange(offset, end, true)).bytes;
    const bs = this.blockSize;
    const first = Math.floor(offset / bs);
    const last = Math.floor((end - 1) / bs);
    this.startMissing(first, last);
    if (first === last) {
      const b = await this.block(first);
      return this.slice(b, offset - first * bs, length, offset);
    }
    const out = new Uint8Array(length);
    for (let i = first; i <= last; i++) {
      const b = await this.block(i);
      const from = Math.max(offset, i * bs);
      const to = Math.min(end, i * bs + bs);
      out.set(this.slice(b, from - i * bs, to - from, from), from - offset);
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.controllers) c.abort();
    this.blocks.clear();
    this.cached = 0;
  }

  private slice(b: Uint8Array, at: number, length: number, offset: number): Uint8Array {
    // only on an unsized reader: the read passed the end the server reported
    if (at + length > b.length) throw new H5FormatError(`read of ${length} bytes past the end of ${this.shownUrl} (size ${this.size})`, { offset });
    return b.subarray(at, at + length);
  }

  /** One request for the run of blocks first..last not cached or under way (the gaps included). */
  private startMissing(first: number, last: number): void {
    let lo = first;
    while (lo <= last && this.has(lo)) lo++;
    let hi = last;
    while (hi >= lo && this.has(hi)) hi--;
    if (lo > hi) return;
    const bs = this.blockSize;
    const end = this.total === undefined ? (hi + 1) * bs : Math.min((hi + 1) * bs, this.total);
    const run = this.fetchRange(lo * bs, end, false).then(({ bytes }) => {
      for (let i = lo; i <= hi; i++) {
        const at = (i - lo) * bs;
        if (at >= bytes.length && i > lo) break;
        this.remember(i, bytes.slice(at, Math.min(at + bs, bytes.length)));
      }
      return bytes;
    });
    for (let i = lo; i <= hi; i++) {
      if (this.has(i)) continue;
      const p = run.then((bytes) => bytes.subarray((i - lo) * bs, (i - lo + 1) * bs));
      // the caller awaiting this block sees the rejection; this stops an unhandled one meanwhile
      p.catch(() => {});
      this.inflight.set(i, p);
      void p.finally(() => {
        if (this.inflight.get(i) === p) this.inflight.delete(i);
      }).catch(() => {});
    }
  }

  private has(i: number): boolean {
    return this.blocks.has(i) || this.inflight.has(i);
  }

  private async block(i: number): Promise<Uint8Array> {
    const hit = this.blocks.get(i);
    if (hit) {
      this.blocks.delete(i);
      this.blocks.set(i, hit);
      return hit;
    }
    if (!this.inflight.has(i)) this.startMissing(i, i);
    return this.inflight.get(i)!;
  }

  private remember(i: number, b: Uint8Array): void {
    if (this.closed) return;
    const old = this.blocks.get(i);
    if (old) this.cached -= old.length;
    this.blocks.delete(i);
    this.blocks.set(i, b);
    this.cached += b.length;
    while (this.cached > this.cacheBytes && this.blocks.size > 1) {
      const [k, v] = this.blocks.entries().next().value as [number, Uint8Array];
      this.blocks.delete(k);
      this.cached -= v.length;
    }
  }

  /**
   * Bytes start..end (end exclusive) with retries. `exact`: the server must send all of them;
   * otherwise (block fetches) it may stop at the end of the file.
   */
  private async fetchRange(start: number, end: number, exact: boolean): Promise<Got> {
    const retries = this.opts.retries ?? 3;
    const delay = this.opts.retryDelayMs ?? 100;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.acquire();
        let got: Got;
        try {
          got = await this.fetchOnce(start, end, exact);
        } finally {
          this.release();
        }
        if (this.total === undefined) this.total = got.total;
        return got;
      } catch (e) {
        if (!(e instanceof Transient) || this.closed) throw e instanceof Transient ? this.remoteError(e.message, start) : e;
        if (attempt >= retries) throw this.remoteError(`${e.message}; gave up after ${attempt + 1} attempts`, start);
        this.stats.retries++;
        await new Promise((res) => setTimeout(res, delay * 2 ** attempt));
      }
    }
  }

  private async acquire(): Promise<void> {
    if (this.active < (this.opts.maxConcurrency ?? 8)) {
      this.active++;
      return;
    }
    await new Promise<void>((res) => this.waiters.push(res));
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else this.active--;
  }

  private remoteError(detail: string, offset: number, status?: number): H5RemoteError {
    return new H5RemoteError(detail, { url: this.shownUrl, offset, status });
  }

  private async fetchOnce(start: number, end: number, exact: boolean): Promise<Got> {
    const ctl = new AbortController();
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    const timer = setTimeout(() => ctl.abort(new Transient(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
    this.controllers.add(ctl);
    this.stats.requests++;
    try {
      let res: Response;
      try {
        res = await fetch(this.target, { headers: { ...this.headers, range: `bytes=${start}-${end - 1}` }, signal: ctl.signal });
      } catch (e) {
        throw this.networkError(e, ctl);
      }
      const want = end - start;
      if (res.status === 206) {
        const cr = parseContentRange(res.headers.get("content-range"));
        if (!cr || cr.start !== start) {
          ctl.abort();
          throw this.remoteError(`bad Content-Range "${res.headers.get("content-range")}" for bytes=${start}-${end - 1}`, start, 206);
        }
        const gotLen = cr.end + 1 - cr.start;
        if (gotLen > want || (gotLen < want && (exact || cr.end + 1 !== cr.total))) {
          ctl.abort();
          throw this.remoteError(`server sent bytes ${cr.start}-${cr.end}/${cr.total} for bytes=${start}-${end - 1}`, start, 206);
        }
        return { bytes: await this.body(res, gotLen, ctl, start), total: cr.total };
      }
      if (res.status === 200) {
        // The server ignored Range. Fine when the whole file is what was asked for (tiny files on
        // a plain static server); anything else would mean buffering a body of unknown size.
        const len = Number(res.headers.get("content-length") ?? NaN);
        if (start === 0 && Number.isSafeInteger(len) && len <= want && (!exact || len === want)) return { bytes: await this.body(res, len, ctl, start), total: len };
        ctl.abort();
        throw this.remoteError(`server ignored the Range header (HTTP 200 for bytes=${start}-${end - 1}); it must support range requests`, start, 200);
      }
      if (res.status === 416) {
        await res.body?.cancel().catch(() => {});
        const total = /\*\/(\d+)/.exec(res.headers.get("content-range") ?? "")?.[1];
        if (total !== undefined && start === 0 && Number(total) === 0 && !exact) return { bytes: new Uint8Array(0), total: 0 };
        throw this.remoteError(`range bytes=${start}-${end - 1} not satisfiable (HTTP 416${total !== undefined ? `, size ${total}` : ""})`, start, 416);
      }
      await res.body?.cancel().catch(() => {});
      if (res.status >= 500 || res.status === 429) throw new Transient(`HTTP ${res.status} ${res.statusText}`.trim());
      throw this.remoteError(`HTTP ${res.status} ${res.statusText}`.trim(), start, res.status);
    } finally {
      clearTimeout(timer);
      this.controllers.delete(ctl);
    }
  }

  /** Exactly `length` body bytes; a body that ends early or runs long is an error (the former retried). */
  private async body(res: Response, length: number, ctl: AbortController, start: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let got = 0;
    if (!res.body) throw new Transient(`empty body (wanted ${length} bytes)`);
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (got + value.length > length) {
          ctl.abort();
          throw this.remoteError(`body longer than the ${length} bytes announced`, start);
        }
        out.set(value, got);
        got += value.length;
        this.stats.bytes += value.length;
      }
    } catch (e) {
      if (e instanceof H5RemoteError) throw e;
      throw this.networkError(e, ctl, `body cut after ${got} of ${length} bytes`);
    } finally {
      reader.releaseLock();
    }
    if (got < length) throw new Transient(`body cut after ${got} of ${length} bytes`);
    return out;
  }

  private networkError(e: unknown, ctl: AbortController, what = "request failed"): Error {
    if (ctl.signal.aborted && ctl.signal.reason instanceof Transient) return ctl.signal.reason;
    if (this.closed) return new H5RemoteError("reader closed during a request", { url: this.shownUrl });
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    // undici reports network failures as TypeError("fetch failed", { cause }); a bare one is a bad request
    if (!cause && e instanceof TypeError && what === "request failed") return new H5RemoteError(`request refused: ${e.message}`, { url: this.shownUrl });
    return new Transient(`${what} (${cause?.code ?? cause?.message ?? (e as Error).message})`);
  }
}

function parseContentRange(v: string | null): { start: number; end: number; total: number } | undefined {
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(v?.trim() ?? "");
  if (!m) return undefined;
  const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return end >= start && end < total ? { start, end, total } : undefined;
}
