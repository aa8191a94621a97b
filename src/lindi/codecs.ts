// Undo the numcodecs codecs a LINDI .zarray lists, for one chunk: zlib/gzip, shuffle, fletcher32
// and the json2 object codec synchronously; blosc, zstd and lz4 through numcodecs' wasm (async).
// jsonChunkItems gives a json2 chunk's items, without the trailing dtype and shape.
//
//   const raw = await decodeChunk(stored, zarray.compressor, zarray.filters, "x/0.0");
//   // a Uint8Array when only synchronous codecs ran, else a Promise<Uint8Array>
//   jsonChunkItems(raw, 1);                                                       // ["a", "b"]

import { gunzipSync, inflateSync } from "node:zlib";
import { unshuffle } from "../h5/filters.ts";
import { CodecError, wasmDecode, type WasmCodec } from "../h5/wasm-codecs.ts";
import { LindiError } from "./errors.ts";
import type { Codec } from "./zarr-meta.ts";

/** No single chunk may decompress to more than this (a bound against zip bombs). */
export const MAX_CHUNK_BYTES = 1 << 30;

const WASM: Record<string, WasmCodec> = { blosc: "blosc", zstd: "zstd", lz4: "lz4" };

function decodeOne(c: Codec, b: Uint8Array, where: string): Uint8Array {
  switch (c.id) {
    case "zlib":
    case "gzip":
      try {
        // numcodecs' GZip writes a gzip member, Zlib a zlib stream
        const opts = { maxOutputLength: MAX_CHUNK_BYTES };
        return new Uint8Array(c.id === "gzip" ? gunzipSync(b, opts) : inflateSync(b, opts));
      } catch (e) {
        throw new LindiError(`${where}: ${c.id}: ${(e as Error).message}`);
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

async function decodeWasm(codec: WasmCodec, b: Uint8Array, where: string): Promise<Uint8Array> {
  try {
    return await wasmDecode(codec, b, MAX_CHUNK_BYTES);
  } catch (e) {
    if (e instanceof CodecError) throw new LindiError(`${where}: ${e.message}`);
    throw e;
  }
}

/**
 * Stored chunk bytes to raw bytes: compressor first, then the filters in reverse. Synchronous
 * unless a wasm codec (blosc, zstd, lz4) runs: then a Promise. `await` works on both.
 */
export function decodeChunk(b: Uint8Array, compressor: Codec | null, filters: Codec[] | null, where: string): Uint8Array | Promise<Uint8Array> {
  const steps = [...(compressor ? [compressor] : []), ...[...(filters ?? [])].reverse()];
  const run = (from: number, input: Uint8Array): Uint8Array | Promise<Uint8Array> => {
    let out = input;
    for (let i = from; i < steps.length; i++) {
      const wasm = WASM[steps[i].id];
      if (wasm) return decodeWasm(wasm, out, where).then((r) => run(i + 1, r));
      out = decodeOne(steps[i], out, where);
    }
    return out;
  };
  return run(0, b);
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
