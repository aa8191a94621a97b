// LindiGroup: creating, listing, resolving (absolute, relative, through soft links), getLink,
// delete; on an in-memory backend.

import { describe, expect, it } from "vitest";
import type { LindiDataset } from "./dataset.ts";
import { LindiGroup } from "./group.ts";
import { memoryFile as writable } from "./testing-backend.ts";

const ds = (f: LindiGroup, p: string) => f.get(p) as LindiDataset;

describe("groups", () => {
  it("creates, lists, follows paths and deletes", async () => {
    const { f } = writable();
    const a = f.createGroup("a");
    a.createGroup("b/c"); // intermediate groups, as h5py
    expect(f.keys()).toEqual(["a"]);
    expect(a.keys()).toEqual(["b"]);
    expect((f.get("/a/b/c") as LindiGroup).name).toBe("/a/b/c");
    expect(a.get("b")?.kind).toBe("group");
    expect(f.has("a/b/c")).toBe(true);
    expect(f.get("nope")).toBeUndefined();
    expect(f.requireGroup("a")).toBeInstanceOf(LindiGroup);
    expect(() => f.createGroup("a")).toThrow(/already exists/);
    f.delete("a/b");
    expect(a.keys()).toEqual([]);
    expect(Object.keys(f.rfs.refs).sort()).toEqual([".zgroup", "a/.zgroup"]);
  });

  it("follows soft links and shows them with getLink", async () => {
    const { f } = writable();
    await f.createDataset("data/x", { data: [1, 2, 3] });
    f.createSoftLink("alias", "/data");
    expect(f.rfs.refs["alias/.zattrs"]).toEqual({ _SOFT_LINK: { path: "/data" } });
    expect((f.get("alias/x") as LindiDataset).name).toBe("/data/x");
    expect(Array.from((await ds(f, "alias/x").read()) as BigInt64Array)).toEqual([1n, 2n, 3n]);
    expect(f.getLink("alias")).toEqual({ kind: "soft", path: "/data" });
    expect(f.getLink("data")?.kind).toBe("hard");
    f.createSoftLink("dangling", "/nowhere");
    expect(f.get("dangling")).toBeUndefined();
    expect(f.getLink("dangling")).toEqual({ kind: "soft", path: "/nowhere" });
    f.delete("alias");
    expect(f.keys()).toEqual(["dangling", "data"]);
  });
});

describe("creating through links", () => {
  it("creates inside a soft link's target, resolves relative link targets, refuses dangling parents", async () => {
    const { f } = writable();
    f.createGroup("real");
    f.createSoftLink("alias", "/real");
    await f.createDataset("alias/x", { data: [1] });
    expect(Object.keys(f.rfs.refs)).toContain("real/x/.zarray");
    f.createGroup("real/sub");
    // a relative soft link resolves against the group holding it
    (f.get("real") as LindiGroup).createSoftLink("rel", "sub");
    expect(f.rfs.refs["real/rel/.zattrs"]).toEqual({ _SOFT_LINK: { path: "sub" } });
    expect(f.get("real/rel")?.name).toBe("/real/sub");
    f.createSoftLink("gone", "/nowhere");
    expect(() => f.createGroup("gone/x")).toThrow(/dangling soft link/);
    expect(() => f.createGroup("alias")).toThrow(/already exists/);
  });
});
