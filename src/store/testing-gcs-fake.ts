// A FAKE of the Google Cloud Storage JSON API, in process, for tests only: no GCS emulator runs on
// this machine (fake-gcs-server is a Go binary), so the GCS adapter is tested against this small
// server. It implements only what GcsStore uses — bucket get, object list (prefix, delimiter,
// pages), metadata, media download with Range, multipart upload with generation preconditions and
// md5Hash verification, delete — plus bearer-token checks. It is not GCS; keep it honest and small.
//
//   const fake = await startFakeGcs({ token: "t0ken" });  fake.createBucket("b");
//   new GcsStore({ bucket: "b", apiEndpoint: fake.endpoint, accessToken: "t0ken" });
//   await fake.close();

import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

interface FakeObject {
  data: Buffer;
  generation: number;
  contentType: string;
  updated: Date;
}

export interface FakeGcs {
  endpoint: string;
  createBucket(name: string): void;
  /** Objects by bucket, for assertions. */
  buckets: Map<string, Map<string, FakeObject>>;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly reason: string, message: string) {
    super(message);
  }
}

export async function startFakeGcs(opts: { token?: string } = {}): Promise<FakeGcs> {
  const buckets = new Map<string, Map<string, FakeObject>>();
  let generation = 1_700_000_000_000_000;

  const resource = (bucket: string, name: string, o: FakeObject) => ({
    kind: "storage#object", id: `${bucket}/${name}/${o.generation}`, name, bucket,
    generation: String(o.generation), metageneration: "1", size: String(o.data.length),
    md5Hash: createHash("md5").update(o.data).digest("base64"), contentType: o.contentType,
    etag: `C${o.generation}`, updated: o.updated.toISOString(), timeCreated: o.updated.toISOString(),
  });

  const bucketOf = (name: string) => {
    const b = buckets.get(name);
    if (!b) throw new HttpError(404, "notFound", `The specified bucket does not exist.`);
    return b;
  };

  const preconditions = (q: URLSearchParams, cur: FakeObject | undefined) => {
    const want = q.get("ifGenerationMatch");
    if (want === null) return;
    const ok = want === "0" ? cur === undefined : cur !== undefined && String(cur.generation) === want;
    if (!ok) throw new HttpError(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, "http://fake");
    const q = url.searchParams;
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) {
      throw new HttpError(401, "required", "Invalid Credentials");
    }
    const body = await readAll(req);
    let m: RegExpMatchArray | null;
    if ((m = url.pathname.match(/^\/storage\/v1\/b\/([^/]+)$/)) && req.method === "GET") {
      bucketOf(decodeURIComponent(m[1]));
      return json(res, 200, { kind: "storage#bucket", name: decodeURIComponent(m[1]) });
    }
    if ((m = url.pathname.match(/^\/storage\/v1\/b\/([^/]+)\/o$/)) && req.method === "GET") {
      return json(res, 200, list(decodeURIComponent(m[1]), q));
    }
    if ((m = url.pathname.match(/^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/))) {
      const bucket = decodeURIComponent(m[1]);
      const name = decodeURIComponent(m[2]);
      const objs = bucketOf(bucket);
      const o = objs.get(name);
      if (req.method === "DELETE") {
        if (!o) throw new HttpError(404, "notFound", `No such object: ${bucket}/${name}`);
        preconditions(q, o);
        objs.delete(name);
        res.writeHead(204).end();
        return;
      }
      if (!o) throw new HttpError(404, "notFound", `No such object: ${bucket}/${name}`);
      if (q.get("alt") !== "media") return json(res, 200, resource(bucket, name, o));
      return media(req, res, o);
    }
    if ((m = url.pathname.match(/^\/upload\/storage\/v1\/b\/([^/]+)\/o$/)) && req.method === "POST") {
      if (q.get("uploadType") !== "multipart") throw new HttpError(400, "invalid", "this fake only accepts uploadType=multipart");
      const bucket = decodeURIComponent(m[1]);
      const objs = bucketOf(bucket);
      const { meta, data } = parseMultipart(req.headers["content-type"] ?? "", body);
      const name = (meta.name as string) ?? q.get("name");
      if (!name) throw new HttpError(400, "required", "object name missing");
      preconditions(q, objs.get(name));
      const md5 = createHash("md5").update(data).digest("base64");
      if (meta.md5Hash && meta.md5Hash !== md5) {
        throw new HttpError(400, "invalid", `Provided MD5 hash "${meta.md5Hash}" doesn't match calculated MD5 hash "${md5}".`);
      }
      const o: FakeObject = { data, generation: ++generation, contentType: (meta.contentType as string) ?? "application/octet-stream", updated: new Date() };
      objs.set(name, o);
      return json(res, 200, resource(bucket, name, o));
    }
    throw new HttpError(400, "invalid", `the fake GCS does not implement ${req.method} ${url.pathname}`);
  }

  function list(bucket: string, q: URLSearchParams) {
    const objs = bucketOf(bucket);
    const prefix = q.get("prefix") ?? "";
    const delimiter = q.get("delimiter") ?? "";
    const max = Number(q.get("maxResults") ?? 1000);
    // Every entry of the listing in name order (a common prefix once); the page token is an index.
    const entries: ({ item: string } | { prefix: string })[] = [];
    const seen = new Set<string>();
    for (const n of [...objs.keys()].filter((n) => n.startsWith(prefix)).sort()) {
      const rest = n.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      if (cut < 0) entries.push({ item: n });
      else {
        const p = prefix + rest.slice(0, cut + delimiter.length);
        if (!seen.has(p)) entries.push({ prefix: p });
        seen.add(p);
      }
    }
    const from = Number(q.get("pageToken") ?? 0);
    const page = entries.slice(from, from + max);
    return {
      kind: "storage#objects",
      items: page.flatMap((e) => ("item" in e ? [resource(bucket, e.item, objs.get(e.item)!)] : [])),
      prefixes: page.flatMap((e) => ("prefix" in e ? [e.prefix] : [])),
      nextPageToken: from + max < entries.length ? String(from + max) : undefined,
    };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const h = e instanceof HttpError ? e : new HttpError(500, "backendError", String(e));
      json(res, h.status, { error: { code: h.status, message: h.message, errors: [{ reason: h.reason, message: h.message }] } });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    buckets,
    createBucket: (name) => void buckets.set(name, buckets.get(name) ?? new Map()),
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

function media(req: IncomingMessage, res: ServerResponse, o: FakeObject): void {
  const headers: Record<string, string> = {
    "content-type": o.contentType, "x-goog-generation": String(o.generation),
    "x-goog-hash": `md5=${createHash("md5").update(o.data).digest("base64")}`,
  };
  const range = req.headers.range?.match(/^bytes=(\d+)-(\d*)$/);
  if (!range) {
    res.writeHead(200, { ...headers, "content-length": String(o.data.length) }).end(o.data);
    return;
  }
  const start = Number(range[1]);
  const end = Math.min(range[2] ? Number(range[2]) : o.data.length - 1, o.data.length - 1);
  if (start >= o.data.length) {
    res.writeHead(416, { "content-range": `bytes */${o.data.length}` }).end();
    return;
  }
  const part = o.data.subarray(start, end + 1);
  res.writeHead(206, { ...headers, "content-length": String(part.length), "content-range": `bytes ${start}-${end}/${o.data.length}` }).end(part);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** multipart/related: a JSON metadata part, then the media part. */
function parseMultipart(contentType: string, body: Buffer): { meta: Record<string, unknown>; data: Buffer } {
  const boundary = contentType.match(/boundary="?([^";]+)"?/)?.[1];
  if (!boundary) throw new HttpError(400, "invalid", "multipart upload without a boundary");
  const sep = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(sep);
  while (at >= 0) {
    const next = body.indexOf(sep, at + sep.length);
    if (next < 0) break;
    parts.push(body.subarray(at + sep.length, next));
    at = next;
  }
  const split = (p: Buffer) => {
    const headEnd = p.indexOf("\r\n\r\n");
    // The part ends with the CRLF that precedes the next boundary.
    return p.subarray(headEnd + 4, p.length - 2);
  };
  if (parts.length < 2) throw new HttpError(400, "invalid", "multipart upload needs a metadata and a media part");
  return { meta: JSON.parse(split(parts[0]).toString("utf8")), data: Buffer.from(split(parts[1])) };
}
