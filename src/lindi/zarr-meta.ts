// Zarr v2 metadata as LINDI writes it: .zgroup, .zarray (compressor null for referenced chunks,
// HDF5 filters mapped to numcodecs filters), the JSON object codec, and numpy-style dtype names
// for _COMPOUND_DTYPE.
//
//   zarray({ shape: [100], chunks: [10], dtype: "<i2", fillValue: 0, filters: codecsFromH5(ds.filters, 2) });
//   // {"chunks":[10],"compressor":null,"dtype":"<i2","fill_value":0,"filters":[...],"order":"C",...}

import type { Filter } from "../h5/index.ts";
import { LindiError } from "./errors.ts";
import { plainFloats, pyJson } from "./pyjson.ts";

export type Codec = Record<string, unknown> & { id: string };

export const ZGROUP = { zarr_format: 2 } as const;

/** numcodecs.JSON()'s config, the object codec LINDI uses for strings, references and compounds. */
export const JSON_CODEC: Codec = {
  allow_nan: true,
  check_circular: true,
  encoding: "utf-8",
  ensure_ascii: true,
  id: "json2",
  indent: null,
  separators: [",", ":"],
  skipkeys: false,
  sort_keys: true,
  strict: true,
};

export interface ZarrayInput {
  shape: number[];
  chunks: number[];
  dtype: string;
  fillValue: unknown;
  filters: Codec[] | null;
  /** null (the default) for chunks referenced in the HDF5 file; LINDI's inline arrays get zarr's default Blosc. */
  compressor?: Codec | null;
}

/** fillValue may be a PyFloat (pyjson.ts): "fill_value": 0.0 for float dtypes, as zarr writes it. */
export function zarray(a: ZarrayInput): Record<string, unknown> {
  return plainFloats({
    chunks: a.chunks,
    compressor: a.compressor ?? null,
    dtype: a.dtype,
    fill_value: a.fillValue,
    filters: a.filters && a.filters.length ? a.filters : null,
    order: "C",
    shape: a.shape,
    zarr_format: 2,
  });
}

const BLOSC_NAMES = ["blosclz", "lz4", "lz4hc", "snappy", "zlib", "zstd"];

/** LINDI's h5_filters_to_codecs: shuffle first, then the pipeline in order. */
export function codecsFromH5(filters: Filter[], itemsize: number, where: string): Codec[] {
  const out: Codec[] = [];
  if (filters.some((f) => f.id === 2)) out.push({ elementsize: itemsize, id: "shuffle" });
  for (const f of filters) {
    switch (f.id) {
      case 1:
        out.push({ id: "zlib", level: f.values[0] ?? 0 });
        break;
      case 2:
        break;
      case 3:
        out.push({ id: "fletcher32" });
        break;
      case 32001: {
        // hdf5plugin's cd_values: filter version, blosc format, typesize, chunk bytes (LINDI's
        // blocksize), clevel, shuffle, compressor code
        const v = f.values;
        if (v.length < 7 || BLOSC_NAMES[v[6]] === undefined) throw new LindiError(`${where} uses the blosc filter with parameters [${v}], which LINDI cannot map`);
        out.push({ blocksize: v[3], clevel: v[4], cname: BLOSC_NAMES[v[6]], id: "blosc", shuffle: v[5] });
        break;
      }
      case 32015:
        out.push({ id: "zstd", level: f.values[0] ?? 0 });
        break;
      default:
        throw new LindiError(`${where} uses HDF5 filter ${f.id} (${f.name}), which LINDI does not support`);
    }
  }
  return out;
}

/** numpy's str(dtype) for a field of a compound (what LINDI puts in _COMPOUND_DTYPE). */
export function numpyName(str: string): string {
  const m = /^[<|=]([iufb])(\d+)$/.exec(str); // numpy names big-endian types by their str (">f8")
  if (!m) return str;
  const bits = Number(m[2]) * 8;
  return m[1] === "i" ? `int${bits}` : m[1] === "u" ? `uint${bits}` : m[1] === "f" ? `float${bits}` : "bool";
}

/** The JSON codec's encoding of an object chunk: items, then dtype and shape (compact, ASCII, sorted keys; PyFloats as Python floats). */
export function encodeJsonChunk(items: unknown[], shape: number[]): string {
  return pyJson([...nest(items, shape), "|O", shape], null);
}

/** Flat row-major items as numpy's tolist() nests them. */
export function nest(items: unknown[], shape: number[]): unknown[] {
  if (shape.length <= 1) return items;
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  const out: unknown[] = [];
  for (let i = 0; i < shape[0]; i++) out.push(nest(items.slice(i * inner, (i + 1) * inner), shape.slice(1)));
  return out;
}

