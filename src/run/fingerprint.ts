// What a task's result depends on, reduced to hashes: its resolved command, the content of its code
// files, its params and env, and the content of its inputs. Equal fingerprints mean the same work.
//
//   const files = new FileHashes(root, previousHashes);
//   const code = codeHash(root, ["scripts/alpha.py"]);         // once per step
//   const parts = { command: hashText(argv.join("\0")), code, params: hashJson({ params, env }),
//                   inputs: hashJson(await files.hashAll(["EEG/REC-1/signal.bin"])) };
//   fingerprintOf(parts)   // "9f2c..."
//
// Content hashes are sha256. Reading every input on every run would make a no-op check cost a full
// read of the data, so a file's hash is reused while its identity (`fileKey`: size, mtime, ctime,
// inode) is unchanged, the same test the catalog uses. A folder (an .mff recording) counts as the
// sorted list of its files with their identities, or their hashes.

import { createHash, hash } from "node:crypto";
import { createReadStream, lstatSync, readdirSync, readFileSync, statSync, type Stats } from "node:fs";
import { join, resolve } from "node:path";
import { comparePaths } from "../fsutil/paths.ts";
import { hashFiles } from "../catalog/hash.ts";

export interface FingerprintParts {
  command: string;
  code: string;
  params: string;
  inputs: string;
}

/** sha256 of a string; the one-shot `crypto.hash` costs half of a `createHash` (measured at 100k tasks). */
export const hashText = (text: string): string => hash("sha256", text);

/** JSON with sorted keys, so the same values always hash the same. */
export function hashJson(value: unknown): string {
  return hashText(JSON.stringify(value, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v)));
}

export function fingerprintOf(parts: FingerprintParts): string {
  return hashText(`${parts.command}\n${parts.code}\n${parts.params}\n${parts.inputs}`);
}

/** Names the parts that differ, for `--dry-run` reasons. */
export function changedParts(now: FingerprintParts, before: FingerprintParts): (keyof FingerprintParts)[] {
  return (["inputs", "code", "params", "command"] as const).filter((k) => now[k] !== before[k]);
}

/**
 * Identity of a file or folder without reading it; null when it does not exist. A folder's key
 * covers every file below it, so a file rewritten inside an .mff folder changes the folder's key.
 */
export function fileKey(path: string): string | null {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return null;
  if (!st.isDirectory()) return statKey(st);
  const entries: string[] = [];
  for (const [rel, s] of walkFolder(path)) entries.push(`${rel}\0${statKey(s)}`);
  return `d:${hashText(entries.join("\n"))}`;
}

function statKey(st: Stats): string {
  // the catalog's own file identity (walk.ts), so the two can be compared
  return `${st.size}:${Math.round(st.mtimeMs * 1000)}:${Math.round(st.ctimeMs * 1000)}:${st.ino}`;
}

/** Files below a folder (symlinks followed to their targets), sorted, with their stats. */
function walkFolder(dir: string, prefix = ""): [string, Stats][] {
  const out: [string, Stats][] = [];
  const names = readdirSync(dir).sort(comparePaths);
  for (const name of names) {
    const abs = join(dir, name);
    const st = statSync(abs, { throwIfNoEntry: false }) ?? lstatSync(abs);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (st.isDirectory()) out.push(...walkFolder(abs, rel));
    else out.push([rel, st]);
  }
  return out;
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function hashContent(path: string): Promise<string> {
  if (!statSync(path).isDirectory()) return hashFile(path);
  const lines: string[] = [];
  for (const [rel] of walkFolder(path)) lines.push(`${rel}\0${await hashFile(join(path, rel))}`);
  return `d:${hashText(lines.join("\n"))}`;
}

export interface KnownHash {
  key: string;
  hash: string;
}

/** Content hashes of dataset paths, reused while a path's key is unchanged. */
export class FileHashes {
  /** Keys `prefetch` just read, used once by `get` in the same planning pass (one stat per input). */
  private readonly statted = new Map<string, string>();

  constructor(
    readonly root: string,
    private readonly known: Map<string, KnownHash> = new Map(),
  ) {}

  /** Remembers a hash computed elsewhere (an output just written and hashed). */
  remember(rel: string, entry: KnownHash): void {
    this.known.set(rel, entry);
  }

  /**
   * Hashes, in parallel worker threads, the files among `paths` whose content is not known yet,
   * so that `get` finds them; a planner calls it once for every input instead of reading them one
   * by one (10k new inputs took 10 s that way, measured).
   */
  async prefetch(paths: Iterable<string>): Promise<void> {
    const unknown: { rel: string; key: string }[] = [];
    for (const rel of new Set(paths)) {
      const st = statSync(join(this.root, rel), { throwIfNoEntry: false });
      if (!st?.isFile()) continue; // missing, or a folder: get() handles those
      const key = statKey(st);
      this.statted.set(rel, key);
      if (this.known.get(rel)?.key !== key) unknown.push({ rel, key });
    }
    if (unknown.length === 0) return;
    const { hashes } = await hashFiles(this.root, unknown.map((t) => t.rel), "sha256");
    for (const { rel, key } of unknown) {
      const hash = hashes.get(rel);
      if (hash !== undefined) this.known.set(rel, { key, hash });
    }
  }

  /**
   * The key and hash of a path relative to the root; null when it does not exist. `fresh` looks
   * at the file again even if `prefetch` just did (a task may have rewritten it since).
   */
  async get(rel: string, fresh = false): Promise<KnownHash | null> {
    const abs = join(this.root, rel);
    const prefetched = fresh ? undefined : this.statted.get(rel);
    if (prefetched !== undefined) this.statted.delete(rel);
    const key = prefetched ?? fileKey(abs);
    if (key === null) return null;
    const cached = this.known.get(rel);
    if (cached?.key === key) return cached;
    const entry = { key, hash: await hashContent(abs) };
    // a file changing while it is read would give a hash for neither version: key it as unknown
    if (fileKey(abs) !== key) return { key: "changing", hash: entry.hash };
    this.known.set(rel, entry);
    return entry;
  }
}

/** One hash over the content of a step's code files, in the order declared; a missing file is an error. */
export function codeHash(root: string, files: readonly string[]): { hash: string; missing: string[] } {
  const missing: string[] = [];
  const hash = createHash("sha256");
  for (const file of files) {
    const abs = resolve(root, file);
    try {
      const st = statSync(abs);
      hash.update(`${file}\0`);
      if (st.isDirectory()) for (const [rel] of walkFolder(abs)) hash.update(`${rel}\0`).update(readFileSync(join(abs, rel)));
      else hash.update(readFileSync(abs));
    } catch {
      missing.push(file);
    }
  }
  return { hash: hash.digest("hex"), missing };
}
