// The public face of the HDF5 reader: open a file through a range reader, walk its groups, read
// attributes, dataset metadata, chunk tables and values, resolve object references to paths.
//
//   const file = await H5File.openSource("x.nwb");    // or "https://host/x.nwb", or H5File.open(reader)
//   const g = await file.get("/acquisition");          // H5Group
//   await (g as H5Group).keys();                         // ["ElectricalSeries"]
//   const ds = (await file.get("/acquisition/ElectricalSeries/data")) as H5Dataset;
//   ds.shape; ds.dtype.str; ds.chunks; ds.filters; await ds.chunkTable(); await ds.read();
//   await file.close();

import { readAttributes } from "./attributes.ts";
import { H5Context } from "./context.ts";
import { Cursor } from "./cursor.ts";
import { numpyDtype, parseDatatype, type Datatype, type NumpyDtype } from "./datatype.ts";
import { H5Dataset, openDataset } from "./dataset.ts";
import { H5FormatError, H5NotFoundError, H5UnsupportedError } from "./errors.ts";
import { isGroupHeader, readLinks, type Link } from "./group.ts";
import { MSG, readObjectHeader } from "./object-header.ts";
import { openRangeReader, type OpenReaderOptions } from "./open-reader.ts";
import type { RangeReader } from "./reader.ts";
import { readSuperblock, type Superblock } from "./superblock.ts";
import { H5Reference } from "./values.ts";

export { H5Dataset } from "./dataset.ts";
export { H5Reference } from "./values.ts";

abstract class H5Object {
  constructor(
    protected readonly file: H5File,
    readonly path: string,
    /** Address of the object header (relative to the base address). */
    readonly address: number,
  ) {}
  /** Attributes by name (name order); scalars as single values, null dataspaces as null. */
  async attrs(): Promise<Record<string, unknown>> {
    const ctx = this.file.ctx;
    const list = await readAttributes(ctx, await readObjectHeader(ctx, this.address, this.path), this.path);
    return Object.fromEntries(list.map((a) => [a.name, a.value]));
  }
}

export class H5Group extends H5Object {
  readonly kind = "group";
  /** The group's links (hard, soft, external), in h5py's order. */
  async links(): Promise<Link[]> {
    const ctx = this.file.ctx;
    return readLinks(ctx, await readObjectHeader(ctx, this.address, this.path), this.path);
  }
  async keys(): Promise<string[]> {
    return (await this.links()).map((l) => l.name);
  }
  /** A member by relative or absolute path. */
  get(path: string): Promise<H5Node> {
    return this.file.get(path.startsWith("/") ? path : join(this.path, path));
  }
}

/** A named (committed) datatype. */
export class H5NamedType extends H5Object {
  readonly kind = "datatype";
  constructor(file: H5File, path: string, address: number, readonly type: Datatype) {
    super(file, path, address);
  }
  get dtype(): NumpyDtype {
    return numpyDtype(this.type);
  }
}

export type H5Node = H5Group | H5Dataset | H5NamedType;

function join(a: string, b: string): string {
  return a === "/" ? `/${b}` : `${a}/${b}`;
}

export class H5File {
  private root!: H5Group;
  private refPaths?: Promise<Map<number, string>>;
  private constructor(
    readonly reader: RangeReader,
    readonly superblock: Superblock,
    readonly ctx: H5Context,
  ) {}

  static async open(reader: RangeReader): Promise<H5File> {
    const sb = await readSuperblock(reader);
    const f = new H5File(reader, sb, new H5Context(reader, sb.sizes, sb.baseAddress));
    f.root = new H5Group(f, "/", sb.rootAddress);
    return f;
  }

  /**
   * Open a local path, a file:// URL or an http(s) URL (Range requests); closing the file closes
   * the reader.
   */
  static async openSource(pathOrUrl: string, opts: OpenReaderOptions = {}): Promise<H5File> {
    const reader = await openRangeReader(pathOrUrl, opts);
    try {
      return await H5File.open(reader);
    } catch (e) {
      await reader.close();
      throw e;
    }
  }

  /** Open a local file by path: openSource under its older name. */
  static openPath(path: string): Promise<H5File> {
    return H5File.openSource(path);
  }

  close(): Promise<void> {
    return this.reader.close();
  }

  get rootGroup(): H5Group {
    return this.root;
  }

  /** The object at an absolute path, following hard and soft links. */
  async get(path: string): Promise<H5Node> {
    return this.resolve(path, 0);
  }

  private async resolve(path: string, depth: number): Promise<H5Node> {
    if (depth > 16) throw new H5FormatError(`too many soft links resolving ${path}`);
    const parts = path.split("/").filter((p) => p !== "" && p !== ".");
    let address = this.root.address;
    let at = "/";
    for (const name of parts) {
      const group = await this.objectAt(at, address);
      if (!(group instanceof H5Group)) throw new H5NotFoundError(`${path}: ${at} is not a group`);
      const link = (await group.links()).find((l) => l.name === name);
      if (!link) throw new H5NotFoundError(`${path}: no ${name} in ${at}`);
      const next = join(at, name);
      if (link.kind === "hard") {
        address = link.address;
      } else if (link.kind === "soft") {
        const target = await this.resolve(link.target.startsWith("/") ? link.target : join(at, link.target), depth + 1);
        address = target.address;
      } else {
        throw new H5UnsupportedError(`${next} is an external link to ${link.file}:${link.target}`);
      }
      at = next;
    }
    return this.objectAt(at, address);
  }

  private async objectAt(path: string, address: number): Promise<H5Node> {
    const oh = await readObjectHeader(this.ctx, address, path);
    if (oh.messages.some((m) => m.type === MSG.LAYOUT)) return openDataset(this.ctx, oh, path);
    if (isGroupHeader(oh) || address === this.root.address) return new H5Group(this, path, address);
    const dt = oh.messages.find((m) => m.type === MSG.DATATYPE);
    if (dt) return new H5NamedType(this, path, address, parseDatatype(new Cursor(dt.data, dt.offset, this.ctx.sizes, path)));
    return new H5Group(this, path, address);
  }

  /** The path of the object a reference points to (the first found, breadth first, by hard links). */
  async dereference(ref: H5Reference): Promise<string> {
    this.refPaths ??= this.addressMap();
    const p = (await this.refPaths).get(ref.address);
    if (p === undefined) throw new H5NotFoundError(`object reference to address ${ref.address} names no object reachable from /`);
    return p;
  }

  /**
   * Address → path as HDF5's H5Rdereference + H5Iget_name report it (H5G_get_name_by_addr): the
   * first path met walking depth first, each group's links in order, a group's members before
   * its next sibling, each group entered once.
   */
  private async addressMap(): Promise<Map<number, string>> {
    const map = new Map<number, string>([[this.root.address, "/"]]);
    const entered = new Set<number>([this.root.address]);
    const visit = async (path: string, address: number): Promise<void> => {
      const oh = await readObjectHeader(this.ctx, address, path);
      if (!isGroupHeader(oh) && address !== this.root.address) return;
      for (const l of await readLinks(this.ctx, oh, path)) {
        if (l.kind !== "hard") continue;
        const p = join(path, l.name);
        if (!map.has(l.address)) map.set(l.address, p);
        if (entered.has(l.address)) continue;
        entered.add(l.address);
        await visit(p, l.address);
      }
    };
    await visit("/", this.root.address);
    return map;
  }

}
