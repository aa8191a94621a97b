import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { indexDataset } from "../catalog/indexer.ts";
import { openDuckDB, sqlPath } from "../catalog/duckdb.ts";
import { loadConfig } from "../config/load.ts";
import { Dataset } from "../dataset/dataset.ts";
import { writeDemoDataset } from "../demo/sonetaa.ts";
import { checkoutVersion } from "./checkout.ts";
import { deleteVersion } from "./delete.ts";
import { diffVersions } from "./diff.ts";
import { NothingToSnapshotError, VersionError, VersionNotFoundError } from "./errors.ts";
import { DESCRIPTION, LATEST_POINTER, listVersions, resolveVersion } from "./layout.ts";
import { localVersions } from "./local.ts";
import { createSnapshot } from "./snapshot.ts";

async function demo(hash?: "none" | "sha256") {
  const root = tempDir();
  writeDemoDataset(root, { records: 3 });
  const config = await loadConfig(root);
  await indexDataset(config, { hash });
  return { root, config };
}

describe("snapshots", () => {
  it("freezes tables, schemas and a description in the layout, hashing what the catalog did not", async () => {
    const { root, config } = await demo("none");
    const v = await createSnapshot(config, { label: "v1", message: "first" });
    const store = localVersions(root);
    const d = v.description;
    expect(d).toMatchObject({ version: v.id, version_label: "v1", name: "sonetaa-demo", layout_version: 1 });
    expect(v.id).toMatch(/^[0-9a-f]{24}$/);
    expect(Object.keys(d.tables).sort()).toEqual(["containers", "files", "manifest", "records", "runs", "status"]);
    expect(d.tables.files.data_model).toMatchObject({ $schema: "http://json-schema.org/draft-07/schema#", required: ["path"] });
    expect(d.tables.files.data_model.properties.size).toMatchObject({ type: "integer" });
    for (const t of Object.keys(d.tables)) expect(await store.stat(`versions/${v.id}/schemas/${t}.schema.json`)).toBeDefined();
    // the pointer is a copy of the description; the latest/ mirror holds the same
    expect(JSON.parse(new TextDecoder().decode(await store.read(LATEST_POINTER))).version).toBe(v.id);
    expect(await store.stat(`latest/${DESCRIPTION}`)).toBeDefined();
    // the catalog had no hashes: the manifest has sha256 of every file, matching the bytes
    const db = await openDuckDB();
    const rows = await db.all(`SELECT * FROM read_parquet(${sqlPath(store.pathOf(`versions/${v.id}/tables/manifest/manifest.parquet`))})`);
    db.close();
    expect(rows.length).toBe(d.trove!.content.files);
    const readme = rows.find((r) => r.path === "README.md")!;
    const { createHash } = await import("node:crypto");
    expect(readme.sha256).toBe(createHash("sha256").update(readFileSync(join(root, "README.md"))).digest("hex"));
  });

  it("lists, resolves, diffs, refuses to delete the latest, deletes others and checks out", async () => {
    const { root, config } = await demo();
    const v1 = await createSnapshot(config, { label: "v1" });
    await expect(createSnapshot(config, { label: "v1" })).rejects.toThrow(/labelled "v1" already exists/);
    appendFileSync(join(root, "README.md"), "changed\n");
    rmSync(join(root, "participants.csv"));
    writeFileSync(join(root, "NOTES.md"), "new\n");
    await indexDataset(config);
    const v2 = await createSnapshot(config, { label: "v2" });
    const store = localVersions(root);
    expect((await listVersions(store)).map((v) => [v.label, v.latest])).toEqual([["v2", true], ["v1", false]]);
    expect((await resolveVersion(store, v1.id)).label).toBe("v1");
    await expect(resolveVersion(store, "v9")).rejects.toThrow(VersionNotFoundError);
    await expect(resolveVersion(store, "v9")).rejects.toThrow(/no version "v9".*versions: .*\(v2\), .*\(v1\)/);

    const d = await diffVersions(store, "v1", "v2");
    expect(d.files).toEqual({ added: ["NOTES.md"], removed: ["participants.csv"], changed: ["README.md"] });
    expect(d.tables.manifest).toEqual({ added: 2, removed: 2 });
    expect(d.tables.records).toEqual({ added: 0, removed: 0 });
    expect(d.tables.files.added).toBeGreaterThanOrEqual(2);

    // checkout v1: the catalog answers as it did then
    await checkoutVersion(config, "v1");
    const ds = await Dataset.open(root);
    expect((await ds.query("SELECT path FROM files WHERE path IN ('participants.csv', 'NOTES.md')")).map((r) => r.path)).toEqual(["participants.csv"]);
    ds.close();

    await expect(deleteVersion(store, "v2")).rejects.toThrow(VersionError);
    await expect(deleteVersion(store, "latest")).rejects.toThrow(/is the latest/);
    expect(await deleteVersion(store, "v1")).toBe(v1.id);
    expect((await listVersions(store)).map((v) => v.id)).toEqual([v2.id]);
    expect((await store.list(`versions/${v1.id}/`)).objects).toEqual([]);
    await expect(checkoutVersion(config, "v1")).rejects.toThrow(VersionNotFoundError);
  });

  it("says to index first when there is no catalog", async () => {
    const root = tempDir();
    writeDemoDataset(root, { records: 1 });
    const config = await loadConfig(root);
    await expect(createSnapshot(config)).rejects.toThrow(NothingToSnapshotError);
    await expect(createSnapshot(config)).rejects.toThrow(/run `trove index` first/);
  });

  it("opens a snapshot read-only with Dataset.open(dir, { version })", async () => {
    const { root, config } = await demo();
    await createSnapshot(config, { label: "v1" });
    appendFileSync(join(root, "NEW.md"), "x");
    await indexDataset(config);
    const v1 = await Dataset.open(root, { version: "v1" });
    expect((await v1.query("SELECT count(*)::INT AS n FROM files WHERE path = 'NEW.md'"))[0].n).toBe(0);
    expect(v1.loadedTables).toEqual(["files"]); // only the table the query named was fetched
    v1.close();
  });
});
