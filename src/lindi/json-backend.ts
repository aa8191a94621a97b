// LindiBackend over a single .lindi.json: every chunk is stored inline (ASCII bytes as they are,
// anything else as "base64:..."), and flush replaces the file atomically with the JSON LINDI
// writes (indent 2, sorted keys). "./x" refs resolve next to a local JSON file.
//
//   const b = await JsonBackend.openLocal("x.lindi.json", lock);
//   b.rfs.refs["a/0"] = await b.putChunk("a/0", bytes);   // "base64:AAEC..."
//   await b.flush(b.rfs);
//   await b.close();

import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { LindiBackend } from "./backend.ts";
import { BackendBase, readLocalRange } from "./backend-base.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import { LindiError } from "./errors.ts";
import type { FileLock } from "./file-lock.ts";
import { internalName } from "./internal-name.ts";
import { pyJson } from "./pyjson.ts";
import { encodeInline, parseRfs, validateRfs, type RefValue, type Rfs } from "./refs.ts";

/** The file LINDI creates for an empty .lindi.json (json.dump without indent). */
export const EMPTY_LINDI_JSON = '{"refs": {".zgroup": {"zarr_format": 2}}}';

export class JsonBackend extends BackendBase implements LindiBackend {
  readonly kind = "json" as const;

  private constructor(
    location: string,
    current: Rfs,
    /** Folder "./x" refs resolve against; undefined for a remote file. */
    private readonly baseDir: string | undefined,
    lock?: FileLock,
  ) {
    super(location, current, lock);
  }

  /** A local file; writable when given the lock (released on close). */
  static async openLocal(path: string, lock?: FileLock): Promise<JsonBackend> {
    const text = await readFile(path, "utf8");
    return new JsonBackend(path, parseAt(text, path), dirname(resolve(path)), lock);
  }

  /** Read-only, from JSON text already fetched (a remote file). */
  static fromText(text: string, location: string): JsonBackend {
    return new JsonBackend(location, parseAt(text, location), undefined);
  }

  async readInternal(name: string, offset: number, length: number): Promise<Uint8Array> {
    this.checkOpen();
    if (!this.baseDir) throw new LindiError(`${this.location}: relative ref ./${internalName(name)} cannot be resolved for a remote .lindi.json`);
    return readLocalRange(resolve(this.baseDir, internalName(name)), offset, length);
  }

  async putChunk(_key: string, bytes: Uint8Array): Promise<RefValue> {
    this.checkWritable();
    return encodeInline(bytes);
  }

  async flush(rfs: Rfs): Promise<void> {
    this.checkWritable();
    validateRfs(rfs);
    await writeFileAtomic(this.location, pyJson(rfs));
    this.current = rfs;
  }
}

function parseAt(text: string, where: string): Rfs {
  try {
    return parseRfs(text);
  } catch (e) {
    throw new LindiError(`${where}: ${(e as Error).message}`);
  }
}
