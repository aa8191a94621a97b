// ONE's cache tables from trove's catalog: what `one.alf.cache.make_parquet_db` computes by walking
// a folder, taken instead from the catalog's ALF rows (so a rebuild costs a stat walk).
//
//   const q = oneQueries("read_parquet('.trove/catalog/g000001/files.parquet')", { ids: "uuid" });
//   await db.run(`COPY (${q.datasets}) TO 'datasets.pqt'`);       // or, as rows:
//   const tables = await oneTablesFromCatalog(ds, { ids: "uuid", origin: "/data/ibl" });
//   tables.sessions[0] // { id: "…", lab: "mylab", subject: "mysub", date: "2021-02-28", number: 1, … }
//
// As ONE: a dataset is a file whose name is valid ALF inside a session folder; its rel_path is
// relative to the session (`collection/#revision#/name`); sessions are those holding a dataset;
// qc is NOT_SET and exists true; in UUID mode identical rel_paths in different sessions share a
// dataset id (unique as the pair eid, id), ONE's own quirk. Unlike ONE, UUIDs are name-based (v5
// under a fixed namespace): the same tree gives the same ids.

import type { Dataset } from "../../dataset/dataset.ts";
import { TroveError } from "../../errors.ts";
import { type DuckDB, sqlString } from "../../catalog/duckdb.ts";
import type { OneDataset, OneSession, OneTables } from "./tables.ts";
import { TROVE_ONE_NAMESPACE } from "./uuid.ts";

export interface OneBuildOptions {
  /** "path": ids are `lab/subject/date/number` and rel_paths (ONE's hash_ids=False); "uuid": name-based UUIDs. */
  ids: "path" | "uuid";
  /** A lab name for sessions whose path has none (ONE's `lab=`); a different lab in the path is an error. */
  lab?: string;
  /** Metadata origin (ONE writes the root folder). */
  origin: string;
}

export class OneBuildError extends TroveError {
  override name = "OneBuildError";
}

export interface OneQueries {
  sessions: string;
  datasets: string;
  /** A query giving the first path whose lab folder conflicts with `--lab` (none: no conflict). */
  labConflict: string | null;
}

/**
 * ONE's two tables as SQL over a catalog files table (`files`: a view or `read_parquet(...)`), so
 * that 100k datasets never pass through JavaScript: columns in ONE's order with ONE's types. Rows
 * are in DuckDB's byte order of ids, which is trove's path order except for paths holding
 * characters past U+D7FF.
 */
export function oneQueries(files: string, options: Omit<OneBuildOptions, "origin">): OneQueries {
  const lab = `nullif(${options.lab === undefined ? "lab" : sqlString(options.lab)}, '')`;
  const alf = `SELECT path, size, hash, ${lab} AS lab, subject, date, number,
      substr(path, length(concat_ws('/', nullif(lab, '') || '/Subjects', subject, date, number)) + 2) AS rel_path,
      concat_ws('/', ${lab}, subject, date, number) AS session
    FROM ${files} WHERE layout = 'alf' AND valid`;
  // UUIDs are computed once per session and once per distinct rel_path, then joined
  const uuid = options.ids === "uuid";
  const eids = `SELECT DISTINCT lab, subject, date, number, session, ${uuid ? uuid5Sql("'session:' || session") : "session"} AS eid FROM alf`;
  const ids = `SELECT DISTINCT rel_path, ${uuid ? uuid5Sql("'dataset:' || rel_path") : "rel_path"} AS id FROM alf`;
  const sessions = `WITH alf AS (${alf})
    SELECT eid AS id, coalesce(lab, '') AS lab, subject, date::DATE AS date, number::USMALLINT AS number,
      '' AS task_protocol, '' AS projects
    FROM (${eids}) ORDER BY id`;
  const datasets = `WITH alf AS (${alf})
    SELECT e.eid, i.id, alf.rel_path, alf.size::UBIGINT AS file_size, coalesce(alf.hash, '') AS hash, true AS "exists", 'NOT_SET' AS qc
    FROM alf JOIN (SELECT session, eid FROM (${eids})) e USING (session) JOIN (${ids}) i USING (rel_path)
    ORDER BY e.eid, i.id`;
  const labConflict = options.lab === undefined ? null
    : `SELECT path FROM ${files} WHERE layout = 'alf' AND valid AND nullif(lab, '') <> ${sqlString(options.lab)} ORDER BY path LIMIT 1`;
  return { sessions, datasets, labConflict };
}

/** Refuses `--lab` when a lab folder in the tree names another lab (ONE's "lab name conflict"). */
export async function checkLab(db: Pick<DuckDB, "all">, queries: OneQueries, lab: string | undefined): Promise<void> {
  if (!queries.labConflict) return;
  const [conflict] = await db.all(queries.labConflict);
  if (conflict) throw new OneBuildError(`--lab ${lab} conflicts with the lab folder of ${conflict.path} (ONE's "lab name conflict")`);
}

/** The tables as JavaScript rows (for the library and tests; `trove one build` copies them straight to Parquet). */
export async function oneTablesFromCatalog(ds: Dataset, options: OneBuildOptions): Promise<OneTables> {
  const queries = oneQueries("files", options);
  await checkLab({ all: (sql) => ds.query(sql) }, queries, options.lab);
  const sessions = (await ds.query(`SELECT * REPLACE (strftime(date, '%Y-%m-%d') AS date, number::INT AS number) FROM (${queries.sessions})`)) as unknown as OneSession[];
  const datasets = (await ds.query(`SELECT * REPLACE (file_size::BIGINT AS file_size) FROM (${queries.datasets})`)) as unknown as OneDataset[];
  return { sessions, datasets, metadata: oneMetadata(options.origin) };
}

/** The `one_metadata` of tables built now from `origin`. */
export function oneMetadata(origin: string): Record<string, unknown> {
  return { date_created: oneTimestamp(new Date()), origin };
}

/** SQL for `uuid5(TROVE_ONE_NAMESPACE, name)` (uuid.ts): SHA-1 of namespace bytes and name, version and variant set. */
export function uuid5Sql(name: string): string {
  const ns = TROVE_ONE_NAMESPACE.replaceAll("-", "").replace(/../g, (b) => `\\x${b}`);
  const h = `sha1('${ns}'::BLOB || encode(${name}))`;
  // the variant: the high bits of byte 8 become 10, i.e. its first hex digit one of 8, 9, a, b
  // a one-element list_transform binds the digest to `h` once per row
  return `list_transform([${h}], lambda h: substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-5' || substr(h, 14, 3) || '-' ||
      substr('89ab89ab89ab89ab', strpos('0123456789abcdef', substr(h, 17, 1)), 1) || substr(h, 18, 3) || '-' || substr(h, 21, 12))[1]`;
}

/** ONE's `date_created`: local time, to the minute, "YYYY-MM-DD HH:MM". */
export function oneTimestamp(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
