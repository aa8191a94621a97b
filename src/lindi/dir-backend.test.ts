// .lindi.d backend: LINDI's growing scenario on a folder, blob versions, and names that try to
// leave the folder.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { checkAll, createWithAttr, growSession, pattern } from "./backend-scenario.ts";
import { openBackend } from "./open-backend.ts";
import { pyJson } from "./pyjson.ts";

describe("dir backend", () => {
  it("grows over 4 sessions with every chunk intact", async () => {
    const path = join(tempDir(), "example.lindi.d");
    await createWithAttr(path);
    const expected = new Map<string, Uint8Array>();
    for (let j = 0; j < 4; j++) {
      await growSession(path, j % 2 ? "r+" : "a", j, expected);
      await checkAll(path, expected);
      expect(readdirSync(join(path, "blobs", `big_${j}_7`))).toEqual(["0"]);
      if (j > 0) expect(existsSync(join(path, "blobs", "big_0_0", `0.v${j + 1}`))).toBe(true);
    }
    // lindi.json is LINDI's unpadded JSON; no temp files or entry/index files are left behind
    const b = await openBackend(path, "r");
    expect(readFileSync(join(path, "lindi.json"), "utf8")).toBe(pyJson(b.rfs));
    await b.close();
    expect(readdirSync(path).sort()).toEqual(["blobs", "lindi.json"]);
  });

  it("rejects names that leave the folder", async () => {
    const root = tempDir();
    const path = join(root, "x.lindi.d");
    writeFileSync(join(root, "secret"), "s3cret");
    const b = await openBackend(path, "w");
    await expect(b.readInternal("../secret", 0, 6)).rejects.toThrow(/starts with "\.\."/);
    await expect(b.readInternal("./blobs/../../secret", 0, 6)).rejects.toThrow(/starts with "\.\."/);
    await expect(b.readInternal("/etc/passwd", 0, 6)).rejects.toThrow(/absolute/);
    await expect(b.putChunk("../../evil/0", pattern(2000, 1))).rejects.toThrow(/starts with "\.\."/);
    await expect(b.putChunk("a/..x/0", pattern(2000, 1))).rejects.toThrow(/starts with "\.\."/);
    expect(existsSync(join(root, "evil"))).toBe(false);
    // small chunks stay inline whatever the key, as in LINDI
    expect(await b.putChunk("a/0", new Uint8Array([200, 1]))).toBe("base64:yAE=");
    await b.close();
  });

  it("mode w empties a LINDI folder but refuses one with other files", async () => {
    const path = join(tempDir(), "w.lindi.d");
    await createWithAttr(path);
    const b = await openBackend(path, "a");
    b.rfs.refs["x/0"] = await b.putChunk("x/0", pattern(3000, 3));
    await b.flush(b.rfs);
    await b.close();
    await (await openBackend(path, "w")).close();
    expect(readdirSync(path)).toEqual(["lindi.json"]);
    expect(JSON.parse(readFileSync(join(path, "lindi.json"), "utf8"))).toEqual({ refs: { ".zgroup": { zarr_format: 2 } } });
    mkdirSync(join(path, "mine"));
    await expect(openBackend(path, "w")).rejects.toThrow(/would delete files LINDI did not write \(mine\)/);
  });

  it("reports a folder without lindi.json", async () => {
    const path = join(tempDir(), "empty.lindi.d");
    mkdirSync(path);
    await expect(openBackend(path, "r")).rejects.toThrow(/without lindi\.json/);
  });
});
