// Reading the files of a Thot 0.x project: `_container.json` / `_asset.json` descriptors and the
// notes in `_notes/`. Bad input becomes a `Problem` and a default, never a throw, because one
// hand-edited descriptor must not stop a whole dataset from being indexed.
//
//   const { descriptor, problems } = parseDescriptor('{"file": "1.csv"}', "run1/_asset.json", "asset", "run1");
//   descriptor.file // "1.csv"
//   const note = await readNote("/data/project", "deg30/_notes/note_1.txt");

import { readFile, stat } from "node:fs/promises";
import { join, posix } from "node:path";
import type { Problem } from "./layout.ts";
import { locateJsonError } from "../compat/thot/errors.ts";

export const CONTAINER_FILE = "_container.json";
export const ASSET_FILE = "_asset.json";
export const NOTES_FOLDER = "_notes";

export type ObjectKind = "container" | "asset";

/** A descriptor's fields after validation; absent or bad fields hold their defaults. */
export interface Descriptor {
  name: string;
  type: string | null;
  description: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  /** Asset only, as written (relative to the asset folder, or `root:/…`). */
  file: string | null;
  creator: string | null;
  creator_type: "user" | "script" | null;
}

export interface Note {
  title: string;
  created: string;
  content: string | null;
}

type Json = Record<string, unknown>;

/** Validates descriptor text; `defaultName` is the folder's basename, Thot's name when none is given. */
export function parseDescriptor(
  text: string,
  descriptorPath: string,
  kind: ObjectKind,
  defaultName: string,
): { descriptor: Descriptor; problems: Problem[]; readable: boolean } {
  const problems: Problem[] = [];
  const complain = (message: string) => problems.push({ path: descriptorPath, message });
  const descriptor: Descriptor = {
    name: defaultName,
    type: null,
    description: null,
    tags: [],
    metadata: {},
    file: null,
    creator: null,
    creator_type: null,
  };
  const json = parseJsonObject(text, complain);
  if (json === null) {
    // an unreadable asset (half-written by a killed script?) is no asset: the caller drops it
    if (kind === "asset") complain("the asset is skipped until its descriptor is valid JSON");
    return { descriptor, problems, readable: false };
  }
  const field = (key: string) => ({ key, value: json[key], complain });
  descriptor.name = optionalString(field("name")) || defaultName;
  // Thot writes "" for an unset type or description; null says "unset" without a sentinel.
  descriptor.type = optionalString(field("type")) || null;
  descriptor.description = optionalString(field("description")) || null;
  descriptor.tags = stringList(field("tags"));
  descriptor.metadata = plainObject(field("metadata"));
  if (kind === "asset") readAssetFields(json, descriptor, complain);
  return { descriptor, problems, readable: true };
}

function readAssetFields(json: Json, descriptor: Descriptor, complain: (m: string) => void): void {
  const file = optionalString({ key: "file", value: json.file, complain });
  if (file) descriptor.file = file;
  else if (json.file == null || json.file === "") complain(`key "file": missing, so the asset names no data file`);
  descriptor.creator = optionalString({ key: "creator", value: json.creator, complain }) || null;
  const creatorType = optionalString({ key: "creator_type", value: json.creator_type, complain });
  if (creatorType) {
    const lower = creatorType.toLowerCase();
    if (lower === "user" || lower === "script") descriptor.creator_type = lower;
    else complain(`key "creator_type": expected "user" or "script", got ${JSON.stringify(creatorType)}`);
  }
}

function parseJsonObject(text: string, complain: (m: string) => void): Json | null {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    const [, line, column, rest] = /^(\d+):(\d+): not valid JSON (.*)$/.exec(locateJsonError(text.replace(/^\uFEFF/, ""), e as Error))!;
    complain(`not valid JSON at line ${line}, column ${column} ${rest}`);
    return null;
  }
  if (!isPlainObject(value)) {
    complain(`expected a JSON object, got ${describeJson(value)}`);
    return null;
  }
  return value;
}

interface Field {
  key: string;
  value: unknown;
  complain: (message: string) => void;
}

function optionalString({ key, value, complain }: Field): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  complain(`key "${key}": expected a string, got ${describeJson(value)}`);
  return null;
}

function stringList({ key, value, complain }: Field): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    complain(`key "${key}": expected a list of strings, got ${describeJson(value)}`);
    return [];
  }
  const bad = value.findIndex((v) => typeof v !== "string");
  if (bad >= 0) complain(`key "${key}[${bad}]": expected a string, got ${describeJson(value[bad])}; non-strings dropped`);
  return value.filter((v): v is string => typeof v === "string");
}

function plainObject({ key, value, complain }: Field): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (isPlainObject(value)) return value;
  complain(`key "${key}": expected an object, got ${describeJson(value)}`);
  return {};
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeJson(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Where an asset's data file is, relative to the dataset root. `root:/x` (any case) is relative to
 * `rootFolder`, the top-most container above the asset; anything else to the asset folder.
 */
export function resolveAssetFile(file: string, assetFolder: string, rootFolder: string): { path: string } | { error: string } {
  const rooted = /^root:/i.exec(file);
  const base = rooted ? rootFolder : assetFolder;
  const rest = rooted ? file.slice(rooted[0].length).replace(/^\/+/, "") : file;
  if (!rooted && posix.isAbsolute(rest)) return { error: `file "${file}" is absolute; trove wants it relative to the asset or root:/` };
  const path = posix.normalize(posix.join(base || ".", rest || "."));
  if (path === ".." || path.startsWith("../")) return { error: `file "${file}" points outside the dataset` };
  return { path: path === "." ? "" : path.replace(/\/$/, "") };
}

/** Thot's note: the file stem as title, its mtime as creation time, null content unless UTF-8. */
export async function readNote(root: string, relPath: string): Promise<Note> {
  const abs = join(root, relPath);
  const [info, bytes] = await Promise.all([stat(abs), readFile(abs)]);
  return { title: stem(posix.basename(relPath)), created: info.mtime.toISOString(), content: decodeUtf8(bytes) };
}

function stem(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
