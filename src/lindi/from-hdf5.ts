// Build a LINDI reference file system from an HDF5 file without copying data: one .zgroup/.zattrs
// per group, .zarray/.zattrs per dataset, chunk refs [url, offset, size] into the HDF5 file,
// small or non-numeric datasets inlined, LINDI's _SCALAR/_SOFT_LINK/_REFERENCE/_COMPOUND_DTYPE/
// _EXTERNAL_ARRAY_LINK annotations (lindi 0.4.5 LindiH5ZarrStore.to_reference_file_system).
//
//   const { rfs } = await fromHdf5("x.nwb", { url: "https://host/x.nwb" });
//   const { rfs: remote } = await fromHdf5("https://host/x.nwb");   // read over HTTP, refs name the URL
//   writeFileSync("x.nwb.lindi.json", stringifyRfs(rfs));

import { H5Dataset, H5File, H5Group, H5Reference, type Datatype } from "../h5/index.ts";
import { readAttributes, type Attribute } from "../h5/attributes.ts";
import { UNDEF } from "../h5/cursor.ts";
import { readObjectHeader } from "../h5/object-header.ts";
import { H5RegionReference } from "../h5/references.ts";
import { attrToZarr, referenceToZarr } from "./attrs.ts";
import { bloscEncode, DEFAULT_BLOSC, itemsizeOf } from "./blosc-encode.ts";
import { LindiError } from "./errors.ts";
import { plainFloats, PyFloat } from "./pyjson.ts";
import { encodeInline, isChunkRef, useTemplates, type ChunkRef, type RefValue, type Rfs } from "./refs.ts";
import { codecsFromH5, encodeJsonChunk, JSON_CODEC, numpyName, ZGROUP, zarray } from "./zarr-meta.ts";

export interface FromHdf5Options {
  /** URL written into chunk refs (default: the path as given). */
  url?: string;
  /** Datasets with more chunks than this become _EXTERNAL_ARRAY_LINKs (LINDI: 1000; null: never). */
  numDatasetChunksThreshold?: number | null;
  /** Unfiltered single-chunk numeric datasets larger than this are split into virtual chunks (LINDI: 20 MB). */
  contiguousDatasetMaxChunkSize?: number | null;
  /** "throw" (LINDI's behaviour) or "skip": leave out objects LINDI cannot express, listing them in `skipped`. */
  onUnsupported?: "throw" | "skip";
  /** Numeric arrays with fewer elements than this are inlined (LINDI: 1000; 0 references every dataset in place). */
  maxInlineSize?: number;
  /** Replace URLs used 5 or more times by templates (LINDI does; default true). */
  templates?: boolean;
}

export interface FromHdf5Result {
  rfs: Rfs;
  skipped: { path: string; reason: string }[];
}

const join = (a: string, b: string) => (a ? `${a}/${b}` : b);

/** Attributes by name with their datatype and dataspace (floats and nested arrays need them). */
type Attrs = Record<string, Attribute>;

/** From a local path, a file:// URL or an http(s) URL (read with Range requests; refs name that URL). */
export async function fromHdf5(pathOrUrl: string, opts: FromHdf5Options = {}): Promise<FromHdf5Result> {
  const file = await H5File.openSource(pathOrUrl);
  try {
    return await fromH5File(file, opts.url ?? pathOrUrl, opts);
  } finally {
    await file.close();
  }
}

export async function fromH5File(file: H5File, url: string, opts: FromHdf5Options = {}): Promise<FromHdf5Result> {
  const rfs: Rfs = { refs: {}, version: 1 };
  const skipped: FromHdf5Result["skipped"] = [];
  const conv = new Converter(file, url, rfs, opts, skipped);
  const guard = async (p: string, fn: () => Promise<void>) => {
    if (opts.onUnsupported !== "skip") return fn();
    const mark = conv.mark();
    try {
      await fn();
    } catch (e) {
      if (!(e instanceof LindiError)) throw e;
      conv.rollback(mark);
      skipped.push({ path: "/" + p, reason: e.message });
    }
  };
  const walk = async (key: string, g: H5Group, ancestors: number[] = []): Promise<void> => {
    await conv.groupMeta(key, g);
    for (const link of await g.links()) {
      const k = join(key, link.name);
      if (link.kind === "external") {
        await guard(k, () => Promise.reject(new LindiError(`External links not supported: ${k}`)));
        continue;
      }
      if (link.kind === "soft") {
        await guard(k, async () => conv.softLink(k, link.target));
        continue;
      }
      const obj = await file.get("/" + k);
      const up = [...ancestors, g.address];
      if (obj instanceof H5Group && up.includes(obj.address)) await guard(k, () => Promise.reject(new LindiError(`group /${k} is a hard link to a group that contains it (a cycle)`)));
      else if (obj instanceof H5Group) await walk(k, obj, up);
      else if (obj instanceof H5Dataset) await guard(k, () => conv.dataset(k, obj));
    }
  };
  await walk("", file.rootGroup);
  if (opts.templates !== false) conv.templates();
  return { rfs, skipped };
}

function isNumeric(t: Datatype): boolean {
  if (t.class === "int" || t.class === "float") return [1, 2, 4, 8].includes(t.size);
  if (t.class === "enum") return !isBool(t) && isNumeric(t.base);
  if (t.class === "bitfield") return [1, 2, 4, 8].includes(t.size);
  return false;
}
function isBool(t: Datatype): boolean {
  return t.class === "enum" && t.members.length === 2 && t.base.size === 1 && t.members.some((m) => m.name === "FALSE") && t.members.some((m) => m.name === "TRUE");
}

/** A fill value's bytes as a number (zarr's fill_value), 0 when absent; floats as PyFloat (zarr writes 0.0). */
function fillNumber(bytes: Uint8Array | undefined, dtype: string): number | string | PyFloat {
  const zero = dtype[1] === "f" ? new PyFloat(0) : 0;
  if (!bytes || !bytes.length) return zero;
  const size = Number(dtype.slice(2));
  if (bytes.length < size) return zero;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, size);
  const le = dtype[0] !== ">";
  const kind = dtype[1];
  let v: number;
  if (kind === "f") {
    if (size === 2) return zero; // rare; LINDI/zarr would write the half value
    v = size === 4 ? dv.getFloat32(0, le) : dv.getFloat64(0, le);
    return Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : new PyFloat(v);
  }
  const signed = kind === "i";
  if (size === 1) return signed ? dv.getInt8(0) : dv.getUint8(0);
  if (size === 2) return signed ? dv.getInt16(0, le) : dv.getUint16(0, le);
  if (size === 4) return signed ? dv.getInt32(0, le) : dv.getUint32(0, le);
  return Number(signed ? dv.getBigInt64(0, le) : dv.getBigUint64(0, le));
}

class Converter {
  constructor(
    private readonly file: H5File,
    private readonly url: string,
    private readonly rfs: Rfs,
    private readonly opts: FromHdf5Options,
    private readonly skipped: FromHdf5Result["skipped"],
  ) {}

  /** Every chunk ref put, in order: templating them needs no pass over a million-key refs object. */
  private readonly chunkRefs: ChunkRef[] = [];
  /** What put() replaced, so a skipped dataset can be undone without copying the refs per dataset. */
  private readonly journal: [string, RefValue | undefined][] = [];
  private journaling = false;
  private foreignUrl = false;

  private put(key: string, v: RefValue): void {
    const refs = this.rfs.refs;
    if (this.journaling) this.journal.push([key, Object.hasOwn(refs, key) ? refs[key] : undefined]);
    refs[key] = v;
    if (isChunkRef(v)) {
      this.chunkRefs.push(v);
      if (v[0] !== this.url) this.foreignUrl = true;
    }
  }

  mark(): { journal: number; chunkRefs: number } {
    this.journaling = true;
    return { journal: this.journal.length, chunkRefs: this.chunkRefs.length };
  }

  rollback(m: { journal: number; chunkRefs: number }): void {
    const refs = this.rfs.refs;
    for (let i = this.journal.length - 1; i >= m.journal; i--) {
      const [k, old] = this.journal[i];
      if (old === undefined) delete refs[k];
      else refs[k] = old;
    }
    this.journal.length = m.journal;
    this.chunkRefs.length = m.chunkRefs;
  }

  /** LINDI's use_templates_in_rfs; every ref names this.url, so it becomes u1 when used 5 times or more. */
  templates(): void {
    if (this.foreignUrl) return useTemplates(this.rfs);
    if (this.chunkRefs.length < 5) return;
    this.rfs.templates = { u1: this.url };
    for (const v of this.chunkRefs) v[0] = "{{u1}}";
  }

  private async attrs(o: H5Group | H5Dataset): Promise<Attrs> {
    const ctx = this.file.ctx;
    const list = await readAttributes(ctx, await readObjectHeader(ctx, o.address, o.path), o.path);
    return Object.fromEntries(list.map((a) => [a.name, a]));
  }

  private async zattrs(key: string, attrs: Attrs, extra: Record<string, unknown> = {}): Promise<void> {
    const out: Record<string, unknown> = {};
    for (const [k, { value: v, dtype, space }] of Object.entries(attrs)) {
      try {
        // a region reference is an H5Reference too: attrToZarr would keep only its object
        if (v instanceof H5RegionReference || (Array.isArray(v) && v.some((x) => x instanceof H5RegionReference))) {
          throw new LindiError(`region references are not supported (attribute ${k} of /${key})`);
        }
        out[k] = await attrToZarr(v, `${key} ${k}`, this.file, dtype, space.shape);
      } catch (e) {
        if (!(e instanceof LindiError) || this.opts.onUnsupported !== "skip") throw e;
        this.skipped.push({ path: `/${key}@${k}`, reason: e.message });
      }
    }
    Object.assign(out, extra);
    if (Object.keys(out).length) this.put(join(key, ".zattrs"), plainFloats(out));
  }

  async groupMeta(key: string, g: H5Group): Promise<void> {
    await this.zattrs(key, await this.attrs(g));
    this.put(join(key, ".zgroup"), { ...ZGROUP });
  }

  softLink(key: string, target: string): void {
    this.put(join(key, ".zattrs"), { _SOFT_LINK: { path: target } });
    this.put(join(key, ".zgroup"), { ...ZGROUP });
  }

  async dataset(key: string, ds: H5Dataset): Promise<void> {
    const t = ds.type;
    const attrs = await this.attrs(ds);
    if (ds.space.kind === "null") throw new LindiError(`dataset ${key} has a null dataspace`);
    if (ds.layout.class === "virtual") throw new LindiError(`dataset ${key} is a virtual dataset`);
    if (t.class === "reference" && t.kind !== "object") throw new LindiError(`dataset ${key} holds region references, which are not supported`);
    const scalar = ds.space.kind === "scalar";
    const shape = ds.shape;
    const size = ds.size;
    const dtype = isBool(t) ? "|b1" : ds.dtype.str;
    if (scalar || !isNumeric(t)) return this.inline(key, ds, attrs, scalar);
    if (size > 0 && size < (this.opts.maxInlineSize ?? 1000)) return this.inline(key, ds, attrs, false);
    // A numeric dataset referenced in place.
    const codecs = codecsFromH5(ds.filters, t.size, key);
    let chunks = ds.chunks ?? shape;
    if (chunks.reduce((a, b) => a * b, 1) === 0) chunks = chunks.map(() => 1);
    const fillValue = fillNumber(ds.fillValue, dtype);
    const rank = shape.length;
    const max = this.opts.contiguousDatasetMaxChunkSize === undefined ? 20_000_000 : this.opts.contiguousDatasetMaxChunkSize;
    const single = ds.chunks === null || ds.chunks.every((c, i) => c === shape[i]);
    const bytes = size * t.size;
    if (max !== null && !codecs.length && single && bytes > max && rank > 0) {
      return this.split(key, ds, attrs, dtype, fillValue, max);
    }
    let link: Record<string, unknown> | undefined;
    const threshold = this.opts.numDatasetChunksThreshold === undefined ? 1000 : this.opts.numDatasetChunksThreshold;
    if (ds.chunks && threshold !== null) {
      const n = shape.reduce((a, s, i) => a * Math.ceil(s / chunks[i]), 1);
      if (n > threshold) link = { link_type: "hdf5_dataset", name: key, url: this.url };
    }
    await this.zattrs(key, attrs, link ? { _EXTERNAL_ARRAY_LINK: link } : {});
    this.put(join(key, ".zarray"), zarray({ shape, chunks, dtype, fillValue, filters: codecs }));
    if (link || size === 0) return;
    const l = ds.layout;
    if (l.class === "chunked") {
      const prefix = key ? `${key}/` : "";
      for (const row of await ds.chunkTable()) {
        const o = row.offset;
        const name = rank === 1 ? String(Math.floor(o[0] / chunks[0])) : o.map((x, i) => Math.floor(x / chunks[i])).join(".");
        this.put(`${prefix}${name}`, [this.url, row.address, row.size]);
      }
    } else if (l.class === "contiguous") {
      if (l.address !== UNDEF) this.put(join(key, shape.map(() => "0").join(".")), [this.url, this.file.ctx.abs(l.address), bytes]);
    } else if (l.class === "compact") {
      this.put(join(key, shape.map(() => "0").join(".")), [this.url, l.offset, bytes]);
    }
  }

  /** LINDI's SplitDatasetH5Item: one large unfiltered block as virtual chunks along axis 0. */
  private async split(key: string, ds: H5Dataset, attrs: Attrs, dtype: string, fillValue: unknown, max: number): Promise<void> {
    const shape = ds.shape;
    const row = shape.slice(1).reduce((a, b) => a * b, 1) * ds.type.size;
    const nn = Math.max(1, Math.floor(max / row));
    const chunks = [nn, ...shape.slice(1)];
    let start: number;
    let count: number;
    const l = ds.layout;
    if (l.class === "chunked") {
      const first = (await ds.chunkTable())[0];
      if (!first) throw new LindiError(`dataset ${key}: its single chunk is not allocated`);
      start = first.address;
      count = first.size;
    } else if (l.class === "contiguous") {
      if (l.address === UNDEF) throw new LindiError(`dataset ${key}: its data is not allocated`);
      start = this.file.ctx.abs(l.address);
      count = ds.size * ds.type.size;
    } else throw new LindiError(`dataset ${key}: cannot split a ${l.class} dataset`);
    await this.zattrs(key, attrs);
    this.put(join(key, ".zarray"), zarray({ shape, chunks, dtype, fillValue, filters: null }));
    const per = nn * row;
    const n = Math.ceil(ds.size / (nn * (row / ds.type.size)));
    for (let i = 0; i < n; i++) {
      const off = start + i * per;
      const len = Math.min(per, start + count - off);
      this.put(join(key, [i, ...shape.slice(1).map(() => 0)].join(".")), [this.url, off, len]);
    }
  }

  /** LINDI's InlineArray: scalars, small numeric arrays, strings, references and compounds, one chunk. */
  private async inline(key: string, ds: H5Dataset, attrs: Attrs, scalar: boolean): Promise<void> {
    const t = ds.type;
    const shape = scalar ? [1] : ds.shape;
    const size = ds.size;
    const chunkName = shape.map(() => "0").join(".");
    const extra: Record<string, unknown> = scalar ? { _SCALAR: true } : {};
    let meta: { dtype: string; fillValue: unknown; filters: null | typeof JSON_CODEC[] };
    // the chunk before zarr's Blosc: the array's bytes, or the JSON codec's text
    let chunk: Uint8Array | string | undefined;
    if (isNumeric(t) || isBool(t)) {
      meta = { dtype: isBool(t) ? "|b1" : ds.dtype.str, fillValue: isBool(t) ? false : t.class === "float" ? new PyFloat(0) : 0, filters: null };
      if (size) chunk = await ds.readBytes();
    } else if (t.class === "string") {
      const raw = await ds.readBytes();
      if (scalar) {
        let end = raw.length;
        while (end > 0 && raw[end - 1] === 0) end--;
        const v = raw.subarray(0, Math.max(end, 0));
        meta = { dtype: `|S${Math.max(1, v.length)}`, fillValue: "", filters: null };
        chunk = v.length ? v : new Uint8Array(1);
      } else {
        meta = { dtype: `|S${t.size}`, fillValue: "", filters: null };
        if (size) chunk = raw;
      }
    } else if (t.class === "vlen-string" && scalar) {
      // numpy turns [str] into a <U array: UTF-32LE code points.
      const s = String((await ds.read())[0] ?? "");
      const cps = Array.from(s, (c) => c.codePointAt(0)!);
      const n = Math.max(1, cps.length);
      const buf = new Uint8Array(4 * n);
      const dv = new DataView(buf.buffer);
      cps.forEach((c, i) => dv.setUint32(4 * i, c, true));
      meta = { dtype: `<U${n}`, fillValue: "", filters: null };
      chunk = buf;
    } else if (!scalar && (t.class === "vlen-string" || (t.class === "reference" && t.kind === "object"))) {
      meta = { dtype: "|O", fillValue: 0, filters: [JSON_CODEC] };
      const vals = await ds.read();
      const items: unknown[] = [];
      for (const v of vals as unknown[]) {
        if (typeof v === "string") items.push(v);
        else if (v instanceof H5Reference) items.push(await referenceToZarr(v, this.file));
        else throw new LindiError(`dataset ${key}: cannot convert element ${String(v)}`);
      }
      if (size) chunk = encodeJsonChunk(items, shape);
    } else if (!scalar && t.class === "compound") {
      const fields: [string, string][] = t.members.map((m) => {
        const mt = m.type;
        if (mt.class === "reference" && mt.kind === "object") return [m.name, "<REFERENCE>"];
        if (isBool(mt)) return [m.name, "bool"];
        if (isNumeric(mt)) return [m.name, numpyName(numpyDtypeStr(mt))];
        if (mt.class === "string") return [m.name, `|S${mt.size}`];
        if (mt.class === "vlen-string") return [m.name, "object"];
        throw new LindiError(`dataset ${key}: compound member ${m.name} of class ${mt.class} is not supported`);
      });
      extra._COMPOUND_DTYPE = fields;
      meta = { dtype: "|O", fillValue: 0, filters: [JSON_CODEC] };
      const rows: unknown[] = [];
      for (const row of (await ds.read()) as Record<string, unknown>[]) {
        const out: unknown[] = [];
        for (const [i, [name]] of fields.entries()) {
          const v = row[name];
          if (v instanceof H5Reference) out.push(await referenceToZarr(v, this.file));
          else if (typeof v === "bigint") out.push(Number(v));
          else if (typeof v === "number" && t.members[i].type.class === "float") out.push(new PyFloat(v)); // Python's float(x): -2.0
          else out.push(v);
        }
        rows.push(out);
      }
      if (size) chunk = encodeJsonChunk(rows, shape);
    } else {
      throw new LindiError(`dataset ${key}: ${scalar ? "scalar " : ""}datatype ${ds.dtype.str} (${t.class}) is not supported`);
    }
    const chunks = size === 0 ? shape.map(() => 1) : shape;
    await this.zattrs(key, attrs, extra);
    // LINDI creates inline arrays with zarr's default compressor (Blosc lz4), so they are compressed
    const compressor = { ...DEFAULT_BLOSC };
    this.put(join(key, ".zarray"), zarray({ shape, chunks, dtype: meta.dtype, fillValue: meta.fillValue, filters: meta.filters, compressor }));
    if (chunk !== undefined) {
      const raw = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
      this.put(join(key, chunkName), encodeInline(await bloscEncode(raw, itemsizeOf(meta.dtype))));
    }
  }
}

function numpyDtypeStr(t: Datatype): string {
  if (t.class === "enum") return numpyDtypeStr(t.base);
  if (t.class === "int") return `${t.order}${t.signed ? "i" : "u"}${t.size}`;
  if (t.class === "float") return `${t.order}f${t.size}`;
  if (t.class === "bitfield") return `${t.order}u${t.size}`;
  return "";
}
