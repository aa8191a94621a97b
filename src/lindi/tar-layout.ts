// The pieces of LINDI's .lindi.tar layout shared by the reader, the in-place updater and the
// creator: sizes (overridable, as LINDI's _test_set does), space-padded JSON members, the
// entry/index validation LINDI's LindiTarFile does on open, and a fresh tar's bytes.
//
//   const sizes = tarSizes({ initialIndexSize: 1024 });
//   const bytes = lindiTarBytes(rfs, sizes);            // entry, index, lindi.json, blobs, 1024 zeros
//   const { files } = await loadTarIndex(readAt, size, "x.lindi.tar");

import { LindiError } from "./errors.ts";
import { pyJson } from "./pyjson.ts";
import type { Rfs } from "./refs.ts";
import { INITIAL_LINDI_JSON_SIZE, INITIAL_TAR_INDEX_JSON_SIZE, TAR_ENTRY_JSON_SIZE, growthSize, splitBlobs, tarHeader, type TarFileInfo } from "./tar.ts";

export interface TarSizeOptions {
  /** Room first given to lindi.json (LINDI: 8 KiB), doubled until 4x its content. */
  initialLindiJsonSize?: number;
  /** Room first given to .tar_index.json (LINDI: 8 KiB), grown by the same rule. */
  initialIndexSize?: number;
}

export interface TarSizes {
  lindiJson: number;
  index: number;
}

export function tarSizes(o: TarSizeOptions = {}): TarSizes {
  return { lindiJson: o.initialLindiJsonSize ?? INITIAL_LINDI_JSON_SIZE, index: o.initialIndexSize ?? INITIAL_TAR_INDEX_JSON_SIZE };
}

export const ZERO_TAIL = 1024;

export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

/** JSON text as bytes, padded with spaces to `size` (LINDI's in-place rewrite rule). */
export function padJson(text: string, size: number): Uint8Array {
  const b = new TextEncoder().encode(text);
  if (b.length > size) throw new LindiError(`JSON of ${b.length} bytes does not fit in ${size}`);
  const out = new Uint8Array(size).fill(0x20);
  out.set(b);
  return out;
}

/** _pad_bytes_to_leave_room_for_growth. */
export function grownJson(text: string, initial: number): Uint8Array {
  return padJson(text, growthSize(new TextEncoder().encode(text).length, initial));
}

export function entryJson(index: TarFileInfo): string {
  return pyJson({ index: { d: index.d, n: index.n, o: index.o, s: index.s } });
}

export function indexJson(files: TarFileInfo[]): string {
  return pyJson({ files });
}

/** A member as written in the tar: header, data, zero padding to 512. */
export function memberBytes(name: string, data: Uint8Array): Uint8Array {
  const pad = (512 - (data.length % 512)) % 512;
  const out = new Uint8Array(512 + data.length + pad);
  out.set(tarHeader(name, data.length), 0);
  out.set(data, 512);
  return out;
}

function parseJson(b: Uint8Array, where: string, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(b).toString("utf8")) as unknown;
  } catch {
    throw new LindiError(`${where}: ${what} is not JSON`);
  }
}

function isInfo(x: unknown): x is TarFileInfo {
  const f = x as TarFileInfo;
  return !!f && typeof f.n === "string" && [f.o, f.d, f.s].every((v) => Number.isSafeInteger(v) && v >= 0);
}

/**
 * Read and check .tar_entry.json and .tar_index.json as LindiTarFile does: the index must list
 * itself exactly where the entry says, and .tar_entry.json at o=0, d=512, s=1024. Every member must
 * lie inside the file, so a truncated tar is reported here rather than at some later chunk read.
 */
export async function loadTarIndex(readAt: ReadAt, size: number, where: string): Promise<{ files: TarFileInfo[] }> {
  const need = (at: number, n: number, what: string) => {
    if (at + n > size) throw new LindiError(`${where}: truncated tar (${what} needs bytes ${at}..${at + n}, the file has ${size})`);
  };
  need(0, 512 + TAR_ENTRY_JSON_SIZE, ".tar_entry.json");
  const entry = parseJson(await readAt(512, TAR_ENTRY_JSON_SIZE), where, ".tar_entry.json") as { index?: unknown };
  const ii = entry?.index;
  if (!isInfo(ii)) throw new LindiError(`${where}: .tar_entry.json has no valid index`);
  need(ii.d, ii.s, ".tar_index.json");
  const index = parseJson(await readAt(ii.d, ii.s), where, ".tar_index.json") as { files?: unknown };
  const files = index?.files;
  if (!Array.isArray(files) || !files.every(isInfo)) throw new LindiError(`${where}: .tar_index.json has no valid files list`);
  const self = files.find((f) => f.n === ".tar_index.json");
  if (!self || (["n", "o", "d", "s"] as const).some((k) => self[k] !== ii[k])) throw new LindiError(`${where}: .tar_index.json does not describe itself as .tar_entry.json says`);
  const ent = files.find((f) => f.n === ".tar_entry.json");
  if (!ent || ent.o !== 0 || ent.d !== 512 || ent.s !== TAR_ENTRY_JSON_SIZE) throw new LindiError(`${where}: .tar_index.json has a wrong .tar_entry.json`);
  for (const f of files) need(f.d, f.s, f.n);
  if (!files.some((f) => f.n === "lindi.json")) throw new LindiError(`${where}: no lindi.json in the tar`);
  return { files: files.map((f) => ({ n: f.n, o: f.o, d: f.d, s: f.s })) };
}

/** Relative refs ("./x") cannot be carried into a new tar or folder: nothing would back them. */
export function rejectRelativeRefs(rfs: Rfs, target: string): void {
  for (const [k, v] of Object.entries(rfs.refs)) {
    if (Array.isArray(v) && v[0].startsWith("./")) throw new LindiError(`${target}: refs["${k}"] points at ${v[0]} inside its source; resolve it before writing`);
  }
}

/**
 * A fresh .lindi.tar as bytes: entry, index (initial room, grown if the listing needs more),
 * lindi.json (room to grow), inline chunks of 1000 bytes or more as blobs, then 1024 zero bytes.
 */
export function lindiTarBytes(rfs: Rfs, sizes: TarSizes = tarSizes()): Uint8Array {
  rejectRelativeRefs(rfs, "new .lindi.tar");
  const { rfs: stored, blobs } = splitBlobs(rfs);
  const json = grownJson(pyJson(stored), sizes.lindiJson);
  const members: [string, Uint8Array][] = [["lindi.json", json], ...blobs];
  const indexAt = 512 + TAR_ENTRY_JSON_SIZE;
  const list = (indexSize: number): TarFileInfo[] => {
    const infos: TarFileInfo[] = [
      { n: ".tar_entry.json", o: 0, d: 512, s: TAR_ENTRY_JSON_SIZE },
      { n: ".tar_index.json", o: indexAt, d: indexAt + 512, s: indexSize },
    ];
    let pos = indexAt + 512 + Math.ceil(indexSize / 512) * 512;
    for (const [n, b] of members) {
      infos.push({ n, o: pos, d: pos + 512, s: b.length });
      pos += 512 + Math.ceil(b.length / 512) * 512;
    }
    return infos;
  };
  let indexSize = sizes.index;
  for (let len = indexJson(list(indexSize)).length; len > indexSize; len = indexJson(list(indexSize)).length) indexSize = growthSize(len, sizes.index);
  const infos = list(indexSize);
  const parts = [
    memberBytes(".tar_entry.json", padJson(entryJson(infos[1]), TAR_ENTRY_JSON_SIZE)),
    memberBytes(".tar_index.json", padJson(indexJson(infos), indexSize)),
    ...members.map(([n, b]) => memberBytes(n, b)),
    new Uint8Array(ZERO_TAIL),
  ];
  return new Uint8Array(Buffer.concat(parts));
}
