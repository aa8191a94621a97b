// LindiBackend over a .lindi.tar: read-only through any RangeReader (local file or HTTP), or
// writable in place through GrowableTar (tar-update.ts, which documents the crash guarantees).
// Chunks of 1000 bytes or more are appended as blobs/<key>; "./blobs/..." refs stay as they are in
// `rfs` and are served by readInternal.
//
//   const b = await TarBackend.openWritable("x.lindi.tar", tarSizes(), lock);
//   b.rfs.refs["a/0"] = await b.putChunk("a/0", bytes);   // ["./blobs/a/0", 0, 4000]
//   await b.flush(b.rfs);
//   await b.close();

import type { RangeReader } from "../h5/reader.ts";
import type { LindiBackend } from "./backend.ts";
import { BackendBase } from "./backend-base.ts";
import { LindiError } from "./errors.ts";
import type { FileLock } from "./file-lock.ts";
import { BLOB_MIN_SIZE, blobName, internalName, isMetaKey } from "./internal-name.ts";
import { pyJson } from "./pyjson.ts";
import { encodeInline, parseRfs, validateRfs, type RefValue, type Rfs } from "./refs.ts";
import type { TarFileInfo } from "./tar.ts";
import { loadTarIndex, type TarSizes } from "./tar-layout.ts";
import { GrowableTar } from "./tar-update.ts";

/** What the backend needs from the tar, read-only or growable. */
interface TarAccess {
  info(name: string): TarFileInfo | undefined;
  read(name: string, offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

class ReaderTar implements TarAccess {
  private readonly byName: Map<string, TarFileInfo>;
  constructor(
    private readonly reader: RangeReader,
    private readonly where: string,
    files: TarFileInfo[],
  ) {
    this.byName = new Map(files.map((f) => [f.n, f]));
  }
  info(name: string): TarFileInfo | undefined {
    return this.byName.get(name);
  }
  async read(name: string, offset: number, length: number): Promise<Uint8Array> {
    const f = this.byName.get(name);
    if (!f) throw new LindiError(`${this.where}: no ${name} in the tar`);
    if (offset < 0 || length < 0 || offset + length > f.s) throw new LindiError(`${this.where}: bytes ${offset}..${offset + length} pass the end of ${name} (${f.s} bytes)`);
    return this.reader.read(f.d + offset, length);
  }
  close(): Promise<void> {
    return this.reader.close();
  }
}

export class TarBackend extends BackendBase implements LindiBackend {
  readonly kind = "tar" as const;

  private constructor(
    location: string,
    private readonly tar: TarAccess,
    current: Rfs,
    private readonly growable?: GrowableTar,
    lock?: FileLock,
  ) {
    super(location, current, lock);
  }

  /** A tar read through `reader` (which the backend closes); `location` names it in errors. */
  static async openReader(reader: RangeReader, location: string): Promise<TarBackend> {
    try {
      const readAt = (at: number, n: number) => reader.read(at, n);
      const { files } = await loadTarIndex(readAt, reader.size, location);
      const tar = new ReaderTar(reader, location, files);
      return new TarBackend(location, tar, await readRfs(tar, location));
    } catch (e) {
      await reader.close();
      throw e;
    }
  }

  /** A local tar opened for growing; `lock` is released on close. */
  static async openWritable(path: string, sizes: TarSizes, lock: FileLock): Promise<TarBackend> {
    const tar = await GrowableTar.open(path, sizes);
    try {
      return new TarBackend(path, tar, await readRfs(tar, path), tar, lock);
    } catch (e) {
      await tar.close();
      throw e;
    }
  }

  readInternal(name: string, offset: number, length: number): Promise<Uint8Array> {
    this.checkOpen();
    return this.tar.read(internalName(name), offset, length);
  }

  async putChunk(key: string, bytes: Uint8Array): Promise<RefValue> {
    const tar = this.writableTar();
    if (isMetaKey(key) || bytes.length < BLOB_MIN_SIZE) return encodeInline(bytes);
    const name = await blobName(key, (n) => !!tar.info(n));
    await tar.append(name, bytes);
    return [`./${name}`, 0, bytes.length];
  }

  async flush(rfs: Rfs): Promise<void> {
    const tar = this.writableTar();
    validateRfs(rfs);
    await tar.writeRfs(pyJson(rfs));
    this.current = rfs;
  }

  protected override release(): Promise<void> {
    return this.tar.close();
  }

  private writableTar(): GrowableTar {
    this.checkWritable();
    return this.growable!;
  }
}

async function readRfs(tar: TarAccess, where: string): Promise<Rfs> {
  const lj = tar.info("lindi.json");
  if (!lj) throw new LindiError(`${where}: no lindi.json in the tar`);
  const text = Buffer.from(await tar.read("lindi.json", 0, lj.s)).toString("utf8");
  try {
    return parseRfs(text);
  } catch (e) {
    throw new LindiError(`${where}: lindi.json: ${(e as Error).message}`);
  }
}
