// Undo the numcodecs codecs a LINDI .zarray lists, for one chunk: zlib, shuffle, fletcher32, and
// the json2 object codec (its items, without the trailing dtype and shape).
//
//   const raw = decodeChunk(stored, zarray.compressor, zarray.filters, "x/0.0");  // Uint8Array
//   jsonChunkItems(raw, 1);                                                       // ["a", "b"]

import { inflateSync } from "node:zlib";
import { unshuffle } from "../h5/filters.ts";
import { LindiError } from "./errors.ts";
import type { Codec } from "./zarr-meta.ts";

function decodeOne(c: Codec, b: Uint8Array, where: string): Uint8Array {
  switch (c.id) {
    case "zlib":
    case "gzip":
      try {
        return new Uint8Array(inflateSync(b));
      } catch (e) {
        throw new LindiError(`${where}: zlib: ${(e as Error).message}`);
      }
    case "shuffle":
      return unshuffle(b, Number(c.elementsize));
    case "fletcher32":
      if (b.length < 4) throw new LindiError(`${where}: fletcher32 chunk shorter than its checksum`);
      return b.subarray(0, b.length - 4);
    case "json2":
      return b;
    default:
      throw new LindiError(`${where}: codec ${c.id} is not supported`);
  }
}

/** Stored chunk bytes to raw bytes: compressor first, then the filters in reverse. */
export function decodeChunk(b: Uint8Array, compressor: Codec | null, filters: Codec[] | null, where: string): Uint8Array {
  let out = compressor ? decodeOne(compressor, b, where) : b;
  for (const f of [...(filters ?? [])].reverse()) out = decodeOne(f, out, where);
  return out;
}

/** The items of a json2-encoded chunk (flattened, row-major). */
export function jsonChunkItems(b: Uint8Array, rank: number, where = ""): unknown[] {
  let x: unknown;
  try {
    x = JSON.parse(Buffer.from(b).toString("utf8"));
  } catch (e) {
    throw new LindiError(`${where}: object chunk is not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(x) || x.length < 2) throw new LindiError(`${where}: object chunk is not [items..., dtype, shape]`);
  return (x.slice(0, -2) as unknown[]).flat(Math.max(0, rank - 1));
}
