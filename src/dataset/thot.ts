// Thot's search (compat/thot/search.ts) over the catalog's `containers` table, for Dataset's
// findContainers / findContainer / findAssets / findAsset.
//
//   await ds.findContainers({ type: "sample", "metadata.angle": 30 })   // rows shaped as Thot's objects
//   await ds.findAssets({ type: "times" }, { within: "deg30" })         // only below container deg30
//
// The rows are read whole and filtered in JS, since Thot's searches (regex, predicates, list
// containment) have no faithful SQL form; a project's containers number in the thousands, not more.

import type { DuckDB } from "../catalog/duckdb.ts";
import { NotFoundError } from "../errors.ts";
import { type Search, filterResources } from "../compat/thot/search.ts";

/** One row of the containers table, with its JSON columns parsed. */
export interface CatalogObject {
  path: string;
  kind: "container" | "asset";
  name: string;
  type: string | null;
  description: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  own_metadata: Record<string, unknown>;
  parent: string | null;
  file: string | null;
  creator: string | null;
  creator_type: string | null;
  notes: { title: string; created: string; content: string | null }[];
  rid: string | null;
  scripts: { script: string; priority: number; autorun: boolean }[];
}

export interface CatalogFindOptions {
  /** Only this container's subtree (it included), as a Thot script sees the project. */
  within?: string;
}

const JSON_COLUMNS = ["metadata", "own_metadata", "notes", "scripts"] as const;

export async function findObjects(db: DuckDB, kind: "container" | "asset", search: Search, options: CatalogFindOptions = {}): Promise<CatalogObject[]> {
  const rows = await db.all(
    `SELECT * EXCLUDE (metadata, own_metadata) REPLACE (tags::VARCHAR[] AS tags), metadata_json AS metadata, own_metadata_json AS own_metadata
     FROM containers ORDER BY path`,
  );
  const objects = rows.map(toObject);
  const within = options.within;
  if (within !== undefined && within !== "" && !objects.some((o) => o.kind === "container" && o.path === within)) {
    throw new NotFoundError(`no container "${within}" in the catalog's containers table`);
  }
  const inScope = objects.filter((o) => {
    if (o.kind !== kind) return false;
    if (within === undefined || within === "") return true;
    const home = o.kind === "asset" ? o.parent : o.path;
    return home !== null && (home === within || home.startsWith(within + "/"));
  });
  return filterResources(inScope, search);
}

function toObject(row: Record<string, unknown>): CatalogObject {
  const out: Record<string, unknown> = { ...row };
  delete out.metadata_json;
  delete out.own_metadata_json;
  for (const c of JSON_COLUMNS) {
    const v = row[c];
    out[c] = typeof v === "string" ? JSON.parse(v) : (v ?? (c === "metadata" || c === "own_metadata" ? {} : []));
  }
  out.tags = Array.isArray(row.tags) ? row.tags.map(String) : [];
  return out as unknown as CatalogObject;
}
