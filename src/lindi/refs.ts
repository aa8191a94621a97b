// The LINDI reference file system (kerchunk style) and .lindi.json read/write: keys are zarr v2
// keys; values are ASCII text, "base64:..." binary, a JSON object (.zgroup/.zattrs/.zarray) or
// [url, offset, length] pointing into another file. Written like LINDI: indent 2, sorted keys.
//
//   const rfs = parseRfs(readFileSync("x.lindi.json", "utf8"));
//   refBytes(rfs, "acquisition/ts/data/.zarray");   // Uint8Array of the JSON text
//   writeFileSync("y.lindi.json", stringifyRfs(rfs));

import { LindiError } from "./errors.ts";
import { pyJson } from "./pyjson.ts";

export type ChunkRef = [url: string, offset: number, length: number];
export type RefValue = string | Record<string, unknown> | ChunkRef;

export interface Rfs {
  refs: Record<string, RefValue>;
  version?: number;
  templates?: Record<string, string>;
  generationMetadata?: Record<string, unknown>;
}

export function isChunkRef(v: RefValue): v is ChunkRef {
  return Array.isArray(v);
}

/** Check a parsed object against LINDI's rules (LindiReferenceFileSystemStore). */
export function validateRfs(x: unknown): Rfs {
  if (!x || typeof x !== "object" || Array.isArray(x)) throw new LindiError("reference file system: expected a JSON object");
  const o = x as Record<string, unknown>;
  const refs = o.refs;
  if (!refs || typeof refs !== "object" || Array.isArray(refs)) throw new LindiError("reference file system: missing refs object");
  for (const [k, v] of Object.entries(refs as Record<string, unknown>)) {
    if (typeof v === "string") continue;
    if (Array.isArray(v)) {
      if (v.length !== 3 || typeof v[0] !== "string" || !Number.isInteger(v[1]) || !Number.isInteger(v[2])) {
        throw new LindiError(`refs["${k}"]: a list must be [url, offset, length]`);
      }
      continue;
    }
    if (v && typeof v === "object") continue;
    throw new LindiError(`refs["${k}"]: expected a string, an object or [url, offset, length]`);
  }
  if (o.templates !== undefined) {
    if (!o.templates || typeof o.templates !== "object" || Array.isArray(o.templates)) throw new LindiError("templates: expected an object");
    for (const [k, v] of Object.entries(o.templates)) if (typeof v !== "string") throw new LindiError(`templates["${k}"]: expected a string`);
  }
  return o as unknown as Rfs;
}

export function parseRfs(text: string): Rfs {
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch (e) {
    throw new LindiError(`reference file system: not JSON (${(e as Error).message})`);
  }
  return validateRfs(x);
}

/** The .lindi.json text, as LINDI's json.dump(rfs, indent=2, sort_keys=True) writes it. */
export function stringifyRfs(rfs: Rfs): string {
  return pyJson(rfs);
}

/** The ref value LINDI stores for inline bytes: ASCII text, else (or if it starts with "base64:") base64. */
export function encodeInline(bytes: Uint8Array): string {
  const ascii = bytes.every((b) => b < 0x80);
  const text = ascii ? Buffer.from(bytes).toString("latin1") : "";
  if (ascii && !text.startsWith("base64:")) return text;
  return "base64:" + Buffer.from(bytes).toString("base64");
}

/** Decode an inline (string or object) ref value to bytes. */
export function decodeInline(v: string | Record<string, unknown>, key = ""): Uint8Array {
  if (typeof v !== "string") return new TextEncoder().encode(JSON.stringify(v));
  if (v.startsWith("base64:")) {
    const b64 = v.slice(7);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new LindiError(`refs["${key}"]: invalid base64`);
    return new Uint8Array(Buffer.from(b64, "base64"));
  }
  return new Uint8Array(Buffer.from(v, "latin1"));
}

/** A URL with {{name}} templates filled in. */
export function expandTemplates(url: string, templates: Record<string, string> | undefined): string {
  if (!templates) return url;
  return url.replace(/\{\{([^}]+)\}\}/g, (m, name: string) => templates[name.trim()] ?? m);
}

/**
 * LINDI's use_templates_in_rfs: URLs used by 5 or more chunk refs become templates u1, u2, ...
 * (sorted URLs), and those refs then read "{{u1}}".
 */
export function useTemplates(rfs: Rfs): void {
  const counts = new Map<string, number>();
  for (const v of Object.values(rfs.refs)) if (isChunkRef(v)) counts.set(v[0], (counts.get(v[0]) ?? 0) + 1);
  const urls = [...counts].filter(([, n]) => n >= 5).map(([u]) => u).sort();
  if (!urls.length) return;
  const names = new Map(urls.map((u, i) => [u, `u${i + 1}`]));
  rfs.templates = { ...(rfs.templates ?? {}) };
  for (const [u, n] of names) rfs.templates[n] = u;
  for (const v of Object.values(rfs.refs)) if (isChunkRef(v) && names.has(v[0])) v[0] = `{{${names.get(v[0])}}}`;
}
