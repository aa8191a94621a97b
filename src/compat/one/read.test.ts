// Tests for readOneCache: ONE's own legacy fixture (int-pair ids) value by value, current-format
// caches written here with DuckDB, and every way a folder can fail to be a cache.
//
//   npx vitest run src/compat/one/read

import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDuckDB, sqlPath, sqlString, type DuckDB } from "../../catalog/duckdb.ts";
import { sharedFixture } from "../../../test/fixtures.ts";
import { OneCacheError, readOneCache, type OneCache } from "./read.ts";
import type { OneDataset, OneSession } from "./tables.ts";

const LEGACY = sharedFixture("one");

/**
 * Written apart from read.ts on purpose: numpy's `tobytes()` of an int64 pair is each number's
 * two's-complement bytes, least significant first, low column then high column.
 */
function uuidOfInt64Pair(low: bigint, high: bigint): string {
  let hex = "";
  for (const half of [low, high]) {
    let unsigned = BigInt.asUintN(64, half);
    for (let i = 0; i < 8; i++) {
      hex += Number(unsigned & 0xffn).toString(16).padStart(2, "0");
      unsigned >>= 8n;
    }
  }
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe("readOneCache: ONE's legacy fixture (pyarrow 4, int-pair ids)", () => {
  let db: DuckDB;
  let cache: OneCache;
  /** The fixture's rows as stored, in file order, read without read.ts. */
  const raw = (table: string, columns: string) =>
    db.all(`SELECT ${columns} FROM read_parquet(${sqlPath(join(LEGACY, `${table}.pqt`))}, file_row_number = true) ORDER BY file_row_number`);

  beforeAll(async () => {
    db = await openDuckDB();
    cache = await readOneCache(LEGACY);
  });
  afterAll(() => db.close());

  it("reads 26 sessions and 693 datasets as a legacy cache with its metadata", () => {
    expect(cache.sessions).toHaveLength(26);
    expect(cache.datasets).toHaveLength(693);
    expect(cache.format).toBe("legacy");
    expect(cache.tables).toEqual(["datasets", "sessions"]);
    expect(cache.metadata).toEqual({ date_created: "2021-05-13 20:38", origin: "ibl_test" });
  });

  it("the int-pair → UUID rule gives the ids ONE's own tests expect for this fixture", () => {
    // ONE tests: test_converters.test_to_eid (ZFM-01935/2021-02-05/001 → d3372b15-…), from
    // id_0 8737712210713458643, id_1 -4920882604093676133 (checked with Python's struct + uuid).
    expect(uuidOfInt64Pair(8737712210713458643n, -4920882604093676133n)).toBe("d3372b15-f696-4279-9be5-98f15783b5bb");
    const session = (id: string) => cache.sessions.find((s) => s.id === id);
    expect(session("d3372b15-f696-4279-9be5-98f15783b5bb")).toMatchObject({ lab: "mainenlab", subject: "ZFM-01935", date: "2021-02-05", number: 1 });
    // test_one.test_one_search: subject ZM_335, date 2019-06-07, task "habituation".
    expect(cache.sessions.filter((s) => s.subject === "ZM_335").map((s) => s.id).sort()).toEqual([
      "3473f9d2-aa5d-41a6-9048-c65d0b7ab97c",
      "dfe99506-b873-45db-bc93-731f9362e304",
    ]);
    expect(cache.sessions.filter((s) => s.date === "2019-06-07").map((s) => s.id)).toEqual(["db524c42-6356-4c61-b236-4967c54d2665"]);
    expect(cache.sessions.filter((s) => s.task_protocol.includes("habituation")).map((s) => s.id)).toEqual([
      "ac80cd12-49e5-4aff-b5f2-1a718679ceeb",
    ]);
    // test_one.test_url_from_record: dataset 91546fc6-… is KS005/2019-04-04/004's wheel position.
    const wheel = cache.datasets.find((d) => d.id === "91546fc6-b67c-4a69-badc-5e66088519c4");
    expect(wheel?.rel_path).toBe("alf/_ibl_wheel.position.npy");
    expect(session(wheel!.eid)).toMatchObject({ subject: "KS005", date: "2019-04-04", number: 4 });
    // test_one.test_one_search: (d3372b15-…, a563480a-…) is a spikes.times dataset.
    const spikes = cache.datasets.find((d) => d.eid === "d3372b15-f696-4279-9be5-98f15783b5bb" && d.id === "a563480a-6a57-4221-b630-c7be49732ae5");
    expect(spikes?.rel_path).toMatch(/spikes\.times/);
  });

  it("every id is a version-4 RFC UUID (a wrong byte order would scramble the version nibble)", () => {
    const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const s of cache.sessions) expect(s.id).toMatch(v4);
    for (const d of cache.datasets) expect(`${d.eid} ${d.id}`).toMatch(new RegExp(`^${v4.source.slice(1, -1)} ${v4.source.slice(1, -1)}$`));
    const sessionIds = new Set(cache.sessions.map((s) => s.id));
    for (const d of cache.datasets) expect(sessionIds.has(d.eid)).toBe(true);
  });

  it("every session value survives: ids from the int pairs, project as projects, dates as ISO", async () => {
    const rows = await raw("sessions", "CAST(id_0 AS VARCHAR) AS id_0, CAST(id_1 AS VARCHAR) AS id_1, lab, subject, date, number, task_protocol, project");
    const expected: OneSession[] = rows.map((r) => ({
      id: uuidOfInt64Pair(BigInt(r.id_0 as string), BigInt(r.id_1 as string)),
      lab: r.lab as string,
      subject: r.subject as string,
      date: (r.date as Date).toISOString().slice(0, 10),
      number: r.number as number,
      task_protocol: r.task_protocol as string,
      projects: r.project as string,
    }));
    expect(cache.sessions).toEqual([...expected].sort((a, b) => byText(a.id, b.id)));
    expect(cache.sessions.map((s) => s.id)).toEqual([...new Set(cache.sessions.map((s) => s.id))]); // unique, ascending
  });

  it("every dataset value survives: sizes, hashes, exists; qc NOT_SET; sorted by (eid, id), stably", async () => {
    const ids = "CAST(eid_0 AS VARCHAR) AS eid_0, CAST(eid_1 AS VARCHAR) AS eid_1, CAST(id_0 AS VARCHAR) AS id_0, CAST(id_1 AS VARCHAR) AS id_1";
    const rows = await raw("datasets", `${ids}, rel_path, file_size, hash, "exists"`);
    const expected: OneDataset[] = rows.map((r) => ({
      eid: uuidOfInt64Pair(BigInt(r.eid_0 as string), BigInt(r.eid_1 as string)),
      id: uuidOfInt64Pair(BigInt(r.id_0 as string), BigInt(r.id_1 as string)),
      rel_path: r.rel_path as string,
      file_size: r.file_size as number | null,
      hash: (r.hash as string | null) ?? "",
      exists: r.exists as boolean,
      qc: "NOT_SET",
    }));
    expect(expected.filter((d) => d.file_size === null).length).toBeGreaterThan(0);
    expect(cache.datasets).toEqual([...expected].sort((a, b) => byText(a.eid, b.eid) || byText(a.id, b.id)));
    for (const d of cache.datasets) {
      expect(d).not.toHaveProperty("session_path");
      if (d.file_size !== null) expect(Number.isSafeInteger(d.file_size)).toBe(true);
    }
    // The fixture holds one (eid, id) twice; pandas' stable lexsort keeps file order (rows 268, 269).
    const twins = cache.datasets.filter((d) => d.id === uuidOfInt64Pair(-1926568365424682321n, -5071081260159079528n));
    expect(twins.map((d) => d.rel_path)).toEqual(["alf/spikes.clusters.npy", "alf/ks2/spikes.clusters.npy"]);
  });
});

describe("readOneCache: current-format caches", () => {
  let db: DuckDB;
  let root: string;
  let n = 0;
  const META = `{"date_created": "2024-01-01 10:00", "origin": "x"}`;

  /** A fresh folder with the given tables, each `COPY (select) TO name.pqt` with its metadata. */
  async function cacheDir(tables: Record<string, { select: string; meta?: Record<string, string> | null }>) {
    const dir = join(root, `cache${n++}`);
    await mkdir(dir);
    for (const [name, { select, meta }] of Object.entries(tables)) {
      const kv = meta === null ? "" : `, KV_METADATA {${Object.entries(meta ?? { one_metadata: META }).map(([k, v]) => `${k}: ${sqlString(v)}`).join(", ")}}`;
      await db.run(`COPY (${select}) TO ${sqlString(join(dir, `${name}.pqt`))} (FORMAT parquet${kv})`);
    }
    return dir;
  }

  const pathSessions = `SELECT * FROM (VALUES
      ('mylab/mysub/2021-02-28/002', 'mylab', 'mysub', DATE '2021-02-28', 2::USMALLINT, '', ''),
      ('mysub2/2020-01-05/001', '', 'mysub2', DATE '2020-01-05', 1::USMALLINT, 'task', 'p1,p2'),
      ('mylab/mysub/2021-02-28/001', 'mylab', 'mysub', DATE '2021-02-28', 1::USMALLINT, '', ''))
    AS t(id, lab, subject, date, number, task_protocol, projects)`;
  const pathDatasets = `SELECT * FROM (VALUES
      ('mylab/mysub/2021-02-28/001', 'alf/trials.table.pqt', 'alf/trials.table.pqt', 123::UBIGINT, '', true, 'PASS'),
      ('mylab/mysub/2021-02-28/001', 'alf/#2024-01-01#/a.b.npy', 'alf/#2024-01-01#/a.b.npy', NULL, 'd41d8cd98f00b204e9800998ecf8427e', true, 'NOT_SET'),
      ('mysub2/2020-01-05/001', 'x.y.npy', 'x.y.npy', 0::UBIGINT, '', false, 'WARNING'),
      ('mylab/mysub/2021-02-28/002', 'b.c.npy', 'b.c.npy', 9007199254740991::UBIGINT, '', true, 'CRITICAL'),
      ('mylab/mysub/2021-02-28/002', 'a.c.npy', 'a.c.npy', 5::UBIGINT, '', true, 'FAIL'))
    AS t(eid, id, rel_path, file_size, hash, "exists", qc)`;

  beforeAll(async () => {
    db = await openDuckDB();
    root = await mkdtemp(join(tmpdir(), "trove-one-read-"));
  });
  afterAll(async () => {
    db.close();
    await rm(root, { recursive: true, force: true });
  });

  it("reads a path-id cache (ONE's make_parquet_db, hash_ids=False) exactly, sorted like ONE", async () => {
    const dir = await cacheDir({ sessions: { select: pathSessions }, datasets: { select: pathDatasets } });
    const cache = await readOneCache(dir);
    expect(cache.format).toBe("current");
    expect(cache.metadata).toEqual({ date_created: "2024-01-01 10:00", origin: "x" });
    expect(cache.sessions).toEqual([
      { id: "mylab/mysub/2021-02-28/001", lab: "mylab", subject: "mysub", date: "2021-02-28", number: 1, task_protocol: "", projects: "" },
      { id: "mylab/mysub/2021-02-28/002", lab: "mylab", subject: "mysub", date: "2021-02-28", number: 2, task_protocol: "", projects: "" },
      { id: "mysub2/2020-01-05/001", lab: "", subject: "mysub2", date: "2020-01-05", number: 1, task_protocol: "task", projects: "p1,p2" },
    ]);
    const d = (eid: string, id: string, file_size: number | null, hash: string, exists: boolean, qc: string) =>
      ({ eid, id, rel_path: id, file_size, hash, exists, qc });
    expect(cache.datasets).toEqual([
      d("mylab/mysub/2021-02-28/001", "alf/#2024-01-01#/a.b.npy", null, "d41d8cd98f00b204e9800998ecf8427e", true, "NOT_SET"),
      d("mylab/mysub/2021-02-28/001", "alf/trials.table.pqt", 123, "", true, "PASS"),
      d("mylab/mysub/2021-02-28/002", "a.c.npy", 5, "", true, "FAIL"),
      d("mylab/mysub/2021-02-28/002", "b.c.npy", 9007199254740991, "", true, "CRITICAL"),
      d("mysub2/2020-01-05/001", "x.y.npy", 0, "", false, "WARNING"),
    ]);
  });

  it("reads an Alyx cache (UUID ids, default_revision, exists_*), casting ids to canonical UUIDs like ONE", async () => {
    const [s1, s2] = ["4ecb5d24-f5cc-402c-be28-9d0f7cb14b3a", "01390fcc-4f86-4707-8a3b-4d9309feb0a1"];
    const [d1, d2, d3] = ["00c234a3-a4ff-4f97-a522-939d15528a45", "91546fc6-b67c-4a69-badc-5e66088519c4", "6f175a7a-e20b-4622-81fc-08947a4fd1d3"];
    const meta = { one_metadata: JSON.stringify({ date_created: "2024-02-03 04:05", origin: "alyx", min_api_version: "3.0.0", database_tags: ["2024_Q1"] }) };
    const dir = await cacheDir({
      sessions: {
        select: `SELECT * FROM (VALUES ('${s1}', 'cortexlab', 'KS005', DATE '2019-04-02', 1::BIGINT, 'tp', 'ibl'),
          ('{${s2.toUpperCase()}}', 'mainenlab', 'ZM_1', DATE '2019-01-01', 3::BIGINT, NULL, NULL))
          AS t(id, lab, subject, date, number, task_protocol, projects)`,
        meta,
      },
      datasets: {
        select: `SELECT * FROM (VALUES ('${s1}', '${d2}', 'alf/a.b.npy', 1::UBIGINT, 'h', true, 'FAIL', true, true, false),
          ('${s1}', '${d1.replaceAll("-", "").toUpperCase()}', 'alf/#v1#/a.b.npy', 2::UBIGINT, 'h2', true, 'PASS', false, true, true),
          ('${s2}', '${d3}', 'c.d.json', NULL, NULL, false, 'NOT_SET', NULL, false, false))
          AS t(eid, id, rel_path, file_size, hash, "exists", qc, default_revision, exists_aws, exists_flatiron)`,
        meta,
      },
    });
    const cache = await readOneCache(dir);
    expect(cache.format).toBe("current");
    expect(cache.metadata).toEqual(JSON.parse(meta.one_metadata));
    expect(cache.sessions.map((s) => [s.id, s.number, s.task_protocol, s.projects])).toEqual([
      [s2, 3, "", ""],
      [s1, 1, "tp", "ibl"],
    ]);
    expect(cache.datasets).toEqual([
      { eid: s2, id: d3, rel_path: "c.d.json", file_size: null, hash: "", exists: false, qc: "NOT_SET", default_revision: null },
      { eid: s1, id: d1, rel_path: "alf/#v1#/a.b.npy", file_size: 2, hash: "h2", exists: true, qc: "PASS", default_revision: false },
      { eid: s1, id: d2, rel_path: "alf/a.b.npy", file_size: 1, hash: "h", exists: true, qc: "FAIL", default_revision: true },
    ]);
  });

  it("reads what pyarrow writes for an unnamed pandas index (__index_level_0__)", async () => {
    const pandas = JSON.stringify({ index_columns: ["__index_level_0__"], columns: [] });
    const dir = await cacheDir({
      sessions: { select: pathSessions.replace("AS t(id,", "AS t(__index_level_0__,"), meta: { one_metadata: META, pandas } },
      datasets: { select: pathDatasets },
    });
    const cache = await readOneCache(dir);
    expect(cache.sessions.map((s) => s.id)).toEqual(["mylab/mysub/2021-02-28/001", "mylab/mysub/2021-02-28/002", "mysub2/2020-01-05/001"]);
  });

  it("lists the other tables ONE would load, leaving out those without date_created", async () => {
    const dir = await cacheDir({
      sessions: { select: pathSessions },
      datasets: { select: pathDatasets },
      insertions: { select: "SELECT 1 AS id" },
      scratch: { select: "SELECT 1 AS id", meta: null },
    });
    expect((await readOneCache(dir)).tables).toEqual(["datasets", "insertions", "sessions"]);
  });

  describe("errors", () => {
    const fails = async (dir: string, message: RegExp) => {
      const error = await readOneCache(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OneCacheError);
      expect((error as Error).message).toMatch(message);
    };

    it("a missing folder, or a file given as the folder", async () => {
      await fails(join(root, "nowhere"), /ONE cache folder not found/);
      await writeFile(join(root, "a-file"), "");
      await fails(join(root, "a-file"), /not a folder/);
    });

    it("a missing table", async () => {
      await fails(await cacheDir({ sessions: { select: pathSessions } }), /datasets\.pqt not found/);
    });

    it("a file that is not Parquet", async () => {
      const dir = await cacheDir({ datasets: { select: pathDatasets } });
      await writeFile(join(dir, "sessions.pqt"), "not parquet at all");
      await fails(dir, /sessions\.pqt: not a readable Parquet file/);
    });

    it("a table without one_metadata.date_created (ONE skips it)", async () => {
      await fails(await cacheDir({ sessions: { select: pathSessions, meta: null }, datasets: { select: pathDatasets } }), /date_created/);
      const noDate = { one_metadata: `{"origin": "x"}` };
      await fails(await cacheDir({ sessions: { select: pathSessions }, datasets: { select: pathDatasets, meta: noDate } }), /datasets\.pqt: no one_metadata\.date_created/);
    });

    it("a QC that is not a level, a missing column, path ids beside UUIDs", async () => {
      const badQc = pathDatasets.replace("'WARNING'", "'BOGUS'");
      await fails(await cacheDir({ sessions: { select: pathSessions }, datasets: { select: badQc } }), /row \d+: BOGUS is not a valid QC/);
      const noProjects = `SELECT * EXCLUDE (projects) FROM (${pathSessions})`;
      await fails(await cacheDir({ sessions: { select: noProjects }, datasets: { select: pathDatasets } }), /no column "projects"/);
      const mixed = pathSessions.replace("'mysub2/2020-01-05/001'", "'4ecb5d24-f5cc-402c-be28-9d0f7cb14b3a'");
      await fails(await cacheDir({ sessions: { select: mixed }, datasets: { select: pathDatasets } }), /"mylab\/mysub\/2021-02-28\/002" is not a UUID/);
    });
  });
});
