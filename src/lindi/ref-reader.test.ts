// LINDI over HTTP with a real node:http server on 127.0.0.1: RefReader reads chunk refs from
// http(s) URLs and local paths, a remote .lindi.json costs one GET and one range request per chunk,
// a remote .lindi.tar a few range requests, and both give the arrays the local files give.
//
//   npx vitest run src/lindi/ref-reader.test.ts

import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { H5RemoteError } from "../h5/errors.ts";
import { H5Dataset, H5File } from "../h5/file.ts";
import { startRangeServer, type RangeServer } from "../h5/testing-http.ts";
import { LindiDataset } from "./dataset.ts";
import { LindiError } from "./errors.ts";
import { LindiFile } from "./file.ts";
import { fromHdf5 } from "./from-hdf5.ts";
import { RefReader } from "./ref-reader.ts";
import { expandTemplates, isChunkRef, stringifyRfs, type Rfs } from "./refs.ts";
import { writeLindiTar } from "./tar.ts";
import { zarray } from "./zarr-meta.ts";

const h5dir = join(repoRoot, "test", "fixtures", "h5");
const basic = join(h5dir, "basic.h5");
const tmp = mkdtempSync(join(tmpdir(), "trove-ref-reader-"));
let srv: RangeServer;

beforeAll(async () => {
  srv = await startRangeServer({ files: { "/basic.h5": basic } });
});
afterAll(async () => {
  await srv.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Requests made while running fn. */
async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; requests: number }> {
  const before = srv.log.length;
  const value = await fn();
  return { value, requests: srv.log.length - before };
}

function chunkRef(rfs: Rfs, key: string): [string, number, number] {
  const v = rfs.refs[key];
  if (!isChunkRef(v)) throw new Error(`${key} is not a chunk ref`);
  return [expandTemplates(v[0], rfs.templates), v[1], v[2]];
}

describe("RefReader", () => {
  it("reads http refs with one request each, no size probe", async () => {
    const bytes = readFileSync(basic);
    const refs = new RefReader();
    const { value, requests } = await counted(() => refs.read(srv.url("/basic.h5"), 90_000, 5000));
    expect(requests).toBe(1);
    expect(Buffer.from(value)).toEqual(bytes.subarray(90_000, 95_000));
    // a second chunk of the same URL reuses the pooled reader; a big one goes straight through
    const big = await counted(() => refs.read(srv.url("/basic.h5"), 1000, 80_000));
    expect(big.requests).toBe(1);
    expect(srv.log.at(-1)!.range).toBe("bytes=1000-80999");
    expect(Buffer.from(big.value)).toEqual(bytes.subarray(1000, 81_000));
    await refs.close();
    await expect(refs.read(srv.url("/basic.h5"), 0, 1)).rejects.toThrow(/closed/);
  });

  it("reads local refs: absolute, file:// and relative to the base folder", async () => {
    const bytes = readFileSync(basic);
    const refs = new RefReader({ base: h5dir });
    for (const url of [basic, pathToFileURL(basic).href, "./basic.h5", "basic.h5"]) {
      expect(Buffer.from(await refs.read(url, 100, 50))).toEqual(bytes.subarray(100, 150));
    }
    const cwdRelative = new RefReader();
    expect(Buffer.from(await cwdRelative.read(relative(process.cwd(), basic), 8, 4))).toEqual(bytes.subarray(8, 12));
    await expect(refs.read("./missing.h5", 0, 1)).rejects.toThrow(/ENOENT/);
    await expect(refs.read(basic, bytes.length - 1, 2)).rejects.toThrow(/past the end/);
    await refs.close();
    await cwdRelative.close();
  });

  it("refuses relative refs in a remote LINDI file, and unknown schemes", async () => {
    const refs = new RefReader({ base: "https://user:pw@host/x.lindi.json?sig=1" });
    const err = await refs.read("./blobs/a", 0, 1, "a/0").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LindiError);
    expect(String(err)).toMatch(/ref a\/0: relative ref "\.\/blobs\/a" in a remote LINDI file \(https:\/\/host\/x\.lindi\.json\)/);
    await expect(refs.read("s3://bucket/x.h5", 0, 1)).rejects.toThrow(/unsupported URL scheme/);
    await refs.close();
  });

  it("passes on a server failure as an H5RemoteError naming the URL", async () => {
    const refs = new RefReader({ http: { retries: 0 } });
    srv.set({ fail503: 1 });
    const err = await refs.read(srv.url("/basic.h5"), 0, 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(H5RemoteError);
    expect(String(err)).toContain(srv.url("/basic.h5"));
    expect((await refs.read(srv.url("/basic.h5"), 0, 10)).length).toBe(10);
    await refs.close();
  });
});

describe("LINDI files over HTTP", () => {
  let local: Rfs;
  let remoteRefs: Rfs;
  beforeAll(async () => {
    local = (await fromHdf5(basic, { onUnsupported: "skip", maxInlineSize: 0 })).rfs;
    // converted over HTTP: refs name the URL
    remoteRefs = (await fromHdf5(srv.url("/basic.h5"), { onUnsupported: "skip", maxInlineSize: 0 })).rfs;
    writeFileSync(join(tmp, "basic.lindi.json"), stringifyRfs(remoteRefs));
    srv.add("/basic.lindi.json", join(tmp, "basic.lindi.json"));
    // a tar whose chunks are all inside it (inline chunks of 1000 bytes or more become blobs; the
    // Blosc-compressed inline arrays of basic.h5 are all smaller, so an incompressible one is added)
    const inline = (await fromHdf5(basic, { onUnsupported: "skip", maxInlineSize: 1e9 })).rfs;
    inline.refs["noise/.zarray"] = zarray({ shape: [3000], chunks: [3000], dtype: "|u1", fillValue: 0, filters: null });
    inline.refs["noise/0"] = "base64:" + randomBytes(3000).toString("base64");
    await writeLindiTar(join(tmp, "inline.lindi.tar"), inline);
    srv.add("/inline.lindi.tar", join(tmp, "inline.lindi.tar"));
    srv.add("/remote.lindi.tar", join(tmp, "inline.lindi.tar"));
    await writeLindiTar(join(tmp, "remote.lindi.tar"), remoteRefs);
    srv.add("/remote-refs.lindi.tar", join(tmp, "remote.lindi.tar"));
  });

  it("fromHdf5 over HTTP gives the local refs with the URL in them", () => {
    const swap = (rfs: Rfs) => JSON.stringify(rfs).replaceAll(basic, "<u>").replaceAll(srv.url("/basic.h5"), "<u>");
    expect(swap(remoteRefs)).toEqual(swap(local));
    expect(Object.values(remoteRefs.templates ?? {})).toContain(srv.url("/basic.h5"));
  });

  it("opening a .lindi.json and reading one chunk is the JSON GET plus one range request", async () => {
    const before = srv.log.length;
    const f = await LindiFile.open(srv.url("/basic.lindi.json"));
    expect(srv.log.slice(before).map((r) => [r.method, r.range])).toEqual([["GET", undefined]]);
    const ds = f.get("chunked_gzip") as LindiDataset;
    const [, offset, length] = chunkRef(f.rfs, "chunked_gzip/2.0");
    // rows 20..29 are chunk 2.0, and only it is fetched
    const rows = await ds.read("20:30");
    expect(srv.log.length - before).toBe(2);
    // one range covering the chunk (small chunks come in a cached block with their neighbours)
    const [from, to] = srv.log.at(-1)!.range!.slice("bytes=".length).split("-").map(Number);
    expect(from <= offset && to >= offset + length - 1).toBe(true);
    // the raw chunk is the one the HDF5 reader finds locally, and decodes to the same values
    const h5 = await H5File.openSource(basic);
    const local = (await h5.get("/chunked_gzip")) as H5Dataset;
    expect(offset).toBe((await local.chunkTable())[2].address);
    expect(rows).toEqual(await local.read({ selection: "20:30" }));
    await h5.close();
    await f.close();
  });

  it("opens a remote .lindi.tar with a few range requests, never a GET of the whole tar", async () => {
    const json = await LindiFile.open(srv.url("/basic.lindi.json"));
    expect(json.rfs).toEqual(remoteRefs);
    const before = srv.log.length;
    const tar = await LindiFile.open(srv.url("/remote-refs.lindi.tar"));
    const made = srv.log.slice(before);
    expect(made.every((r) => r.range !== undefined)).toBe(true);
    expect(made.length).toBeLessThanOrEqual(3);
    expect((tar.get("chunked_gzip") as LindiDataset).zarray).toEqual((json.get("chunked_gzip") as LindiDataset).zarray);
    await json.close();
    await tar.close();
  });

  it("reads a remote .lindi.tar's blobs as ranges of the tar URL", async () => {
    const f = await LindiFile.open(srv.url("/inline.lindi.tar"));
    const before = srv.log.length;
    const noise = await (f.get("noise") as LindiDataset).read();
    const local = await LindiFile.open(join(tmp, "inline.lindi.tar"));
    expect(noise).toEqual(await (local.get("noise") as LindiDataset).read());
    expect(srv.log.slice(before).every((r) => r.path === "/inline.lindi.tar" && r.range !== undefined)).toBe(true);
    await f.close();
    await local.close();
  });

  it("reads the same arrays from a remote .lindi.tar as from the local file", async () => {
    const localFile = await LindiFile.open(join(tmp, "inline.lindi.tar"));
    const before = srv.log.length;
    const remoteFile = await LindiFile.open(srv.url("/inline.lindi.tar"));
    for (const p of ["chunked_gzip", "contig"]) {
      const a = localFile.get(p) as LindiDataset;
      const b = remoteFile.get(p) as LindiDataset;
      expect(await b.read()).toEqual(await a.read());
    }
    expect(srv.log.length - before).toBeLessThanOrEqual(6);
    await localFile.close();
    await remoteFile.close();
  });

  it("reads the same arrays through a remote .lindi.json whose refs point at the HDF5 URL", async () => {
    writeFileSync(join(tmp, "local.lindi.json"), stringifyRfs(local));
    const here = await LindiFile.open(join(tmp, "local.lindi.json"));
    const before = srv.rangeGets("/basic.h5").length;
    const remote = await LindiFile.open(srv.url("/basic.lindi.json"));
    const a = here.get("chunked_gzip") as LindiDataset;
    const b = remote.get("chunked_gzip") as LindiDataset;
    expect(await b.read()).toEqual(await a.read());
    expect(b.shape).toEqual(a.shape);
    // ten compressed chunks, each its own request at most
    expect(srv.rangeGets("/basic.h5").length - before).toBeLessThanOrEqual(10);
    await here.close();
    await remote.close();
  });

  it("refuses a relative ref in a remote .lindi.json when it is read, as LINDI does", async () => {
    const rfs: Rfs = { refs: { ...local.refs }, version: 1 };
    rfs.refs["contig/0.0"] = ["./basic.h5", 0, 48];
    writeFileSync(join(tmp, "relative.lindi.json"), stringifyRfs(rfs));
    srv.add("/relative.lindi.json", join(tmp, "relative.lindi.json"));
    const f = await LindiFile.open(srv.url("/relative.lindi.json"));
    await expect((f.get("contig") as LindiDataset).read()).rejects.toThrow(/relative ref \.\/basic\.h5 cannot be resolved for a remote \.lindi\.json/);
    await f.close();
  });
});
