// .lindi.tar per LINDI's layout (lindi/tar): a ustar tar whose first file, .tar_entry.json (1024
// bytes at 512), points at .tar_index.json ({"files": [{n, o, d, s}]}), which lists lindi.json (the
// reference file system) and blobs/<key> files (inline chunks of 1000 bytes or more, referenced
// as ["./blobs/<key>", 0, size]). JSON files are space-padded; the tar ends with 1024 zero bytes.
//
//   await writeLindiTar("x.lindi.tar", rfs);
//   const { rfs } = await readLindiTar("x.lindi.tar");   // "./blobs/..." refs point into the tar
//   await readLindiTar("https://host/x.lindi.tar");     // the same over HTTP range requests

import { writeFile } from "node:fs/promises";
import { safeUrl } from "../h5/errors.ts";
import { isHttpUrl, openRangeReader } from "../h5/open-reader.ts";
import type { RangeReader } from "../h5/reader.ts";
import { LindiError } from "./errors.ts";
import { pyJson } from "./pyjson.ts";
import { decodeInline, isChunkRef, parseRfs, type Rfs } from "./refs.ts";

export const TAR_ENTRY_JSON_SIZE = 1024;
export const INITIAL_TAR_INDEX_JSON_SIZE = 8192;
export const INITIAL_LINDI_JSON_SIZE = 8192;
/** Inline chunks at least this long go to blobs/ (LindiTarStore). */
export const BLOB_THRESHOLD = 1000;

export interface TarFileInfo {
  n: string;
  o: number;
  d: number;
  s: number;
}

/** A 512-byte ustar header as LINDI's create_tar_header writes it. */
export function tarHeader(name: string, size: number): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  if (nameBytes.length > 100) throw new LindiError(`tar member name longer than 100 bytes: ${name}`);
  const h = new Uint8Array(512);
  const put = (at: number, s: string) => h.set(new TextEncoder().encode(s), at);
  h.set(nameBytes, 0);
  put(100, "0000644\0");
  put(108, "0000000\0");
  put(116, "0000000\0");
  put(124, size.toString(8).padStart(11, "0") + "\0");
  put(136, "00000000000\0");
  put(148, "        ");
  put(156, "0");
  put(257, "ustar\0");
  put(263, "00");
  const sum = h.reduce((a, b) => a + b, 0);
  put(148, sum.toString(8).padStart(6, "0") + "\0 ");
  return h;
}

function padded(text: string, size: number): Uint8Array {
  const b = new TextEncoder().encode(text);
  if (b.length > size) throw new LindiError(`JSON of ${b.length} bytes does not fit in ${size}`);
  const out = new Uint8Array(size).fill(0x20);
  out.set(b);
  return out;
}

/** _pad_bytes_to_leave_room_for_growth: the initial size, doubled until it is 4x the content. */
export function growthSize(len: number, initial: number): number {
  let n = initial;
  while (n < len * 4) n *= 2;
  return n;
}

/**
 * The rfs as LINDI's tar store would hold it: inline chunk values of BLOB_THRESHOLD bytes or more
 * moved to blobs/<key> (meta files stay inline). Returns a new rfs and the blobs in key order.
 */
export function splitBlobs(rfs: Rfs): { rfs: Rfs; blobs: [string, Uint8Array][] } {
  const out: Rfs = { ...rfs, refs: { ...rfs.refs } };
  const blobs: [string, Uint8Array][] = [];
  for (const key of Object.keys(out.refs).sort()) {
    const v = out.refs[key];
    const base = key.split("/").pop()!;
    if (isChunkRef(v) || typeof v !== "string" || base.startsWith(".z") || base === "zarr.json") continue;
    const bytes = decodeInline(v, key);
    if (bytes.length < BLOB_THRESHOLD) continue;
    const name = `blobs/${key}`;
    blobs.push([name, bytes]);
    out.refs[key] = [`./${name}`, 0, bytes.length];
  }
  return { rfs: out, blobs };
}

/** Write a fresh .lindi.tar: entry, index, lindi.json (room to grow), blobs, 1024 zero bytes. */
export async function writeLindiTar(path: string, rfs: Rfs): Promise<void> {
  const { rfs: stored, blobs } = splitBlobs(rfs);
  const json = pyJson(stored);
  const jsonSize = growthSize(new TextEncoder().encode(json).length, INITIAL_LINDI_JSON_SIZE);
  const files: [string, Uint8Array | null, number][] = [["lindi.json", null, jsonSize], ...blobs.map(([n, b]) => [n, b, b.length] as [string, Uint8Array, number])];
  const indexOffset = 512 + TAR_ENTRY_JSON_SIZE;
  const list = (indexSize: number): TarFileInfo[] => {
    const infos: TarFileInfo[] = [
      { d: 512, n: ".tar_entry.json", o: 0, s: TAR_ENTRY_JSON_SIZE },
      { d: indexOffset + 512, n: ".tar_index.json", o: indexOffset, s: indexSize },
    ];
    let pos = indexOffset + 512 + indexSize;
    for (const [n, , s] of files) {
      infos.push({ d: pos + 512, n, o: pos, s });
      pos += 512 + Math.ceil(s / 512) * 512;
    }
    return infos;
  };
  let indexSize = INITIAL_TAR_INDEX_JSON_SIZE;
  while (pyJson({ files: list(indexSize) }).length > indexSize) indexSize = growthSize(pyJson({ files: list(indexSize) }).length, INITIAL_TAR_INDEX_JSON_SIZE);
  const infos = list(indexSize);
  const parts: Uint8Array[] = [];
  const add = (name: string, data: Uint8Array) => {
    parts.push(tarHeader(name, data.length), data);
    if (data.length % 512) parts.push(new Uint8Array(512 - (data.length % 512)));
  };
  add(".tar_entry.json", padded(pyJson({ index: infos[1] }), TAR_ENTRY_JSON_SIZE));
  add(".tar_index.json", padded(pyJson({ files: infos }), indexSize));
  for (const [n, b, s] of files) add(n, b ?? padded(json, s));
  parts.push(new Uint8Array(1024));
  await writeFile(path, Buffer.concat(parts));
}

export interface LindiTar {
  rfs: Rfs;
  files: TarFileInfo[];
}

/** Whether the first 512 bytes are a ustar header (LINDI's local-file sniffing). */
export function isUstar(head: Uint8Array): boolean {
  return head.length >= 512 && Buffer.from(head.subarray(257, 263)).toString("latin1") === "ustar\0";
}

/**
 * Read a .lindi.tar from a path, an http(s) URL or an open RangeReader (left open; `location` then
 * names it in refs and messages): check the entry and index as LINDI's loader does, parse
 * lindi.json, and point "./name" refs at their bytes inside the tar ([location, d + offset, size]).
 * Over HTTP this is one or two range requests: the header, entry and index share the first block.
 */
export async function readLindiTar(source: string | RangeReader, location?: string): Promise<LindiTar> {
  const own = typeof source === "string";
  const reader = own ? await openRangeReader(source) : source;
  const path = location ?? (own ? source : "<tar>");
  const where = isHttpUrl(path) ? safeUrl(path) : path;
  try {
    const read = async (at: number, n: number) => {
      if (at + n > reader.size) throw new LindiError(`${where}: truncated tar (wanted ${n} bytes at ${at}, size ${reader.size})`);
      return reader.read(at, n);
    };
    if (reader.size < 512 || !isUstar(await read(0, 512))) throw new LindiError(`${where}: not a ustar tar`);
    const json = (b: Uint8Array, what: string) => {
      try {
        return JSON.parse(Buffer.from(b).toString("utf8")) as unknown;
      } catch {
        throw new LindiError(`${where}: ${what} is not JSON`);
      }
    };
    const entry = json(await read(512, TAR_ENTRY_JSON_SIZE), ".tar_entry.json") as { index?: TarFileInfo };
    const ii = entry.index;
    if (!ii || typeof ii.d !== "number" || typeof ii.s !== "number") throw new LindiError(`${where}: .tar_entry.json has no index`);
    const index = json(await read(ii.d, ii.s), ".tar_index.json") as { files?: TarFileInfo[] };
    const files = index.files;
    if (!Array.isArray(files)) throw new LindiError(`${where}: .tar_index.json has no files`);
    const byName = new Map(files.map((f) => [f.n, f]));
    const self = byName.get(".tar_index.json");
    if (!self || (["n", "o", "d", "s"] as const).some((k) => self[k] !== ii[k])) throw new LindiError(`${where}: .tar_index.json does not describe itself as the entry says`);
    const ent = byName.get(".tar_entry.json");
    if (!ent || ent.o !== 0 || ent.d !== 512 || ent.s !== TAR_ENTRY_JSON_SIZE) throw new LindiError(`${where}: .tar_index.json has a wrong .tar_entry.json`);
    const lj = byName.get("lindi.json");
    if (!lj) throw new LindiError(`${where}: no lindi.json in the tar`);
    const rfs = parseRfs(Buffer.from(await read(lj.d, lj.s)).toString("utf8"));
    for (const [k, v] of Object.entries(rfs.refs)) {
      if (!isChunkRef(v) || !v[0].startsWith("./")) continue;
      const f = byName.get(v[0].slice(2));
      if (!f) throw new LindiError(`${where}: ref ${k} names ${v[0]}, which is not in the tar`);
      if (v[1] + v[2] > f.s) throw new LindiError(`${where}: ref ${k} passes the end of ${v[0]}`);
      rfs.refs[k] = [path, f.d + v[1], v[2]];
    }
    return { rfs, files };
  } finally {
    if (own) await reader.close();
  }
}
