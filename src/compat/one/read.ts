// Reads a ONE cache folder (`sessions.pqt` + `datasets.pqt`, as written by any ONE or Alyx version)
// into trove's ONE tables, converting old tables the way ONE's `load_tables` + `patch_tables` do.
//
//   const cache = await readOneCache("/data/one/tables");
//   cache.format                 // "legacy": ids were stored as int64 pairs
//   cache.sessions[0].id         // "01390fcc-4f86-4707-8a3b-4d9309feb0a1"
//   cache.metadata.date_created  // "2021-05-13 20:38"

import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { openDuckDB, sqlPath, type DuckDB, type Row } from "../../catalog/duckdb.ts";
import { TroveError } from "../../errors.ts";
import { qcValue } from "../../layout/alf-qc.ts";
import type { OneDataset, OneSession, OneTables } from "./tables.ts";

/** The folder is not a ONE cache trove (or ONE) can load; the message names the file and row. */
export class OneCacheError extends TroveError {
  override name = "OneCacheError";
}

export interface OneCache extends OneTables {
  /** Every `*.pqt` in the folder that ONE would load (its `one_metadata` has `date_created`). */
  tables: string[];
  /** "legacy" when ONE's `patch_tables` had something to convert. */
  format: "current" | "legacy";
}

type TableName = "sessions" | "datasets";

interface PatchedTable {
  file: string;
  metadata: Record<string, unknown>;
  rows: Row[];
  columns: Set<string>;
  legacy: boolean;
}

/** Where an unnamed pandas index (`__index_level_N__`) is put, by level. */
const INDEX_NAMES: Record<TableName, string[]> = { sessions: ["id"], datasets: ["eid", "id"] };
/** Read as DuckDB types them; every other column is read as text (ids, dates, QC names). */
const NATIVE_COLUMNS = new Set(["number", "file_size", "exists", "default_revision"]);
/** What trove's rows are made of; other columns (exists_aws, session_path, ...) are not read. */
const REQUIRED_COLUMNS: Record<TableName, string[]> = {
  sessions: ["id", "lab", "subject", "date", "number", "task_protocol", "projects"],
  datasets: ["eid", "id", "rel_path", "file_size", "hash", "exists", "qc"],
};

export async function readOneCache(dir: string): Promise<OneCache> {
  await requireFolder(dir);
  const db = await openDuckDB();
  try {
    const sessions = await readTable(db, dir, "sessions");
    const datasets = await readTable(db, dir, "datasets");
    return {
      sessions: sessions.rows.map((row, i) => toSession(row, `${sessions.file} row ${i}`)).sort((a, b) => compareCodePoints(a.id, b.id)),
      datasets: datasets.rows.map((row, i) => toDataset(row, `${datasets.file} row ${i}`)).sort(byDatasetKey),
      // ONE writes the same metadata into both tables; the sessions table's stands for the cache.
      metadata: sessions.metadata,
      tables: await loadableTables(db, dir),
      format: sessions.legacy || datasets.legacy ? "legacy" : "current",
    };
  } finally {
    db.close();
  }
}

async function requireFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new OneCacheError(`ONE cache folder not found: ${dir}`);
  if (!info.isDirectory()) throw new OneCacheError(`not a folder: ${dir} (give the folder holding sessions.pqt)`);
}

async function readTable(db: DuckDB, dir: string, name: TableName): Promise<PatchedTable> {
  const file = join(dir, `${name}.pqt`);
  if (!(await stat(file).catch(() => null))?.isFile()) throw new OneCacheError(`${name}.pqt not found in ${dir}`);
  const { one, pandas } = await readKeyValueMetadata(db, file);
  // ONE skips such a table and goes on with an empty one; a cache without sessions or datasets is
  // never what the user meant to read, so here it is an error.
  if (one?.date_created === undefined) throw new OneCacheError(`${file}: no one_metadata.date_created; ONE would not load this table`);
  const described = await readOrFail(file, () => db.all(`DESCRIBE SELECT * FROM read_parquet(${sqlPath(file)})`));
  const stored = described.map((r) => String(r.column_name));
  const select = stored.map((c) => (NATIVE_COLUMNS.has(c) ? quote(c) : `CAST(${quote(c)} AS VARCHAR) AS ${quote(c)}`));
  const rows = await readOrFail(file, () => db.all(`SELECT ${select.join(", ")} FROM read_parquet(${sqlPath(file)})`));
  const { index, columns } = nameIndex(name, pandas, stored, rows);
  const table = patchTable(file, name, one, rows, index, new Set(columns));
  const missing = REQUIRED_COLUMNS[name].filter((c) => !table.columns.has(c));
  if (missing.length) throw new OneCacheError(`${file}: no column ${missing.map((c) => `"${c}"`).join(", ")}`);
  return table;
}

async function readKeyValueMetadata(db: DuckDB, file: string) {
  const sql = `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${sqlPath(file)})`;
  const pairs = await readOrFail(file, () => db.all(sql));
  const json = (key: string) => {
    const text = pairs.find((p) => p.key === key)?.value;
    if (typeof text !== "string") return undefined;
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new OneCacheError(`${file}: the Parquet metadata "${key}" is not valid JSON`);
    }
  };
  return { one: json("one_metadata"), pandas: json("pandas") };
}

async function readOrFail<T>(file: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    throw new OneCacheError(`${file}: not a readable Parquet file (${(e as Error).message})`);
  }
}

/**
 * The columns pandas makes the index: those pyarrow recorded in its `pandas` metadata, else
 * (a RangeIndex) ONE's pick, every column whose name contains "id", sorted. An unnamed index
 * (`__index_level_N__`) is renamed, in `rows` too, to the level's name in ONE's tables.
 */
function nameIndex(name: TableName, pandas: Record<string, unknown> | undefined, stored: string[], rows: Row[]) {
  const fields = Array.isArray(pandas?.index_columns) ? pandas.index_columns.filter((c) => typeof c === "string") : [];
  if (fields.length === 0) return { index: stored.filter((c) => /.?id/.test(c)).sort(compareCodePoints), columns: stored };
  const renames = new Map<string, string>();
  fields.forEach((field, level) => {
    const renamed = INDEX_NAMES[name][level];
    if (/^__index_level_\d+__$/.test(field) && renamed) renames.set(field, renamed);
  });
  for (const row of rows) {
    for (const [field, renamed] of renames) {
      row[renamed] = row[field];
      delete row[field];
    }
  }
  const rename = (c: string) => renames.get(c) ?? c;
  return { index: fields.map(rename), columns: stored.map(rename) };
}

/** ONE's `patch_tables` (ids, `project`, `qc`, `session_path`), then its cast of UUID ids. */
function patchTable(file: string, name: TableName, one: Record<string, unknown>, rows: Row[], index: string[], columns: Set<string>): PatchedTable {
  let legacy = false;
  if (index.length >= 2 && index.some((c) => c.endsWith("_0"))) {
    index = joinIntPairs(file, rows, [...columns]);
    for (const c of index) columns.add(c);
    legacy = true;
  }
  const minApiVersion = typeof one.min_api_version === "string" ? one.min_api_version : "0.0.0";
  if (versionBelow(minApiVersion, "1.13.0") && columns.has("project")) {
    for (const row of rows) row.projects = row.project;
    columns.add("projects");
    legacy = true;
  }
  if (name === "datasets" && versionBelow(minApiVersion, "2.7.0") && !columns.has("qc")) {
    for (const row of rows) row.qc = "NOT_SET";
    columns.add("qc");
    legacy = true;
  }
  if (name === "datasets" && columns.has("session_path")) legacy = true; // dropped: never read
  castUuidIndex(file, rows, index);
  return { file, metadata: one, rows, columns, legacy };
}

/**
 * ONE's `_cache_int2str`: each `x_0, x_1` pair of int64 columns is the 16 bytes of a UUID (numpy's
 * `tobytes()` of the pair, little-endian on every platform ONE runs on), replaced by column `x`
 * holding the UUID string. Returns the new index (the pairs' names).
 */
function joinIntPairs(file: string, rows: Row[], columns: string[]): string[] {
  const intColumns = columns.filter((c) => /_\d$/.test(c)).sort(compareCodePoints);
  const names: string[] = [];
  for (let i = 0; i < intColumns.length; i += 2) {
    const name = intColumns[i]!.slice(0, -2);
    if (intColumns[i] !== `${name}_0` || intColumns[i + 1] !== `${name}_1`) {
      throw new OneCacheError(`${file}: id columns ${intColumns.join(", ")} are not pairs named x_0, x_1`);
    }
    names.push(name);
  }
  rows.forEach((row, r) => {
    for (const name of names) {
      const [low, high] = [row[`${name}_0`], row[`${name}_1`]];
      if (low == null || high == null) throw new OneCacheError(`${file} row ${r}: ${name}_0/${name}_1 is null`);
      row[name] = uuidFromInt64Pair(String(low), String(high));
    }
  });
  return names;
}

export function uuidFromInt64Pair(low: string, high: string): string {
  const bytes = Buffer.alloc(16);
  bytes.writeBigInt64LE(BigInt(low), 0);
  bytes.writeBigInt64LE(BigInt(high), 8);
  return hyphenate(bytes.toString("hex"));
}

/**
 * ONE's `load_tables` casts every index level to `uuid.UUID` when any first-level id is a canonical
 * UUID string (version 3, 4 or 5); the ids then print in canonical form, and an id that does not
 * parse (a path id beside UUIDs) makes ONE fail — so it fails here too.
 */
function castUuidIndex(file: string, rows: Row[], index: string[]): void {
  const first = index[0];
  if (first === undefined || !rows.some((row) => isCanonicalUuid(row[first]))) return;
  rows.forEach((row, r) => {
    for (const level of index) {
      if (row[level] == null) continue;
      const uuid = parseUuid(String(row[level]));
      if (uuid === null) throw new OneCacheError(`${file} row ${r}: ${level} "${String(row[level])}" is not a UUID, unlike other ids in the table (ONE cannot load such a table either)`);
      row[level] = uuid;
    }
  });
}

/** ONE's `is_uuid_string`: lowercase, hyphenated, RFC 4122 variant, version 3, 4 or 5. */
function isCanonicalUuid(value: unknown): boolean {
  return typeof value === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-[345][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(value);
}

/** What Python's `uuid.UUID(str)` accepts (braces, `urn:uuid:`, any hyphens, any case), canonical. */
function parseUuid(text: string): string | null {
  const hex = text.replaceAll("urn:", "").replaceAll("uuid:", "").replace(/^[{}]+|[{}]+$/g, "").replaceAll("-", "");
  return /^[0-9a-fA-F]{32}$/.test(hex) ? hyphenate(hex.toLowerCase()) : null;
}

function hyphenate(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function toSession(row: Row, where: string): OneSession {
  const field = fieldReader(row, where);
  return {
    id: field.id("id"),
    lab: field.text("lab"),
    subject: field.text("subject"),
    date: field.date("date"),
    number: field.count("number") ?? field.fail("number is null"),
    task_protocol: field.text("task_protocol"),
    projects: field.text("projects"),
  };
}

function toDataset(row: Row, where: string): OneDataset {
  const field = fieldReader(row, where);
  const dataset: OneDataset = {
    eid: field.id("eid"),
    id: field.id("id"),
    rel_path: field.id("rel_path"),
    file_size: field.count("file_size"),
    hash: field.text("hash"),
    exists: field.flag("exists") ?? field.fail("exists is null"),
    qc: field.qc("qc"),
  };
  if ("default_revision" in row) dataset.default_revision = field.flag("default_revision");
  return dataset;
}

/** Typed reads of one row's values; every complaint names the file and row. */
function fieldReader(row: Row, where: string) {
  const fail = (message: string): never => {
    throw new OneCacheError(`${where}: ${message}`);
  };
  return {
    fail,
    // pandas' None in a text column becomes "": trove's rows hold no null text.
    text: (c: string) => (row[c] == null ? "" : String(row[c])),
    id: (c: string) => (row[c] == null || row[c] === "" ? fail(`${c} is empty`) : String(row[c])),
    date: (c: string) =>
      /^(\d{4}-\d{2}-\d{2})(?: 00:00:00)?$/.exec(String(row[c]))?.[1] ?? fail(`${c} "${String(row[c])}" is not a date`),
    // Legacy sizes are float64, current ones UInt64 (a string when past 2^53): integers here.
    count: (c: string) => {
      if (row[c] == null || Number.isNaN(row[c])) return null; // legacy float sizes: NaN
      const n = Number(row[c]);
      return Number.isSafeInteger(n) && n >= 0 ? n : fail(`${c} ${String(row[c])} is not a whole number`);
    },
    flag: (c: string) => (row[c] == null ? null : typeof row[c] === "boolean" ? row[c] : fail(`${c} is not true/false`)),
    // A null QC (pandas: a value outside the categories) is read as NOT_SET, which trove can hold.
    qc: (c: string) => {
      try {
        return row[c] == null ? "NOT_SET" : qcValue(String(row[c]));
      } catch (e) {
        return fail((e as Error).message);
      }
    },
  };
}

/** Tables ONE's `load_tables` would load: `*.pqt` whose metadata has `date_created`. */
async function loadableTables(db: DuckDB, dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((f) => f.endsWith(".pqt")).sort(compareCodePoints);
  const loadable: string[] = [];
  for (const file of names) {
    const metadata = await readKeyValueMetadata(db, join(dir, file)).catch(() => null);
    if (metadata?.one?.date_created !== undefined) loadable.push(file.slice(0, -".pqt".length));
  }
  return loadable;
}

/** pandas sorts the (eid, id) MultiIndex stably: rows sharing both keep their file order. */
function byDatasetKey(a: OneDataset, b: OneDataset): number {
  return compareCodePoints(a.eid, b.eid) || compareCodePoints(a.id, b.id);
}

/**
 * Python orders str by code point; JS's `<` by UTF-16 unit, which puts the surrogates of code
 * points past U+FFFF before U+E000–U+FFFF: they are ranked after them here.
 */
function compareCodePoints(a: string, b: string): number {
  const rank = (unit: number) => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) return rank(a.charCodeAt(i)) - rank(b.charCodeAt(i));
  }
  return a.length - b.length;
}

function quote(column: string): string {
  return `"${column.replaceAll('"', '""')}"`;
}

/** `packaging.version` order for plain release numbers ("2.7.0", "3.1"). */
function versionBelow(version: string, limit: string): boolean {
  const [a, b] = [version, limit].map((v) => v.split(".").map((p) => Number.parseInt(p, 10) || 0)) as [number[], number[]];
  const i = a.findIndex((part, k) => part !== (b[k] ?? 0));
  return i === -1 ? a.length < b.length && b.slice(a.length).some((p) => p > 0) : a[i]! < (b[i] ?? 0);
}
