// Writes the catalog tables of one generation as Parquet, through DuckDB.
//
//   const { tables, invalid } = await writeTables(dir, { rows, metadata, containers, entities, recordEntities });
//   // dir/files.parquet, dir/records.parquet, dir/containers.parquet
//
// Rows go to a JSON-lines file that DuckDB reads with a declared schema (faster than row-by-row
// inserts, appender chunks or CSV built in JS, measured at 100k files), in path order, with fixed
// writer settings so the same rows always give the same bytes. Each table is written to a
// temporary name and renamed. An incremental index passes only its new and changed rows and
// `reuse`: the other rows are copied from the previous files table inside DuckDB.

import { rmSync } from "node:fs";
import { join } from "node:path";
import type { ContainerRow } from "../layout/layout.ts";
import { CONTAINER_COLUMNS, type Column, fileColumns, ident } from "./columns.ts";
import { openDuckDB, sqlPath } from "./duckdb.ts";
import { copyToParquet, readJsonLines, wellFormed, writeJsonLines } from "./duckdb-io.ts";
import type { FileRow, Metadata } from "./rows.ts";

export interface TablesInput {
  /** The rows to write: all of them, or with `reuse` only those of new and changed files. */
  rows: readonly FileRow[];
  metadata: readonly Metadata[];
  containers: readonly ContainerRow[];
  entities: readonly string[];
  recordEntities: readonly string[];
  /**
   * Keep the rows of a previous files table (same settings) except the paths in `drop` (files
   * changed or removed since): an incremental index then serialises only what changed. The rows
   * are put back in path order by DuckDB, whose byte order is trove's order as long as no path
   * holds characters past U+D7FF (the caller checks).
   */
  reuse?: { files: string; drop: readonly string[] };
}

export interface TablesWritten {
  tables: Record<string, { rows: number }>;
  /** Files no layout accepted. */
  invalid: number;
}

const PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 8192";

export async function writeTables(dir: string, input: TablesInput): Promise<TablesWritten> {
  const db = await openDuckDB({ threads: 1 });
  const scratch: string[] = [];
  try {
    const columns = fileColumns(input.entities);
    const filesJson = join(dir, "files.ndjson.tmp");
    scratch.push(filesJson);
    // each distinct metadata object is serialised once and spliced into the rows that share it
    const metadataJson = input.metadata.map((m) => wellFormed(JSON.stringify(m)));
    const toJson = fileRowJson(input.entities, metadataJson);
    writeJsonLines(filesJson, input.rows, toJson, { wellFormed: true });
    const filesParquet = join(dir, "files.parquet");
    const fresh = `SELECT ${fileSelect(columns)} FROM ${readFileRows(filesJson, input.entities)}`;
    let query = fresh; // rows arrive sorted by path (the walk sorts) and DuckDB keeps insertion order
    if (input.reuse) {
      const names = columns.map((c) => ident(c.name)).join(", ");
      let kept = `SELECT ${names} FROM read_parquet(${sqlPath(input.reuse.files)})`;
      if (input.reuse.drop.length > 0) {
        const dropJson = join(dir, "drop.ndjson.tmp");
        scratch.push(dropJson);
        writeJsonLines(dropJson, input.reuse.drop, (path) => JSON.stringify({ path }));
        kept += ` WHERE path NOT IN (SELECT path FROM ${readJsonLines(dropJson, [["path", "VARCHAR"]])})`;
      }
      query = `SELECT * FROM (${kept} UNION ALL ${fresh}) ORDER BY path`;
    }
    await copyToParquet(db, query, filesParquet, PARQUET_OPTIONS);

    await copyToParquet(db, recordsQuery(filesParquet, input), join(dir, "records.parquet"), PARQUET_OPTIONS);

    const containersJson = join(dir, "containers.ndjson.tmp");
    scratch.push(containersJson);
    writeJsonLines(containersJson, input.containers);
    const containerFields = CONTAINER_COLUMNS.map((c): [string, string] => [c.name, c.type]);
    await copyToParquet(
      db,
      `SELECT ${CONTAINER_COLUMNS.map((c) => ident(c.name)).join(", ")} FROM ${readJsonLines(containersJson, containerFields)} ORDER BY path`,
      join(dir, "containers.parquet"),
      PARQUET_OPTIONS,
    );
    const [files] = await db.all(
      `SELECT count(*)::INT AS n, (count(*) FILTER (WHERE NOT valid))::INT AS invalid FROM read_parquet(${sqlPath(filesParquet)})`,
    );
    const [records] = await db.all(`SELECT count(*)::INT AS n FROM read_parquet(${sqlPath(join(dir, "records.parquet"))})`);
    return {
      tables: { files: { rows: Number(files.n) }, records: { rows: Number(records.n) }, containers: { rows: input.containers.length } },
      invalid: Number(files.invalid),
    };
  } finally {
    for (const f of scratch) rmSync(f, { force: true });
    db.close();
  }
}

/** A string as JSON: most names need no escaping, and JSON.stringify of each was a third of the writing. */
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
const str = (v: string | null) => (v === null ? "null" : PLAIN.test(v) ? `"${v}"` : wellFormed(JSON.stringify(v)));

/**
 * Turns a files row into JSON, leaving out nulls and absent entities (DuckDB reads a missing key
 * as NULL): a BIDS row names ~50 entities of which a handful are set, and the nulls made the file
 * (and DuckDB's parsing) more than twice as large. The entity keys are serialised once.
 */
function fileRowJson(entityNames: readonly string[], metadataJson: readonly string[]): (r: FileRow) => string {
  const keys = entityNames.map((k) => [k, `${JSON.stringify(k)}:`] as const);
  return (r) => {
    let entities = "";
    for (const [k, key] of keys) {
      const v = r.entities[k];
      if (v !== null && v !== undefined) entities += `${entities ? "," : ""}${key}${str(v)}`;
    }
    let json = `{"path":${str(r.path)},"size":${r.size},"mtimeUs":${r.mtimeUs},"ino":${r.ino},"valid":${r.valid},"qc":${str(r.qc)},"entities":{${entities}}`;
    if (r.hash !== null) json += `,"hash":${str(r.hash)}`;
    if (r.record !== null) json += `,"record":${str(r.record)}`;
    if (r.layout !== null) json += `,"layout":${str(r.layout)}`;
    if (r.unparsed !== null) json += `,"unparsed":${str(r.unparsed)}`;
    if (r.metadataId !== null) json += `,"metadata":${metadataJson[r.metadataId]}`;
    const p = r.provenance;
    if (p) json += `,"produced_by":${str(p.task)},"run_id":${str(p.run)},"derived_from":${wellFormed(JSON.stringify(p.inputs))}`;
    return `${json}}`;
  };
}

/** DuckDB's reader for the files-table rows exactly as `FileRow` objects serialise. */
function readFileRows(file: string, entities: readonly string[]): string {
  const struct = `STRUCT(${entities.map((e) => `${ident(e)} VARCHAR`).join(", ")})`;
  const fields: [string, string][] = [
    ["path", "VARCHAR"], ["size", "BIGINT"], ["mtimeUs", "BIGINT"], ["ino", "BIGINT"], ["hash", "VARCHAR"],
    ["record", "VARCHAR"], ["layout", "VARCHAR"], ["valid", "BOOLEAN"], ["unparsed", "VARCHAR"],
    ["entities", struct], ["metadata", "JSON"], ["qc", "VARCHAR"],
    ["produced_by", "VARCHAR"], ["run_id", "VARCHAR"], ["derived_from", "VARCHAR[]"],
  ];
  return readJsonLines(file, fields);
}


/** The files-table columns from the rows' fields. */
function fileSelect(columns: readonly Column[]): string {
  const from: Record<string, string> = { mtime: "make_timestamp(mtimeUs)", inode: "ino" };
  const fixed = new Set(["path", "size", "hash", "record", "layout", "valid", "unparsed", "metadata", "qc", "produced_by", "run_id", "derived_from"]);
  return columns
    .map((c) => `${from[c.name] ?? (fixed.has(c.name) ? ident(c.name) : `entities.${ident(c.name)}`)} AS ${ident(c.name)}`)
    .join(", ");
}

function recordsQuery(filesParquet: string, input: TablesInput): string {
  const entityCols = input.recordEntities.filter((e) => input.entities.includes(e));
  const lists = ["task", "modality"].filter((e) => input.entities.includes(e) && !entityCols.includes(e));
  const select = [
    "record",
    ...entityCols.map((e) => `min(${ident(e)}) AS ${ident(e)}`),
    ...lists.map((e) => `list_sort(list_distinct(list(${ident(e)}))) AS ${ident(e === "task" ? "tasks" : "modalities")}`),
    "count(*)::BIGINT AS files",
    "sum(size)::BIGINT AS bytes",
    "(count(*) FILTER (WHERE NOT valid))::BIGINT AS invalid_files",
    "max(mtime) AS last_modified",
  ];
  return `SELECT ${select.join(", ")} FROM read_parquet(${sqlPath(filesParquet)}) WHERE record IS NOT NULL GROUP BY record ORDER BY record`;
}
