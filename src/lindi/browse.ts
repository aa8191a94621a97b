// One read-only view over an HDF5 file and a LINDI file, for listing and printing them the same way
// (`trove lindi ls|cat|info`): groups and their members, dataset shapes, dtypes, chunking and
// storage, attributes, values of a selection, and whole-file counts. References come back as the
// paths they point to.
//
//   const tree = await openArrayTree("x.nwb");            // or x.nwb.lindi.json / .lindi.tar / .lindi.d
//   await tree.list("/acquisition");                       // [{ name: "ts", kind: "group", ... }]
//   await tree.read("/acquisition/ts/data", "0:10, :");    // { shape: [10, 32], values: Int16Array }
//   await tree.close();

import { stat } from "node:fs/promises";
import { H5Dataset, H5File, H5Group, H5NamedType, H5Reference, type H5Node } from "../h5/index.ts";
import { parseSelection } from "../array/selection.ts";
import { NotFoundError } from "../errors.ts";
import { LindiDataset } from "./dataset.ts";
import { LindiError } from "./errors.ts";
import { LindiFile } from "./file.ts";
import { LindiGroup, type LindiNode } from "./group.ts";
import { isChunkRef } from "./refs.ts";

export interface TreeItem {
  name: string;
  path: string;
  kind: "group" | "dataset" | "datatype" | "soft link" | "external link";
  /** Soft and external links: where they point. */
  target?: string;
  shape?: number[];
  dtype?: string;
  chunks?: number[] | null;
  /** How the data is kept: codecs/filters, "inline", "external array link", "contiguous", ... */
  storage?: string;
}

export interface TreeCounts {
  groups: number;
  datasets: number;
  links: number;
  attributes: number;
}

export interface ArrayTree {
  readonly format: "hdf5" | "lindi";
  readonly location: string;
  /** The members of a group (a dataset lists as itself). */
  list(path: string): Promise<TreeItem[]>;
  attrs(path: string): Promise<Record<string, unknown>>;
  read(path: string, selection?: string): Promise<{ shape: number[]; values: ArrayLike<unknown> }>;
  /** Walk everything below `path`, depth first, in name order. */
  walk(path?: string): AsyncGenerator<TreeItem>;
  /** Format-specific facts (superblock, refs, URLs, sizes). */
  facts(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

const HDF5_MAGIC = "\x89HDF\r\n\x1a\n";

/** Open a local or http(s) HDF5 file or LINDI file (.lindi.json, .lindi.tar, .lindi.d). */
export async function openArrayTree(location: string): Promise<ArrayTree> {
  if (await isHdf5(location)) return new Hdf5Tree(location, await H5File.openSource(location));
  return new LindiTree(location, await LindiFile.open(location, "r"));
}

async function isHdf5(location: string): Promise<boolean> {
  if (/\.lindi(\.json|\.tar|\.d)\/?$/i.test(location) || /\.json$/i.test(location)) return false;
  if (/^https?:\/\//i.test(location)) return true;
  const st = await stat(location).catch(() => undefined);
  if (!st) throw new NotFoundError(`${location}: no such file`);
  if (st.isDirectory()) return false;
  const { open } = await import("node:fs/promises");
  const fh = await open(location, "r");
  try {
    // the superblock may sit behind a user block: at 0, 512, 1024, 2048, ...
    for (let at = 0; at < Math.min(st.size, 1 << 20); at = at ? at * 2 : 512) {
      const b = Buffer.alloc(8);
      await fh.read(b, 0, 8, at);
      if (b.toString("latin1") === HDF5_MAGIC) return true;
    }
    return false;
  } finally {
    await fh.close();
  }
}

const join = (a: string, b: string) => (a === "/" || a === "" ? `/${b}` : `${a}/${b}`);
const norm = (p: string) => "/" + p.split("/").filter(Boolean).join("/");

function datasetShape(shape: number[], selection: string | undefined): number[] {
  return parseSelection(selection, shape).shape;
}

class Hdf5Tree implements ArrayTree {
  readonly format = "hdf5";
  constructor(
    readonly location: string,
    private readonly file: H5File,
  ) {}

  private async node(path: string): Promise<H5Node> {
    return this.file.get(norm(path));
  }

  private item(name: string, node: H5Node): TreeItem {
    if (node instanceof H5Dataset) {
      const filters = node.filters.map((f) => f.name ?? `filter ${f.id}`);
      const storage = node.layout.class === "chunked" ? filters.join("+") || "chunked" : node.layout.class;
      const shape = node.space.kind === "null" ? undefined : node.shape;
      return { name, path: node.path, kind: "dataset", shape, dtype: node.dtype.str, chunks: node.chunks, storage };
    }
    if (node instanceof H5NamedType) return { name, path: node.path, kind: "datatype", dtype: node.dtype.str };
    return { name, path: node.path, kind: "group" };
  }

  async list(path: string): Promise<TreeItem[]> {
    const node = await this.node(path);
    if (!(node instanceof H5Group)) return [this.item(node.path.split("/").pop() ?? "", node)];
    const out: TreeItem[] = [];
    for (const l of await node.links()) {
      const p = join(node.path, l.name);
      if (l.kind === "soft") out.push({ name: l.name, path: p, kind: "soft link", target: l.target });
      else if (l.kind === "external") out.push({ name: l.name, path: p, kind: "external link", target: `${l.file}:${l.target}` });
      else out.push(this.item(l.name, await this.file.get(p)));
    }
    return out;
  }

  async attrs(path: string): Promise<Record<string, unknown>> {
    const a = await (await this.node(path)).attrs();
    for (const [k, v] of Object.entries(a)) a[k] = await this.resolve(v);
    return a;
  }

  private async resolve(v: unknown): Promise<unknown> {
    if (v instanceof H5Reference) return this.file.dereference(v).catch(() => "<unresolved reference>");
    if (Array.isArray(v) && v.some((x) => x instanceof H5Reference || Array.isArray(x) || (x && typeof x === "object"))) {
      return Promise.all(v.map((x) => this.resolve(x)));
    }
    if (v && typeof v === "object" && !ArrayBuffer.isView(v) && !Array.isArray(v)) {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[k] = await this.resolve(x);
      return o;
    }
    return v;
  }

  async read(path: string, selection?: string): Promise<{ shape: number[]; values: ArrayLike<unknown> }> {
    const node = await this.node(path);
    if (!(node instanceof H5Dataset)) throw new LindiError(`${norm(path)} is a ${node.kind}, not a dataset`);
    const shape = datasetShape(node.shape, selection);
    const values = await node.read(selection ? { selection } : {});
    return { shape, values: Array.isArray(values) ? ((await this.resolve(values)) as unknown[]) : values };
  }

  async *walk(path = "/"): AsyncGenerator<TreeItem> {
    const seen = new Set<number>();
    const visit = async function* (this: Hdf5Tree, p: string): AsyncGenerator<TreeItem> {
      for (const it of await this.list(p)) {
        yield it;
        if (it.kind !== "group") continue;
        const g = await this.file.get(it.path);
        if (seen.has(g.address)) continue; // a hard link back up the tree
        seen.add(g.address);
        yield* visit.call(this, it.path);
      }
    };
    yield* visit.call(this, norm(path));
  }

  async facts(): Promise<Record<string, unknown>> {
    const sb = this.file.superblock;
    return { superblock: sb.version, userBlock: sb.baseAddress, size: this.file.ctx.fileSize };
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

class LindiTree implements ArrayTree {
  readonly format = "lindi";
  constructor(
    readonly location: string,
    private readonly file: LindiFile,
  ) {}

  private node(path: string): LindiNode {
    const p = norm(path);
    const n = p === "/" ? this.file : this.file.get(p.slice(1));
    if (!n) throw new NotFoundError(`${p}: not in ${this.location}`);
    return n;
  }

  private item(name: string, path: string, n: LindiNode): TreeItem {
    if (n instanceof LindiDataset) {
      const z = n.zarray;
      const codecs = [...(z.filters ?? []), ...(z.compressor ? [z.compressor] : [])].map((c) => String(c.id));
      const key = path.slice(1);
      const refs = this.file.rfs.refs;
      const first = Object.keys(refs).find((k) => k.startsWith(key + "/") && !k.slice(key.length + 1).includes("/") && !k.endsWith("/.zarray") && !k.endsWith("/.zattrs"));
      const where = n.externalLink ? "external array link" : first === undefined ? "empty" : isChunkRef(refs[first]) ? (refs[first] as [string, number, number])[0].startsWith("./") ? "blobs" : "refs" : "inline";
      const dtype = Array.isArray(n.dtype) ? `{${n.dtype.map(([f, t]) => `${f}: ${t}`).join(", ")}}` : n.dtype;
      return { name, path, kind: "dataset", shape: n.shape, dtype, chunks: n.chunks, storage: [where, ...codecs].join(" ") };
    }
    return { name, path, kind: "group" };
  }

  async list(path: string): Promise<TreeItem[]> {
    const p = norm(path);
    const n = this.node(p);
    if (!(n instanceof LindiGroup)) return [this.item(p.split("/").pop() ?? "", p, n)];
    const out: TreeItem[] = [];
    for (const name of n.keys()) {
      const child = join(p, name);
      const link = n.getLink(name);
      if (link?.kind === "soft") out.push({ name, path: child, kind: "soft link", target: link.path });
      else out.push(this.item(name, child, this.node(child)));
    }
    return out;
  }

  async attrs(path: string): Promise<Record<string, unknown>> {
    return referencePaths(this.node(path).attrs.toObject()) as Record<string, unknown>;
  }

  async read(path: string, selection?: string): Promise<{ shape: number[]; values: ArrayLike<unknown> }> {
    const n = this.node(path);
    if (!(n instanceof LindiDataset)) throw new LindiError(`${norm(path)} is a group, not a dataset`);
    const shape = datasetShape(n.shape, selection);
    const values = await n.read(selection);
    return { shape, values: Array.isArray(values) ? (referencePaths(values) as unknown[]) : values };
  }

  async *walk(path = "/"): AsyncGenerator<TreeItem> {
    for (const it of await this.list(path)) {
      yield it;
      if (it.kind === "group") yield* this.walk(it.path);
    }
  }

  async facts(): Promise<Record<string, unknown>> {
    const rfs = this.file.rfs;
    let inline = 0;
    let inlineBytes = 0;
    let chunkRefs = 0;
    let blobs = 0;
    const urls = new Map<string, number>();
    for (const v of Object.values(rfs.refs)) {
      if (isChunkRef(v)) {
        if (v[0].startsWith("./")) blobs++;
        else {
          chunkRefs++;
          const url = v[0].replace(/\{\{(\w+)\}\}/g, (_, t: string) => rfs.templates?.[t] ?? `{{${t}}}`);
          urls.set(url, (urls.get(url) ?? 0) + 1);
        }
      } else if (typeof v === "string") {
        inline++;
        inlineBytes += v.length;
      }
    }
    return {
      refs: Object.keys(rfs.refs).length,
      inlineRefs: inline,
      inlineBytes,
      blobRefs: blobs,
      externalChunkRefs: chunkRefs,
      referencedFiles: Object.fromEntries([...urls].map(([u, n]) => [redactUrl(u), n])),
      templates: Object.keys(rfs.templates ?? {}).length,
      ...(rfs.generationMetadata ? { generationMetadata: rfs.generationMetadata } : {}),
    };
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

/** LINDI's {_REFERENCE: {path}} objects as their paths, anywhere in a value. */
function referencePaths(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(referencePaths);
  if (v && typeof v === "object" && !ArrayBuffer.isView(v)) {
    const ref = (v as { _REFERENCE?: { path?: string } })._REFERENCE;
    if (ref && typeof ref.path === "string") return ref.path;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, referencePaths(x)]));
  }
  return v;
}

/** A URL safe to print: no user info, no query (presigned URLs carry credentials there). */
export function redactUrl(u: string): string {
  try {
    const url = new URL(u);
    if (!/^https?:$/.test(url.protocol)) return u;
    url.username = "";
    url.password = "";
    const q = url.search ? "?…" : "";
    url.search = "";
    return url.toString() + q;
  } catch {
    return u;
  }
}
