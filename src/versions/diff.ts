// `trove diff V1 V2`: what changed between two versions: data files added, removed and changed
// (by sha256, from the content manifests) and rows added and removed per table.
//
//   const d = await diffVersions(store, "v1.0", "v2.0");
//   d.files.changed  // ["EEG/REC-1/REC-1-RS.edf"]
//   d.tables.files   // { added: 3, removed: 1 }

import { ident } from "../catalog/columns.ts";
import { type DuckDB, openDuckDB, sqlPath } from "../catalog/duckdb.ts";
import type { Store } from "../store/store.ts";
import { defaultCacheDir, versionFile } from "./cache.ts";
import { resolveVersion, tableKeys, tableNames, type VersionEntry } from "./layout.ts";

export interface VersionDiff {
  from: string;
  to: string;
  files: { added: string[]; removed: string[]; changed: string[] };
  /** Rows only in `to` (added) and only in `from` (removed), compared on the columns both have. */
  tables: Record<string, { added: number; removed: number; only?: "from" | "to" }>;
}

export async function diffVersions(store: Store, fromRef: string, toRef: string, cacheDir = defaultCacheDir()): Promise<VersionDiff> {
  const [a, b] = [await resolveVersion(store, fromRef), await resolveVersion(store, toRef)];
  const db = await openDuckDB();
  try {
    const names = new Set([...(await tableNames(store, a)), ...(await tableNames(store, b))]);
    const diff: VersionDiff = { from: a.id, to: b.id, files: { added: [], removed: [], changed: [] }, tables: {} };
    for (const t of names) {
      const [fa, fb] = [await view(db, store, a, t, "a", cacheDir), await view(db, store, b, t, "b", cacheDir)];
      if (!fa || !fb) {
        diff.tables[t] = { added: 0, removed: 0, only: fa ? "from" : "to" };
        continue;
      }
      const colsOf = async (v: string) => (await db.all(`DESCRIBE ${v}`)).map((r) => String(r.column_name));
      const inB = new Set(await colsOf("b"));
      const shared = (await colsOf("a")).filter((c) => inB.has(c));
      const sel = shared.map((c) => `CAST(${ident(c)} AS VARCHAR)`).join(", ");
      const count = async (x: string, y: string) =>
        Number((await db.all(`SELECT count(*)::BIGINT AS n FROM (SELECT ${sel} FROM ${x} EXCEPT ALL SELECT ${sel} FROM ${y})`))[0].n);
      diff.tables[t] = { added: await count("b", "a"), removed: await count("a", "b") };
      if (t === "manifest") {
        await db.run("CREATE OR REPLACE TEMP TABLE ma AS SELECT * FROM a; CREATE OR REPLACE TEMP TABLE mb AS SELECT * FROM b");
        const paths = async (sql: string) => (await db.all(sql)).map((r) => String(r.path));
        diff.files.added = await paths("SELECT path FROM mb ANTI JOIN ma USING (path) ORDER BY path");
        diff.files.removed = await paths("SELECT path FROM ma ANTI JOIN mb USING (path) ORDER BY path");
        diff.files.changed = await paths("SELECT mb.path FROM mb JOIN ma USING (path) WHERE ma.sha256 IS DISTINCT FROM mb.sha256 ORDER BY path");
      }
    }
    return diff;
  } finally {
    db.close();
  }
}

/** Makes view `name` over the version's table; false when the version has no such table. */
async function view(db: DuckDB, store: Store, v: VersionEntry, table: string, name: string, cacheDir: string): Promise<boolean> {
  const keys = await tableKeys(store, v, table);
  if (keys.length === 0) return false;
  const paths = await Promise.all(keys.map((k) => versionFile(store, v, k.slice(v.prefix.length), cacheDir)));
  await db.run(`CREATE OR REPLACE VIEW ${name} AS SELECT * FROM read_parquet([${paths.map(sqlPath).join(", ")}], union_by_name = true)`);
  return true;
}
