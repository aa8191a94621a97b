// Create a dataset in a writable LINDI file the way LINDI does through zarr v2: .zarray (zarr's
// chunk guess unless chunks are given, the zlib or gzip compressor numcodecs would write),
// .zattrs (_SCALAR for a scalar), and every chunk encoded and stored through the backend (full
// size, edge chunks padded with the fill value, as zarr writes them). Strings and references go
// into an object array with the JSON codec, as LINDI stores HDF5 variable-length strings.
//
//   await writeDataset(store, "acquisition/x", { data: new Int16Array(1000), chunks: [100], compression: "gzip" });

import { gzipSync, deflateSync } from "node:zlib";
import { parseSelection, selectFlat } from "../array/selection.ts";
import { unravel } from "../h5/chunk-index.ts";
import { fromValues, inferDtype, itemsize, normalizeDtype, OBJECT_DTYPE } from "./dtype.ts";
import { encodeAttr, isReference } from "./attributes.ts";
import { LindiError } from "./errors.ts";
import { join, type LindiStore } from "./store.ts";
import { encodeJsonChunk, JSON_CODEC, zarray, type Codec } from "./zarr-meta.ts";

export interface CreateDatasetOptions {
  /** Values: a typed array, a (nested) JS array, or a single value for a scalar dataset. */
  data?: unknown;
  /** Defaults to the data's shape; required without data. [] makes a scalar. */
  shape?: number[];
  /** numpy dtype ("<i2", "float32", "bool", "|S8", "object"); defaults to the data's (float32 without data, as h5py). */
  dtype?: string;
  /** Chunk shape; defaults to zarr's guess. */
  chunks?: number[];
  compression?: "zlib" | "gzip";
  /** Compression level 0-9 (numcodecs' default 1). */
  compressionOpts?: number;
  fillValue?: number | boolean | string;
}

export async function writeDataset(store: LindiStore, key: string, o: CreateDatasetOptions): Promise<void> {
  store.assertWritable(`create dataset /${key}`);
  const given = o.data === undefined ? undefined : flatten(o.data);
  const shape = o.shape ?? given?.shape;
  if (!shape) throw new LindiError(`create dataset /${key}: give data or a shape`);
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) throw new LindiError(`create dataset /${key}: bad shape [${shape}]`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (given && given.values.length !== count) throw new LindiError(`create dataset /${key}: ${given.values.length} values do not fill shape [${shape}]`);
  const dtype = o.dtype ? normalizeDtype(o.dtype) : given ? inferDtype(given.values) : "<f4";
  const isObject = dtype === OBJECT_DTYPE;
  if (!isObject) itemsize(dtype);
  const scalar = shape.length === 0;
  const zshape = scalar ? [1] : shape;
  const chunks = scalar ? [1] : (o.chunks ?? guessChunks(zshape, isObject ? 8 : itemsize(dtype)));
  if (chunks.length !== zshape.length || chunks.some((c) => !Number.isInteger(c) || c < 1)) {
    throw new LindiError(`create dataset /${key}: chunks [${chunks}] do not suit shape [${shape}]`);
  }
  const fillValue = o.fillValue ?? (dtype[1] === "b" ? false : dtype[1] === "S" || dtype[1] === "U" ? "" : 0);
  const compressor = compressorFor(o, key);
  const meta = zarray({ shape: zshape, chunks, dtype, fillValue: encodeAttr(fillValue, `/${key} fill value`), filters: isObject ? [JSON_CODEC] : null });
  store.setMeta(join(key, ".zarray"), { ...meta, compressor });
  if (scalar) store.setMeta(join(key, ".zattrs"), { _SCALAR: true });
  if (!given) return;
  const values = isObject ? Array.from(given.values, (v, i) => objectItem(v, i, key)) : given.values;
  const grid = zshape.map((s, d) => Math.ceil(s / chunks[d]));
  const total = grid.reduce((a, b) => a * b, 1);
  const pad = isObject ? 0 : fillValue;
  for (let i = 0; i < total && count > 0; i++) {
    const coord = unravel(i, grid);
    const items = chunkItems(values, zshape, chunks, coord, pad);
    const raw = isObject ? new TextEncoder().encode(encodeJsonChunk(items, chunks)) : fromValues(items, dtype);
    await store.putChunk(join(key, coord.join(".")), encode(raw, compressor));
  }
}

function compressorFor(o: CreateDatasetOptions, key: string): Codec | null {
  if (o.compression === undefined) {
    if (o.compressionOpts !== undefined) throw new LindiError(`create dataset /${key}: compressionOpts without compression`);
    return null;
  }
  if (o.compression !== "zlib" && o.compression !== "gzip") throw new LindiError(`create dataset /${key}: compression ${String(o.compression)} is not supported (zlib or gzip)`);
  const level = o.compressionOpts ?? 1;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new LindiError(`create dataset /${key}: compression level ${level} is not 0-9`);
  return { id: o.compression, level };
}

/** numcodecs' Zlib (zlib stream) or GZip (gzip member) on raw chunk bytes. */
function encode(raw: Uint8Array, c: Codec | null): Uint8Array {
  if (!c) return raw;
  const level = Number(c.level);
  return new Uint8Array(c.id === "gzip" ? gzipSync(raw, { level }) : deflateSync(raw, { level }));
}

/** What an object array can hold: strings, references, numbers, booleans, null. */
function objectItem(v: unknown, i: number, key: string): unknown {
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v === null) return v;
  if (isReference(v)) return { _REFERENCE: { ...v._REFERENCE } };
  throw new LindiError(`create dataset /${key}: element ${i} cannot be stored in an object array`);
}

/** The full-size chunk at `coord`, row-major, padded past the array's edge. */
function chunkItems(values: ArrayLike<unknown>, shape: number[], chunks: number[], coord: number[], pad: unknown): unknown[] {
  const n = chunks.reduce((a, b) => a * b, 1);
  const region = coord.map((c, d) => ({ start: c * chunks[d], stop: Math.min((c + 1) * chunks[d], shape[d]) }));
  const extent = region.map((r) => r.stop - r.start);
  const inside = selectFlat(values, shape, parseSelection(region, shape));
  if (extent.every((e, d) => e === chunks[d])) return inside;
  const out = new Array<unknown>(n).fill(pad);
  inside.forEach((v, j) => {
    const local = unravel(j, extent);
    let at = 0;
    for (let d = 0; d < chunks.length; d++) at = at * chunks[d] + local[d];
    out[at] = v;
  });
  return out;
}

/** Values and shape of data: typed arrays are 1-D, nested JS arrays give their shape, anything else is a scalar. */
function flatten(data: unknown): { values: ArrayLike<unknown>; shape: number[] } {
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const v = data as unknown as ArrayLike<unknown>;
    return { values: v, shape: [v.length] };
  }
  if (!Array.isArray(data)) return { values: [data], shape: [] };
  const shape: number[] = [];
  for (let x: unknown = data; Array.isArray(x); x = x[0]) shape.push(x.length);
  const values = (data as unknown[]).flat(shape.length - 1);
  if (values.length !== shape.reduce((a, b) => a * b, 1) || values.some((v) => Array.isArray(v))) throw new LindiError("data: nested lists are ragged");
  return { values, shape };
}

/** zarr v2's guess_chunks: halve dimensions in turn until a chunk is near a size that grows with the array. */
export function guessChunks(shape: number[], typesize: number): number[] {
  const BASE = 256 * 1024;
  const MIN = 128 * 1024;
  const MAX = 64 * 1024 * 1024;
  const chunks = shape.map((s) => Math.max(s, 1));
  const ndims = chunks.length;
  const prod = () => chunks.reduce((a, b) => a * b, 1);
  const dsetSize = prod() * typesize;
  let target = BASE * 2 ** Math.log10(dsetSize / (1024 * 1024));
  target = Math.min(MAX, Math.max(MIN, target));
  for (let idx = 0; ; idx++) {
    const bytes = prod() * typesize;
    if ((bytes < target || Math.abs(bytes - target) / target < 0.5) && bytes < MAX) break;
    if (prod() === 1) break;
    chunks[idx % ndims] = Math.ceil(chunks[idx % ndims] / 2);
  }
  return chunks;
}
