// Where a virtual dataset's sources come from: a dataset of the same file (source file "."), or
// of another file through the opener registered for this file's context. Paths are followed by
// hard and soft links from the root, as HDF5 resolves a source dataset name.
//
//   setVirtualFileOpener(ctx, localFileOpener(dirname(vdsPath)));   // also siblings; "." works without
//   const src = await resolveSource(ctx, ".", "/a", "/vds");          // { shape, type, readBytes } | undefined

import { open } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { H5Context } from "./context.ts";
import { openDataset } from "./dataset.ts";
import type { Datatype } from "./datatype.ts";
import { H5UnsupportedError } from "./errors.ts";
import { isGroupHeader, readLinks } from "./group.ts";
import { MSG, readObjectHeader } from "./object-header.ts";
import { LocalFileReader } from "./reader.ts";
import { readSuperblock } from "./superblock.ts";

export interface VirtualSource {
  shape: number[];
  type: Datatype;
  readBytes(opts: { maxBytes: number }): Promise<Uint8Array>;
}

/** The context of another file by the name a mapping stores; undefined when there is no such file. */
export type VirtualFileOpener = ((fileName: string) => Promise<H5Context | undefined>) & { close?: () => Promise<void> };

const openers = new WeakMap<H5Context, VirtualFileOpener>();

/** Let the virtual datasets of the file behind `ctx` read sources from other files. */
export function setVirtualFileOpener(ctx: H5Context, opener: VirtualFileOpener): void {
  openers.set(ctx, opener);
}

/** Opens source files relative to `dir` (absolute names as they are), each once; `close()` closes them all. */
export function localFileOpener(dir: string): VirtualFileOpener {
  const opened = new Map<string, Promise<H5Context | undefined>>();
  const readers: LocalFileReader[] = [];
  const opener = (name: string) => {
    const path = isAbsolute(name) ? name : join(dir, name);
    let p = opened.get(path);
    if (!p) {
      p = (async () => {
        try {
          await (await open(path, "r")).close();
        } catch {
          return undefined; // HDF5 reads a missing source as the fill value
        }
        const reader = await LocalFileReader.open(path);
        readers.push(reader);
        const sb = await readSuperblock(reader);
        return new H5Context(reader, sb.sizes, sb.baseAddress);
      })();
      opened.set(path, p);
    }
    return p;
  };
  return Object.assign(opener, { close: async () => void (await Promise.all(readers.map((r) => r.close()))) });
}

function rootAddress(ctx: H5Context): Promise<number> {
  return ctx.memo("vds:root", async () => (await readSuperblock(ctx.reader)).rootAddress);
}

/** The source dataset a mapping names; undefined when its file or the dataset does not exist. */
export async function resolveSource(ctx: H5Context, file: string, dataset: string, vdsPath: string): Promise<VirtualSource | undefined> {
  let target: H5Context | undefined = ctx;
  if (file !== ".") {
    const opener = openers.get(ctx);
    if (!opener) {
      throw new H5UnsupportedError(`values of virtual datasets from other files are not supported here (source ${file}:${dataset}; no file opener registered)`, { path: vdsPath });
    }
    target = await opener(file);
    if (!target) return undefined;
  }
  const address = await findPath(target, await rootAddress(target), dataset, 0);
  if (address === undefined) return undefined;
  const oh = await readObjectHeader(target, address, dataset);
  if (!oh.messages.some((m) => m.type === MSG.LAYOUT)) return undefined;
  const ds = await openDataset(target, oh, dataset);
  return { shape: ds.space.kind === "scalar" ? [] : ds.shape, type: ds.type, readBytes: (o) => ds.readBytes(o) };
}

async function findPath(ctx: H5Context, root: number, path: string, depth: number): Promise<number | undefined> {
  if (depth > 16) return undefined;
  let address = root;
  let at = "";
  for (const name of path.split("/").filter((p) => p !== "" && p !== ".")) {
    const oh = await readObjectHeader(ctx, address, path);
    if (!isGroupHeader(oh) && address !== root) return undefined;
    const link = (await readLinks(ctx, oh, path)).find((l) => l.name === name);
    if (!link || link.kind === "external") return undefined;
    if (link.kind === "soft") {
      const next = await findPath(ctx, root, link.target.startsWith("/") ? link.target : `${at}/${link.target}`, depth + 1);
      if (next === undefined) return undefined;
      address = next;
    } else {
      address = link.address;
    }
    at = `${at}/${name}`;
  }
  return address;
}
