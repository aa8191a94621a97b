// A dataset: its dataspace, datatype, layout, filters and fill value from the object header, its
// chunk table, and its values (compact, contiguous or chunked; chunks unfiltered and copied into
// place, unwritten chunks take the fill value).
//
//   const ds = await openDataset(ctx, objectHeader, "/data");
//   ds.shape; ds.chunks; ds.filters; await ds.chunkTable(); await ds.read();
//   await ds.readChunk((await ds.chunkTable())[0]);   // one chunk, unfiltered
//   await ds.read({ selection: "0:10, ::2" });          // only the chunks / byte ranges it needs

import type { ChunkRecord } from "./btree-v1.ts";
import { chunkTable } from "./chunk-index.ts";
import type { H5Context } from "./context.ts";
import { Cursor, UNDEF } from "./cursor.ts";
import { elementCount, parseDataspace, type Dataspace } from "./dataspace.ts";
import { numpyDtype, parseDatatype, type Datatype, type NumpyDtype } from "./datatype.ts";
import { H5FormatError, H5UnsupportedError } from "./errors.ts";
import { parseFilterPipeline, unfilter, type Filter } from "./filters.ts";
import { parseFillValue, parseLayout, type Layout } from "./layout.ts";
import { MSG, readObjectHeader, type ObjectHeader } from "./object-header.ts";
import { readAttributes } from "./attributes.ts";
import { readSelection } from "../array/chunked.ts";
import { parseSelection, type Selection, type SelectionInput } from "../array/selection.ts";
import { messageCursor } from "./shared.ts";
import { decodeValues, type H5Values } from "./values.ts";
import { readVirtualBytes } from "./vds.ts";

/** Largest value buffer `read()` assembles by default (bytes); bigger datasets need a selection. */
export const MAX_READ_BYTES = 256 * 1024 * 1024;

export interface ReadOptions {
  /** Refuse to assemble more than this many bytes (default MAX_READ_BYTES). */
  maxBytes?: number;
  /** numpy-style selection ("0:10, ::2", "5", "...") or a parsed one; values come back row-major. */
  selection?: Selection | SelectionInput;
  /** With a selection of contiguous data: the size of the byte ranges read (default 1 MiB). */
  blockBytes?: number;
}

/** Chunks a whole-dataset read keeps in flight (libuv's pool has 4 threads). */
const READ_AHEAD = 4;

/** Contiguous data is read in blocks of about this size when a selection needs only part of it. */
const CONTIGUOUS_BLOCK = 1 << 20;

export class H5Dataset {
  readonly kind = "dataset";
  private table?: Promise<ChunkRecord[]>;
  constructor(
    private readonly ctx: H5Context,
    readonly path: string,
    readonly address: number,
    readonly space: Dataspace,
    readonly type: Datatype,
    readonly layout: Layout,
    readonly filters: Filter[],
    readonly fillValue: Uint8Array | undefined,
  ) {}

  get shape(): number[] {
    return this.space.shape;
  }
  get maxShape(): number[] {
    return this.space.maxShape;
  }
  /** numpy's view of the datatype ({ str: "<i2" }, ...). */
  get dtype(): NumpyDtype {
    return numpyDtype(this.type);
  }
  get chunks(): number[] | null {
    return this.layout.class === "chunked" ? this.layout.chunkDims : null;
  }
  get size(): number {
    return elementCount(this.space);
  }

  /** Every stored chunk: element offset, absolute file address, stored size, filter mask; sorted by offset. */
  chunkTable(): Promise<ChunkRecord[]> {
    const l = this.layout;
    if (l.class !== "chunked") return Promise.resolve([]);
    this.table ??= chunkTable(this.ctx, l, this.space.shape, this.space.maxShape, this.path).then((rows) =>
      rows.sort((a, b) => {
        for (let i = 0; i < a.offset.length; i++) if (a.offset[i] !== b.offset[i]) return a.offset[i] - b.offset[i];
        return 0;
      }),
    );
    return this.table;
  }

  /** The raw (unfiltered) bytes of the whole dataset, row-major. */
  async readBytes(opts: ReadOptions = {}): Promise<Uint8Array> {
    if (opts.selection !== undefined) return this.readSelected(this.selection(opts.selection), opts.maxBytes ?? MAX_READ_BYTES, opts.blockBytes);
    const n = this.size;
    const es = this.type.size;
    const total = n * es;
    const where = { path: this.path };
    const max = opts.maxBytes ?? MAX_READ_BYTES;
    if (total > max) throw new H5UnsupportedError(`dataset of ${total} bytes is more than the ${max} bytes read() assembles at once`, where);
    const l = this.layout;
    if (l.class === "compact") {
      if (l.data.length < total) throw new H5FormatError(`compact data holds ${l.data.length} bytes, need ${total}`, { ...where, offset: l.offset });
      return l.data.subarray(0, total);
    }
    if (l.class === "contiguous") {
      if (l.address === UNDEF) return this.filled(total);
      if (total > this.ctx.fileSize) throw new H5FormatError(`contiguous data of ${total} bytes is larger than the file`, where);
      return this.ctx.read(l.address, total, "contiguous data", this.path);
    }
    if (l.class === "virtual") return readVirtualBytes(this.ctx, { path: this.path, layout: l, shape: this.shape, type: this.type, fill: this.fillValue }, max);
    const out = this.filled(total);
    if (n === 0) return out;
    const rank = l.chunkDims.length;
    const recs: ChunkRecord[] = [];
    for (const rec of await this.chunkTable()) {
      if (rec.offset.length !== rank || rec.offset.some((o, d) => !(o >= 0) || o % l.chunkDims[d] !== 0)) {
        throw new H5FormatError(`chunk offset [${rec.offset}] is not on the chunk grid`, { ...where, offset: rec.address });
      }
      if (rec.offset.some((o, d) => o >= this.shape[d])) continue; // beyond the current extent
      recs.push(rec);
    }
    // A few chunks in flight: the next ones are read (and, threaded, inflated on libuv's pool)
    // while this one is copied, so I/O and decompression overlap instead of taking turns.
    const threaded = recs.length > 1 && this.filters.some((f) => f.id === 1);
    let next = 0;
    const worker = async () => {
      while (next < recs.length) {
        const rec = recs[next++];
        copyChunk(out, await this.chunkBytes(rec, threaded), this.shape, l.chunkDims, rec.offset, es, rank);
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_AHEAD, recs.length) }, worker));
    return out;
  }

  /** One chunk's bytes with the filters undone: the whole chunk (edge chunks include their padding). */
  readChunk(rec: ChunkRecord): Promise<Uint8Array> {
    return this.chunkBytes(rec, false);
  }

  private async chunkBytes(rec: ChunkRecord, threaded: boolean): Promise<Uint8Array> {
    const l = this.layout;
    const where = { path: this.path, offset: rec.address };
    if (l.class !== "chunked") throw new H5UnsupportedError("readChunk on a dataset that is not chunked", where);
    const chunkLen = l.chunkDims.reduce((a, b) => a * b, 1) * this.type.size;
    if (rec.address < 0 || rec.address + rec.size > this.ctx.fileSize) {
      throw new H5FormatError(`chunk at [${rec.offset}] (${rec.size} bytes) passes the end of the file`, where);
    }
    const stored = await this.ctx.reader.read(rec.address, rec.size);
    const partial = rec.offset.some((o, d) => o + l.chunkDims[d] > this.shape[d]);
    const skipFilters = l.edgeUnfiltered && partial;
    const raw = this.filters.length && !skipFilters ? await unfilter(this.filters, stored, rec.filterMask, this.type.size, where, chunkLen + 64, threaded) : stored;
    if (raw.length < chunkLen) throw new H5FormatError(`chunk at [${rec.offset}] holds ${raw.length} bytes, need ${chunkLen}`, where);
    return raw.subarray(0, chunkLen);
  }

  /** Attributes by name (see attributes.ts). */
  async attrs(): Promise<Record<string, unknown>> {
    const oh = await readObjectHeader(this.ctx, this.address, this.path);
    return Object.fromEntries((await readAttributes(this.ctx, oh, this.path)).map((a) => [a.name, a.value]));
  }

  /** All values, row-major: a typed array for numbers, a JS array otherwise (see values.ts). */
  async read(opts: ReadOptions = {}): Promise<H5Values> {
    if (opts.selection === undefined) return decodeValues(this.ctx, this.type, await this.readBytes(opts), this.size, this.path);
    const sel = this.selection(opts.selection);
    return decodeValues(this.ctx, this.type, await this.readBytes({ ...opts, selection: sel }), sel.count, this.path);
  }

  private selection(s: Selection | SelectionInput): Selection {
    return s && typeof s === "object" && !Array.isArray(s) ? s : parseSelection(s, this.shape);
  }

  /** The selected elements' raw bytes: chunked reads only the chunks touched, contiguous only the blocks spanned. */
  private async readSelected(sel: Selection, maxBytes: number, blockBytes = CONTIGUOUS_BLOCK): Promise<Uint8Array> {
    const es = this.type.size;
    const shape = this.shape;
    const where = { path: this.path };
    const l = this.layout;
    const base = { shape, itemSize: es, selection: sel, maxBytes };
    if (l.class === "virtual") {
      const all = () => readVirtualBytes(this.ctx, { path: this.path, layout: l, shape, type: this.type, fill: this.fillValue }, maxBytes);
      return readSelection({ ...base, chunks: shape.map((s) => Math.max(1, s)), fill: undefined, chunk: all });
    }
    if (l.class === "chunked") {
      const rank = shape.length;
      const byCoord = new Map<string, ChunkRecord>();
      for (const rec of await this.chunkTable()) {
        if (rec.offset.length !== rank || rec.offset.some((o, d) => !(o >= 0) || o % l.chunkDims[d] !== 0)) {
          throw new H5FormatError(`chunk offset [${rec.offset}] is not on the chunk grid`, { ...where, offset: rec.address });
        }
        byCoord.set(rec.offset.map((o, d) => o / l.chunkDims[d]).join(","), rec);
      }
      const chunks = l.chunkDims.slice(0, rank);
      return readSelection({ ...base, chunks, fill: this.fillValue, chunk: async (c) => {
        const rec = byCoord.get(c.join(","));
        return rec ? this.readChunk(rec) : undefined;
      } });
    }
    const total = this.size * es;
    if (l.class === "compact") {
      if (l.data.length < total) throw new H5FormatError(`compact data holds ${l.data.length} bytes, need ${total}`, { ...where, offset: l.offset });
      return readSelection({ ...base, chunks: shape.map((s) => Math.max(1, s)), fill: undefined, chunk: async () => l.data.subarray(0, total) });
    }
    // Contiguous: virtual chunks that are each one byte range (whole trailing dimensions), so a
    // selection reads only the blocks it spans
    const chunks = contiguousBlocks(shape, es, blockBytes);
    const blockLen = chunks.reduce((a, b) => a * b, 1) * es;
    const addr = l.address;
    if (addr !== UNDEF && total > this.ctx.fileSize) throw new H5FormatError(`contiguous data of ${total} bytes is larger than the file`, where);
    return readSelection({ ...base, chunks, fill: this.fillValue, chunk: async (c) => {
      if (addr === UNDEF) return undefined;
      let off = 0;
      for (let d = 0, stride = total; d < c.length; d++) {
        stride /= Math.max(1, shape[d]);
        off += c[d] * chunks[d] * stride;
      }
      return this.ctx.read(addr + off, Math.min(blockLen, total - off), "contiguous data", this.path);
    } });
  }

  private filled(total: number): Uint8Array {
    const out = new Uint8Array(total);
    const fv = this.fillValue;
    if (fv && fv.length === this.type.size && fv.some((b) => b !== 0)) {
      for (let i = 0; i < total; i += fv.length) out.set(fv, i);
    }
    return out;
  }
}

/** A chunk shape for contiguous data whose every chunk is one byte range of at most `block` bytes (or one element). */
export function contiguousBlocks(shape: number[], es: number, block: number): number[] {
  const out = shape.map(() => 1);
  let bytes = es;
  for (let d = shape.length - 1; d >= 0; d--) {
    const s = Math.max(1, shape[d]);
    if (bytes * s <= block) {
      out[d] = s;
      bytes *= s;
      continue;
    }
    out[d] = Math.max(1, Math.floor(block / bytes));
    break;
  }
  return out;
}

/** Copy the part of a chunk that lies inside the dataset into the row-major output. */
function copyChunk(out: Uint8Array, chunk: Uint8Array, shape: number[], cdims: number[], offset: number[], es: number, rank: number): void {
  const extent = cdims.map((c, d) => Math.max(0, Math.min(c, shape[d] - offset[d])));
  if (extent.some((e) => e === 0)) return;
  const last = rank - 1;
  const run = extent[last] * es;
  const idx = new Array<number>(rank).fill(0);
  const outStride = new Array<number>(rank);
  const inStride = new Array<number>(rank);
  outStride[last] = es;
  inStride[last] = es;
  for (let d = last - 1; d >= 0; d--) {
    outStride[d] = outStride[d + 1] * shape[d + 1];
    inStride[d] = inStride[d + 1] * cdims[d + 1];
  }
  for (;;) {
    let o = offset[last] * es;
    let i = 0;
    for (let d = 0; d < last; d++) {
      o += (offset[d] + idx[d]) * outStride[d];
      i += idx[d] * inStride[d];
    }
    out.set(chunk.subarray(i, i + run), o);
    let d = last - 1;
    while (d >= 0) {
      if (++idx[d] < extent[d]) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
}

export async function openDataset(ctx: H5Context, oh: ObjectHeader, path: string): Promise<H5Dataset> {
  const find = (type: number) => oh.messages.find((m) => m.type === type);
  const need = (type: number, what: string) => {
    const m = find(type);
    if (!m) throw new H5FormatError(`dataset has no ${what} message`, { path, offset: ctx.abs(oh.address) });
    return m;
  };
  const space = parseDataspace(await messageCursor(ctx, need(MSG.DATASPACE, "dataspace"), path));
  const type = parseDatatype(await messageCursor(ctx, need(MSG.DATATYPE, "datatype"), path));
  const lm = need(MSG.LAYOUT, "layout");
  const layout = parseLayout(new Cursor(lm.data, lm.offset, ctx.sizes, path));
  const fm = find(MSG.FILTERS);
  const filters = fm ? parseFilterPipeline(await messageCursor(ctx, fm, path)) : [];
  let fill: Uint8Array | undefined;
  const fv = find(MSG.FILL);
  const fvOld = find(MSG.FILL_OLD);
  if (fv) fill = parseFillValue(await messageCursor(ctx, fv, path), false);
  else if (fvOld) fill = parseFillValue(await messageCursor(ctx, fvOld, path), true);
  return new H5Dataset(ctx, path, oh.address, space, type, layout, filters, fill);
}
