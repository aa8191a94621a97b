// Damaged files: flip bytes or truncate the fixture files and walk everything (tree, attributes,
// chunk tables, values; also blosc/lz4/zstd chunks, region references and virtual datasets). Every
// failure must be a TroveError (H5FormatError, H5UnsupportedError, H5NotFoundError), never a
// RangeError/TypeError, a hang or a huge allocation.
//
//   npx vitest run src/h5/damaged

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { TroveError } from "../errors.ts";
import { H5Dataset, H5File, H5Group } from "./file.ts";
import { BufferReader } from "./reader.ts";

const dir = join(repoRoot, "test", "fixtures", "h5");

/** Walk every object reachable from / and touch everything; returns the first error or null. */
async function walkAll(bytes: Uint8Array): Promise<unknown> {
  try {
    const file = await H5File.open(new BufferReader(bytes));
    const queue = ["/"];
    const seen = new Set<string>();
    let visits = 0;
    while (queue.length && visits++ < 2000) {
      const path = queue.shift()!;
      let obj;
      try {
        obj = await file.get(path);
      } catch (e) {
        if (!(e instanceof TroveError)) return e;
        continue;
      }
      if (seen.has(`${obj.kind}:${obj.address}`)) continue;
      seen.add(`${obj.kind}:${obj.address}`);
      const attempts: (() => Promise<unknown>)[] = [() => obj.attrs()];
      if (obj instanceof H5Group) {
        attempts.push(async () => {
          for (const l of await obj.links()) if (l.kind === "hard") queue.push(path === "/" ? `/${l.name}` : `${path}/${l.name}`);
        });
      }
      if (obj instanceof H5Dataset) {
        attempts.push(() => obj.chunkTable(), () => obj.read({ maxBytes: 1 << 20 }));
      }
      for (const attempt of attempts) {
        try {
          await attempt();
        } catch (e) {
          if (!(e instanceof TroveError)) return e;
        }
      }
    }
    return null;
  } catch (e) {
    return e instanceof TroveError ? null : e;
  }
}

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("damaged files", () => {
  for (const name of ["basic", "latest", "big", "filters", "regions", "vds"]) {
    it(`${name}.h5 with flipped bytes fails only with TroveErrors`, async () => {
      const orig = new Uint8Array(readFileSync(join(dir, `${name}.h5`)));
      expect(await walkAll(orig)).toBeNull();
      const rand = rng(name.length * 7919);
      const bad: string[] = [];
      for (let i = 0; i < 150; i++) {
        const bytes = orig.slice();
        const at = Math.floor(rand() * bytes.length);
        for (let k = 0; k < 4 && at + k < bytes.length; k++) bytes[at + k] = Math.floor(rand() * 256);
        const err = await walkAll(bytes);
        if (err) bad.push(`byte ${at}: ${String(err)}`);
      }
      expect(bad).toEqual([]);
    });

    it(`${name}.h5 truncated fails only with TroveErrors`, async () => {
      const orig = new Uint8Array(readFileSync(join(dir, `${name}.h5`)));
      const bad: string[] = [];
      for (const frac of [0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99]) {
        const err = await walkAll(orig.subarray(0, Math.floor(orig.length * frac)));
        if (err) bad.push(`${frac}: ${String(err)}`);
      }
      expect(bad).toEqual([]);
    });
  }
});
