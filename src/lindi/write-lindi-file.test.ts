// writeLindiFile: the three formats by extension, generationMetadata, blobs, and LINDI's refusals.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { pattern } from "./backend-scenario.ts";
import { openBackend } from "./open-backend.ts";
import type { Rfs } from "./refs.ts";
import { writeLindiFile } from "./write-lindi-file.ts";

const big = pattern(3000, 5);
const rfs = (): Rfs => ({
  refs: {
    ".zgroup": { zarr_format: 2 },
    "a/.zarray": { chunks: [3000], compressor: null, dtype: "|u1", fill_value: 0, filters: null, order: "C", shape: [3000], zarr_format: 2 },
    "a/0": "base64:" + Buffer.from(big).toString("base64"),
    "b/0": "abc",
    "c/0": ["/data/x.h5", 10, 20],
  },
});

describe("writeLindiFile", () => {
  for (const ext of ["lindi.json", "lindi.tar", "lindi.d"]) {
    it(`writes a .${ext} that opens with the same chunks`, async () => {
      const dir = tempDir();
      const path = join(dir, `out.${ext}`);
      await writeLindiFile(path, rfs(), { generationMetadata: { generatedBy: "trove", v: 1 } });
      const b = await openBackend(path, "r");
      expect(b.rfs.generationMetadata).toEqual({ generatedBy: "trove", v: 1 });
      expect(b.rfs.refs["b/0"]).toBe("abc");
      expect(b.rfs.refs["c/0"]).toEqual(["/data/x.h5", 10, 20]);
      const a = b.rfs.refs["a/0"];
      if (ext === "lindi.json") expect(a).toBe(rfs().refs["a/0"]);
      else {
        expect(a).toEqual(["./blobs/a/0", 0, 3000]);
        expect(Buffer.from(await b.readInternal("./blobs/a/0", 0, 3000)).equals(Buffer.from(big))).toBe(true);
      }
      await b.close();
      expect(readdirSync(dir)).toEqual([`out.${ext}`]);
      if (ext === "lindi.tar") expect(execFileSync("tar", ["-tf", path], { encoding: "utf8" }).split("\n")).toContain("blobs/a/0");
      if (ext === "lindi.json") expect(readFileSync(path, "utf8")).toMatch(/^\{\n {2}"generationMetadata": \{\n {4}"generatedBy": "trove",/);
    });
  }

  it("refuses other extensions, an existing folder, and refs into a source tar", async () => {
    const dir = tempDir();
    await expect(writeLindiFile(join(dir, "x.lindi.invalid_extension"), rfs())).rejects.toThrow(/must end with \.lindi\.json, \.lindi\.tar or \.lindi\.d/);
    mkdirSync(join(dir, "e.lindi.d"));
    await expect(writeLindiFile(join(dir, "e.lindi.d"), rfs())).rejects.toThrow(/already exists/);
    const internal: Rfs = { refs: { "a/0": ["./blobs/a/0", 0, 3] } };
    await expect(writeLindiFile(join(dir, "i.lindi.tar"), internal)).rejects.toThrow(/points at \.\/blobs\/a\/0 inside its source/);
    await expect(writeLindiFile(join(dir, "i.lindi.d"), internal)).rejects.toThrow(/inside its source/);
    expect(existsSync(join(dir, "i.lindi.tar")) || existsSync(join(dir, "i.lindi.d"))).toBe(false);
  });

  it("will not overwrite a file another writer has open", async () => {
    const path = join(tempDir(), "busy.lindi.json");
    const b = await openBackend(path, "w");
    await expect(writeLindiFile(path, rfs())).rejects.toThrow(/is open for writing by pid/);
    await b.close();
  });
});
