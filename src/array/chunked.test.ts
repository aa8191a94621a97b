// readSelection against a plain nested-loop slicer over random shapes, chunk shapes and
// selections; only the chunks a selection touches are fetched; fill, padding and size limits.

import { describe, expect, it } from "vitest";
import { readSelection, readSelectionItems, touchedChunks } from "./chunked.ts";
import { ReadTooLargeError } from "./errors.ts";
import { parseSelection } from "./selection.ts";

/** A deterministic PRNG, so failures reproduce. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** The selected flat indices, by nested loops over the selection (the reference). */
function naive(shape: number[], text: string): number[] {
  const dims = parseSelection(text, shape).dims;
  const out: number[] = [];
  const walk = (d: number, base: number) => {
    if (d === shape.length) return void out.push(base);
    for (let k = 0; k < dims[d].count; k++) walk(d + 1, base * shape[d] + dims[d].start + k * dims[d].step);
  };
  walk(0, 0);
  return out;
}

/** Chunk bytes of a uint16 array whose element i holds i; edge chunks full size, padding 0xffff. */
function chunkOf(shape: number[], chunks: number[], coord: number[]): Uint8Array {
  const n = chunks.reduce((a, b) => a * b, 1);
  const v = new Uint16Array(n).fill(0xffff);
  for (let j = 0; j < n; j++) {
    let rem = j;
    let flat = 0;
    let inside = true;
    const local = chunks.map(() => 0);
    for (let d = chunks.length - 1; d >= 0; d--) {
      local[d] = rem % chunks[d];
      rem = Math.floor(rem / chunks[d]);
    }
    for (let d = 0; d < chunks.length; d++) {
      const g = coord[d] * chunks[d] + local[d];
      if (g >= shape[d]) inside = false;
      flat = flat * shape[d] + g;
    }
    if (inside) v[j] = flat;
  }
  return new Uint8Array(v.buffer);
}

function randomSlice(r: () => number, size: number): string {
  const pick = () => Math.floor(r() * (size + 4)) - 2;
  const kind = r();
  if (kind < 0.2 && size > 0) return String(Math.floor(r() * size));
  if (kind < 0.3) return ":";
  const step = 1 + Math.floor(r() * 4);
  return `${r() < 0.8 ? pick() : ""}:${r() < 0.8 ? pick() : ""}${r() < 0.5 ? `:${step}` : ""}`;
}

describe("readSelection", () => {
  it("equals a nested-loop slicer on random arrays and selections", async () => {
    const r = rng(42);
    for (let t = 0; t < 300; t++) {
      const rank = 1 + Math.floor(r() * 3);
      const shape = Array.from({ length: rank }, () => 1 + Math.floor(r() * 9));
      const chunks = shape.map((s) => 1 + Math.floor(r() * (s + 2)));
      const text = shape.map((s) => randomSlice(r, s)).join(",");
      const fetched: string[] = [];
      const bytes = await readSelection({
        shape, chunks, itemSize: 2, selection: text, fill: undefined,
        chunk: async (c) => (fetched.push(c.join(".")), chunkOf(shape, chunks, c)),
      });
      const want = naive(shape, text);
      expect(Array.from(new Uint16Array(bytes.buffer)), `${shape} / ${chunks} / ${text}`).toEqual(want);
      const needed = new Set(want.map((flat) => {
        const idx: number[] = [];
        for (let d = rank - 1; d >= 0; d--) {
          idx.unshift(flat % shape[d]);
          flat = Math.floor(flat / shape[d]);
        }
        return idx.map((x, d) => Math.floor(x / chunks[d])).join(".");
      }));
      expect(new Set(fetched), `${shape} / ${chunks} / ${text}`).toEqual(needed);
      expect(fetched.length).toBe(needed.size);
    }
  });

  it("fetches only the chunks a selection touches", async () => {
    expect(touchedChunks([100, 16], [10, 16], "5:25, ::4")).toEqual([[0, 0], [1, 0], [2, 0]]);
    expect(touchedChunks([100], [10], "::50")).toEqual([[0], [5]]);
    expect(touchedChunks([100], [10], "95:3")).toEqual([]);
  });

  it("fills absent chunks and zero-pads short ones", async () => {
    const bytes = await readSelection({
      shape: [6], chunks: [4], itemSize: 1, fill: new Uint8Array([9]),
      chunk: async ([c]) => (c === 0 ? undefined : new Uint8Array([5])),
    });
    expect(Array.from(bytes)).toEqual([9, 9, 9, 9, 5, 0]);
  });

  it("reads a scalar", async () => {
    const b = await readSelection({ shape: [], chunks: [], itemSize: 4, fill: undefined, chunk: async () => new Uint8Array([1, 2, 3, 4]) });
    expect(Array.from(b)).toEqual([1, 2, 3, 4]);
  });

  it("refuses absurd output sizes before fetching anything", async () => {
    let calls = 0;
    const read = readSelection({ shape: [1e6, 1e6], chunks: [1000, 1000], itemSize: 8, fill: undefined, chunk: async () => (calls++, undefined) });
    await expect(read).rejects.toThrow(ReadTooLargeError);
    await expect(readSelection({ shape: [100], chunks: [10], itemSize: 8, fill: undefined, maxBytes: 80, chunk: async () => undefined })).rejects.toThrow(/800 bytes.*more than the 80/);
    expect(calls).toBe(0);
  });

  it("keeps at most `concurrency` chunk fetches in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    await readSelection({
      shape: [64], chunks: [1], itemSize: 1, fill: undefined, concurrency: 3,
      chunk: async () => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        return new Uint8Array([1]);
      },
    });
    expect(peak).toBe(3);
  });
});

describe("readSelectionItems", () => {
  it("assembles JS items with a fill for absent chunks", async () => {
    const items = await readSelectionItems({
      shape: [2, 3], chunks: [1, 2], fill: null, selection: ":, 1:",
      chunk: async ([r, c]) => (r === 1 && c === 1 ? undefined : [`${r}${c}a`, `${r}${c}b`]),
    });
    expect(items).toEqual(["00b", "01a", "10b", null]);
  });
});
