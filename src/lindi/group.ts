// A LINDI group, h5py-style: members by relative or absolute path (soft links, stored by LINDI as
// a group whose .zattrs hold _SOFT_LINK, are followed; getLink shows the link itself), keys/items,
// attrs, and on a writable file createGroup/requireGroup/createDataset/requireDataset/
// createSoftLink/delete.
//
//   const g = f.requireGroup("processing/ecephys");
//   await g.createDataset("lfp", { data: new Float32Array(1000), chunks: [100], compression: "zlib" });
//   g.keys();                 // ["lfp"]
//   g.get("lfp");             // LindiDataset

import { LindiAttributes, type LindiReference } from "./attributes.ts";
import { LindiDataset, makeReference } from "./dataset.ts";
import { normalizeDtype } from "./dtype.ts";
import { LindiError } from "./errors.ts";
import { join, normPath, type LindiStore } from "./store.ts";
import { writeDataset, type CreateDatasetOptions } from "./write-dataset.ts";
import { ZGROUP } from "./zarr-meta.ts";

export type LindiNode = LindiGroup | LindiDataset;

/** What getLink reports: a soft link (its target path) or a hard link (the object itself). */
export type LindiLink = { kind: "soft"; path: string } | { kind: "hard"; target: LindiNode };

const MAX_LINK_DEPTH = 16;

export class LindiGroup {
  readonly kind = "group";
  readonly attrs: LindiAttributes;
  constructor(
    protected readonly store: LindiStore,
    /** Zarr key prefix, no leading slash ("" for the root). */
    readonly key: string,
  ) {
    this.attrs = new LindiAttributes(store, key);
  }

  get name(): string {
    return "/" + this.key;
  }

  /** A reference to this group, to store in an attribute or object array. */
  get ref(): LindiReference {
    return makeReference(this.store, this.name, this.attrs.raw().object_id);
  }

  /** Member names, sorted (zarr's order). */
  keys(): string[] {
    return this.store.children(this.key);
  }

  /** [name, member] pairs; soft links followed (undefined when dangling). */
  items(): [string, LindiNode | undefined][] {
    return this.keys().map((k) => [k, this.get(k)]);
  }

  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  /** The member at a relative or absolute path (or a reference's target), following soft links; undefined if none. */
  get(path: string | { _REFERENCE: { path: string } }): LindiNode | undefined {
    const p = typeof path === "string" ? path : path._REFERENCE.path;
    return this.resolve(this.absolute(p), 0);
  }

  /** The link at a path without following the last one (h5py's get(name, getlink=True)). */
  getLink(path: string): LindiLink | undefined {
    const abs = this.absolute(path);
    const cut = abs.lastIndexOf("/");
    const parent = cut < 0 ? this : this.resolve(abs.slice(0, cut), 0);
    if (!(parent instanceof LindiGroup)) return undefined;
    const key = join(parent.key, abs.slice(cut + 1));
    const soft = this.softTarget(key);
    if (soft !== undefined) return { kind: "soft", path: soft };
    const node = this.nodeAt(key);
    return node && { kind: "hard", target: node };
  }

  createGroup(name: string): LindiGroup {
    const key = this.newKey(name, "create group");
    this.store.setMeta(join(key, ".zgroup"), { ...ZGROUP });
    return new LindiGroup(this.store, key);
  }

  requireGroup(name: string): LindiGroup {
    const existing = this.get(name);
    if (existing instanceof LindiGroup) return existing;
    if (existing) throw new LindiError(`${existing.name} exists and is not a group`);
    return this.createGroup(name);
  }

  async createDataset(name: string, opts: CreateDatasetOptions): Promise<LindiDataset> {
    const key = this.newKey(name, "create dataset");
    try {
      await writeDataset(this.store, key, opts);
    } catch (e) {
      // leave nothing half-made behind
      if (this.store.writable) this.store.deleteTree(key);
      throw e;
    }
    return new LindiDataset(this.store, key);
  }

  /** The dataset at `name` if its shape and dtype are equal to these (h5py's exact=True), else a new one. */
  async requireDataset(name: string, opts: CreateDatasetOptions & { shape: number[]; dtype: string }): Promise<LindiDataset> {
    const existing = this.get(name);
    if (!existing) return this.createDataset(name, opts);
    if (!(existing instanceof LindiDataset)) throw new LindiError(`${existing.name} exists and is not a dataset`);
    if (existing.shape.join(",") !== opts.shape.join(",")) throw new LindiError(`${existing.name}: shapes do not match (existing [${existing.shape}] vs [${opts.shape}])`);
    if (existing.dtype !== normalizeDtype(opts.dtype)) throw new LindiError(`${existing.name}: dtypes do not match (existing ${String(existing.dtype)} vs ${opts.dtype})`);
    return existing;
  }

  /** A soft link (LINDI: a group whose .zattrs hold _SOFT_LINK). */
  createSoftLink(name: string, target: string): void {
    const key = this.newKey(name, "create soft link");
    this.store.setMeta(join(key, ".zgroup"), { ...ZGROUP });
    this.store.setMeta(join(key, ".zattrs"), { _SOFT_LINK: { path: target } });
  }

  /** Remove a member (the link itself, for a soft link) and every key under it. */
  delete(name: string): void {
    this.store.assertWritable(`delete ${name}`);
    const link = this.getLink(name);
    if (!link) throw new LindiError(`cannot delete ${name}: no such member of ${this.name}`);
    const key = normPath(this.absolute(name));
    this.store.deleteTree(key);
  }

  private absolute(path: string): string {
    return normPath(path.startsWith("/") ? path : join(this.key, path));
  }

  /** The key a new member at `name` gets: inside the group its parent path resolves to (through soft links), intermediate groups created as h5py does. */
  private newKey(name: string, what: string): string {
    this.store.assertWritable(`${what} ${name}`);
    const abs = this.absolute(name);
    if (!abs) throw new LindiError(`cannot ${what}: empty name`);
    const parts = abs.split("/");
    const leaf = parts.pop()!;
    let at = "";
    for (const part of parts) {
      const k = join(at, part);
      const node = this.resolve(k, 0);
      if (node instanceof LindiDataset) throw new LindiError(`cannot ${what} ${name}: ${node.name} is a dataset`);
      if (node) {
        at = node.key;
        continue;
      }
      if (this.softTarget(k) !== undefined) throw new LindiError(`cannot ${what} ${name}: /${k} is a dangling soft link`);
      this.store.setMeta(join(k, ".zgroup"), { ...ZGROUP });
      at = k;
    }
    const key = join(at, leaf);
    if (this.softTarget(key) !== undefined || this.nodeAt(key)) throw new LindiError(`cannot ${what}: /${key} already exists`);
    return key;
  }

  private softTarget(key: string): string | undefined {
    if (!key || !this.store.isGroup(key)) return undefined;
    const z = this.store.meta(join(key, ".zattrs"));
    const link = z?._SOFT_LINK as { path?: unknown } | undefined;
    return link && typeof link.path === "string" ? link.path : undefined;
  }

  private nodeAt(key: string): LindiNode | undefined {
    if (this.store.isArray(key)) return new LindiDataset(this.store, key);
    if (key === "" || this.store.isGroup(key)) return new LindiGroup(this.store, key);
    return undefined;
  }

  /** Walk a normalised path from the root, following soft links on the way and at the end. */
  private resolve(path: string, depth: number): LindiNode | undefined {
    if (depth > MAX_LINK_DEPTH) throw new LindiError(`too many soft links resolving /${path}`);
    let at = "";
    for (const part of path ? path.split("/") : []) {
      const key = join(at, part);
      const soft = this.softTarget(key);
      if (soft !== undefined) {
        // a relative target is relative to the group holding the link, as in HDF5
        const target = this.resolve(normPath(soft.startsWith("/") ? soft : join(at, soft)), depth + 1);
        if (!target) return undefined;
        at = target.key;
        continue;
      }
      if (!this.nodeAt(key)) return undefined;
      at = key;
    }
    return this.nodeAt(at);
  }
}
