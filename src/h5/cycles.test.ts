// Cycles a file can hold: soft links pointing at each other, a group hard-linked into itself, and a
// v1 B-tree node whose child pointer points back at itself. Each must end in a clear error or a
// finite walk, never a hang. The files are written by h5py at test time.
//
//   npx vitest run src/h5/cycles.test.ts

import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { openArrayTree } from "../lindi/browse.ts";
import { fromHdf5 } from "../lindi/from-hdf5.ts";
import { H5FormatError } from "./errors.ts";
import { H5Dataset, H5File } from "./file.ts";

const dir = tempDir("h5-cycles-");
const path = join(dir, "cycles.h5");
execFileSync("/usr/bin/python3", ["-c", `
import h5py, numpy as np
with h5py.File(${JSON.stringify(path)}, "w") as f:
    f["a"] = h5py.SoftLink("/b")
    f["b"] = h5py.SoftLink("/a")
    g = f.create_group("g")
    g["self"] = g
    g.create_dataset("d", data=np.arange(1000, dtype="i4"), chunks=(10,))
`]);

describe("cycles", () => {
  it("soft links pointing at each other: a clear error", async () => {
    const f = await H5File.openSource(path);
    await expect(f.get("/a")).rejects.toThrow(/too many soft links/);
    await f.close();
  });

  it("a group linked into itself: walks end, conversion ends", async () => {
    const tree = await openArrayTree(path);
    const seen: string[] = [];
    for await (const it of tree.walk("/")) seen.push(it.path);
    await tree.close();
    expect(seen).toContain("/g/self");
    expect(seen.length).toBeLessThan(10);
    const { rfs, skipped } = await fromHdf5(path, { onUnsupported: "skip" });
    expect(Object.keys(rfs.refs).some((k) => k.startsWith("g/d/"))).toBe(true);
    expect(skipped).toContainEqual({ path: "/g/self", reason: "group /g/self is a hard link to a group that contains it (a cycle)" });
    await expect(fromHdf5(path)).rejects.toThrow(/a cycle/);
  });

  it("a v1 B-tree child pointing back at its own node: a clear error naming the offset", async () => {
    const f = await H5File.openSource(path);
    const ds = (await f.get("/g/d")) as H5Dataset;
    expect(ds.layout.class).toBe("chunked");
    const btree = (ds.layout as { address: number }).address;
    await f.close();
    // 100 chunks: the root is an internal node (level 1); point its first child at the root itself
    const bytes = readFileSync(path);
    expect(bytes.subarray(btree, btree + 4).toString("latin1")).toBe("TREE");
    const level = bytes[btree + 5];
    expect(level).toBeGreaterThan(0);
    const keySize = 8 + 8 * 2; // chunk size, filter mask, offsets for rank 1 + the element offset
    const firstChild = btree + 8 + 8 + 8 + keySize;
    bytes.writeBigUInt64LE(BigInt(btree), firstChild);
    const broken = join(dir, "btree-cycle.h5");
    writeFileSync(broken, bytes);
    const g = await H5File.openSource(broken);
    const err = await ((await g.get("/g/d")) as H5Dataset).read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(H5FormatError);
    expect(String(err)).toMatch(/cycle|offset|at byte/);
    await g.close();
  });
});
