// dataset_description.json: what a version is (fw-dataset's fields, so its readers understand
// ours) plus `layout_version` and a `trove` section (the catalog manifest, every file of the
// version with its sha256, where the data objects are). Tables carry JSON-Schema draft-07 data
// models, made from DuckDB's column types.
//
//   const model = dataModel("files", [{ name: "path", type: "VARCHAR" }, { name: "size", type: "BIGINT" }]);
//   model.properties.size  // { type: "integer", "x-duckdb-type": "BIGINT" }

import type { CatalogManifest } from "../catalog/manifest.ts";
import { VersionError } from "./errors.ts";

/** Bump when the keys or meaning of the layout change; readers refuse a newer one. */
export const LAYOUT_VERSION = 1;

export interface DataModel {
  $schema: string;
  $id: string;
  description: string;
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  type: "object";
}

export interface TableEntry {
  name: string;
  description: string;
  data_model: DataModel;
  errors: unknown[];
}

export interface VersionFile {
  size: number;
  sha256: string;
}

export interface TroveSection {
  trove: string;
  message: string | null;
  /** The catalog manifest the tables were frozen from (checkout rebuilds a catalog from it). */
  catalog: CatalogManifest;
  /** Rows per table. */
  rows: Record<string, number>;
  /** The content manifest in numbers (the `manifest` table lists every file and its sha256). */
  content: { files: number; bytes: number };
  /** Every file of the version (keys relative to its folder) except this description. */
  files: Record<string, VersionFile>;
  /** Where the data files are, content-addressed: a key prefix of this store, or a store URI; null until pushed with --data. */
  objects: string | null;
}

export interface DatasetDescription {
  id: string;
  name: string;
  version: string;
  version_label: string;
  created: string;
  description: string;
  dataset_info: Record<string, unknown>;
  tables: Record<string, TableEntry>;
  errors: unknown[];
  /** Absent in fw-dataset's descriptions (their layout is the "version 0" trove reads). */
  layout_version?: number;
  trove?: TroveSection;
}

const TABLE_DESCRIPTIONS: Record<string, string> = {
  files: "one row per catalogued file: path, size, mtime, hash, record, entities, metadata, lineage",
  records: "one row per record: its entities, files, bytes, last modification",
  containers: "folder descriptors (_container.json, _asset.json) with inherited metadata",
  manifest: "every catalogued file's content hash (sha256) and size: what the version's data is",
  runs: "one row per task execution of `trove run`",
  status: "record × step statuses as of the last run",
  one_sessions: "imported ONE cache: sessions",
  one_datasets: "imported ONE cache: datasets",
};

export function tableDescription(table: string): string {
  return TABLE_DESCRIPTIONS[table] ?? "";
}

/** A JSON-Schema draft-07 data model for a table with these DuckDB columns. */
export function dataModel(table: string, columns: readonly { name: string; type: string }[]): DataModel {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: table,
    description: tableDescription(table),
    properties: Object.fromEntries(columns.map((c) => [c.name, { ...jsonType(c.type), "x-duckdb-type": c.type }])),
    required: columns.some((c) => c.name === "path") && ["files", "manifest"].includes(table) ? ["path"] : [],
    type: "object",
  };
}

function jsonType(type: string): Record<string, unknown> {
  const t = type.toUpperCase();
  if (t.endsWith("[]")) return { type: "array", items: jsonType(type.slice(0, -2)) };
  if (t.startsWith("STRUCT") || t.startsWith("MAP")) return { type: "object" };
  if (t === "JSON") return {};
  if (t === "BOOLEAN") return { type: "boolean" };
  if (/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|INTEGER)$/.test(t)) return { type: "integer" };
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL.*)$/.test(t)) return { type: "number" };
  if (t.startsWith("TIMESTAMP")) return { type: "string", format: "date-time" };
  if (t === "DATE") return { type: "string", format: "date" };
  return { type: "string" };
}

/** Parses and checks a description read from `where`; fw-dataset's (no layout_version) are accepted. */
export function parseDescription(text: string, where: string): DatasetDescription {
  let d: DatasetDescription;
  try {
    d = JSON.parse(text);
  } catch (e) {
    throw new VersionError(`${where} is not JSON (${(e as Error).message})`);
  }
  if (!d || typeof d !== "object" || typeof d.tables !== "object" || d.tables === null) {
    throw new VersionError(`${where} is not a dataset description (no "tables")`);
  }
  if ((d.layout_version ?? 0) > LAYOUT_VERSION) {
    throw new VersionError(`${where} has layout_version ${d.layout_version}; this trove reads up to ${LAYOUT_VERSION}: upgrade trove`);
  }
  return d;
}

/** A version id as fw-dataset's are (24 hex digits), starting with the time so ids sort by age. */
export function newVersionId(now = new Date()): string {
  const seconds = Math.floor(now.getTime() / 1000).toString(16).padStart(8, "0");
  const random = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("");
  return seconds + random;
}
