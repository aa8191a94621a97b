// LindiBackend over a .lindi.d folder: lindi.json (unpadded, as LINDI writes it there) beside
// blobs/<key> files for chunks of 1000 bytes or more; no entry or index files. Every file is
// replaced atomically (temp + fsync + rename) and blobs are durable before the lindi.json that
// names them, so an interrupted flush leaves the old or the new lindi.json. LINDI never replaces a
// blob (a rewritten chunk gets blobs/<key>.v2), so there is nothing to trash here either.
//
//   const b = await DirBackend.open("x.lindi.d", lock);
//   b.rfs.refs["a/0"] = await b.putChunk("a/0", bytes);   // ["./blobs/a/0", 0, 4000]
//   await b.flush(b.rfs);
//   await b.close();

import { access, mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { LindiBackend } from "./backend.ts";
import { BackendBase, readLocalRange } from "./backend-base.ts";
import { fsyncDir, writeFileAtomic } from "./atomic-write.ts";
import { LindiError } from "./errors.ts";
import type { FileLock } from "./file-lock.ts";
import { BLOB_MIN_SIZE, blobName, internalName, isMetaKey } from "./internal-name.ts";
import { pyJson } from "./pyjson.ts";
import { encodeInline, parseRfs, validateRfs, type RefValue, type Rfs } from "./refs.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export class DirBackend extends BackendBase implements LindiBackend {
  readonly kind = "dir" as const;

  /** Writable when given the lock (released on close). */
  static async open(dir: string, lock?: FileLock): Promise<DirBackend> {
    let text: string;
    try {
      text = await readFile(join(dir, "lindi.json"), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new LindiError(`${dir}: a .lindi.d folder without lindi.json`);
      throw e;
    }
    try {
      return new DirBackend(dir, parseRfs(text), lock);
    } catch (e) {
      throw new LindiError(`${dir}/lindi.json: ${(e as Error).message}`);
    }
  }

  async readInternal(name: string, offset: number, length: number): Promise<Uint8Array> {
    this.checkOpen();
    return readLocalRange(join(this.location, internalName(name)), offset, length);
  }

  async putChunk(key: string, bytes: Uint8Array): Promise<RefValue> {
    this.checkWritable();
    if (isMetaKey(key) || bytes.length < BLOB_MIN_SIZE) return encodeInline(bytes);
    const name = await blobName(key, (n) => exists(join(this.location, n)));
    const path = join(this.location, name);
    const created = await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, bytes);
    // new sub-folders are entries in their parents: make those durable too
    if (created) for (let d = dirname(path); d !== dirname(this.location) && d.length >= this.location.length; d = dirname(d)) await fsyncDir(dirname(d));
    return [`./${name}`, 0, bytes.length];
  }

  async flush(rfs: Rfs): Promise<void> {
    this.checkWritable();
    validateRfs(rfs);
    await writeFileAtomic(join(this.location, "lindi.json"), pyJson(rfs));
    this.current = rfs;
  }
}
