// Test support: a real node:http server on 127.0.0.1 serving local files with Range support, and
// switches to misbehave (latency, 503s, bodies cut short, Range ignored, no HEAD) so remote
// readers are tested against the failures real servers have. Every request is logged.
//
//   const srv = await startRangeServer({ files: { "/basic.h5": "test/fixtures/h5/basic.h5" } });
//   const r = await HttpRangeReader.open(srv.url("/basic.h5"));
//   srv.set({ fail503: 2 });           // the next two requests answer 503
//   srv.log.length;                    // requests so far
//   await srv.close();

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";

export interface RangeServerBehaviour {
  /** Delay before each answer, in ms. */
  latencyMs?: number;
  /** Answer the next N requests with 503. */
  fail503?: number;
  /** Send only this many body bytes of each range answer, then destroy the socket. */
  cutAfter?: number;
  /** Answer range requests with 200 and the whole file. */
  ignoreRange?: boolean;
  /** Answer HEAD with 405. */
  noHead?: boolean;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
}

export interface RangeServerOptions extends RangeServerBehaviour {
  /** URL path ("/x.h5") to local file path. */
  files?: Record<string, string>;
}

export interface LoggedRequest {
  method: string;
  path: string;
  range: string | undefined;
}

export interface RangeServer {
  readonly log: LoggedRequest[];
  /** Most requests being answered at once since the start (or resetPeak). */
  readonly peakInFlight: number;
  resetPeak(): void;
  /** The absolute URL of a path on this server. */
  url(path: string): string;
  /** Serve one more file. */
  add(path: string, file: string): void;
  /** Change how the server behaves from now on. */
  set(b: RangeServerBehaviour): void;
  /** Range requests logged for one path (GETs with a Range header). */
  rangeGets(path?: string): LoggedRequest[];
  close(): Promise<void>;
}

export async function startRangeServer(opts: RangeServerOptions = {}): Promise<RangeServer> {
  const files = new Map<string, Uint8Array>();
  for (const [p, f] of Object.entries(opts.files ?? {})) files.set(p, readFileSync(f));
  let b: RangeServerBehaviour = { ...opts };
  const log: LoggedRequest[] = [];
  let inFlight = 0;
  const stats = { peakInFlight: 0 };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    log.push({ method: req.method ?? "", path, range: req.headers.range });
    stats.peakInFlight = Math.max(stats.peakInFlight, ++inFlight);
    res.once("close", () => inFlight--);
    const answer = () => handle(req, res, files.get(path), b);
    if (b.hang) return;
    if (b.fail503 && b.fail503 > 0) {
      b = { ...b, fail503: b.fail503 - 1 };
      res.writeHead(503, { "content-length": "0" }).end();
      return;
    }
    if (b.latencyMs) setTimeout(answer, b.latencyMs);
    else answer();
  });
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
  const { port } = server.address() as AddressInfo;
  return {
    log,
    get peakInFlight() {
      return stats.peakInFlight;
    },
    resetPeak: () => void (stats.peakInFlight = inFlight),
    url: (p) => `http://127.0.0.1:${port}${p.startsWith("/") ? p : `/${p}`}`,
    add: (p, f) => void files.set(p.startsWith("/") ? p : `/${p}`, readFileSync(f)),
    set: (nb) => void (b = { ...b, ...nb }),
    rangeGets: (p) => log.filter((r) => r.method === "GET" && r.range !== undefined && (p === undefined || r.path === p)),
    close: () =>
      new Promise<void>((res) => {
        server.closeAllConnections();
        server.close(() => res());
      }),
  };
}

function handle(req: IncomingMessage, res: ServerResponse, data: Uint8Array | undefined, b: RangeServerBehaviour): void {
  if (!data) {
    res.writeHead(404, { "content-length": "0" }).end();
    return;
  }
  const size = data.length;
  if (req.method === "HEAD") {
    if (b.noHead) res.writeHead(405, { "content-length": "0" }).end();
    else res.writeHead(200, { "content-length": String(size), "accept-ranges": "bytes" }).end();
    return;
  }
  const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
  if (!m || b.ignoreRange) {
    res.writeHead(200, { "content-length": String(size) });
    send(res, data, b.cutAfter);
    return;
  }
  const start = Number(m[1]);
  const end = Math.min(m[2] === "" ? size - 1 : Number(m[2]), size - 1);
  if (start >= size) {
    res.writeHead(416, { "content-range": `bytes */${size}`, "content-length": "0" }).end();
    return;
  }
  res.writeHead(206, { "content-range": `bytes ${start}-${end}/${size}`, "content-length": String(end + 1 - start), "accept-ranges": "bytes" });
  send(res, data.subarray(start, end + 1), b.cutAfter);
}

function send(res: ServerResponse, body: Uint8Array, cutAfter: number | undefined): void {
  if (cutAfter === undefined || cutAfter >= body.length) {
    res.end(body);
    return;
  }
  // the headers promised the whole body: send part of it and drop the connection
  res.write(body.subarray(0, cutAfter), () => res.socket?.destroy());
}
