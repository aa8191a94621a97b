import { createHash } from "node:crypto";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { ChecksumMismatchError, KeyNotFoundError, PreconditionFailedError, StoreError } from "./errors.ts";
import { LocalStore } from "./local.ts";
import { storeConformance } from "../../test/support/store-conformance.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("LocalStore", () => {
  it("writes, stats, reads whole and in ranges, and deletes", async () => {
    const store = new LocalStore(tempDir());
    const info = await store.write("a/b/c.txt", bytes("hello world"), { sha256: sha("hello world") });
    expect(info).toMatchObject({ key: "a/b/c.txt", size: 11 });
    expect(new TextDecoder().decode(await store.read("a/b/c.txt"))).toBe("hello world");
    expect(new TextDecoder().decode(await store.readRange("a/b/c.txt", 6, 5))).toBe("world");
    expect((await store.readRange("a/b/c.txt", 8, 100)).length).toBe(3);
    await store.delete("a/b/c.txt");
    expect(await store.stat("a/b/c.txt")).toBeUndefined();
    expect(readdirSync(store.root)).toEqual([]); // emptied folders go too
    await store.delete("a/b/c.txt"); // absent is fine
    await expect(store.read("a/b/c.txt")).rejects.toThrow(KeyNotFoundError);
  });

  it("streams a local file and refuses content whose sha256 is not the promised one, leaving nothing", async () => {
    const dir = tempDir();
    const src = join(dir, "src.bin");
    writeFileSync(src, "payload");
    const store = new LocalStore(join(dir, "store"));
    await store.write("x", { path: src, size: 7 }, { sha256: sha("payload") });
    await expect(store.write("y", { path: src, size: 7 }, { sha256: sha("other") })).rejects.toThrow(ChecksumMismatchError);
    expect(await store.stat("y")).toBeUndefined();
    expect(readdirSync(store.root)).toEqual(["x"]); // no temporary file left behind
  });

  it("honours ifAbsent and ifMatch, and changes the etag on every write", async () => {
    const store = new LocalStore(tempDir());
    const first = await store.write("k", bytes("1"), { ifAbsent: true });
    await expect(store.write("k", bytes("2"), { ifAbsent: true })).rejects.toThrow(PreconditionFailedError);
    const second = await store.write("k", bytes("2"), { ifMatch: first.etag });
    expect(second.etag).not.toBe(first.etag);
    await expect(store.write("k", bytes("3"), { ifMatch: first.etag })).rejects.toThrow(PreconditionFailedError);
    expect(new TextDecoder().decode(await store.read("k"))).toBe("2");
  });

  it("lists recursively or one level with a delimiter, by string prefix", async () => {
    const store = new LocalStore(tempDir());
    for (const k of ["v/1/a", "v/1/b/c", "v/2/a", "v/latest.json", "w"]) await store.write(k, bytes(k));
    expect((await store.list("v/")).objects.map((o) => o.key)).toEqual(["v/1/a", "v/1/b/c", "v/2/a", "v/latest.json"]);
    expect(await store.list("v/", { delimiter: "/" })).toMatchObject({ objects: [{ key: "v/latest.json" }], prefixes: ["v/1/", "v/2/"] });
    expect((await store.list("v/1")).objects.map((o) => o.key)).toEqual(["v/1/a", "v/1/b/c"]);
    expect((await store.list("nothing/")).objects).toEqual([]);
    expect((await store.list("")).objects.length).toBe(5);
  });

  it("rejects keys that would leave its folder", async () => {
    const store = new LocalStore(tempDir());
    for (const key of ["../x", "a/../../x", "/etc/passwd", "a\\b"]) {
      await expect(store.write(key, bytes("x"))).rejects.toThrow(StoreError);
      await expect(store.read(key)).rejects.toThrow(/bad store key/);
    }
  });
});

// the behaviour every store shares (the same suite runs against S3, Azure and GCS)
storeConformance({ name: "local", make: async () => new LocalStore(tempDir()) });
