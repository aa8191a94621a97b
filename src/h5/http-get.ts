// A whole-file HTTP GET (no Range) with a timeout, retries on network errors and 5xx/429, and a
// look at the first bytes before the rest is downloaded: a LINDI opener reads a .lindi.json in one
// request, and stops at once when the head shows a tar that it should read by ranges instead.
//
//   const r = await httpGet("https://host/x.lindi.json", { stopIf: (head) => isUstar(head) });
//   if (r.stopped) { /* a tar: open it with HttpRangeReader */ } else JSON.parse(Buffer.from(r.bytes).toString());

import { H5RemoteError, safeUrl } from "./errors.ts";

export interface HttpGetOptions {
  /** Limit for the whole request, body included (default 60 s). */
  timeoutMs?: number;
  /** Further attempts after a network error, 5xx or 429 (default 3). */
  retries?: number;
  /** First backoff delay; doubles on each retry (default 100 ms). */
  retryDelayMs?: number;
  headers?: Record<string, string>;
  /** Refuse bodies longer than this (default 2 GiB). */
  maxBytes?: number;
  /** Called once with the first `peekBytes` bytes (or the whole body when shorter); true stops the download. */
  stopIf?: (head: Uint8Array) => boolean;
  /** Default 512 (a tar header). */
  peekBytes?: number;
}

export interface HttpGetResult {
  /** The body, or its head when stopIf stopped the download. */
  bytes: Uint8Array;
  stopped: boolean;
}

class Transient extends Error {}

export async function httpGet(url: string, opts: HttpGetOptions = {}): Promise<HttpGetResult> {
  const retries = opts.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      return await getOnce(url, opts);
    } catch (e) {
      if (!(e instanceof Transient)) throw e;
      const shown = safeUrl(url);
      if (attempt >= retries) throw new H5RemoteError(`${e.message}; gave up after ${attempt + 1} attempts`, { url: shown, offset: 0 });
      await new Promise((res) => setTimeout(res, (opts.retryDelayMs ?? 100) * 2 ** attempt));
    }
  }
}

async function getOnce(url: string, opts: HttpGetOptions): Promise<HttpGetResult> {
  const shown = safeUrl(url);
  const ctl = new AbortController();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const timer = setTimeout(() => ctl.abort(new Transient(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
  const fail = (e: unknown, what: string) => {
    if (ctl.signal.reason instanceof Transient) return ctl.signal.reason;
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return new Transient(`${what} (${cause?.code ?? cause?.message ?? (e as Error).message})`);
  };
  try {
    let res: Response;
    try {
      res = await fetch(url, { headers: opts.headers, signal: ctl.signal });
    } catch (e) {
      throw fail(e, "request failed");
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => {});
      if (res.status >= 500 || res.status === 429) throw new Transient(`HTTP ${res.status}`);
      throw new H5RemoteError(`HTTP ${res.status} ${res.statusText}`.trim(), { url: shown, status: res.status });
    }
    const max = opts.maxBytes ?? 2 ** 31;
    const announced = Number(res.headers.get("content-length") ?? NaN);
    if (announced > max) {
      ctl.abort();
      throw new H5RemoteError(`body of ${announced} bytes is over the ${max}-byte limit`, { url: shown });
    }
    const parts: Uint8Array[] = [];
    let got = 0;
    let peeked = !opts.stopIf;
    const peekBytes = opts.peekBytes ?? 512;
    if (!res.body) return { bytes: new Uint8Array(0), stopped: false };
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        got += value.length;
        if (got > max) {
          ctl.abort();
          throw new H5RemoteError(`body over the ${max}-byte limit`, { url: shown });
        }
        if (!peeked && got >= peekBytes) {
          peeked = true;
          const head = Buffer.concat(parts);
          if (opts.stopIf!(head.subarray(0, peekBytes))) {
            ctl.abort();
            return { bytes: new Uint8Array(head), stopped: true };
          }
        }
      }
    } catch (e) {
      if (e instanceof H5RemoteError) throw e;
      throw fail(e, `body cut after ${got} bytes`);
    }
    if (Number.isSafeInteger(announced) && got !== announced) throw new Transient(`body cut after ${got} of ${announced} bytes`);
    const bytes = new Uint8Array(Buffer.concat(parts));
    if (!peeked && opts.stopIf!(bytes)) return { bytes, stopped: true };
    return { bytes, stopped: false };
  } finally {
    clearTimeout(timer);
  }
}
