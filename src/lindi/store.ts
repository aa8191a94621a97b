// The reference file system behind an open LINDI file, as the h5py-like API sees it: meta files as
// objects, the bytes behind any key (inline, "./internal" refs through the backend, [url, offset,
// length] refs read from the file they name, templates expanded), the tree of groups and arrays,
// and writes that refuse on a read-only file.
//
//   const s = new LindiStore(rfs, { baseDir: "/data" });
//   s.meta("acquisition/ts/data/.zarray");   // { shape: [...], ... }
//   await s.bytes("acquisition/ts/data/0");  // Uint8Array, or undefined when there is no such key
//   s.children("acquisition");               // ["ts"]

import { dirname, resolve } from "node:path";
import { isHttpUrl } from "../h5/open-reader.ts";
import type { LindiBackend } from "./backend.ts";
import { LindiError } from "./errors.ts";
import { RefReader } from "./ref-reader.ts";
import { decodeInline, expandTemplates, isChunkRef, type RefValue, type Rfs } from "./refs.ts";

export interface StoreSource {
  /** Where "./x" refs live and where new chunks go; absent for an in-memory rfs. */
  backend?: LindiBackend;
  /** Folder relative refs resolve against when there is no backend. */
  baseDir?: string;
  writable?: boolean;
}

export const join = (a: string, b: string): string => (a ? `${a}/${b}` : b);

/** A path as a zarr key prefix: no leading or trailing slashes, "." and empty parts dropped. */
export function normPath(p: string): string {
  return p.split("/").filter((x) => x !== "" && x !== ".").join("/");
}

export class LindiStore {
  private tree?: Map<string, Set<string>>;
  private closed = false;
  private refs?: RefReader;
  constructor(
    readonly rfs: Rfs,
    readonly source: StoreSource,
  ) {}

  get writable(): boolean {
    return !!this.source.writable;
  }

  assertWritable(what: string): void {
    if (this.closed) throw new LindiError(`cannot ${what}: the LINDI file is closed`);
    if (!this.writable) throw new LindiError(`cannot ${what}: the LINDI file is open read-only`);
  }

  /** After this, every write throws; open readers of referenced files are closed. */
  async close(): Promise<void> {
    this.closed = true;
    const refs = this.refs;
    this.refs = undefined;
    await refs?.close();
  }

  /** What relative refs resolve against: the LINDI file's folder, or its URL (then they are an error). */
  private refBase(): string | undefined {
    const loc = this.source.backend?.location;
    if (loc === undefined) return this.source.baseDir;
    return isHttpUrl(loc) ? loc : dirname(resolve(loc));
  }

  has(key: string): boolean {
    return Object.hasOwn(this.rfs.refs, key);
  }

  /** A JSON meta file (.zattrs, .zgroup, .zarray) as an object, or undefined. */
  meta(key: string): Record<string, unknown> | undefined {
    if (!this.has(key)) return undefined;
    const v = this.rfs.refs[key];
    if (isChunkRef(v)) throw new LindiError(`${key}: meta files must be inline`);
    if (typeof v === "object") return v;
    try {
      return JSON.parse(Buffer.from(decodeInline(v, key)).toString("utf8")) as Record<string, unknown>;
    } catch (e) {
      throw new LindiError(`${key}: not JSON (${(e as Error).message})`);
    }
  }

  /** The bytes behind one key, or undefined when the key is absent (a missing chunk). */
  async bytes(key: string): Promise<Uint8Array | undefined> {
    if (!this.has(key)) return undefined;
    const v = this.rfs.refs[key];
    if (!isChunkRef(v)) return decodeInline(v, key);
    const url = expandTemplates(v[0], this.rfs.templates);
    const [, offset, length] = v;
    if (url.startsWith("./") && this.source.backend) return this.source.backend.readInternal(url, offset, length);
    this.refs ??= new RefReader({ base: this.refBase() });
    return this.refs.read(url, offset, length, key);
  }

  setMeta(key: string, value: Record<string, unknown>): void {
    this.assertWritable(`write ${key}`);
    this.rfs.refs[key] = value;
    this.noteKey(key);
  }

  /** Store one chunk through the backend (inline when there is none). */
  async putChunk(key: string, bytes: Uint8Array): Promise<void> {
    this.assertWritable(`write ${key}`);
    const b = this.source.backend;
    if (!b) throw new LindiError(`cannot write ${key}: no backend to store chunks in`);
    const v: RefValue = await b.putChunk(key, bytes);
    this.rfs.refs[key] = v;
  }

  /** Remove a key and every key under it. */
  deleteTree(path: string): number {
    this.assertWritable(`delete /${path}`);
    let n = 0;
    for (const k of Object.keys(this.rfs.refs)) {
      if (k === path || k.startsWith(path + "/")) {
        delete this.rfs.refs[k];
        n++;
      }
    }
    this.tree = undefined;
    return n;
  }

  /** Names of the groups and arrays directly in a group, sorted (zarr's order). */
  children(path: string): string[] {
    return [...(this.index().get(path) ?? [])].sort();
  }

  isGroup(path: string): boolean {
    return this.has(join(path, ".zgroup"));
  }

  isArray(path: string): boolean {
    return this.has(join(path, ".zarray"));
  }

  private index(): Map<string, Set<string>> {
    if (!this.tree) {
      this.tree = new Map();
      for (const k of Object.keys(this.rfs.refs)) this.noteKey(k);
    }
    return this.tree;
  }

  private noteKey(key: string): void {
    if (!this.tree) return;
    const m = /^(?:(.*)\/)?\.z(?:group|array)$/.exec(key);
    if (!m || !m[1]) return;
    const node = m[1];
    const cut = node.lastIndexOf("/");
    const parent = cut < 0 ? "" : node.slice(0, cut);
    let set = this.tree.get(parent);
    if (!set) this.tree.set(parent, (set = new Set()));
    set.add(node.slice(cut + 1));
  }
}
