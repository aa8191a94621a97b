// .lindi.tar backend: LINDI's growing-tar scenario with tiny initial sizes (trash, relocated index
// and entry), checked with the system tar; truncated and cut-short tars; read through a RangeReader.

import { execFileSync } from "node:child_process";
import { readFileSync, truncateSync, writeFileSync, appendFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { LocalFileReader } from "../h5/reader.ts";
import { checkAll, createWithAttr, growSession, pattern } from "./backend-scenario.ts";
import { openBackend, openBackendFromReader } from "./open-backend.ts";
import { parseRfs } from "./refs.ts";
import type { TarFileInfo } from "./tar.ts";

const text = (b: Uint8Array, from: number, to: number) => Buffer.from(b.subarray(from, to)).toString("latin1");

/** Entry → index → members, checked against the tar headers themselves. */
function layout(path: string): { files: TarFileInfo[]; b: Buffer } {
  const b = readFileSync(path);
  const entry = JSON.parse(text(b, 512, 1536)) as { index: TarFileInfo };
  const files = (JSON.parse(text(b, entry.index.d, entry.index.d + entry.index.s)) as { files: TarFileInfo[] }).files;
  expect(files.find((f) => f.n === ".tar_index.json")).toEqual(entry.index);
  expect(files.find((f) => f.n === ".tar_entry.json")).toEqual({ n: ".tar_entry.json", o: 0, d: 512, s: 1024 });
  for (const f of files) {
    expect(f.d).toBe(f.o + 512);
    const name = text(b, f.o, f.o + 100).replace(/\0.*$/s, "");
    expect(name).toBe(f.n);
    expect(parseInt(text(b, f.o + 124, f.o + 135), 8)).toBe(f.s);
  }
  expect(b.length % 512).toBe(0);
  expect(b.subarray(b.length - 1024).every((x) => x === 0)).toBe(true);
  return { files, b };
}

describe("tar backend: LINDI's growing tar", () => {
  it("grows over 4 sessions, trashing outgrown lindi.json and index copies", async () => {
    const path = join(tempDir(), "example.lindi.tar");
    await createWithAttr(path);
    const expected = new Map<string, Uint8Array>();
    for (let j = 0; j < 4; j++) {
      await growSession(path, j % 2 ? "r+" : "a", j, expected);
      await checkAll(path, expected);
      const { files, b } = layout(path);
      const listing = execFileSync("tar", ["-tf", path], { encoding: "utf8" }).trim().split("\n");
      expect(listing).toContain("lindi.json");
      expect(listing.filter((n) => n === "lindi.json")).toHaveLength(1);
      expect(listing.some((n) => /^\.trash\/lindi\.json\.[a-z]{10}$/.test(n))).toBe(true);
      expect(listing.some((n) => /^\.trash\/\.tar_index\.json\.[a-z]{10}$/.test(n))).toBe(true);
      // trashed members are dashes and absent from the index
      for (const n of listing.filter((x) => x.startsWith(".trash/"))) {
        expect(files.some((f) => f.n === n)).toBe(false);
        expect(execFileSync("tar", ["-xOf", path, n]).every((x: number) => x === 0x2d)).toBe(true);
      }
      const fromTar = parseRfs(execFileSync("tar", ["-xOf", path, "lindi.json"], { encoding: "utf8" }));
      const lj = files.find((f) => f.n === "lindi.json")!;
      expect(fromTar).toEqual(parseRfs(text(b, lj.d, lj.d + lj.s)));
      expect(fromTar.refs[`big_${j}_19/0`]).toEqual([`./blobs/big_${j}_19/0`, 0, 1000 + 37 * 19]);
      if (j > 0) expect(fromTar.refs["big_0_0/0"]).toEqual([`./blobs/big_0_0/0.v${j + 1}`, 0, 1200 + j]);
      // the entry was re-pointed: the live index is no longer the one at 1536
      expect(files.find((f) => f.n === ".tar_index.json")!.o).toBeGreaterThan(1536);
    }
  });

  it("rewrites lindi.json in place, space padded, while it fits", async () => {
    const path = join(tempDir(), "inplace.lindi.tar");
    const b = await openBackend(path, "w");
    const before = layout(path).files;
    b.rfs.refs[".zattrs"] = { a: 1 };
    await b.flush(b.rfs);
    await b.close();
    const { files, b: bytes } = layout(path);
    expect(files).toEqual(before);
    const lj = files.find((f) => f.n === "lindi.json")!;
    expect(lj.s).toBe(8192);
    const body = text(bytes, lj.d, lj.d + lj.s);
    expect(body.trimEnd()).toBe('{\n  "refs": {\n    ".zattrs": {\n      "a": 1\n    },\n    ".zgroup": {\n      "zarr_format": 2\n    }\n  }\n}');
    expect(body.slice(body.trimEnd().length)).toMatch(/^ +$/);
  });

  it("creates LINDI's empty tar byte for byte", async () => {
    const path = join(tempDir(), "empty.lindi.tar");
    await (await openBackend(path, "x")).close();
    const { files, b } = layout(path);
    expect(files.map((f) => [f.n, f.o, f.s])).toEqual([[".tar_entry.json", 0, 1024], [".tar_index.json", 1536, 8192], ["lindi.json", 10240, 8192]]);
    expect(b.length).toBe(10240 + 512 + 8192 + 1024);
    expect(text(b, 10752, 10752 + 8192).trimEnd()).toBe('{\n  "refs": {\n    ".zgroup": {\n      "zarr_format": 2\n    }\n  }\n}');
  });
});

describe("tar backend: damage and interruption", () => {
  it("reports a truncated tar clearly", async () => {
    const dir = tempDir();
    const path = join(dir, "t.lindi.tar");
    await createWithAttr(path);
    const size = statSync(path).size;
    truncateSync(path, size - 4096);
    await expect(openBackend(path, "r")).rejects.toThrow(/truncated tar/);
    truncateSync(path, 1000);
    await expect(openBackend(path, "r")).rejects.toThrow(/truncated tar/);
  });

  it("keeps the previous content when a session ends without flush, and repairs a cut-short append", async () => {
    const path = join(tempDir(), "cut.lindi.tar");
    await createWithAttr(path);
    const expected = new Map<string, Uint8Array>();
    await growSession(path, "a", 0, expected);
    const committed = statSync(path).size;
    // blobs appended, never committed
    const b = await openBackend(path, "r+");
    await b.putChunk("lost/0", pattern(5000, 1));
    await b.close();
    expect(statSync(path).size).toBeGreaterThan(committed);
    await checkAll(path, expected);
    // an append cut short: the zero tail is gone
    truncateSync(path, committed + 700);
    appendFileSync(path, Buffer.from("garbage"));
    await checkAll(path, expected);
    await growSession(path, "a", 1, expected);
    await checkAll(path, expected);
    layout(path);
    execFileSync("tar", ["-tf", path]);
  });

  it("refuses to append when the tar no longer ends where it should", async () => {
    const path = join(tempDir(), "moved.lindi.tar");
    await createWithAttr(path);
    const b = await openBackend(path, "r+");
    appendFileSync(path, Buffer.alloc(1024));
    await expect(b.putChunk("x/0", pattern(2000, 2))).rejects.toThrow(/1024 zero bytes/);
    await b.close();
  });

  it("reads a tar through any RangeReader, read-only", async () => {
    const path = join(tempDir(), "r.lindi.tar");
    await createWithAttr(path);
    const expected = new Map<string, Uint8Array>();
    await growSession(path, "a", 0, expected);
    const b = await openBackendFromReader(await LocalFileReader.open(path), path);
    expect(b.kind).toBe("tar");
    expect(b.writable).toBe(false);
    const ref = b.rfs.refs["big_0_3/0"] as [string, number, number];
    expect(ref[0]).toBe("./blobs/big_0_3/0");
    expect(Buffer.from(await b.readInternal(ref[0], 0, ref[2])).equals(Buffer.from(expected.get("big_0_3/0")!))).toBe(true);
    await expect(b.readInternal(ref[0], 1, ref[2])).rejects.toThrow(/pass the end/);
    await expect(b.putChunk("y/0", pattern(10, 1))).rejects.toThrow(/read-only/);
    await expect(b.flush(b.rfs)).rejects.toThrow(/read-only/);
    await b.close();
  });

  it("rejects a ustar file whose entry is not LINDI's", async () => {
    const path = join(tempDir(), "plain.lindi.tar");
    const dir = tempDir();
    writeFileSync(join(dir, "a.txt"), "hello");
    execFileSync("tar", ["--format=ustar", "-cf", path, "-C", dir, "a.txt"]);
    await expect(openBackend(path, "r")).rejects.toThrow(/tar_entry\.json|truncated/);
  });
});



describe("tar backend: crash safety", () => {
  it("a flush cut off at any write leaves the previous or the new content", async () => {
    const { copyFileSync } = await import("node:fs");
    const { open } = await import("node:fs/promises");
    const { vi } = await import("vitest");
    const dir = tempDir();
    const base = join(dir, "base.lindi.tar");
    await createWithAttr(base);
    const rfsOf = async (path: string) => {
      const b = await openBackend(path, "r");
      await b.close();
      return b.rfs;
    };
    const before = await rfsOf(base);
    const probe = await open(base, "r");
    const proto = Object.getPrototypeOf(probe) as { write: (...a: unknown[]) => Promise<unknown> };
    await probe.close();
    const original = proto.write;
    let writes = 0;
    let crashAt = Infinity;
    const spy = vi.spyOn(proto, "write").mockImplementation(function (this: unknown, ...a: unknown[]) {
      if (++writes === crashAt) return Promise.reject(new Error("simulated crash"));
      return original.apply(this, a);
    });
    // one session that outgrows both lindi.json and the index, so every kind of write happens
    const session = async (path: string) => {
      const b = await openBackend(path, "r+", { initialLindiJsonSize: 1024, initialIndexSize: 1024 });
      try {
        for (let i = 0; i < 15; i++) b.rfs.refs[`b${i}/0`] = await b.putChunk(`b${i}/0`, pattern(1500, i));
        for (let i = 0; i < 15; i++) b.rfs.refs[`s${i}/0`] = await b.putChunk(`s${i}/0`, pattern(200, i));
        await b.flush(b.rfs);
        return b.rfs;
      } finally {
        await b.close();
      }
    };
    try {
      const full = join(dir, "full.lindi.tar");
      copyFileSync(base, full);
      writes = 0;
      const after = await session(full);
      const total = writes;
      expect(total).toBeGreaterThan(20);
      let sawOld = 0;
      let sawNew = 0;
      for (let n = 1; n <= total; n++) {
        const work = join(dir, `crash-${n}.lindi.tar`);
        copyFileSync(base, work);
        writes = 0;
        crashAt = n;
        await expect(session(work)).rejects.toThrow(/simulated crash/);
        crashAt = Infinity;
        const got = await rfsOf(work);
        if (JSON.stringify(got) === JSON.stringify(before)) sawOld++;
        else {
          expect(got, `crash at write ${n}`).toEqual(after);
          sawNew++;
        }
        // and it can be opened for writing again (repairing a cut-short append)
        await session(work);
        layout(work);
      }
      expect(sawOld).toBeGreaterThan(0);
      expect(sawNew).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
    }
  });
});
