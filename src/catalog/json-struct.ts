// Turns the JSON metadata columns of the `containers` table into STRUCT columns in the views, so
// SQL reads metadata the way Thot users write searches: `WHERE metadata.angle = 30`,
// `metadata.material = 'steel'`, `metadata.sample.id`. The raw JSON stays as `metadata_json` /
// `own_metadata_json` for `->>` and `json_*` functions.
//
//   const sql = await containersViewSql(db, "/data/.trove/catalog/g000003/containers.parquet");
//   await db.run(`CREATE OR REPLACE VIEW containers AS ${sql}`);
//
// Why a STRUCT: DuckDB reads `metadata.angle` on a JSON column as JSON, which compares with numbers
// but fails against text ('steel' is not JSON). The STRUCT's shape is the union of every row's keys
// (DuckDB's json_group_structure), so a key one row lacks is NULL there; a key whose values differ
// in type across rows stays JSON. The shape is fixed per catalog generation (it is a view).

import { type DuckDB, sqlPath, sqlString } from "./duckdb.ts";

const STRUCT_COLUMNS = ["metadata", "own_metadata"] as const;

export async function containersViewSql(db: DuckDB, parquetFile: string): Promise<string> {
  const source = `read_parquet(${sqlPath(parquetFile)})`;
  const shapes = STRUCT_COLUMNS.map((c) => `json_group_structure(${c})::VARCHAR AS ${c}`).join(", ");
  const [row] = await db.all(`SELECT ${shapes} FROM ${source}`);
  const replaced: string[] = [];
  for (const column of STRUCT_COLUMNS) {
    const shape = usableShape(row?.[column]);
    if (shape !== null) replaced.push(`json_transform(${column}, ${sqlString(shape)}) AS ${column}`);
  }
  const raw = STRUCT_COLUMNS.map((c) => `${c} AS ${c}_json`).join(", ");
  const plain = `SELECT *, ${raw} FROM ${source}`;
  if (replaced.length === 0) return plain;
  const structured = `SELECT * REPLACE (${replaced.join(", ")}), ${raw} FROM ${source}`;
  try {
    // metadata keys DuckDB cannot make a STRUCT of must not make the whole catalog unreadable
    await db.all(`SELECT * FROM (${structured}) LIMIT 0`);
    return structured;
  } catch {
    return plain;
  }
}

/** The structure as json_transform accepts it, or null when there is nothing to make a STRUCT of. */
function usableShape(text: unknown): string | null {
  if (typeof text !== "string") return null;
  const shape = fix(JSON.parse(text));
  return typeof shape === "object" && !Array.isArray(shape) ? JSON.stringify(shape) : null;
}

/** json_transform refuses "NULL" and empty objects: both become JSON. */
function fix(shape: unknown): unknown {
  if (Array.isArray(shape)) return shape.length ? [fix(shape[0])] : "JSON";
  if (shape !== null && typeof shape === "object") {
    const entries = Object.entries(shape);
    return entries.length ? Object.fromEntries(entries.map(([k, v]) => [k, fix(v)])) : "JSON";
  }
  return shape === "NULL" ? "JSON" : shape;
}
