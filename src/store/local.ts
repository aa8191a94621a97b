// A Store over a local folder: where snapshots live until pushed (`.trove/versions/`), the pull
// cache, and what plain paths and file:// URIs open.
//
//   const store = new LocalStore("/data/ds/.trove/versions");
//   await store.write("versions/abc/tables/files/files.parquet", { path: "/tmp/f.parquet", size: 812 });
//   await store.read("versions/latest_version.json");
//
// Writes are atomic (temporary file beside the target, fsync, rename) and the sha256 is computed
// while the bytes are written, so a damaged write never takes the key's name. The etag is
// "<size>-<mtime ns>-<inode>": every rename gives a new inode or mtime, so it changes whenever the
// object does, at the cost of one stat (no re-read). `ifAbsent` is exact (link(2) fails when the
// name exists); `ifMatch` compares then renames, which two processes racing on one key within
// microseconds could both pass — trove only uses it under its own lock.

import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { link, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { ChecksumMismatchError, KeyNotFoundError, PreconditionFailedError, StoreError } from "./errors.ts";
import type { Body, ListResult, ObjectInfo, Store, WriteOptions } from "./store.ts";

const TEMP = /^\..*\.tmp$/;

export class LocalStore implements Store {
  readonly root: string;
  readonly uri: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.uri = pathToFileURL(this.root).href;
  }

  /** The file behind a key; keys with ".." or a leading "/" are refused (they would leave the root). */
  pathOf(key: string): string {
    if (key.startsWith("/") || key.includes("\\") || key.split("/").some((p) => p === ".." || p === ".")) {
      throw new StoreError(`bad store key "${key}": keys are relative and may not contain "..", "." or "\\"`);
    }
    return key === "" ? this.root : join(this.root, ...key.split("/"));
  }

  async list(prefix: string, opts: { delimiter?: string } = {}): Promise<ListResult> {
    // the folder that holds every key starting with `prefix`
    const cut = prefix.lastIndexOf("/");
    const base = cut < 0 ? "" : prefix.slice(0, cut + 1);
    const keys: ObjectInfo[] = [];
    const prefixes = new Set<string>();
    const walk = async (dirKey: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(this.pathOf(dirKey.replace(/\/$/, "")), { withFileTypes: true });
      } catch (e) {
        if (["ENOENT", "ENOTDIR"].includes((e as NodeJS.ErrnoException).code ?? "")) return;
        throw e;
      }
      for (const entry of entries) {
        if (TEMP.test(entry.name)) continue; // a write in progress, or one a crash left behind
        const key = dirKey + entry.name;
        if (entry.isDirectory()) {
          const folder = `${key}/`;
          if (!folder.startsWith(prefix) && !prefix.startsWith(folder)) continue;
          if (opts.delimiter === "/" && folder.startsWith(prefix) && folder.length > prefix.length) {
            prefixes.add(folder);
            continue;
          }
          await walk(folder);
        } else if (entry.isFile() && key.startsWith(prefix)) {
          const info = await this.stat(key);
          if (info) keys.push(info);
        }
      }
    };
    await walk(base);
    keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { objects: keys, prefixes: [...prefixes].sort() };
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const s = await stat(this.pathOf(key), { bigint: true });
      if (!s.isFile()) return undefined;
      return { key, size: Number(s.size), etag: `${s.size}-${s.mtimeNs}-${s.ino}`, modified: new Date(Number(s.mtimeMs)) };
    } catch (e) {
      if (["ENOENT", "ENOTDIR"].includes((e as NodeJS.ErrnoException).code ?? "")) return undefined;
      throw e;
    }
  }

  async read(key: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.pathOf(key)));
    } catch (e) {
      throw this.missing(e, key);
    }
  }

  async readRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    let handle;
    try {
      handle = await open(this.pathOf(key), "r");
    } catch (e) {
      throw this.missing(e, key);
    }
    try {
      const buffer = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await handle.read(buffer, got, length - got, offset + got);
        if (bytesRead === 0) break; // past the end: a shorter answer, as S3 gives
        got += bytesRead;
      }
      return new Uint8Array(buffer.buffer, buffer.byteOffset, got);
    } finally {
      await handle.close();
    }
  }

  async write(key: string, body: Body, opts: WriteOptions = {}): Promise<ObjectInfo> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const temp = join(dirname(target), `.${target.split(sep).pop()}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      const sha = createHash("sha256");
      const handle = await open(temp, "w");
      try {
        if (body instanceof Uint8Array) {
          sha.update(body);
          await handle.write(body);
        } else {
          for await (const chunk of createReadStream(body.path, { highWaterMark: 1 << 20 })) {
            sha.update(chunk as Buffer);
            await handle.write(chunk as Buffer);
          }
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      const digest = sha.digest("hex");
      if (opts.sha256 && digest !== opts.sha256.toLowerCase()) {
        throw new ChecksumMismatchError(`sha256 mismatch writing ${key} to ${this.uri}: expected ${opts.sha256}, the content has ${digest}; nothing was written`);
      }
      if (opts.ifAbsent) {
        try {
          await link(temp, target); // fails with EEXIST when the name exists: no window between check and write
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new PreconditionFailedError(`${key} already exists in ${this.uri}`);
          throw e;
        }
        await unlink(temp);
      } else {
        if (opts.ifMatch !== undefined) {
          const now = await this.stat(key);
          if (now?.etag !== opts.ifMatch) throw new PreconditionFailedError(`${key} in ${this.uri} changed since it was read (etag ${now?.etag ?? "none"}, expected ${opts.ifMatch})`);
        }
        await rename(temp, target);
      }
      await syncDir(dirname(target));
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
    return (await this.stat(key))!;
  }

  /** Removes the object (absent is fine, as in S3) and the folders it leaves empty. */
  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    try {
      await unlink(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw e;
    }
    for (let dir = dirname(file); dir.startsWith(this.root + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        break; // not empty (or someone else's): stop climbing
      }
    }
  }

  async close(): Promise<void> {}

  private missing(e: unknown, key: string): unknown {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR") return new KeyNotFoundError(`${key} is not in ${this.uri}`);
    return e;
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort: some file systems refuse to open folders; the rename is atomic anyway
  }
}
