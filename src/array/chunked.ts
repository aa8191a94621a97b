// Assemble a selection of a chunked array: work out which chunks the selection touches, fetch only
// those (a few at a time), and copy the selected elements into row-major output. Missing chunks
// take the fill value; short chunks are zero-padded (zarr/LINDI store edge chunks either way).
//
//   const bytes = await readSelection({
//     shape: [100, 16], chunks: [10, 16], itemSize: 2, selection: "5:25, ::4",
//     fill: undefined, chunk: (coord) => loadChunk(coord),   // full chunk bytes, or undefined
//   });                                                     // 20 * 4 elements of 2 bytes

import { ReadTooLargeError, SelectionError } from "./errors.ts";
import { parseSelection, type Selection, type SelectionInput } from "./selection.ts";

/** Default cap on the bytes one read assembles. */
export const MAX_SELECTION_BYTES = 256 * 1024 * 1024;
/** Chunks fetched at once: enough to overlap remote round trips, few enough to bound memory. */
export const CHUNK_CONCURRENCY = 8;

interface GridOptions {
  shape: number[];
  /** Chunk shape (same rank as shape; [] for a scalar). */
  chunks: number[];
  /** A parsed selection, or text/items to parse against `shape`. */
  selection?: Selection | SelectionInput;
  concurrency?: number;
}

export interface ReadSelectionOptions extends GridOptions {
  itemSize: number;
  /** One element's bytes for chunks that are absent (undefined: zeros). */
  fill: Uint8Array | undefined;
  /** The full (decoded) bytes of the chunk at a grid coordinate, or undefined when it is absent. */
  chunk: (coord: number[]) => Promise<Uint8Array | undefined>;
  /** Refuse to assemble more than this (default MAX_SELECTION_BYTES). */
  maxBytes?: number;
}

export interface ReadItemsOptions extends GridOptions {
  fill: unknown;
  chunk: (coord: number[]) => Promise<unknown[] | undefined>;
  /** Refuse to assemble more items than this (default MAX_SELECTION_BYTES / 8). */
  maxItems?: number;
}

/** Row-major bytes of the selected elements. */
export async function readSelection(o: ReadSelectionOptions): Promise<Uint8Array> {
  const sel = toSelection(o);
  const es = o.itemSize;
  const total = sel.count * es;
  const max = o.maxBytes ?? MAX_SELECTION_BYTES;
  if (total > max) {
    throw new ReadTooLargeError(`the selection is ${total} bytes (${sel.count} elements of ${es}), more than the ${max} bytes one read assembles; select less`);
  }
  const out = new Uint8Array(total);
  if (o.fill && o.fill.some((b) => b !== 0)) for (let p = 0; p < total; p += es) out.set(o.fill.subarray(0, es), p);
  const chunkBytes = o.chunks.reduce((a, b) => a * b, 1) * es;
  await assemble(o, sel, async (coord) => {
    let data = await o.chunk(coord);
    if (!data) return undefined;
    if (data.length < chunkBytes) {
      const full = new Uint8Array(chunkBytes);
      full.set(data);
      data = full;
    }
    const d = data;
    return (outIdx: number, inIdx: number, n: number, step: number) => {
      if (step === 1) out.set(d.subarray(inIdx * es, (inIdx + n) * es), outIdx * es);
      else for (let k = 0; k < n; k++) out.set(d.subarray((inIdx + k * step) * es, (inIdx + k * step + 1) * es), (outIdx + k) * es);
    };
  });
  return out;
}

/** Row-major items of the selected elements, for arrays of JS values (zarr object arrays). */
export async function readSelectionItems(o: ReadItemsOptions): Promise<unknown[]> {
  const sel = toSelection(o);
  const max = o.maxItems ?? MAX_SELECTION_BYTES / 8;
  if (sel.count > max) throw new ReadTooLargeError(`the selection is ${sel.count} items, more than the ${max} one read assembles; select less`);
  const out = new Array<unknown>(sel.count).fill(o.fill);
  await assemble(o, sel, async (coord) => {
    const data = await o.chunk(coord);
    if (!data) return undefined;
    return (outIdx: number, inIdx: number, n: number, step: number) => {
      for (let k = 0; k < n; k++) {
        const i = inIdx + k * step;
        out[outIdx + k] = i < data.length ? data[i] : o.fill;
      }
    };
  });
  return out;
}

/** The grid coordinates of the chunks a selection touches, in row-major order. */
export function touchedChunks(shape: number[], chunks: number[], selection?: Selection | SelectionInput): number[][] {
  const sel = toSelection({ shape, chunks, selection });
  const per = sel.dims.map((s, d) => spans(s, chunks[d]).map((x) => x.c));
  return [...product(per)];
}

function toSelection(o: GridOptions): Selection {
  if (o.chunks.length !== o.shape.length) throw new SelectionError(`chunk shape [${o.chunks}] does not match array shape [${o.shape}]`);
  if (o.chunks.some((c) => !(Number.isInteger(c) && c > 0))) throw new SelectionError(`chunk shape [${o.chunks}] must be positive integers`);
  const s = o.selection;
  return s && typeof s === "object" && !Array.isArray(s) ? s : parseSelection(s, o.shape);
}

interface Span {
  c: number;
  kLo: number;
  kHi: number;
}

/** For one dimension: the chunk indices touched and which selected positions k fall in each. */
function spans(s: Selection["dims"][number], chunk: number): Span[] {
  const out: Span[] = [];
  let k = 0;
  while (k < s.count) {
    const c = Math.floor((s.start + k * s.step) / chunk);
    const kHi = Math.min(s.count, Math.ceil(((c + 1) * chunk - s.start) / s.step));
    out.push({ c, kLo: k, kHi });
    k = kHi;
  }
  return out;
}

function* product<T>(lists: T[][]): Generator<T[]> {
  if (lists.some((l) => l.length === 0)) return;
  const idx = new Array<number>(lists.length).fill(0);
  for (;;) {
    yield idx.map((i, d) => lists[d][i]);
    let d = lists.length - 1;
    while (d >= 0 && ++idx[d] === lists[d].length) idx[d--] = 0;
    if (d < 0) return;
  }
}

type Copier = (outIdx: number, inIdx: number, n: number, step: number) => void;

/** Fetch each touched chunk (bounded concurrency) and copy its selected runs through `load`'s copier. */
async function assemble(o: GridOptions, sel: Selection, load: (coord: number[]) => Promise<Copier | undefined>): Promise<void> {
  if (sel.count === 0) return;
  const { chunks } = o;
  const rank = chunks.length;
  const dims = sel.dims;
  const outStride = new Array<number>(rank);
  const inStride = new Array<number>(rank);
  for (let d = rank - 1, os = 1, is = 1; d >= 0; d--) {
    outStride[d] = os;
    inStride[d] = is;
    os *= dims[d].count;
    is *= chunks[d];
  }
  const jobs = product(dims.map((s, d) => spans(s, chunks[d])));
  const worker = async () => {
    for (let next = jobs.next(); !next.done; next = jobs.next()) {
      const sp = next.value;
      const copy = await load(sp.map((x) => x.c));
      if (copy) copyRuns(sp, dims, chunks, outStride, inStride, copy);
    }
  };
  const n = Math.max(1, o.concurrency ?? CHUNK_CONCURRENCY);
  await Promise.all(Array.from({ length: n }, worker));
}

function copyRuns(sp: Span[], dims: Selection["dims"], chunks: number[], outStride: number[], inStride: number[], copy: Copier): void {
  const rank = sp.length;
  if (rank === 0) return copy(0, 0, 1, 1);
  const last = rank - 1;
  const local = (d: number, k: number) => dims[d].start + k * dims[d].step - sp[d].c * chunks[d];
  const k = sp.map((x) => x.kLo);
  const n = sp[last].kHi - sp[last].kLo;
  for (;;) {
    let o = 0;
    let i = 0;
    for (let d = 0; d < rank; d++) {
      o += k[d] * outStride[d];
      i += local(d, k[d]) * inStride[d];
    }
    copy(o, i, n, dims[last].step);
    let d = last - 1;
    while (d >= 0 && ++k[d] === sp[d].kHi) {
      k[d] = sp[d].kLo;
      d--;
    }
    if (d < 0) return;
  }
}
