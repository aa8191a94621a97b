// Rows into DuckDB and tables out: newline-delimited JSON is the fastest way in (measured against
// appender chunks, row inserts and CSV built in JS), read with a declared schema; Parquet comes
// out to a temporary file that is flushed and renamed into place.
//
//   writeJsonLines(file, rows);
//   await copyToParquet(db, `SELECT * FROM ${readJsonLines(file, [["id", "VARCHAR"]])}`, "t.parquet", "FORMAT parquet");

import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { fsyncFile, tempPathFor } from "../fsutil/atomic.ts";
import { type DuckDB, sqlPath, sqlString } from "./duckdb.ts";

/**
 * Newline-delimited JSON, one line per item, encoded into one reused buffer as it is made.
 * `wellFormed: true` says `toJson` already gives well-formed JSON (see `wellFormed`).
 */
export function writeJsonLines<T>(file: string, items: readonly T[], toJson: (item: T) => string = JSON.stringify, options: { wellFormed?: boolean } = {}): void {
  const clean = options.wellFormed ? (json: string) => json : wellFormed;
  const fd = openSync(file, "w");
  const buffer = Buffer.allocUnsafe(1 << 20);
  let used = 0;
  try {
    for (const item of items) {
      const line = `${clean(toJson(item))}\n`;
      if (used + line.length * 3 > buffer.length) {
        writeSync(fd, buffer, 0, used);
        used = 0;
      }
      if (line.length * 3 > buffer.length) writeSync(fd, line);
      else used += buffer.write(line, used);
    }
    if (used > 0) writeSync(fd, buffer, 0, used);
  } finally {
    closeSync(fd);
  }
}

/**
 * JSON.stringify writes a lone UTF-16 surrogate (which JSON.parse accepts from a sidecar such as
 * `{"Note": "\ud800"}`) as an escape that DuckDB's reader rejects; it becomes U+FFFD instead.
 * Paired surrogates are written as characters, so any such escape not itself escaped is lone.
 */
export function wellFormed(json: string): string {
  if (!json.includes("\\u")) return json;
  return json.replace(/(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/gi, "$1\\ufffd");
}

/** DuckDB's reader for such a file, with each field's type given (no sniffing). */
export function readJsonLines(file: string, fields: readonly [string, string][]): string {
  const declared = fields.map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`).join(", ");
  return `read_json(${sqlPath(file)}, format = 'newline_delimited', columns = {${declared}})`;
}

/** COPY (query) TO target with these options, atomically: on disk before anything can point at it. */
export async function copyToParquet(db: DuckDB, query: string, target: string, options: string): Promise<void> {
  const temp = tempPathFor(target);
  try {
    await db.run(`COPY (${query}) TO ${sqlString(temp)} (${options})`);
    fsyncFile(temp);
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
