// Datasets written the way fw-dataset writes them (seeds.md §2.3), in both published layouts.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { openDuckDB } from "../catalog/duckdb.ts";
import { Dataset } from "../dataset/dataset.ts";
import { LocalStore } from "../store/local.ts";
import { VersionError } from "./errors.ts";
import { listVersions } from "./layout.ts";
import { VersionedDataset } from "./open.ts";

const SUBJECTS_MODEL = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "subjects",
  description: "subjects",
  properties: { id: { type: "string", pattern: "^[0-9a-f]{24}$" }, label: { type: "string" }, sex: { type: "string", enum: ["male", "female"] }, "parents.project": { type: "string" } },
  required: ["id", "label"],
  type: "object",
};

function description(version: string, label: string, created: string) {
  return {
    id: "65f000000000000000000001", name: "fw-demo", version, version_label: label, created, description: "",
    dataset_info: { type: "s3", bucket: "b", prefix: "datasets/x", storage_id: "s1", label: "st" },
    fully_populate: true, conn: null,
    tables: { subjects: { name: "subjects", description: "", data_model: SUBJECTS_MODEL, errors: null } },
    errors: null,
    paths: { root_path: "b", dataset_path: "datasets/x", version_path: "", schemas_path: "", tables_path: "", provenance_path: "", files_cache_path: "" },
  };
}

/** One version folder as fw-dataset renders it: provenance/, schemas/, tables/<t>/<uuid>.parquet. */
async function writeVersion(dir: string, d: ReturnType<typeof description>, subjects: string[]) {
  for (const sub of ["provenance", "schemas", "tables/subjects"]) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, "provenance", "dataset_description.json"), JSON.stringify(d, null, 4));
  writeFileSync(join(dir, "schemas", "subjects.schema.json"), JSON.stringify(SUBJECTS_MODEL, null, 4));
  const db = await openDuckDB();
  const rows = subjects.map((s, i) => `('${String(i).padStart(24, "a")}', '${s}', 'female', '65f0000000000000000000aa')`).join(", ");
  await db.run(`COPY (SELECT * FROM (VALUES ${rows}) t(id, label, sex, "parents.project")) TO '${join(dir, "tables/subjects/5b1f0c7e-2a43-4d35-9b1c-1e0c1f6e6a10-0.parquet")}' (FORMAT parquet)`);
  db.close();
}

describe("fw-dataset layouts", () => {
  it("reads generation A (versions/latest/...)", async () => {
    const root = tempDir();
    await writeVersion(join(root, "versions", "latest"), description("6600000000000000000000a1", "snap-1", "2024-03-01T10:00:00.000000+00:00"), ["S1", "S2"]);
    const versions = await listVersions(new LocalStore(root));
    expect(versions.map((v) => [v.id, v.label, v.latest, v.prefix])).toEqual([["6600000000000000000000a1", "snap-1", true, "versions/latest/"]]);
    const ds = await Dataset.open(root, { version: "latest" });
    expect(await ds.query(`SELECT label, "parents.project" AS p FROM subjects ORDER BY label`)).toEqual([
      { label: "S1", p: "65f0000000000000000000aa" }, { label: "S2", p: "65f0000000000000000000aa" },
    ]);
    ds.close();
  });

  it("reads generation B (latest/ + versions/<id>/ + versions/latest_version.json), old versions by id or label", async () => {
    const root = tempDir();
    const latest = description("6600000000000000000000b2", "release-2", "2024-05-01T10:00:00.000000+00:00");
    await writeVersion(join(root, "latest"), latest, ["S1", "S2", "S3"]);
    await writeVersion(join(root, "versions", "6600000000000000000000b1"), description("6600000000000000000000b1", "release-1", "2024-04-01T10:00:00.000000+00:00"), ["S1"]);
    writeFileSync(join(root, "versions", "latest_version.json"), JSON.stringify(latest));
    writeFileSync(join(root, "README.md"), "# fw-demo\n");
    const versions = await listVersions(new LocalStore(root));
    expect(versions.map((v) => [v.label, v.latest, v.prefix])).toEqual([["release-2", true, "latest/"], ["release-1", false, "versions/6600000000000000000000b1/"]]);
    const cacheDir = tempDir();
    const now = await VersionedDataset.open(root, { cacheDir });
    expect((await now.query("SELECT count(*)::INT AS n FROM subjects"))[0].n).toBe(3);
    now.close();
    const old = await VersionedDataset.open(`file://${root}`, { version: "release-1", cacheDir });
    expect((await old.query("SELECT count(*)::INT AS n FROM subjects"))[0].n).toBe(1);
    const conn = await old.connect();
    expect((await conn.runAndReadAll("SELECT sex FROM subjects")).getRows()).toEqual([["female"]]);
    old.close();
  });

  it("refuses a description from a newer layout, naming the file", async () => {
    const root = tempDir();
    const d = { ...description("x1", "x1", "2024-01-01"), layout_version: 99 };
    await writeVersion(join(root, "versions", "x1"), d as never, ["S1"]);
    await expect(listVersions(new LocalStore(root))).rejects.toThrow(VersionError);
    await expect(listVersions(new LocalStore(root))).rejects.toThrow(/versions\/x1\/provenance\/dataset_description.json has layout_version 99/);
  });
});
