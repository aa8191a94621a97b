import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../../test/helpers.ts";
import { openDuckDB, sqlPath } from "../../catalog/duckdb.ts";
import { indexDataset } from "../../catalog/indexer.ts";
import { loadConfig } from "../../config/load.ts";
import { Dataset } from "../../dataset/dataset.ts";
import { oneTablesFromCatalog } from "./build.ts";
import { writeOneCache } from "./write.ts";

/** ONE's own test tree (one/tests/alf/test_cache.py). */
async function oneTestTree() {
  const root = tempDir();
  const files = [
    "mylab/Subjects/mysub/2021-02-28/001/alf/spikes.clusters.npy",
    "mylab/Subjects/mysub/2021-02-28/001/alf/spikes.times.npy",
    "mylab/Subjects/mysub/2021-02-28/002/alf/trials.intervals.npy",
    "mylab/Subjects/mysub/2021-02-28/002/.invalid",
  ];
  for (const f of files) {
    mkdirSync(join(root, f, ".."), { recursive: true });
    writeFileSync(join(root, f), "abc");
  }
  writeFileSync(join(root, "trove.toml"), `[dataset]\nname = "one"\n[[layout]]\ntype = "alf"\n`);
  const config = await loadConfig(root);
  await indexDataset(config, { hash: "md5" });
  return { root, ds: await Dataset.fromConfig(config) };
}

describe("oneTablesFromCatalog", () => {
  it("gives ONE's rows for ONE's test tree (path ids)", async () => {
    const { root, ds } = await oneTestTree();
    const tables = await oneTablesFromCatalog(ds, { ids: "path", origin: root });
    ds.close();
    expect(tables.sessions).toEqual([
      { id: "mylab/mysub/2021-02-28/001", lab: "mylab", subject: "mysub", date: "2021-02-28", number: 1, task_protocol: "", projects: "" },
      { id: "mylab/mysub/2021-02-28/002", lab: "mylab", subject: "mysub", date: "2021-02-28", number: 2, task_protocol: "", projects: "" },
    ]);
    expect(tables.datasets.map((d) => d.rel_path)).toEqual(["alf/spikes.clusters.npy", "alf/spikes.times.npy", "alf/trials.intervals.npy"]);
    expect(tables.datasets[0]).toEqual({
      eid: "mylab/mysub/2021-02-28/001", id: "alf/spikes.clusters.npy", rel_path: "alf/spikes.clusters.npy",
      file_size: 3, hash: "900150983cd24fb0d6963f7d28e17f72", exists: true, qc: "NOT_SET",
    });
    expect(tables.metadata).toMatchObject({ origin: root, date_created: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/) });
  });

  it("gives the same UUIDs every time, shared by equal rel_paths as in ONE", async () => {
    const { root, ds } = await oneTestTree();
    const a = await oneTablesFromCatalog(ds, { ids: "uuid", origin: root });
    const b = await oneTablesFromCatalog(ds, { ids: "uuid", origin: root });
    ds.close();
    expect(a.sessions.map((s) => s.id)).toEqual(b.sessions.map((s) => s.id));
    expect(a.sessions[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(a.datasets.map((d) => d.eid))).toEqual(new Set(a.sessions.map((s) => s.id)));
  });

  it("refuses a lab that conflicts with the lab folder", async () => {
    const { root, ds } = await oneTestTree();
    await expect(oneTablesFromCatalog(ds, { ids: "path", lab: "another", origin: root })).rejects.toThrow(/lab name conflict/);
    ds.close();
  });
});

describe("writeOneCache", () => {
  it("writes ONE's columns, Parquet types and metadata, and cache_info.json", async () => {
    const { root, ds } = await oneTestTree();
    const tables = await oneTablesFromCatalog(ds, { ids: "path", origin: root });
    ds.close();
    const out = tempDir();
    const files = await writeOneCache(out, tables);
    const db = await openDuckDB();
    const schema = async (f: string) =>
      Object.fromEntries((await db.all(`SELECT name, type, converted_type FROM parquet_schema(${sqlPath(f)}) WHERE name <> 'duckdb_schema'`)).map((r) => [r.name, `${r.type} ${r.converted_type ?? ""}`.trim()]));
    expect(await schema(files.sessions)).toEqual({
      id: "BYTE_ARRAY UTF8", lab: "BYTE_ARRAY UTF8", subject: "BYTE_ARRAY UTF8", date: "INT32 DATE", number: "INT32 UINT_16",
      task_protocol: "BYTE_ARRAY UTF8", projects: "BYTE_ARRAY UTF8",
    });
    expect(await schema(files.datasets)).toEqual({
      eid: "BYTE_ARRAY UTF8", id: "BYTE_ARRAY UTF8", rel_path: "BYTE_ARRAY UTF8", file_size: "INT64 UINT_64",
      hash: "BYTE_ARRAY UTF8", exists: "BOOLEAN", qc: "BYTE_ARRAY UTF8",
    });
    const kv = Object.fromEntries((await db.all(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${sqlPath(files.datasets)})`)).map((r) => [r.k, JSON.parse(String(r.v))]));
    expect(kv.one_metadata).toEqual(tables.metadata);
    expect(kv.pandas.index_columns).toEqual(["eid", "id"]);
    expect(kv.pandas.columns.find((c: { name: string }) => c.name === "qc")).toMatchObject({ pandas_type: "categorical", metadata: { ordered: true, num_categories: 5 } });
    const back = await db.all(`SELECT * FROM read_parquet(${sqlPath(files.sessions)})`);
    expect(back[0]).toMatchObject({ id: "mylab/mysub/2021-02-28/001", number: 1, date: expect.anything() });
    db.close();
  });
});
