// LindiFile: h5py's modes on real .lindi.json / .lindi.tar / .lindi.d files (write, read back,
// amend), read-only files refusing every write, flush and close.

import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { LindiDataset } from "./dataset.ts";
import { LindiFile } from "./file.ts";
import { LindiGroup } from "./group.ts";
import { isChunkRef } from "./refs.ts";
import { memoryFile } from "./testing-backend.ts";

const tmp = tempDir("trove-lindi-file-");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ds = (f: LindiGroup, p: string) => {
  const d = f.get(p);
  if (!(d instanceof LindiDataset)) throw new Error(`${p} is not a dataset`);
  return d;
};

describe("read-only files", () => {
  it("refuse every write with a clear error", async () => {
    const f = LindiFile.fromRfs({ refs: { ".zgroup": { zarr_format: 2 }, "g/.zgroup": { zarr_format: 2 } } });
    expect(f.mode).toBe("r");
    expect(() => f.createGroup("x")).toThrow(/read-only/);
    await expect(f.createDataset("x", { data: [1] })).rejects.toThrow(/read-only/);
    expect(() => (f.get("g") as LindiGroup).attrs.set("a", 1)).toThrow(/read-only/);
    expect(() => f.delete("g")).toThrow(/read-only/);
    expect(() => f.createSoftLink("l", "/g")).toThrow(/read-only/);
    await f.close();
  });
});

describe("flush and close", () => {
  it("flush persists the refs; close flushes once, then refuses writes", async () => {
    const { b, f } = memoryFile();
    f.createGroup("g");
    await f.flush();
    expect(Object.keys(b.flushed!.refs).sort()).toEqual([".zgroup", "g/.zgroup"]);
    f.createGroup("h");
    await f.close();
    expect(b.flushes).toBe(2);
    expect(b.closed).toBe(true);
    expect(Object.keys(b.flushed!.refs)).toContain("h/.zgroup");
    expect(() => f.createGroup("i")).toThrow(/closed/);
    await expect(f.flush()).rejects.toThrow(/closed/);
    await f.close(); // harmless
    expect(b.flushes).toBe(2);
  });
});

describe("on disk", () => {
  for (const ext of ["json", "tar", "d"]) {
    it(`.lindi.${ext}: w writes, r reads back, r+ amends`, async () => {
      const path = join(tmp, `x.lindi.${ext}`);
      const f = await LindiFile.open(path, "w");
      expect(f.mode).toBe("r+");
      const g = f.createGroup("acq");
      g.attrs.set("desc", "é");
      await g.createDataset("data", { data: Float32Array.from({ length: 2000 }, (_, i) => i / 2), chunks: [500], compression: "gzip" });
      await f.createDataset("names", { data: ["x", "y"] });
      await f.close();

      const r = await LindiFile.open(path, "r");
      expect(r.keys()).toEqual(["acq", "names"]);
      expect((r.get("acq") as LindiGroup).attrs.get("desc")).toBe("é");
      expect(Array.from((await ds(r, "acq/data").read("999:1001")) as Float32Array)).toEqual([499.5, 500]);
      expect(await ds(r, "names").read()).toEqual(["x", "y"]);
      await expect(r.createDataset("no", { data: [1] })).rejects.toThrow(/read-only/);
      await r.close();

      const a = await LindiFile.open(path, "r+");
      await a.createDataset("more", { data: new Int32Array([1, 2, 3]) });
      a.delete("names");
      await a.close();
      const back = await LindiFile.open(path);
      expect(back.keys()).toEqual(["acq", "more"]);
      expect(Array.from((await ds(back, "more").read()) as Int32Array)).toEqual([1, 2, 3]);
      expect((await ds(back, "acq/data").read()).length).toBe(2000);
      await back.close();
      if (ext === "json") expect(Object.values(JSON.parse(readFileSync(path, "utf8")).refs).some((v) => isChunkRef(v as never))).toBe(false);
      if (ext === "d") expect(existsSync(join(path, "lindi.json"))).toBe(true);
    });
  }
});
