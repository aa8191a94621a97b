// The attributes of a LINDI group or dataset (its .zattrs), read and written the way LINDI does:
// NaN and ±Infinity are stored as "NaN"/"Infinity"/"-Infinity" (and read back as numbers), so
// attribute strings equal to those are rejected; references are {_REFERENCE: {...}} objects; the
// annotations LINDI keeps there (_SCALAR, _SOFT_LINK, ...) are hidden and cannot be set.
//
//   g.attrs.get("rate");              // 30000
//   g.attrs.set("gain", [1, NaN]);    // stored as [1, "NaN"]
//   g.attrs.set("target", ds.ref);    // stored as {"_REFERENCE": {"path": "/x", ...}}
//   g.attrs.keys(); g.attrs.delete("gain");

import { LindiError } from "./errors.ts";
import { join, type LindiStore } from "./store.ts";

/** Keys LINDI uses for its own annotations in .zattrs. */
export const SPECIAL_ATTRS = new Set(["_SCALAR", "_SOFT_LINK", "_COMPOUND_DTYPE", "_EXTERNAL_ARRAY_LINK", "_REFERENCE"]);

const SPECIAL_STRINGS = new Set(["NaN", "Infinity", "-Infinity"]);

/** A reference as LINDI stores it, in attributes and in object arrays. */
export interface LindiReference {
  _REFERENCE: { source: string; path: string; object_id: string | null; source_object_id: string | null };
}

export function isReference(v: unknown): v is LindiReference {
  return !!v && typeof v === "object" && !Array.isArray(v) && typeof (v as LindiReference)._REFERENCE?.path === "string";
}

export class LindiAttributes {
  constructor(
    private readonly store: LindiStore,
    private readonly path: string,
  ) {}

  private get key(): string {
    return join(this.path, ".zattrs");
  }

  /** Everything stored, annotations included, as stored. */
  raw(): Record<string, unknown> {
    return this.store.meta(this.key) ?? {};
  }

  keys(): string[] {
    return Object.keys(this.raw()).filter((k) => !SPECIAL_ATTRS.has(k)).sort();
  }

  has(name: string): boolean {
    return this.keys().includes(name);
  }

  get(name: string): unknown {
    if (SPECIAL_ATTRS.has(name)) return undefined;
    const raw = this.raw();
    return Object.hasOwn(raw, name) ? decodeAttr(raw[name]) : undefined;
  }

  /** Every attribute, decoded. */
  toObject(): Record<string, unknown> {
    const raw = this.raw();
    return Object.fromEntries(this.keys().map((k) => [k, decodeAttr(raw[k])]));
  }

  set(name: string, value: unknown): void {
    this.store.assertWritable(`set attribute ${name} on /${this.path}`);
    if (SPECIAL_ATTRS.has(name)) throw new LindiError(`attribute name ${name} is reserved by LINDI`);
    const encoded = encodeAttr(value, `/${this.path} ${name}`);
    this.store.setMeta(this.key, { ...this.raw(), [name]: encoded });
  }

  delete(name: string): void {
    this.store.assertWritable(`delete attribute ${name} on /${this.path}`);
    const raw = { ...this.raw() };
    if (!Object.hasOwn(raw, name) || SPECIAL_ATTRS.has(name)) throw new LindiError(`/${this.path} has no attribute ${name}`);
    delete raw[name];
    if (Object.keys(raw).length) this.store.setMeta(this.key, raw);
    else this.store.deleteTree(this.key); // LINDI leaves out an empty .zattrs
  }
}

/** A JS value as LINDI stores it in .zattrs. */
export function encodeAttr(v: unknown, label: string): unknown {
  if (typeof v === "string") {
    if (SPECIAL_STRINGS.has(v)) throw new LindiError(`special string ${v} not allowed in attribute value at ${label}`);
    return v;
  }
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : v;
  if (typeof v === "bigint") {
    if (!Number.isSafeInteger(Number(v))) throw new LindiError(`integer ${v} at ${label} cannot be stored exactly in JSON`);
    return Number(v);
  }
  if (typeof v === "boolean") return v;
  if (isReference(v)) return { _REFERENCE: { ...v._REFERENCE } };
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<unknown>, (x) => encodeAttr(x, label));
  if (Array.isArray(v)) {
    return v.map((x) => {
      if (x !== null && typeof x === "object") throw new LindiError(`attribute at ${label}: nested lists and objects in lists are not supported`);
      return encodeAttr(x, label);
    });
  }
  if (v === null || v === undefined) throw new LindiError(`attribute at ${label}: empty (null) attributes are not supported`);
  throw new LindiError(`attribute at ${label}: unsupported value ${Object.prototype.toString.call(v)}`);
}

/** A stored .zattrs value as a JS value: "NaN"/"Infinity"/"-Infinity" back to numbers. */
export function decodeAttr(v: unknown): unknown {
  if (typeof v === "string" && SPECIAL_STRINGS.has(v)) return Number(v);
  if (Array.isArray(v)) return v.map(decodeAttr);
  return v;
}
