// Blosc, Zstandard and LZ4 decompression through the `numcodecs` package's WebAssembly builds,
// shared by the HDF5 filter pipeline (filters.ts) and LINDI's numcodecs codecs (lindi/codecs.ts).
// Each stream's header states its decompressed size; that is checked against a bound first, so a
// damaged or hostile size never reaches the allocator.
//
//   const raw = await wasmDecode("zstd", stored, chunkBytes);   // CodecError when damaged/too big

import { TroveError } from "../errors.ts";

/** A compressed stream that is damaged, or says it decompresses to more than allowed. */
export class CodecError extends TroveError {
  override name = "CodecError";
}

export type WasmCodec = "blosc" | "zstd" | "lz4";

interface Decoder {
  decode(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

// The modules are loaded on first use: each carries its wasm inline (hundreds of KiB)
const decoders = new Map<WasmCodec, Promise<Decoder>>();

function decoder(name: WasmCodec): Promise<Decoder> {
  let d = decoders.get(name);
  if (!d) {
    // the configuration does not matter for decoding: the stream header says how it was made
    if (name === "blosc") d = import("numcodecs/blosc").then((m) => m.default.fromConfig({ id: "blosc" }));
    else if (name === "zstd") d = import("numcodecs/zstd").then((m) => m.default.fromConfig({ id: "zstd" }));
    else d = import("numcodecs/lz4").then((m) => m.default.fromConfig({ id: "lz4" }));
    decoders.set(name, d);
  }
  return d;
}

/** The size a stream says it decompresses to; undefined when the header does not say. */
export function statedSize(name: WasmCodec, b: Uint8Array): number | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (name === "blosc") {
    if (b.length < 16) throw new CodecError("blosc: stream shorter than its 16-byte header");
    if (dv.getUint32(12, true) > b.length) throw new CodecError(`blosc: header says ${dv.getUint32(12, true)} compressed bytes, have ${b.length}`);
    return dv.getUint32(4, true);
  }
  if (name === "lz4") {
    // numcodecs' LZ4 stream: the decompressed size (u32 LE), then one LZ4 block
    if (b.length < 4) throw new CodecError("lz4: stream shorter than its size prefix");
    return dv.getUint32(0, true);
  }
  return zstdContentSize(b, dv);
}

function zstdContentSize(b: Uint8Array, dv: DataView): number | undefined {
  if (b.length < 6 || dv.getUint32(0, true) !== 0xfd2fb528) throw new CodecError("zstd: not a Zstandard frame (bad magic number)");
  const fhd = b[4];
  const fcsFlag = fhd >> 6;
  const single = (fhd >> 5) & 1;
  let pos = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3];
  const fcsSize = fcsFlag === 0 ? single : [0, 2, 4, 8][fcsFlag];
  if (fcsSize === 0) return undefined;
  if (pos + fcsSize > b.length) throw new CodecError("zstd: frame header passes the end of the stream");
  let v = 0;
  for (let i = fcsSize - 1; i >= 0; i--) v = v * 256 + b[pos + i];
  pos += fcsSize;
  return fcsSize === 2 ? v + 256 : v;
}

/** Decompress one stream; `maxOutput` bounds what its header may claim. */
export async function wasmDecode(name: WasmCodec, b: Uint8Array, maxOutput: number): Promise<Uint8Array> {
  const size = statedSize(name, b);
  if (size === undefined) throw new CodecError(`${name}: the stream does not state its decompressed size`);
  if (size > maxOutput) throw new CodecError(`${name}: stream says ${size} bytes, more than the ${maxOutput} expected`);
  const d = await decoder(name);
  let out: Uint8Array;
  try {
    out = await d.decode(b);
  } catch (e) {
    throw new CodecError(`${name}: ${(e as Error)?.message ?? String(e)}`);
  }
  if (out.length !== size) throw new CodecError(`${name}: decompressed to ${out.length} bytes, header said ${size}`);
  return out;
}
