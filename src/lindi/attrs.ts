// HDF5 attribute values to LINDI's .zattrs values (h5_to_zarr_attr): numbers stay numbers (those
// of float attributes as PyFloat, so they are written 2.0 like Python), NaN/±Inf become
// "NaN"/"Infinity"/"-Infinity", bytes become text, arrays are nested by their shape (numpy's
// tolist()), object references become {"_REFERENCE": {object_id, path, source: ".", source_object_id}}.
//
//   await attrToZarr(3.5, "/x units", file);                          // 3.5
//   await attrToZarr(new Int16Array(6), "/x m", file, int16, [2, 3]);  // [[0, 0, 0], [0, 0, 0]]
//   await attrToZarr(ref, "/x target", file);                         // { _REFERENCE: { path: "/a", ... } }

import { H5Reference, type Datatype, type H5File } from "../h5/index.ts";
import { LindiError } from "./errors.ts";
import { PyFloat } from "./pyjson.ts";
import { nest } from "./zarr-meta.ts";

const SPECIAL = new Set(["NaN", "Infinity", "-Infinity"]);

function num(v: number): PyFloat | string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  return new PyFloat(v);
}

/** The _REFERENCE value LINDI writes for an object reference (h5_ref_to_zarr_attr). */
export async function referenceToZarr(ref: H5Reference, file: H5File): Promise<{ _REFERENCE: Record<string, unknown> }> {
  const path = await file.dereference(ref);
  const target = await file.get(path);
  const objectId = (await target.attrs()).object_id ?? null;
  const fileId = (await file.rootGroup.attrs()).object_id ?? null;
  return { _REFERENCE: { object_id: objectId, path, source: ".", source_object_id: fileId } };
}

/** `dtype` tells floats from ints; `shape` (the attribute's dataspace) nests arrays of rank > 1. */
export async function attrToZarr(v: unknown, label: string, file: H5File, dtype?: Datatype, shape?: number[]): Promise<unknown> {
  const flat = await flatAttr(v, label, file, dtype?.class === "float");
  return Array.isArray(flat) && shape && shape.length > 1 ? nest(flat, shape) : flat;
}

async function flatAttr(v: unknown, label: string, file: H5File, isFloat: boolean): Promise<unknown> {
  if (v === null || v === undefined) throw new LindiError(`empty attribute (null dataspace) not supported at ${label}`);
  if (typeof v === "string") {
    if (SPECIAL.has(v)) throw new LindiError(`special string ${v} not allowed in attribute value at ${label}`);
    return v;
  }
  if (typeof v === "number") return isFloat || !Number.isFinite(v) ? num(v) : v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v;
  if (v instanceof H5Reference) return referenceToZarr(v, file);
  if (v instanceof Float32Array || v instanceof Float64Array) return Array.from(v, num);
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Array.from(v, Number);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      if (typeof x === "string") out.push(x);
      else if (typeof x === "number" || typeof x === "boolean" || typeof x === "bigint") out.push(await flatAttr(x, label, file, isFloat));
      else throw new LindiError(`unsupported attribute element at ${label}`);
    }
    return out;
  }
  throw new LindiError(`unsupported attribute value at ${label}`);
}
