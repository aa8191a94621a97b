// bloscEncode against Python numcodecs 0.11 / c-blosc 1.21: every Blosc-compressed inline chunk
// LINDI wrote into test/fixtures/lindi/*.lindi.json, decompressed and compressed again by trove,
// must come out byte for byte the same.

import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { wasmDecode } from "../h5/wasm-codecs.ts";
import { bloscEncode, itemsizeOf } from "./blosc-encode.ts";
import { decodeInline } from "./refs.ts";

const dir = resolve(repoRoot, "test/fixtures/lindi");

function lindiChunks(): { where: string; itemsize: number; stored: Uint8Array }[] {
  const out: { where: string; itemsize: number; stored: Uint8Array }[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".lindi.json") && !n.includes("noblosc"))) {
    const refs = (JSON.parse(readFileSync(resolve(dir, f), "utf8")) as { refs: Record<string, unknown> }).refs;
    for (const [k, z] of Object.entries(refs)) {
      const meta = z as { compressor?: { id: string } | null; dtype: string };
      if (!k.endsWith(".zarray") || meta.compressor?.id !== "blosc") continue;
      const prefix = k.slice(0, -".zarray".length);
      for (const [ck, v] of Object.entries(refs)) {
        const rest = ck.slice(prefix.length);
        if (!ck.startsWith(prefix) || rest.includes("/") || rest.startsWith(".") || typeof v !== "string") continue;
        out.push({ where: `${f} ${ck}`, itemsize: itemsizeOf(meta.dtype), stored: decodeInline(v, ck) });
      }
    }
  }
  return out;
}

describe("bloscEncode", () => {
  it("recompresses LINDI's inline chunks to the same bytes", async () => {
    const chunks = lindiChunks();
    expect(chunks.length).toBeGreaterThan(50);
    const compressed = chunks.filter((c) => !(c.stored[2] & 0x2)).length;
    expect(compressed).toBeGreaterThan(10); // not only the stored (memcpy'd) small ones
    const diffs: string[] = [];
    for (const c of chunks) {
      const raw = await wasmDecode("blosc", c.stored, 1 << 20);
      const ours = await bloscEncode(raw, c.itemsize);
      if (Buffer.compare(Buffer.from(ours), Buffer.from(c.stored)) !== 0) diffs.push(c.where);
    }
    expect(diffs).toEqual([]);
  });

  it("stores incompressible and tiny inputs with the memcpy flag", async () => {
    const tiny = await bloscEncode(new Uint8Array([1, 2, 3]), 1);
    expect(Array.from(tiny.subarray(0, 4))).toEqual([2, 1, 0x33, 1]);
    expect(tiny.length).toBe(19);
    const noise = new Uint8Array(4096).map((_, i) => (i * 2654435761) >>> 24);
    const out = await bloscEncode(noise, 1);
    expect(out.length).toBeLessThanOrEqual(4096 + 16);
    expect(await wasmDecode("blosc", out, 1 << 20)).toEqual(noise);
  });

  it("gives the typesize of an itemsize over 255 as 1", async () => {
    expect((await bloscEncode(new Uint8Array(400), 400))[3]).toBe(1);
  });
});
