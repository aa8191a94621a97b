// LindiStore: the bytes behind each kind of ref (inline text, base64, JSON objects, local files by
// absolute or relative path, "./" refs through the backend, templates), the tree index, writes.

import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { LindiStore } from "./store.ts";
import { MemoryBackend } from "./testing-backend.ts";

const tmp = tempDir("trove-lindi-store-");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
writeFileSync(join(tmp, "data.bin"), Uint8Array.from({ length: 16 }, (_, i) => i));

describe("LindiStore.bytes", () => {
  it("reads every kind of ref", async () => {
    const backend = new MemoryBackend({ refs: {} }, false);
    backend.files.set("blobs/x", new Uint8Array([9, 8, 7]));
    const s = new LindiStore(
      {
        refs: {
          text: "abc",
          b64: "base64:AQID",
          obj: { a: 1 },
          abs: [join(tmp, "data.bin"), 2, 3],
          tmpl: ["{{u1}}", 10, 2],
          internal: ["./blobs/x", 1, 2],
        },
        templates: { u1: join(tmp, "data.bin") },
      },
      { backend },
    );
    expect(Buffer.from((await s.bytes("text"))!).toString()).toBe("abc");
    expect(Array.from((await s.bytes("b64"))!)).toEqual([1, 2, 3]);
    expect(s.meta("obj")).toEqual({ a: 1 });
    expect(Array.from((await s.bytes("abs"))!)).toEqual([2, 3, 4]);
    expect(Array.from((await s.bytes("tmpl"))!)).toEqual([10, 11]);
    expect(Array.from((await s.bytes("internal"))!)).toEqual([8, 7]);
    expect(await s.bytes("missing")).toBeUndefined();
  });

  it("resolves relative refs against baseDir without a backend, and says what is wrong", async () => {
    const s = new LindiStore({ refs: { rel: ["./data.bin", 0, 2], short: ["data.bin", 15, 4], remote: ["ftp://h/x", 0, 1] } }, { baseDir: tmp });
    expect(Array.from((await s.bytes("rel"))!)).toEqual([0, 1]);
    await expect(s.bytes("short")).rejects.toThrow(/ref short: data\.bin: read of 4 bytes past the end of the file \(size 16\)/);
    await expect(s.bytes("remote")).rejects.toThrow(/ref remote: unsupported URL scheme/);
  });
});

describe("LindiStore tree and writes", () => {
  it("lists children, keeps the index current, refuses writes when read-only or closed", async () => {
    const s = new LindiStore({ refs: { ".zgroup": {}, "a/.zgroup": {}, "a/x/.zarray": {}, "a/x/0": "x", "b/.zgroup": {} } }, { writable: true, backend: new MemoryBackend({ refs: {} }, true) });
    expect(s.children("")).toEqual(["a", "b"]);
    expect(s.children("a")).toEqual(["x"]);
    s.setMeta("a/y/.zgroup", { zarr_format: 2 });
    expect(s.children("a")).toEqual(["x", "y"]);
    expect(s.deleteTree("a/x")).toBe(2);
    expect(s.children("a")).toEqual(["y"]);
    await s.putChunk("a/z/0", new Uint8Array([65]));
    expect(s.rfs.refs["a/z/0"]).toBe("A");
    s.close();
    expect(() => s.setMeta("c/.zgroup", {})).toThrow(/closed/);
    const ro = new LindiStore({ refs: {} }, {});
    expect(() => ro.setMeta("c/.zgroup", {})).toThrow(/read-only/);
  });
});
