// Errors and problems of Thot/Syre project files, and a JSON reader whose messages name the file,
// the line and the column (Thot's own loader only said "JSONDecodeError" without the file).
//
//   const read = parseObjectFile('{"file": "1.c', "deg20/data/_asset.json");
//   // { error: 'deg20/data/_asset.json:1:14: not valid JSON (unterminated string...)' }

import { TroveError } from "../../errors.ts";

/** A Thot/Syre project that cannot be read as asked (strict loading, a missing project). */
export class ThotFormatError extends TroveError {
  override name = "ThotFormatError";
}

/** Something wrong with one file of a project; loading goes on without it (or throws when strict). */
export interface ThotProblem {
  /** Path relative to the project root. */
  path: string;
  message: string;
}

export type JsonObject = Record<string, unknown>;

/**
 * Parses the text of an object file. A truncated file (a script killed while writing it) and
 * malformed JSON are both errors with `file:line:column`: a half-written `_asset.json` is never
 * taken as valid with defaults.
 */
export function parseObjectFile(text: string, file: string): { value: unknown } | { error: string } {
  const body = text.replace(/^\uFEFF/, "");
  if (body.trim() === "") return { error: `${file}:1:1: empty file (half-written?)` };
  try {
    return { value: JSON.parse(body) };
  } catch (e) {
    return { error: `${file}:${locateJsonError(body, e as Error)}` };
  }
}

/** "LINE:COLUMN: not valid JSON (REASON)" for a JSON.parse error, saying when the text ends early. */
export function locateJsonError(text: string, error: Error): string {
  const at = /at position (\d+)/.exec(error.message);
  const position = at ? Number(at[1]) : text.length;
  const { line, column } = lineColumn(text, position);
  const reason = error.message.replace(/\s*\(line \d+ column \d+\)/, "").replace(/ in JSON at position \d+/, "");
  const truncated = !at || position >= text.trimEnd().length ? "; the file ends early (half-written?)" : "";
  return `${line}:${column}: not valid JSON (${reason})${truncated}`;
}

/** Like parseObjectFile, and the value must be a JSON object. */
export function parseJsonObject(text: string, file: string): { value: JsonObject } | { error: string } {
  const read = parseObjectFile(text, file);
  if ("error" in read) return read;
  if (!isPlainObject(read.value)) return { error: `${file}: expected a JSON object, got ${describeJson(read.value)}` };
  return { value: read.value };
}

function lineColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      start = i + 1;
    }
  }
  return { line, column: position - start + 1 };
}

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof RegExp);
}

export function describeJson(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}
