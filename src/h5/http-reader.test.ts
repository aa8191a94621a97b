// HttpRangeReader against a real node:http server on 127.0.0.1 (testing-http.ts): the h5py
// fixtures read over HTTP as they read locally, in few requests, and servers that fail, cut
// bodies, ignore Range or hang give a clear H5RemoteError instead of wrong bytes or a hang.
//
//   npx vitest run src/h5/http-reader.test.ts

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { H5FormatError, H5RemoteError } from "./errors.ts";
import { compareWithExpected, type Expected } from "./expected.ts";
import { H5Dataset, H5File } from "./file.ts";
import { HttpRangeReader } from "./http-reader.ts";
import { LocalFileReader } from "./reader.ts";
import { startRangeServer, type RangeServer } from "./testing-http.ts";

const dir = join(repoRoot, "test", "fixtures", "h5");
const NAMES = ["basic", "latest", "big", "v108"];
const fast = { retryDelayMs: 5, timeoutMs: 5000 };

let srv: RangeServer;
beforeAll(async () => {
  srv = await startRangeServer({ files: Object.fromEntries(NAMES.map((n) => [`/${n}.h5`, join(dir, `${n}.h5`)])) });
});
afterAll(() => srv.close());

/** Requests made while running fn. */
async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; requests: number }> {
  const before = srv.log.length;
  const value = await fn();
  return { value, requests: srv.log.length - before };
}

describe("HDF5 over HTTP", () => {
  for (const name of NAMES) {
    it(`${name}.h5 reads over HTTP as h5py reads it, in few requests`, async () => {
      srv.set({});
      const reader = await HttpRangeReader.open(srv.url(`/${name}.h5`), fast);
      const file = await H5File.open(reader);
      const exp = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), "utf8")) as Expected;
      expect(await compareWithExpected(file, exp)).toEqual([]);
      // every fixture is under 100 KB: two 64 KiB blocks, plus at most a few big chunk reads
      expect(reader.stats.requests).toBeLessThanOrEqual(6);
      expect(reader.stats.retries).toBe(0);
      await file.close();
    });
  }

  it("gives the same chunk tables and values as the local file, with 4 KiB blocks", async () => {
    const path = join(dir, "basic.h5");
    const local = await H5File.openSource(path);
    const reader = await HttpRangeReader.open(srv.url("/basic.h5"), { ...fast, blockSize: 4096 });
    const remote = await H5File.open(reader);
    for (const p of ["/chunked_gzip", "/contig"]) {
      const [a, b] = [(await local.get(p)) as H5Dataset, (await remote.get(p)) as H5Dataset];
      expect(await b.chunkTable().catch(() => null)).toEqual(await a.chunkTable().catch(() => null));
      expect(await b.read()).toEqual(await a.read());
    }
    // a few dozen 4 KiB blocks of a 99 KB file, each fetched at most once
    const fileBlocks = Math.ceil(reader.size / 4096);
    expect(reader.stats.bytes).toBeLessThanOrEqual(reader.size + 4096 * 4);
    expect(reader.stats.requests).toBeLessThanOrEqual(fileBlocks);
    await local.close();
    await remote.close();
  });

  it("opens through H5File.openSource with an http URL, a file:// URL and a path", async () => {
    for (const src of [srv.url("/basic.h5"), pathToFileURL(join(dir, "basic.h5")).href, join(dir, "basic.h5")]) {
      const f = await H5File.openSource(src);
      expect(await f.rootGroup.keys()).toContain("chunked_gzip");
      expect(f.reader).toBeInstanceOf(src.startsWith("http") ? HttpRangeReader : LocalFileReader);
      await f.close();
    }
  });
});

describe("HttpRangeReader caching", () => {
  it("learns the size and caches the first block with one request", async () => {
    srv.set({});
    const { value: r, requests } = await counted(() => HttpRangeReader.open(srv.url("/basic.h5"), { blockSize: 4096 }));
    expect(requests).toBe(1);
    expect(r.size).toBe(readFileSync(join(dir, "basic.h5")).length);
    expect(await counted(() => r.read(0, 4096)).then((c) => c.requests)).toBe(0);
    await r.close();
  });

  it("makes one request for a read spanning several uncached blocks, and shares in-flight blocks", async () => {
    const bytes = readFileSync(join(dir, "basic.h5"));
    const r = await HttpRangeReader.open(srv.url("/basic.h5"), { blockSize: 1024, bypassBytes: 8192 });
    const before = srv.log.length;
    const got = await r.read(1500, 3000); // blocks 1..4
    expect(srv.log.length - before).toBe(1);
    expect(srv.log.at(-1)!.range).toBe("bytes=1024-5119");
    expect(Buffer.from(got)).toEqual(bytes.subarray(1500, 4500));
    // cached now
    await r.read(2000, 100);
    expect(srv.log.length - before).toBe(1);
    // ten concurrent reads inside one uncached block: one request
    const many = await Promise.all(Array.from({ length: 10 }, (_, i) => r.read(20_000 + i * 10, 10)));
    expect(srv.log.length - before).toBe(2);
    expect(Buffer.from(many[3])).toEqual(bytes.subarray(20_030, 20_040));
    // a read over a gap between cached blocks is still one request
    await r.read(6 * 1024, 10);
    await r.read(4000, 4000); // blocks 3..7: 5 and 7 missing, 6 cached
    expect(srv.log.length - before).toBe(4);
    await r.close();
  });

  it("reads big ranges straight through, exactly, without caching them", async () => {
    const bytes = readFileSync(join(dir, "basic.h5"));
    const r = await HttpRangeReader.open(srv.url("/basic.h5"), { blockSize: 1024 });
    const before = srv.log.length;
    const got = await r.read(10_001, 50_000);
    expect(srv.log.at(-1)!.range).toBe("bytes=10001-60000");
    expect(Buffer.from(got)).toEqual(bytes.subarray(10_001, 60_001));
    await r.read(10_001, 50_000);
    expect(srv.log.length - before).toBe(2);
    await expect(r.read(bytes.length - 10, 20)).rejects.toThrow(H5FormatError);
    await r.close();
  });

  it("evicts blocks beyond cacheBytes", async () => {
    const r = await HttpRangeReader.open(srv.url("/basic.h5"), { blockSize: 1024, cacheBytes: 4096 });
    for (let i = 0; i < 10; i++) await r.read(i * 1024, 1);
    const before = r.stats.requests;
    await r.read(9 * 1024, 1); // recent: cached
    expect(r.stats.requests).toBe(before);
    await r.read(0, 1); // evicted: fetched again
    expect(r.stats.requests).toBe(before + 1);
    await r.close();
  });

  it("keeps at most maxConcurrency requests in flight", async () => {
    srv.set({ latencyMs: 20 });
    const r = await HttpRangeReader.open(srv.url("/basic.h5"), { blockSize: 1024, maxConcurrency: 2 });
    srv.resetPeak();
    const bytes = readFileSync(join(dir, "basic.h5"));
    const got = await Promise.all(Array.from({ length: 12 }, (_, i) => r.read(8192 + i * 4096, 100)));
    srv.set({ latencyMs: 0 });
    expect(srv.peakInFlight).toBe(2);
    expect(r.stats.requests).toBe(13);
    expect(Buffer.from(got[11])).toEqual(bytes.subarray(8192 + 11 * 4096, 8192 + 11 * 4096 + 100));
    await r.close();
  });

  it("an unsized reader sends nothing until its first read, then learns the size", async () => {
    const { value: r, requests } = await counted(async () => HttpRangeReader.unsized(srv.url("/basic.h5")));
    expect(requests).toBe(0);
    expect(Number.isNaN(r.size)).toBe(true);
    const { requests: n } = await counted(() => r.read(96_000, 100));
    expect(n).toBe(1);
    expect(r.size).toBe(readFileSync(join(dir, "basic.h5")).length);
    await r.close();
  });
});

describe("HttpRangeReader failures", () => {
  it("retries transient 503s and succeeds", async () => {
    srv.set({ fail503: 2 });
    const r = await HttpRangeReader.open(srv.url("/basic.h5"), fast);
    expect(r.stats).toMatchObject({ requests: 3, retries: 2 });
    expect(r.size).toBeGreaterThan(0);
    await r.close();
  });

  it("gives up after the configured retries with the status in the error", async () => {
    srv.set({ fail503: 3 });
    const err = (await HttpRangeReader.open(srv.url("/basic.h5"), { ...fast, retries: 1 }).catch((e: unknown) => e)) as H5RemoteError;
    expect(err).toBeInstanceOf(H5RemoteError);
    expect(err.message).toMatch(/HTTP 503.*gave up after 2 attempts/);
    srv.set({ fail503: 0 });
  });

  it("a body cut mid-read is a clear error naming URL and offset, and does not hang", async () => {
    srv.set({});
    const r = await HttpRangeReader.open(srv.url("/basic.h5"), { ...fast, blockSize: 1024, retries: 2 });
    srv.set({ cutAfter: 100 });
    const t0 = Date.now();
    const err = (await r.read(50_000, 20_000).catch((e: unknown) => e)) as H5RemoteError;
    srv.set({ cutAfter: undefined });
    expect(err).toBeInstanceOf(H5RemoteError);
    expect(err.message).toContain(srv.url("/basic.h5"));
    expect(err.message).toMatch(/body cut after 100 of 20000 bytes.*at byte 50000/);
    expect(err.offset).toBe(50_000);
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(r.stats.retries).toBe(2);
    // and the reader still works once the server does
    expect((await r.read(50_000, 10)).length).toBe(10);
    await r.close();
  });

  it("refuses a server that answers a range request with the whole file (200)", async () => {
    srv.set({ ignoreRange: true });
    const err = (await HttpRangeReader.open(srv.url("/basic.h5"), { ...fast, blockSize: 4096 }).catch((e: unknown) => e)) as H5RemoteError;
    srv.set({ ignoreRange: false });
    expect(err).toBeInstanceOf(H5RemoteError);
    expect(err.message).toMatch(/ignored the Range header/);
    expect(err.status).toBe(200);
  });

  it("accepts a 200 when the whole file is no more than was asked for (a plain static server, a tiny file)", async () => {
    srv.set({ ignoreRange: true });
    const r = await HttpRangeReader.open(srv.url("/basic.h5"), { ...fast, blockSize: 1 << 20 });
    srv.set({ ignoreRange: false });
    expect(r.size).toBe(readFileSync(join(dir, "basic.h5")).length);
    expect(r.stats.requests).toBe(1);
    await r.close();
  });

  it("times out a server that never answers", async () => {
    srv.set({ hang: true });
    const t0 = Date.now();
    const err = await HttpRangeReader.open(srv.url("/basic.h5"), { retries: 1, retryDelayMs: 5, timeoutMs: 150 }).catch((e: unknown) => e);
    srv.set({ hang: false });
    expect(err).toBeInstanceOf(H5RemoteError);
    expect(String(err)).toMatch(/no complete answer within 150 ms/);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it("does not retry a 404, and keeps credentials out of the message", async () => {
    const url = srv.url("/nope.h5").replace("http://", "http://user:secret@") + "?X-Amz-Signature=abc";
    const before = srv.log.length;
    const err = (await HttpRangeReader.open(url, fast).catch((e: unknown) => e)) as H5RemoteError;
    expect(err).toBeInstanceOf(H5RemoteError);
    expect(err.status).toBe(404);
    expect(srv.log.length - before).toBe(1);
    expect(err.message).not.toMatch(/secret|Signature|user/);
    expect(err.message).toContain(srv.url("/nope.h5"));
  });
});
