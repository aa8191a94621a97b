// Writes the catalog tables of one generation as Parquet, through DuckDB.
//
//   await writeTables(dir, { rows, containers, entities, recordEntities });
//   // dir/files.parquet, dir/records.parquet, dir/containers.parquet
//
// Rows go to a newline-delimited JSON file that DuckDB reads with a declared schema (faster than
// row-by-row inserts), sorted, with fixed writer settings so the same rows always give the same
// bytes. Each table is written to a temporary name and renamed.

import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { ContainerRow } from "../layout/layout.ts";
import { tempPathFor } from "../fsutil/atomic.ts";
import { CONTAINER_COLUMNS, type Column, fileColumns, ident } from "./columns.ts";
import { openDuckDB, sqlString } from "./duckdb.ts";
import type { FileRow } from "./rows.ts";

export interface TablesInput {
  rows: readonly FileRow[];
  containers: readonly ContainerRow[];
  entities: readonly string[];
  recordEntities: readonly string[];
}

const PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880";

export async function writeTables(dir: string, input: TablesInput): Promise<Record<string, { rows: number }>> {
  const db = await openDuckDB({ threads: 1 });
  const scratch: string[] = [];
  try {
    const columns = fileColumns(input.entities);
    const filesJson = join(dir, "files.ndjson.tmp");
    scratch.push(filesJson);
    writeNdjson(filesJson, input.rows, (r) => fileRecord(r, input.entities));
    const filesParquet = join(dir, "files.parquet");
    await copyTo(db, `SELECT ${selectList(columns)} FROM ${readJson(filesJson, columns)} ORDER BY path`, filesParquet);

    await copyTo(db, recordsQuery(filesParquet, input), join(dir, "records.parquet"));

    const containersJson = join(dir, "containers.ndjson.tmp");
    scratch.push(containersJson);
    writeNdjson(containersJson, input.containers, (c) => c);
    await copyTo(
      db,
      `SELECT ${selectList(CONTAINER_COLUMNS)} FROM ${readJson(containersJson, CONTAINER_COLUMNS)} ORDER BY path`,
      join(dir, "containers.parquet"),
    );
    const count = async (table: string) =>
      Number((await db.all(`SELECT count(*)::INT AS n FROM read_parquet(${sqlString(join(dir, `${table}.parquet`))})`))[0].n);
    return { files: { rows: input.rows.length }, records: { rows: await count("records") }, containers: { rows: input.containers.length } };
  } finally {
    for (const f of scratch) rmSync(f, { force: true });
    db.close();
  }
}

/** The files-table row as the JSON object DuckDB reads (mtime in microseconds). */
function fileRecord(row: FileRow, entities: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    path: row.path,
    size: row.size,
    mtime: row.mtimeUs,
    inode: row.ino,
    hash: row.hash,
    record: row.record,
    layout: row.layout,
    valid: row.valid,
    unparsed: row.unparsed,
  };
  for (const e of entities) out[e] = row.entities[e] ?? null;
  out.metadata = row.metadata;
  out.qc = row.qc;
  return out;
}

function writeNdjson<T>(file: string, items: readonly T[], toRecord: (item: T) => unknown): void {
  const fd = openSync(file, "w");
  try {
    const batch: string[] = [];
    for (const item of items) {
      batch.push(JSON.stringify(toRecord(item)));
      if (batch.length === 4096) writeSync(fd, batch.splice(0).join("\n") + "\n");
    }
    if (batch.length > 0) writeSync(fd, batch.join("\n") + "\n");
  } finally {
    closeSync(fd);
  }
}

function readJson(file: string, columns: readonly Column[]): string {
  const declared = columns
    .map((c) => `${sqlString(c.name)}: ${sqlString(c.name === "mtime" ? "BIGINT" : c.type)}`)
    .join(", ");
  return `read_json(${sqlString(file)}, format = 'newline_delimited', columns = {${declared}})`;
}

function selectList(columns: readonly Column[]): string {
  return columns.map((c) => (c.name === "mtime" ? "make_timestamp(mtime) AS mtime" : ident(c.name))).join(", ");
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
  return `SELECT ${select.join(", ")} FROM read_parquet(${sqlString(filesParquet)}) WHERE record IS NOT NULL GROUP BY record ORDER BY record`;
}

async function copyTo(db: Awaited<ReturnType<typeof openDuckDB>>, query: string, target: string): Promise<void> {
  const temp = tempPathFor(target);
  try {
    await db.run(`COPY (${query}) TO ${sqlString(temp)} (${PARQUET_OPTIONS})`);
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
