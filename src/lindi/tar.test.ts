// .lindi.tar: LINDI's exact layout (headers, entry, index, padding, blobs) and a round trip of
// arrays read back through the tar.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { fromHdf5 } from "./from-hdf5.ts";
import { LindiDataset } from "./dataset.ts";
import { LindiFile } from "./file.ts";
import type { Rfs } from "./refs.ts";
import { readLindiTar, tarHeader, writeLindiTar } from "./tar.ts";
import { canonValues } from "./testing.ts";

const tmp = mkdtempSync(join(tmpdir(), "trove-lindi-tar-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const text = (b: Uint8Array, from: number, to: number) => Buffer.from(b.subarray(from, to)).toString("latin1");

describe("tarHeader", () => {
  it("matches LINDI's create_tar_header byte for byte", () => {
    const h = tarHeader(".tar_entry.json", 1024);
    expect(h.length).toBe(512);
    expect(text(h, 0, 16)).toBe(".tar_entry.json\0");
    expect(text(h, 100, 148)).toBe("0000644\u00000000000\u00000000000\u000000000002000\u000000000000000\u0000");
    expect(text(h, 156, 157)).toBe("0");
    expect(text(h, 257, 265)).toBe("ustar\u000000");
    // checksum: six octal digits, NUL, space, over the header with the field as spaces
    const sum = h.reduce((a, b, i) => a + (i >= 148 && i < 156 ? 32 : b), 0);
    expect(text(h, 148, 156)).toBe(sum.toString(8).padStart(6, "0") + "\0 ");
  });
});

describe("writeLindiTar / readLindiTar", () => {
  it("lays out entry, index, lindi.json and blobs as LINDI does", async () => {
    const big = Buffer.alloc(1500, 7).toString("base64");
    const rfs: Rfs = {
      refs: {
        ".zgroup": { zarr_format: 2 },
        "x/.zarray": { chunks: [1500], compressor: null, dtype: "|u1", fill_value: 0, filters: null, order: "C", shape: [1500], zarr_format: 2 },
        "x/0": `base64:${big}`,
        "y/.zarray": { chunks: [3], compressor: null, dtype: "|u1", fill_value: 0, filters: null, order: "C", shape: [3], zarr_format: 2 },
        "y/0": "base64:AQID",
      },
      version: 1,
    };
    const path = join(tmp, "a.lindi.tar");
    await writeLindiTar(path, rfs);
    const b = new Uint8Array(readFileSync(path));
    expect(b.length % 512).toBe(0);
    expect(b.subarray(b.length - 1024).every((x) => x === 0)).toBe(true);
    const entry = text(b, 512, 1536);
    expect(entry.trimEnd()).toBe('{\n  "index": {\n    "d": 2048,\n    "n": ".tar_index.json",\n    "o": 1536,\n    "s": 8192\n  }\n}');
    expect(text(b, 1536, 1552)).toBe(".tar_index.json\0");
    const { rfs: back, files } = await readLindiTar(path);
    expect(files.map((f) => f.n)).toEqual([".tar_entry.json", ".tar_index.json", "lindi.json", "blobs/x/0"]);
    expect(files[2]).toEqual({ d: 10752, n: "lindi.json", o: 10240, s: 8192 });
    const stored = JSON.parse(text(b, files[2].d, files[2].d + files[2].s));
    expect(stored.refs["x/0"]).toEqual(["./blobs/x/0", 0, 1500]);
    expect(stored.refs["y/0"]).toBe("base64:AQID");
    expect(back.refs["x/0"]).toEqual([path, files[3].d, 1500]);
    const f = await LindiFile.open(path);
    expect(Array.from((await (f.get("x") as LindiDataset).read()) as Uint8Array)).toEqual(new Array(1500).fill(7));
    expect(Array.from((await (f.get("y") as LindiDataset).read()) as Uint8Array)).toEqual([1, 2, 3]);
    await f.close();
  });

  it("round-trips a converted HDF5 file", async () => {
    const h5 = resolve(repoRoot, "test/fixtures/h5/latest.h5");
    const { rfs } = await fromHdf5(h5, { onUnsupported: "skip" });
    const path = join(tmp, "latest.lindi.tar");
    await writeLindiTar(path, rfs);
    const a = LindiFile.fromRfs(rfs, "/");
    const t = await LindiFile.open(path);
    const values = async (f: LindiFile, key: string) => canonValues(Array.from((await (f.get(key) as LindiDataset).read()) as ArrayLike<unknown>));
    for (const key of ["chunked_gzip", "contig", "vlen_str", "fletcher", "scalar_str", "refs"]) {
      expect(await values(t, key), key).toEqual(await values(a, key));
    }
    await t.close();
  });

  it("rejects a tar whose index does not describe itself", async () => {
    const path = join(tmp, "bad.lindi.tar");
    await writeLindiTar(path, { refs: { ".zgroup": { zarr_format: 2 } } });
    const b = Buffer.from(readFileSync(path));
    b.write('{"index": {"d": 2048, "n": ".tar_index.json", "o": 1536, "s": 4096}}'.padEnd(1024, " "), 512, "latin1");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path, b);
    await expect(readLindiTar(path)).rejects.toThrow(/describe itself/);
  });
});
