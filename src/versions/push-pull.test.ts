import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { indexDataset } from "../catalog/indexer.ts";
import { loadConfig } from "../config/load.ts";
import { Dataset } from "../dataset/dataset.ts";
import { writeDemoDataset } from "../demo/sonetaa.ts";
import { QueryError } from "../errors.ts";
import { LocalStore } from "../store/local.ts";
import type { Body, ListOptions, ListResult, ObjectInfo, Store, WriteOptions } from "../store/store.ts";
import { CorruptObjectError, VersionError, VersionNotFoundError } from "./errors.ts";
import { listVersions, objectKey } from "./layout.ts";
import { VersionedDataset } from "./open.ts";
import { pullVersion } from "./pull.ts";
import { pushVersion } from "./push.ts";
import { createSnapshot } from "./snapshot.ts";

async function snapshotted(label = "v1") {
  const root = tempDir();
  writeDemoDataset(root, { records: 3 });
  const config = await loadConfig(root);
  await indexDataset(config);
  const v = await createSnapshot(config, { label });
  return { root, config, v };
}

/** A real LocalStore that dies (as a killed process would) after `allowed` writes. */
class DyingStore extends LocalStore {
  writes = 0;
  constructor(root: string, private allowed: number) {
    super(root);
  }
  override async write(key: string, body: Body, opts?: WriteOptions): Promise<ObjectInfo> {
    if (++this.writes > this.allowed) throw new Error("connection lost");
    return super.write(key, body, opts);
  }
}

const cache = () => tempDir("trove-cache-");

/** A real LocalStore that counts its calls, and lists at most `limit` objects as S3Store does. */
class CountingStore extends LocalStore {
  calls = { write: 0, stat: 0, list: 0 };
  private listing = false;
  private writing = new Set<string>();
  override async write(key: string, body: Body, opts?: WriteOptions): Promise<ObjectInfo> {
    this.calls.write++;
    this.writing.add(key);
    return super.write(key, body, opts).finally(() => this.writing.delete(key));
  }
  override async stat(key: string): Promise<ObjectInfo | undefined> {
    if (!this.listing && !this.writing.has(key)) this.calls.stat++; // LocalStore's list and write stat too
    return super.stat(key);
  }
  override async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.calls.list++;
    this.listing = true;
    const all = await super.list(prefix, opts).finally(() => (this.listing = false));
    if (opts.limit === undefined || all.objects.length <= opts.limit) return all;
    return { ...all, objects: all.objects.slice(0, opts.limit), truncated: true };
  }
}

describe("push and pull", () => {
  it("pushes an unchanged version again with reads only: one listing of objects/, no write", async () => {
    const { root } = await snapshotted();
    const remote = new CountingStore(tempDir());
    const first = await pushVersion(root, remote, { data: true });
    expect(remote.calls.stat).toBeLessThan(first.objects.uploaded); // the listing told what was there, not a stat each
    remote.calls = { write: 0, stat: 0, list: 0 };
    const again = await pushVersion(root, remote, { data: true });
    expect(again.objects.uploaded).toBe(0);
    expect(remote.calls.write).toBe(0);
  });

  it("stats the objects past a listing cut short (an objects store shared with much else)", async () => {
    const { root } = await snapshotted();
    const remote = new CountingStore(tempDir());
    // other datasets' content, more than the listing budget for this version's files
    for (let i = 0; i < 600; i++) await remote.write(objectKey(i.toString(16).padStart(64, "0")), new Uint8Array([i & 255]));
    remote.calls = { write: 0, stat: 0, list: 0 };
    const first = await pushVersion(root, remote, { data: true });
    expect(remote.calls.stat).toBeGreaterThan(0);
    const again = await pushVersion(root, remote, { data: true });
    expect(again.objects).toEqual({ uploaded: 0, skipped: first.objects.uploaded + first.objects.skipped, bytes: 0 });
  });

  it("pushes a version with its data content-addressed, once per content, and pulls a query's files back verified", async () => {
    const { root, v } = await snapshotted();
    const remote = new LocalStore(tempDir());
    const first = await pushVersion(root, remote, { data: true, concurrency: 3 });
    expect(first.latest).toBe(true);
    expect(first.objects.uploaded).toBeGreaterThan(10);
    const again = await pushVersion(root, remote, { data: true });
    expect(again.objects).toEqual({ uploaded: 0, skipped: first.objects.uploaded + first.objects.skipped, bytes: 0 });
    expect(again.files.written).toBe(0);
    expect((await listVersions(remote)).map((x) => x.id)).toEqual([v.id]);

    const dest = tempDir();
    const r = await pullVersion(remote, dest, { where: "task = 'RS' AND modality = 'clinical'", cacheDir: cache() });
    expect(r.files.length).toBe(3);
    expect(r.fetched).toBe(3);
    for (const f of r.files) expect(readFileSync(join(dest, f.path))).toEqual(readFileSync(join(root, f.path)));
    expect(existsSync(join(dest, "README.md"))).toBe(false); // only what the query chose
    // the folder is a dataset with the version's catalog
    const ds = await Dataset.open(dest);
    expect((await ds.query("SELECT count(*)::INT AS n FROM records"))[0].n).toBe(3);
    ds.close();
    await expect(pullVersion(remote, tempDir(), { where: "nope = 1", cacheDir: cache() })).rejects.toThrow(QueryError);
    await expect(pullVersion(remote, tempDir(), { version: "v7", cacheDir: cache() })).rejects.toThrow(VersionNotFoundError);
  });

  it("a push cut short shows no version; rerun, it uploads only what is missing", async () => {
    const { root, v } = await snapshotted();
    const dir = tempDir();
    const dying = new DyingStore(dir, 12);
    await expect(pushVersion(root, dying, { data: true, concurrency: 2 })).rejects.toThrow(/connection lost/);
    const remote = new LocalStore(dir);
    expect(await listVersions(remote)).toEqual([]); // nothing half-pushed is visible
    expect((await remote.list("objects/")).objects.length).toBeGreaterThan(0);
    const resumed = await pushVersion(root, remote, { data: true });
    const before = (await new LocalStore(dir).list("objects/")).objects.length;
    expect(resumed.objects.skipped).toBeGreaterThan(0);
    expect(resumed.objects.uploaded + resumed.objects.skipped).toBe(before);
    expect((await listVersions(remote)).map((x) => [x.id, x.latest])).toEqual([[v.id, true]]);
  });

  it("refuses to push a file changed since the snapshot, and names a corrupted object on pull", async () => {
    const { root } = await snapshotted();
    const remote = new LocalStore(tempDir());
    await pushVersion(root, remote, { data: true });
    writeFileSync(join(root, "README.md"), "edited after the snapshot\n");
    await expect(pushVersion(root, new LocalStore(tempDir()), { data: true })).rejects.toThrow(/README.md changed since version/);

    const files = await (await import("./data.ts")).manifestRows(remote, (await listVersions(remote))[0]);
    const victim = files.find((f) => f.path === "participants.csv")!;
    writeFileSync(remote.pathOf(objectKey(victim.sha256)), "garbage");
    const err = await pullVersion(remote, tempDir(), { where: "path = 'participants.csv'", cacheDir: cache() }).catch((e) => e);
    expect(err).toBeInstanceOf(CorruptObjectError);
    expect(err.message).toContain(objectKey(victim.sha256));
  });

  it("pull without pushed data says so; a catalog-only pull works", async () => {
    const { root } = await snapshotted();
    const remote = new LocalStore(tempDir());
    await pushVersion(root, remote);
    await expect(pullVersion(remote, tempDir(), { cacheDir: cache() })).rejects.toThrow(VersionError);
    const dest = tempDir();
    const r = await pullVersion(remote, dest, { catalogOnly: true, cacheDir: cache() });
    expect(r.files).toEqual([]);
    expect(existsSync(join(dest, "trove.toml"))).toBe(true);
  });

  it("opens a pushed store lazily, per table, and connect() gives every table as a view", async () => {
    const { root } = await snapshotted();
    const dir = tempDir();
    await pushVersion(root, new LocalStore(dir));
    // a store that is not a LocalStore (as S3 is not): its tables come through the cache
    const inner = new LocalStore(dir);
    const counted: string[] = [];
    const store: Store = {
      uri: "test://remote", list: (p, o) => inner.list(p, o), stat: (k) => inner.stat(k), readRange: (k, o, n) => inner.readRange(k, o, n),
      write: (k, b, o) => inner.write(k, b, o), delete: (k) => inner.delete(k), close: async () => {},
      read: (k) => (counted.push(k), inner.read(k)),
    };
    const ds = await VersionedDataset.open(store, { cacheDir: cache() });
    expect(ds.tables).toContain("runs");
    expect((await ds.query("SELECT count(*)::INT AS n FROM records"))[0].n).toBe(3);
    expect((await ds.query("SELECT count(*)::INT AS n FROM records WHERE bytes > 0"))[0].n).toBe(3);
    expect(ds.loadedTables).toEqual(["records"]);
    expect(counted.filter((k) => k.includes("/tables/"))).toEqual([`versions/${ds.version.id}/tables/records/records.parquet`]); // once, only it
    const conn = await ds.connect();
    const names = (await conn.runAndReadAll("SELECT table_name FROM information_schema.tables ORDER BY 1")).getRows().map((r) => r[0]);
    expect(names).toEqual(expect.arrayContaining(["files", "manifest", "records", "runs", "status"]));
    ds.close();
    const viaOpen = await Dataset.open(dir, { version: "v1" });
    expect(viaOpen.version.label).toBe("v1");
    viaOpen.close();
  });
});
