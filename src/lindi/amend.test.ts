// The r+ workflow the issue asks for: a .lindi.tar made from an HDF5 file, opened r+, amended with
// a new dataset. Only the new chunks are stored (as blobs in the tar); refs into the original
// file are untouched, the original file's bytes are unchanged, and everything reads back.

import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { tempDir } from "../../test/helpers.ts";
import { LindiDataset } from "./dataset.ts";
import { LindiFile } from "./file.ts";
import { fromHdf5 } from "./from-hdf5.ts";
import { isChunkRef } from "./refs.ts";
import { readLindiTar, writeLindiTar } from "./tar.ts";
import { canonValues } from "./testing.ts";

const tmp = tempDir("trove-lindi-amend-");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const read = async (f: LindiFile, p: string) => canonValues(Array.from((await (f.get(p) as LindiDataset).read()) as ArrayLike<unknown>));

describe("amending a .lindi.tar made from an HDF5 file (r+)", () => {
  it("stores only the new chunks and leaves the original refs and file alone", async () => {
    const h5 = join(tmp, "basic.h5");
    copyFileSync(resolve(repoRoot, "test/fixtures/h5/basic.h5"), h5);
    const h5Before = readFileSync(h5);
    const { rfs } = await fromHdf5(h5, { onUnsupported: "skip", maxInlineSize: 0 });
    const tar = join(tmp, "basic.lindi.tar");
    await writeLindiTar(tar, rfs);
    const refsBefore = structuredClone(rfs.refs);
    const blobsBefore = (await readLindiTar(tar)).files.filter((f) => f.n.startsWith("blobs/")).map((f) => f.n);
    const old = ["chunked_gzip", "chunked_plain", "contig", "vlen_str", "fletcher", "unwritten"];
    const r = await LindiFile.open(tar);
    const valuesBefore = await Promise.all(old.map((p) => read(r, p)));
    await r.close();

    const f = await LindiFile.open(tar, "r+");
    const data = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    await f.createDataset("added/wave", { data, chunks: [250] });
    f.requireGroup("added").attrs.set("note", "new");
    await f.close();

    expect(readFileSync(h5).equals(h5Before)).toBe(true);
    const { rfs: after, files } = await readLindiTar(tar);
    const newBlobs = files.filter((x) => x.n.startsWith("blobs/") && !blobsBefore.includes(x.n)).map((x) => x.n).sort();
    expect(newBlobs).toEqual(["blobs/added/wave/0", "blobs/added/wave/1", "blobs/added/wave/2", "blobs/added/wave/3"]);
    const intoH5 = Object.entries(refsBefore).filter(([, v]) => isChunkRef(v) && !v[0].startsWith("./"));
    expect(intoH5.length).toBeGreaterThan(10);
    for (const [k, v] of intoH5) expect(after.refs[k], k).toEqual(v); // still [h5 or {{u1}}, offset, size]
    expect(after.templates).toEqual(rfs.templates);
    const addedKeys = Object.keys(after.refs).filter((k) => !(k in refsBefore)).sort();
    expect(addedKeys).toEqual(["added/.zattrs", "added/.zgroup", "added/wave/.zarray", "added/wave/0", "added/wave/1", "added/wave/2", "added/wave/3"]);

    const back = await LindiFile.open(tar);
    expect(await Promise.all(old.map((p) => read(back, p)))).toEqual(valuesBefore);
    expect(Array.from((await (back.get("added/wave") as LindiDataset).read("248:252")) as Float64Array)).toEqual(Array.from(data.subarray(248, 252)));
    expect(back.getLink("added")?.kind).toBe("hard");
    await back.close();
  });
});
