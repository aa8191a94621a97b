// Open a LINDI file for the h5py-like API: picks the backend (.lindi.json, .lindi.tar, .lindi.d)
// and applies h5py's modes as LINDI's from_lindi_file does. Existing files are recognised by their
// content (a folder, ustar magic, else JSON); new ones by their extension. Writers hold
// `<path>.lock` until close. http(s) URLs open read-only: one GET for JSON, ranges for a tar.
//
//   const b = await openBackend("x.lindi.tar", "a");   // created (LINDI's empty file) if missing
//   const r = await openBackend("https://host/x.lindi.tar", "r");

import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { safeUrl } from "../h5/errors.ts";
import { httpGet } from "../h5/http-get.ts";
import { HttpRangeReader } from "../h5/http-reader.ts";
import { LocalFileReader, type RangeReader } from "../h5/reader.ts";
import type { BackendKind, LindiBackend, OpenMode } from "./backend.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import { DirBackend } from "./dir-backend.ts";
import { LindiError } from "./errors.ts";
import { acquireLock } from "./file-lock.ts";
import { EMPTY_LINDI_JSON, JsonBackend } from "./json-backend.ts";
import { pyJson } from "./pyjson.ts";
import type { Rfs } from "./refs.ts";
import { TarBackend } from "./tar-backend.ts";
import { isUstar } from "./tar.ts";
import { lindiTarBytes, tarSizes, type TarSizeOptions } from "./tar-layout.ts";

/** The path or URL names no existing LINDI file (modes r and r+). */
export class LindiNotFoundError extends LindiError {
  override name = "LindiNotFoundError";
}

export type OpenBackendOptions = TarSizeOptions;

const MODES: readonly OpenMode[] = ["r", "r+", "w", "w-", "x", "a"];

export function isRemote(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** The kind a new file gets from its name, or undefined when the extension is not LINDI's. */
export function kindForName(path: string): BackendKind | undefined {
  const p = path.replace(/\/+$/, "");
  if (p.endsWith(".lindi.json")) return "json";
  if (p.endsWith(".lindi.tar")) return "tar";
  if (p.endsWith(".lindi.d")) return "dir";
  return undefined;
}

export function emptyRfs(): Rfs {
  return { refs: { ".zgroup": { zarr_format: 2 } } };
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

export async function openBackend(location: string, mode: OpenMode = "r", opts: OpenBackendOptions = {}): Promise<LindiBackend> {
  if (!MODES.includes(mode)) throw new LindiError(`unknown mode "${mode}" (expected one of ${MODES.join(", ")})`);
  if (isRemote(location)) {
    if (mode !== "r") throw new LindiError(`${location}: remote LINDI files are read-only (mode "${mode}" asked for writing)`);
    return openRemote(location);
  }
  if (mode === "r") return openLocalReadOnly(location);
  const kind = kindForName(location);
  if (!kind) throw new LindiError(`${location}: a LINDI file opened for writing must end with .lindi.json, .lindi.tar or .lindi.d`);
  const lock = await acquireLock(location);
  try {
    const present = await statOrUndefined(location);
    if ((mode === "w-" || mode === "x") && present) throw new LindiError(`${location} already exists (mode "${mode}" creates a new file)`);
    if (mode === "r+" && !present) throw new LindiNotFoundError(`${location}: no such LINDI file (mode "r+" needs an existing one)`);
    if (mode === "w" || mode === "w-" || mode === "x" || (mode === "a" && !present)) await createEmpty(location, kind, opts);
    const st = await stat(location);
    if (st.isDirectory()) return await DirBackend.open(location, lock);
    if ((await sniff(location)) === "tar") return await TarBackend.openWritable(location, tarSizes(opts), lock);
    return await JsonBackend.openLocal(location, lock);
  } catch (e) {
    await lock.release();
    throw e;
  }
}

async function openLocalReadOnly(location: string): Promise<LindiBackend> {
  const st = await statOrUndefined(location);
  if (!st) throw new LindiNotFoundError(`${location}: no such LINDI file`);
  if (st.isDirectory()) return DirBackend.open(location);
  if ((await sniff(location)) === "tar") return TarBackend.openReader(await LocalFileReader.open(location), location);
  return JsonBackend.openLocal(location);
}

/** LINDI's _check_is_tar_header on a local file. */
async function sniff(path: string): Promise<"tar" | "json"> {
  const reader = await LocalFileReader.open(path);
  try {
    return await sniffReader(reader, path);
  } finally {
    await reader.close();
  }
}

async function sniffReader(reader: RangeReader, where: string): Promise<"tar" | "json"> {
  if (reader.size < 512) return "json";
  const head = await reader.read(0, 512);
  if (isUstar(head)) return "tar";
  if (head.includes(0)) throw new LindiError(`${where}: a NUL byte in the first 512 bytes, but not a ustar tar (neither .lindi.json nor .lindi.tar)`);
  return "json";
}

/**
 * A read-only backend over bytes from `reader` (closed with the backend, or at once for JSON):
 * a .lindi.tar when it has the ustar magic, else a .lindi.json read whole.
 */
export async function openBackendFromReader(reader: RangeReader, location: string): Promise<LindiBackend> {
  let kind: "tar" | "json";
  try {
    kind = await sniffReader(reader, location);
  } catch (e) {
    await reader.close();
    throw e;
  }
  if (kind === "tar") return TarBackend.openReader(reader, location);
  try {
    return JsonBackend.fromText(Buffer.from(await reader.read(0, reader.size)).toString("utf8"), location);
  } finally {
    await reader.close();
  }
}

/**
 * A remote LINDI file: a .lindi.json in one plain GET (however big); a .lindi.tar (by name, or by
 * the ustar header the GET starts with, which then stops) through range requests.
 */
async function openRemote(url: string): Promise<LindiBackend> {
  if (!/\.tar$/i.test(new URL(url).pathname)) {
    const got = await httpGet(url, { stopIf: isUstar });
    if (!got.stopped) {
      if (got.bytes.subarray(0, 512).includes(0)) throw new LindiError(`${safeUrl(url)}: a NUL byte in the first 512 bytes, but not a ustar tar (neither .lindi.json nor .lindi.tar)`);
      return JsonBackend.fromText(Buffer.from(got.bytes).toString("utf8"), url);
    }
  }
  return TarBackend.openReader(await HttpRangeReader.open(url), url);
}

/** LINDI's _create_empty_lindi_file (mode w truncates; the caller holds the lock). */
async function createEmpty(path: string, kind: BackendKind, opts: OpenBackendOptions): Promise<void> {
  const st = await statOrUndefined(path);
  if (kind === "dir") {
    if (st && !st.isDirectory()) throw new LindiError(`${path} exists and is not a folder`);
    if (st) await clearLindiDir(path);
    else await mkdir(path);
    await writeFileAtomic(join(path, "lindi.json"), pyJson(emptyRfs()));
    return;
  }
  if (st?.isDirectory()) throw new LindiError(`${path} exists and is a folder`);
  await writeFileAtomic(path, kind === "tar" ? lindiTarBytes(emptyRfs(), tarSizes(opts)) : EMPTY_LINDI_JSON);
}

/** Empty a .lindi.d for mode w, refusing folders that hold anything LINDI did not put there. */
async function clearLindiDir(dir: string): Promise<void> {
  const names = await readdir(dir);
  const foreign = names.filter((n) => n !== "lindi.json" && n !== "blobs" && !/^\.lindi\.json\.tmp-/.test(n));
  if (foreign.length) throw new LindiError(`${dir}: mode "w" would delete files LINDI did not write (${foreign.slice(0, 3).join(", ")}); remove them first`);
  for (const n of names) await rm(join(dir, n), { recursive: true, force: true });
}
