// .lindi.json backend: inline encoding as LINDI's store does it, the exact JSON written, atomic
// replacement, and "./x" refs next to the file.

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { EMPTY_LINDI_JSON } from "./json-backend.ts";
import { openBackend } from "./open-backend.ts";

describe("json backend", () => {
  it("keeps every chunk inline: ASCII as is, other bytes as base64", async () => {
    const dir = tempDir();
    const path = join(dir, "x.lindi.json");
    const b = await openBackend(path, "w");
    expect(readFileSync(path, "utf8")).toBe(EMPTY_LINDI_JSON);
    expect(b.kind).toBe("json");
    expect(await b.putChunk("t/0", new TextEncoder().encode('["abc"]'))).toBe('["abc"]');
    expect(await b.putChunk("u/0", new Uint8Array([0, 1, 200]))).toBe("base64:AAHI");
    // text that itself starts with "base64:" must be encoded, or it would be read back decoded
    expect(await b.putChunk("v/0", new TextEncoder().encode("base64:hi"))).toBe("base64:YmFzZTY0Omhp");
    const big = new Uint8Array(5000).fill(0xff);
    expect(await b.putChunk("w/0", big)).toBe("base64:" + Buffer.from(big).toString("base64"));
    b.rfs.refs["t/0"] = '["abc"]';
    b.rfs.refs["u/0"] = "base64:AAHI";
    b.rfs.generationMetadata = { by: "trove" };
    await b.flush(b.rfs);
    await b.close();
    expect(readFileSync(path, "utf8")).toBe(
      '{\n  "generationMetadata": {\n    "by": "trove"\n  },\n  "refs": {\n    ".zgroup": {\n      "zarr_format": 2\n    },\n    "t/0": "[\\"abc\\"]",\n    "u/0": "base64:AAHI"\n  }\n}',
    );
    expect(readdirSync(dir).sort()).toEqual(["x.lindi.json"]);
  });

  it("serves ./ refs from files beside it, never outside", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "data.bin"), Buffer.from([1, 2, 3, 4, 5]));
    const path = join(dir, "y.lindi.json");
    writeFileSync(path, JSON.stringify({ refs: { ".zgroup": { zarr_format: 2 }, "a/0": ["./data.bin", 1, 3] } }));
    const b = await openBackend(path, "r");
    expect(b.writable).toBe(false);
    expect(Array.from(await b.readInternal("./data.bin", 1, 3))).toEqual([2, 3, 4]);
    await expect(b.readInternal("./data.bin", 3, 3)).rejects.toThrow(/holds 2 of the 3 bytes/);
    await expect(b.readInternal("../x", 0, 1)).rejects.toThrow(/"\.\."/);
    await expect(b.putChunk("a/0", new Uint8Array(1))).rejects.toThrow(/read-only/);
    await b.close();
  });

  it("reports malformed JSON with the file's name", async () => {
    const path = join(tempDir(), "bad.lindi.json");
    writeFileSync(path, '{"refs": {"a": 1}}');
    await expect(openBackend(path, "r")).rejects.toThrow(/bad\.lindi\.json: refs\["a"\]/);
  });
});
