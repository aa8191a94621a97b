// Virtual datasets (layout class 3): the mapping in the global heap (source file, source dataset,
// source selection, virtual selection per entry) and the values, copied element by element from
// the sources in row-major selection order. Sources in the same file (".") are always read; other
// files only through an opener registered for the file (setVirtualFileOpener); a source file or
// dataset that does not exist reads as the fill value, as in HDF5.
//
//   const mapping = await readVirtualMapping(ctx, layout, "/vds");   // [{ file: ".", dataset: "/a", source, virtual }]
//   setVirtualFileOpener(ctx, localFileOpener("/data"));
//   const bytes = await readVirtualBytes(ctx, { path: "/vds", layout, shape: [30], type, fill }, 1 << 20);

import type { H5Context } from "./context.ts";
import { Cursor } from "./cursor.ts";
import type { Datatype } from "./datatype.ts";
import { H5FormatError, H5UnsupportedError } from "./errors.ts";
import { globalHeapObject } from "./global-heap.ts";
import type { Layout } from "./layout.ts";
import type { H5Selection } from "./references.ts";
import { parseSerializedSelection } from "./region.ts";
import { resolveSource } from "./vds-sources.ts";

export { localFileOpener, setVirtualFileOpener, type VirtualFileOpener } from "./vds-sources.ts";

export interface VirtualMapping {
  /** The source file's name as stored: "." for the same file, else a path (relative to this file's folder). */
  file: string;
  dataset: string;
  source: H5Selection;
  virtual: H5Selection;
}

type VirtualLayout = Extract<Layout, { class: "virtual" }>;

export function readVirtualMapping(ctx: H5Context, layout: VirtualLayout, path?: string): Promise<VirtualMapping[]> {
  return ctx.memo(`vds:${layout.heapAddress}:${layout.heapIndex}`, async () => {
    const obj = await globalHeapObject(ctx, layout.heapAddress, layout.heapIndex, path);
    const c = new Cursor(obj, ctx.abs(layout.heapAddress), ctx.sizes, path);
    const version = c.u8();
    if (version > 1) c.fail(`virtual dataset mapping version ${version}`);
    const n = c.length();
    // each entry takes at least two names and two 16-byte selections
    if (n * 34 > c.remaining) c.fail(`virtual dataset mapping of ${n} entries passes the end of its heap object`);
    const out: VirtualMapping[] = [];
    for (let i = 0; i < n; i++) {
      let file: string | undefined;
      if (version === 1) {
        // HDF5 1.14: flags say a name is shared with an earlier entry or the source is this file
        const flags = c.u8();
        if (flags & 0x03) throw new H5UnsupportedError("virtual dataset mappings with shared source names (HDF5 1.14)", { path, offset: c.address + c.pos });
        if (flags & 0x04) file = ".";
      }
      file ??= c.cstring();
      const dataset = c.cstring();
      out.push({ file, dataset, source: parseSerializedSelection(c), virtual: parseSerializedSelection(c) });
    }
    return out;
  });
}

export interface VirtualDatasetInfo {
  path: string;
  layout: VirtualLayout;
  shape: number[];
  type: Datatype;
  fill: Uint8Array | undefined;
}

/** Nested virtual datasets deeper than this are taken for a cycle. */
const MAX_DEPTH = 8;
const depth = new WeakMap<H5Context, number>();

/** The whole virtual dataset's bytes, row-major; at most `maxBytes` (also for what the sources give). */
export async function readVirtualBytes(ctx: H5Context, ds: VirtualDatasetInfo, maxBytes: number): Promise<Uint8Array> {
  const where = { path: ds.path };
  const es = ds.type.size;
  const n = ds.shape.reduce((a, b) => a * b, 1);
  if (n * es > maxBytes) throw new H5UnsupportedError(`virtual dataset of ${n * es} bytes is more than the ${maxBytes} bytes read at once`, where);
  const out = new Uint8Array(n * es);
  if (ds.fill && ds.fill.length === es && ds.fill.some((b) => b !== 0)) for (let i = 0; i < out.length; i += es) out.set(ds.fill, i);
  const d = depth.get(ctx) ?? 0;
  if (d >= MAX_DEPTH) throw new H5FormatError(`virtual datasets nested more than ${MAX_DEPTH} deep (a mapping cycle?)`, where);
  depth.set(ctx, d + 1);
  try {
    for (const m of await readVirtualMapping(ctx, ds.layout, ds.path)) {
      const vIdx = selectedIndices(m.virtual, ds.shape, maxBytes / Math.max(1, es), where);
      if (vIdx.length === 0) continue;
      const src = await resolveSource(ctx, m.file, m.dataset, ds.path);
      if (!src) continue; // missing source: the fill value, as HDF5 reads it
      if (src.type.size !== es || src.type.class !== ds.type.class) {
        throw new H5UnsupportedError(`virtual dataset source ${m.file}:${m.dataset} has another datatype (${src.type.class} of ${src.type.size} bytes); conversion is not implemented`, where);
      }
      const sIdx = selectedIndices(m.source, src.shape, maxBytes / Math.max(1, es), where);
      if (sIdx.length !== vIdx.length) {
        throw new H5FormatError(`virtual dataset mapping selects ${sIdx.length} source elements for ${vIdx.length} virtual ones`, where);
      }
      copyElements(out, await src.readBytes({ maxBytes }), vIdx, sIdx, es);
    }
  } finally {
    depth.set(ctx, d);
  }
  return out;
}

function copyElements(out: Uint8Array, src: Uint8Array, vIdx: ArrayLike<number>, sIdx: ArrayLike<number>, es: number): void {
  // runs of consecutive elements on both sides are copied at once
  for (let i = 0; i < vIdx.length; ) {
    let j = i + 1;
    while (j < vIdx.length && vIdx[j] === vIdx[j - 1] + 1 && sIdx[j] === sIdx[j - 1] + 1) j++;
    const from = sIdx[i] * es;
    out.set(src.subarray(from, from + (j - i) * es), vIdx[i] * es);
    i = j;
  }
}

/** The row-major linear indices a selection picks (points in their own order), bounds-checked. */
export function selectedIndices(sel: H5Selection, shape: number[], maxCount: number, where: { path?: string }): ArrayLike<number> {
  const n = shape.reduce((a, b) => a * b, 1);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const outside = (c: number[]) => c.length !== shape.length || c.some((x, d) => x < 0 || x >= shape[d]);
  const fail = (what: string) => new H5FormatError(`virtual dataset selection ${what} is outside the extent [${shape}]`, where);
  const tooMany = (k: number) => {
    if (k > maxCount) throw new H5UnsupportedError(`virtual dataset selection of ${k} elements is more than read at once`, where);
  };
  switch (sel.kind) {
    case "none":
      return [];
    case "all":
      tooMany(n);
      return Array.from({ length: n }, (_, i) => i);
    case "points":
      tooMany(sel.points.length);
      return sel.points.map((p) => {
        if (outside(p)) throw fail(`point [${p}]`);
        return p.reduce((a, x, d) => a + x * strides[d], 0);
      });
    case "hyperslab": {
      let total = 0;
      for (const b of sel.blocks) {
        if (outside(b.start) || outside(b.end) || b.end.some((e, d) => e < b.start[d])) throw fail(`block [${b.start}]-[${b.end}]`);
        total += b.start.reduce((m, s, d) => m * (b.end[d] - s + 1), 1);
        tooMany(total);
      }
      const idx = new Float64Array(total);
      let k = 0;
      for (const b of sel.blocks) k = blockIndices(b.start, b.end, strides, idx, k);
      idx.sort();
      // overlapping blocks select an element once
      let u = 0;
      for (let i = 0; i < idx.length; i++) if (i === 0 || idx[i] !== idx[i - 1]) idx[u++] = idx[i];
      return idx.subarray(0, u);
    }
  }
}

function blockIndices(start: number[], end: number[], strides: number[], out: Float64Array, k: number): number {
  const rank = start.length;
  if (rank === 0) {
    out[k] = 0;
    return k + 1;
  }
  const c = start.slice();
  for (;;) {
    out[k++] = c.reduce((a, x, d) => a + x * strides[d], 0);
    let d = rank - 1;
    while (d >= 0 && ++c[d] > end[d]) {
      c[d] = start[d];
      d--;
    }
    if (d < 0) return k;
  }
}
