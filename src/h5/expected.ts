// Test support: compare what the TypeScript reader sees in an HDF5 file with the
// <name>.expected.json h5py wrote for it (scripts/h5/h5json.py). Returns a list of mismatches
// ("/path: what: expected X, got Y"), empty when everything agrees.
//
//   const problems = await compareWithExpected(file, JSON.parse(readFileSync(jsonPath, "utf8")));

import { UNDEF } from "./cursor.ts";
import { H5Dataset } from "./dataset.ts";
import { H5File, H5Group, H5NamedType, H5Reference } from "./file.ts";

export interface Expected {
  superblock: number;
  objects: Record<string, ExpectedObject>;
}

interface ExpectedObject {
  kind: "group" | "dataset" | "datatype";
  attrs: Record<string, unknown>;
  keys?: string[];
  links?: Record<string, { soft?: string; external?: [string, string] }>;
  shape?: number[];
  dtype?: unknown;
  chunks?: number[] | null;
  filters?: { id: number; values: number[] }[];
  layout?: string;
  chunkTable?: { offset: number[]; address: number; size: number; filterMask: number }[];
  offset?: number;
  values?: unknown[];
}

/** Canonical JSON-safe form, shared by both sides: numbers (and 64-bit ints) as strings. */
async function canon(v: unknown, file: H5File, top = false): Promise<unknown> {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : v === Infinity ? "Inf" : v === -Infinity ? "-Inf" : String(v);
  if (typeof v === "bigint") return String(v);
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (v instanceof H5Reference) return file.dereference(v).catch(() => "<unresolved>");
  if (v instanceof Uint8Array && !top) return String.fromCharCode(...v); // opaque element
  if (ArrayBuffer.isView(v)) return Promise.all(Array.from(v as unknown as ArrayLike<unknown>, (x) => canon(x, file)));
  if (Array.isArray(v)) return Promise.all(v.map((x) => canon(x, file)));
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o.empty === true && Object.keys(o).length === 1) return null;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) out[k] = await canon(o[k], file);
    return out;
  }
  return v;
}

export interface CompareOptions {
  /** Compare values (default true). */
  values?: boolean;
  /** Compare chunk and contiguous-data addresses (default true; false for a file re-based in a test). */
  addresses?: boolean;
}

export async function compareWithExpected(file: H5File, exp: Expected, opts: CompareOptions = {}): Promise<string[]> {
  const problems: string[] = [];
  const eq = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const check = (path: string, what: string, want: unknown, got: unknown) => {
    if (!eq(want, got)) problems.push(`${path}: ${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`.slice(0, 600));
  };
  if (opts.addresses !== false) check("/", "superblock version", exp.superblock, file.superblock.version);
  for (const [path, e] of Object.entries(exp.objects)) {
    let obj;
    try {
      obj = await file.get(path);
    } catch (err) {
      problems.push(`${path}: get: ${(err as Error).message}`);
      continue;
    }
    try {
      check(path, "kind", e.kind, obj.kind);
      const attrs = await obj.attrs();
      const wantAttrs: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(e.attrs)) {
        if (v && typeof v === "object" && "error" in v) continue;
        wantAttrs[k] = v;
      }
      const gotAttrs: Record<string, unknown> = {};
      for (const k of Object.keys(attrs)) if (k in wantAttrs) gotAttrs[k] = attrs[k];
      check(path, "attribute names", Object.keys(e.attrs).sort(), Object.keys(attrs).sort());
      check(path, "attributes", await canon(wantAttrs, file), await canon(gotAttrs, file));
      if (obj instanceof H5Group) {
        check(path, "keys", e.keys, await obj.keys());
        const links: Record<string, unknown> = {};
        for (const l of await obj.links()) {
          if (l.kind === "soft") links[l.name] = { soft: l.target };
          if (l.kind === "external") links[l.name] = { external: [l.file, l.target] };
        }
        check(path, "links", e.links ?? {}, links);
      } else if (obj instanceof H5NamedType) {
        check(path, "dtype", await canon(e.dtype, file), await canon(obj.dtype, file));
      } else if (obj instanceof H5Dataset) {
        check(path, "shape", e.shape, obj.space.kind === "null" ? null : obj.shape);
        check(path, "dtype", await canon(e.dtype, file), await canon(obj.dtype, file));
        check(path, "chunks", e.chunks, obj.chunks);
        check(path, "filters", e.filters, obj.filters.map((f) => ({ id: f.id, values: f.values })));
        check(path, "layout", e.layout, obj.layout.class);
        if (e.chunkTable) {
          // HDF5 1.10's H5Dget_chunk_info gives addresses relative to the base address (the
          // user block's end); ours are absolute file offsets, which is what a range read needs
          const base = file.superblock.baseAddress;
          const rows = (await obj.chunkTable()).map((r) => ({ address: r.address - base, filterMask: r.filterMask, offset: r.offset, size: r.size }));
          const strip = <T extends { address: number }>(t: T[]): T[] => t.map((r) => ({ ...r, address: opts.addresses === false ? 0 : r.address }));
          // HDF5 1.10's H5Dget_chunk_info mis-maps extensible-array indexes when the unlimited
          // dimension is not the first (offsets past the extent, e.g. [0, 55] in a 24 x 14
          // dataset): then only the stored chunks themselves (address, size, mask) can be compared;
          // the values check proves where each one belongs
          const bogus = e.chunkTable.some((r) => r.offset.some((o, d) => o >= Math.max(obj.shape[d], 1)));
          const bySize = (t: { address: number; size: number; filterMask: number }[]) =>
            t.map((r) => ({ address: r.address, size: r.size, filterMask: r.filterMask })).sort((a, b) => a.address - b.address);
          if (bogus) check(path, "stored chunks", bySize(strip(e.chunkTable)), bySize(strip(rows)));
          else check(path, "chunk table", strip(e.chunkTable), strip(rows));
        }
        if (e.offset !== undefined && obj.layout.class === "contiguous" && opts.addresses !== false) {
          check(path, "offset", e.offset, obj.layout.address === UNDEF ? null : file.ctx.abs(obj.layout.address));
        }
        if (e.values && opts.values !== false) check(path, "values", await canon(e.values, file), await canon(await obj.read(), file, true));
      }
    } catch (err) {
      problems.push(`${path}: ${(err as Error).name}: ${(err as Error).message}`);
    }
  }
  return problems;
}
