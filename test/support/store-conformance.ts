// The behaviour every Store must share, as one suite run against each adapter (S3 on radosgw,
// Azure on Azurite, GCS on the in-process fake, the local folder): call it inside a test file.
//
//   storeConformance({ name: "s3", make: async () => new S3Store({ ... }), wrongCredentials, ... });

import { createHash, randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/store.ts";
import { NotFoundError } from "../../src/errors.ts";
import {
  AuthError, BucketNotFoundError, ChecksumMismatchError, PreconditionFailedError, StoreError, StoreUnavailableError,
} from "../../src/store/errors.ts";
import { tempDir } from "../helpers.ts";

export interface ConformanceTarget {
  name: string;
  /** A fresh, empty store (its own bucket or prefix). */
  make(): Promise<Store>;
  /** A store on the same server and bucket whose secret is wrong, and that secret. */
  wrongCredentials?(): Promise<{ store: Store; secret: string }>;
  /** A store whose bucket / container does not exist, and that bucket's name. */
  missingBucket?(): Promise<{ store: Store; bucket: string }>;
  /** A store on a server of its own, and how to kill that server. */
  deadServer?(): Promise<{ store: Store; kill(): void | Promise<void> }>;
  /** Size of the body that must go up in parts (default 17 MiB; S3 and Azure switch at 16 MiB). */
  largeSize?: number;
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection, the call succeeded");
}

export function storeConformance(t: ConformanceTarget): void {
  describe(`Store conformance: ${t.name}`, () => {
    it("writes bytes, then reads, stats and lists them", async () => {
      const s = await t.make();
      const w = await s.write("a/b.txt", enc("hello world"), { contentType: "text/plain" });
      expect(w).toMatchObject({ key: "a/b.txt", size: 11 });
      expect(dec(await s.read("a/b.txt"))).toBe("hello world");
      const st = await s.stat("a/b.txt");
      expect(st).toMatchObject({ key: "a/b.txt", size: 11 });
      expect(st!.etag).toBeTruthy();
      expect(st!.etag).toBe(w.etag);
      expect((await s.list("")).objects.map((o) => o.key)).toEqual(["a/b.txt"]);
      await s.close();
    });

    it("lists with a prefix and a delimiter: nested keys give the right common prefixes", async () => {
      const s = await t.make();
      const keys = ["ds/a.txt", "ds/sub-1/ses-1/data.bin", "ds/sub-1/x.txt", "ds/sub-2/y.txt", "other/z.txt", "top.txt"];
      await Promise.all(keys.map((k) => s.write(k, enc(k))));
      const one = await s.list("ds/", { delimiter: "/" });
      expect(one.objects.map((o) => o.key)).toEqual(["ds/a.txt"]);
      expect(one.prefixes.sort()).toEqual(["ds/sub-1/", "ds/sub-2/"]);
      const root = await s.list("", { delimiter: "/" });
      expect(root.objects.map((o) => o.key)).toEqual(["top.txt"]);
      expect(root.prefixes.sort()).toEqual(["ds/", "other/"]);
      const deep = await s.list("ds/sub-1/", { delimiter: "/" });
      expect(deep.prefixes).toEqual(["ds/sub-1/ses-1/"]);
      const all = await s.list("ds/");
      expect(all.objects.map((o) => o.key).sort()).toEqual(keys.filter((k) => k.startsWith("ds/")).sort());
      expect(all.prefixes).toEqual([]);
      expect(all.objects.find((o) => o.key === "ds/a.txt")!.size).toBe(8);
      await s.close();
    });

    it("reads byte ranges, short at the end and empty past it", async () => {
      const s = await t.make();
      await s.write("r.bin", enc("0123456789"));
      expect(dec(await s.readRange("r.bin", 2, 3))).toBe("234");
      expect(dec(await s.readRange("r.bin", 8, 10))).toBe("89");
      expect((await s.readRange("r.bin", 20, 4)).length).toBe(0);
      expect((await s.readRange("r.bin", 0, 0)).length).toBe(0);
      await s.close();
    });

    it("writes from a file path, small and large (multipart), checked by sha256", async () => {
      const s = await t.make();
      const dir = tempDir();
      const small = randomBytes(1000);
      const large = randomBytes(t.largeSize ?? 17 * 1024 * 1024);
      writeFileSync(join(dir, "small"), small);
      writeFileSync(join(dir, "large"), large);
      await s.write("f/small", { path: join(dir, "small"), size: small.length }, { sha256: sha(small) });
      const w = await s.write("f/large", { path: join(dir, "large"), size: large.length }, { sha256: sha(large) });
      expect(w.size).toBe(large.length);
      expect(sha(await s.read("f/small"))).toBe(sha(small));
      expect(sha(await s.read("f/large"))).toBe(sha(large));
      expect((await s.stat("f/large"))!.size).toBe(large.length);
      expect(Buffer.from(await s.readRange("f/large", 16 * 1024 * 1024 - 2, 4))).toEqual(large.subarray(16 * 1024 * 1024 - 2, 16 * 1024 * 1024 + 2));
      // A large in-memory body takes the multipart path too.
      await s.write("f/large-bytes", large, { sha256: sha(large) });
      expect(sha(await s.read("f/large-bytes"))).toBe(sha(large));
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("rejects a wrong sha256 and leaves nothing behind", async () => {
      const s = await t.make();
      const e = await rejection(s.write("bad", enc("content"), { sha256: sha(enc("other")) }));
      expect(e).toBeInstanceOf(ChecksumMismatchError);
      expect(e.message).toContain("sha256");
      expect(await s.stat("bad")).toBeUndefined();
      await s.write("good", enc("content"), { sha256: sha(enc("content")).toUpperCase() });
      await s.close();
    });

    it("ifAbsent writes once, then throws PreconditionFailedError", async () => {
      const s = await t.make();
      await s.write("once", enc("first"), { ifAbsent: true });
      const e = await rejection(s.write("once", enc("second"), { ifAbsent: true }));
      expect(e).toBeInstanceOf(PreconditionFailedError);
      expect(dec(await s.read("once"))).toBe("first");
      await s.close();
    });

    it("ifAbsent holds for a multipart body too", async () => {
      const s = await t.make();
      await s.write("big", enc("small first"));
      const e = await rejection(s.write("big", randomBytes(t.largeSize ?? 17 * 1024 * 1024), { ifAbsent: true }));
      expect(e).toBeInstanceOf(PreconditionFailedError);
      expect(dec(await s.read("big"))).toBe("small first");
      await s.close();
    });

    it("ifMatch writes only over the object with that etag", async () => {
      const s = await t.make();
      const v1 = await s.write("m", enc("v1"));
      const v2 = await s.write("m", enc("v2"), { ifMatch: v1.etag! });
      expect(v2.etag).not.toBe(v1.etag);
      const stale = await rejection(s.write("m", enc("v3"), { ifMatch: v1.etag! }));
      expect(stale).toBeInstanceOf(PreconditionFailedError);
      expect(dec(await s.read("m"))).toBe("v2");
      const absent = await rejection(s.write("nope", enc("x"), { ifMatch: v1.etag! }));
      expect(absent).toBeInstanceOf(PreconditionFailedError);
      await s.close();
    });

    it("deletes (and deleting a missing key is not an error)", async () => {
      const s = await t.make();
      await s.write("d", enc("x"));
      await s.delete("d");
      expect(await s.stat("d")).toBeUndefined();
      await s.delete("d");
      await s.close();
    });

    it("a missing key: stat is undefined, read and readRange throw NotFoundError naming it", async () => {
      const s = await t.make();
      expect(await s.stat("missing/key")).toBeUndefined();
      for (const call of [() => s.read("missing/key"), () => s.readRange("missing/key", 0, 4)]) {
        const e = await rejection(call());
        expect(e).toBeInstanceOf(NotFoundError);
        expect(e.message).toContain("missing/key");
      }
      await s.close();
    });

    if (t.wrongCredentials) {
      it("wrong credentials: AuthError, and the secret appears nowhere", async () => {
        const { store, secret } = await t.wrongCredentials!();
        expect(store.uri).not.toContain(secret);
        for (const call of [() => store.read("x"), () => store.write("x", enc("x")), () => store.list(""), () => store.stat("x")]) {
          const e = await rejection(call());
          expect(e, String(e)).toBeInstanceOf(AuthError);
          expect(e.message).toMatch(/credentials/);
          expect(`${e.message}\n${e.stack}\n${JSON.stringify(e)}`).not.toContain(secret);
        }
        await store.close();
      });
    }

    if (t.missingBucket) {
      it("a missing bucket: a clear NotFoundError naming it", async () => {
        const { store, bucket } = await t.missingBucket!();
        for (const call of [() => store.read("x"), () => store.write("x", enc("x")), () => store.list(""), () => store.stat("x")]) {
          const e = await rejection(call());
          expect(e, String(e)).toBeInstanceOf(BucketNotFoundError);
          expect(e).toBeInstanceOf(NotFoundError);
          expect(e.message).toContain(`${bucket} does not exist at endpoint`);
        }
        await store.close();
      });
    }

    if (t.deadServer) {
      it("a dead server: a clear StoreUnavailableError within a few seconds, not a hang", async () => {
        const { store, kill } = await t.deadServer!();
        await store.write("alive", enc("x"));
        await kill();
        const started = Date.now();
        const e = await rejection(store.read("alive"));
        expect(Date.now() - started).toBeLessThan(8000);
        expect(e, String(e)).toBeInstanceOf(StoreUnavailableError);
        expect(e).toBeInstanceOf(StoreError);
        expect(e.message).toMatch(/cannot reach/);
        await store.close();
      }, 30_000);
    }
  });
}
