// Build a LINDI reference file system from an HDF5 file without copying data: one .zgroup/.zattrs
// per group, .zarray/.zattrs per dataset, chunk refs [url, offset, size] into the HDF5 file,
// small or non-numeric datasets inlined, LINDI's _SCALAR/_SOFT_LINK/_REFERENCE/_COMPOUND_DTYPE/
// _EXTERNAL_ARRAY_LINK annotations (lindi 0.4.5 LindiH5ZarrStore.to_reference_file_system).
//
//   const { rfs } = await fromHdf5("x.nwb", { url: "https://host/x.nwb" });
//   writeFileSync("x.nwb.lindi.json", stringifyRfs(rfs));

import { H5Dataset, H5File, H5Group, H5Reference, type Datatype } from "../h5/index.ts";
import { UNDEF } from "../h5/cursor.ts";
import { attrToZarr, referenceToZarr } from "./attrs.ts";
import { LindiError } from "./errors.ts";
import { encodeInline, useTemplates, type Rfs } from "./refs.ts";
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

export async function fromHdf5(path: string, opts: FromHdf5Options = {}): Promise<FromHdf5Result> {
  const file = await H5File.openPath(path);
  try {
    return await fromH5File(file, opts.url ?? path, opts);
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
    const before = { ...rfs.refs };
    try {
      await fn();
    } catch (e) {
      if (!(e instanceof LindiError)) throw e;
      rfs.refs = before;
      skipped.push({ path: "/" + p, reason: e.message });
    }
  };
  const walk = async (key: string, g: H5Group, ancestors: number[] = []): Promise<void> => {
    if (ancestors.includes(g.address)) throw new LindiError(`group /${key} contains itself (hard-link cycle)`);
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
      if (obj instanceof H5Group) await walk(k, obj, [...ancestors, g.address]);
      else if (obj instanceof H5Dataset) await guard(k, () => conv.dataset(k, obj));
    }
  };
  await walk("", file.rootGroup);
  if (opts.templates !== false) useTemplates(rfs);
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

/** A fill value's bytes as a number (zarr's fill_value), 0 when absent. */
function fillNumber(bytes: Uint8Array | undefined, dtype: string): number | string {
  if (!bytes || !bytes.length) return 0;
  const size = Number(dtype.slice(2));
  if (bytes.length < size) return 0;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, size);
  const le = dtype[0] !== ">";
  const kind = dtype[1];
  let v: number;
  if (kind === "f") {
    if (size === 2) return 0; // rare; LINDI/zarr would write the half value
    v = size === 4 ? dv.getFloat32(0, le) : dv.getFloat64(0, le);
    return Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : v;
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

  private put(key: string, v: Rfs["refs"][string]): void {
    this.rfs.refs[key] = v;
  }

  private async zattrs(key: string, attrs: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<void> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(attrs)) {
      try {
        out[k] = await attrToZarr(v, `${key} ${k}`, this.file);
      } catch (e) {
        if (!(e instanceof LindiError) || this.opts.onUnsupported !== "skip") throw e;
        this.skipped.push({ path: `/${key}@${k}`, reason: e.message });
      }
    }
    Object.assign(out, extra);
    if (Object.keys(out).length) this.put(join(key, ".zattrs"), out);
  }

  async groupMeta(key: string, g: H5Group): Promise<void> {
    await this.zattrs(key, await g.attrs());
    this.put(join(key, ".zgroup"), { ...ZGROUP });
  }

  softLink(key: string, target: string): void {
    this.put(join(key, ".zattrs"), { _SOFT_LINK: { path: target } });
    this.put(join(key, ".zgroup"), { ...ZGROUP });
  }

  async dataset(key: string, ds: H5Dataset): Promise<void> {
    const t = ds.type;
    const attrs = await ds.attrs();
    if (ds.space.kind === "null") throw new LindiError(`dataset ${key} has a null dataspace`);
    if (ds.layout.class === "virtual") throw new LindiError(`dataset ${key} is a virtual dataset`);
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
      for (const row of await ds.chunkTable()) {
        const name = row.offset.map((o, i) => Math.floor(o / chunks[i])).join(".");
        this.put(join(key, name), [this.url, row.address, row.size]);
      }
    } else if (l.class === "contiguous") {
      if (l.address !== UNDEF) this.put(join(key, shape.map(() => "0").join(".")), [this.url, this.file.ctx.abs(l.address), bytes]);
    } else if (l.class === "compact") {
      this.put(join(key, shape.map(() => "0").join(".")), [this.url, l.offset, bytes]);
    }
  }

  /** LINDI's SplitDatasetH5Item: one large unfiltered block as virtual chunks along axis 0. */
  private async split(key: string, ds: H5Dataset, attrs: Record<string, unknown>, dtype: string, fillValue: unknown, max: number): Promise<void> {
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
  private async inline(key: string, ds: H5Dataset, attrs: Record<string, unknown>, scalar: boolean): Promise<void> {
    const t = ds.type;
    const shape = scalar ? [1] : ds.shape;
    const size = ds.size;
    const chunkName = shape.map(() => "0").join(".");
    const extra: Record<string, unknown> = scalar ? { _SCALAR: true } : {};
    let meta: { dtype: string; fillValue: unknown; filters: null | typeof JSON_CODEC[] };
    let chunk: string | undefined;
    if (isNumeric(t) || isBool(t)) {
      meta = { dtype: isBool(t) ? "|b1" : ds.dtype.str, fillValue: isBool(t) ? false : 0, filters: null };
      if (size) chunk = encodeInline(await ds.readBytes());
    } else if (t.class === "string") {
      const raw = await ds.readBytes();
      if (scalar) {
        let end = raw.length;
        while (end > 0 && raw[end - 1] === 0) end--;
        const v = raw.subarray(0, Math.max(end, 0));
        meta = { dtype: `|S${Math.max(1, v.length)}`, fillValue: "", filters: null };
        chunk = encodeInline(v.length ? v : new Uint8Array(1));
      } else {
        meta = { dtype: `|S${t.size}`, fillValue: "", filters: null };
        if (size) chunk = encodeInline(raw);
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
      chunk = encodeInline(buf);
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
        for (const [name] of fields) {
          const v = row[name];
          if (v instanceof H5Reference) out.push(await referenceToZarr(v, this.file));
          else if (typeof v === "bigint") out.push(Number(v));
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
    this.put(join(key, ".zarray"), zarray({ shape, chunks, dtype: meta.dtype, fillValue: meta.fillValue, filters: meta.filters }));
    if (chunk !== undefined) this.put(join(key, chunkName), chunk);
  }
}

function numpyDtypeStr(t: Datatype): string {
  if (t.class === "enum") return numpyDtypeStr(t.base);
  if (t.class === "int") return `${t.order}${t.signed ? "i" : "u"}${t.size}`;
  if (t.class === "float") return `${t.order}f${t.size}`;
  if (t.class === "bitfield") return `${t.order}u${t.size}`;
  return "";
}
