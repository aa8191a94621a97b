import { appendFileSync, cpSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sharedFixture } from "../../test/fixtures.ts";
import { tempDir } from "../../test/helpers.ts";
import { loadConfig } from "../config/load.ts";
import { writeDemoDataset } from "../demo/sonetaa.ts";
import { indexDataset } from "./indexer.ts";
import { openDuckDB, sqlPath } from "./duckdb.ts";
import { readManifest, tablePath } from "./manifest.ts";
import { catalogStatus } from "./status.ts";

async function demo(records = 8) {
  const root = tempDir();
  writeDemoDataset(root, { records });
  return { root, config: await loadConfig(root) };
}

/** Every table of the current catalog as rows, for whole-table comparisons. */
async function tables(root: string) {
  const manifest = readManifest(root)!;
  const db = await openDuckDB();
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of ["files", "records", "containers"]) {
      out[t] = await db.all(`SELECT * FROM read_parquet(${sqlPath(tablePath(root, manifest, t))})`);
    }
    return out;
  } finally {
    db.close();
  }
}

const bytes = (root: string, table: string) => readFileSync(tablePath(root, readManifest(root)!, table));

describe("indexDataset", () => {
  it("catalogues every file with its entities, records and hashes", async () => {
    const { root, config } = await demo();
    const report = await indexDataset(config);
    expect(report.upToDate).toBe(false);
    expect(report.added.length).toBe(report.files);
    expect(report.hashed).toBe(report.files);
    const { files, records } = await tables(root);
    const rs = files.find((f: any) => f.path === "clinical/REC-200319-A/REC-200319-A-RS-clinical.json") as any;
    expect(rs).toMatchObject({ record: "REC-200319-A", id: "REC-200319-A", task: "RS", modality: "clinical", valid: true, layout: "template" });
    expect(rs.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rs.mtime).toBeInstanceOf(Date);
    expect(records.length).toBe(8);
    expect(files.some((f: any) => f.path === "trove.toml")).toBe(false);
  });

  it("writes byte-identical tables for the same tree", async () => {
    const { root, config } = await demo();
    await indexDataset(config);
    const first = ["files", "records", "containers"].map((t) => bytes(root, t));
    await indexDataset(config, { full: true });
    const second = ["files", "records", "containers"].map((t) => bytes(root, t));
    expect(readManifest(root)!.generation).toBe(2);
    second.forEach((b, i) => expect(b.equals(first[i])).toBe(true));
  });

  it("updates incrementally to exactly what a full index gives", async () => {
    const { root, config } = await demo();
    await indexDataset(config);
    const id = "REC-200319-A";
    appendFileSync(join(root, `clinical/${id}/${id}-RS-clinical.json`), " ");
    rmSync(join(root, `clinical/${id}/${id}-MMN-clinical.json`));
    renameSync(join(root, `behavior/${id}/${id}-HDC-responses.csv`), join(root, `behavior/${id}/${id}-HDC-responses-old.csv`));
    mkdirSync(join(root, "clinical/REC-201231-Z"));
    writeFileSync(join(root, "clinical/REC-201231-Z/REC-201231-Z-RS-clinical.json"), "{}\n");
    const report = await indexDataset(config);
    expect(report.added.sort()).toEqual([`behavior/${id}/${id}-HDC-responses-old.csv`, "clinical/REC-201231-Z/REC-201231-Z-RS-clinical.json"]);
    expect(report.changed).toEqual([`clinical/${id}/${id}-RS-clinical.json`]);
    expect(report.removed.sort()).toEqual([`behavior/${id}/${id}-HDC-responses.csv`, `clinical/${id}/${id}-MMN-clinical.json`]);
    expect(report.hashed).toBe(3);
    const incremental = await tables(root);
    const incrementalBytes = bytes(root, "files");
    await indexDataset(config, { full: true });
    expect(await tables(root)).toEqual(incremental);
    expect(bytes(root, "files").equals(incrementalBytes)).toBe(true);
  });

  it("notices a change that keeps the size (mtime) and writes nothing when nothing changed", async () => {
    const { root, config } = await demo();
    await indexDataset(config);
    const again = await indexDataset(config);
    expect(again).toMatchObject({ upToDate: true, generation: 1, added: [], changed: [], removed: [] });
    const path = "participants.csv";
    const text = readFileSync(join(root, path), "utf8");
    writeFileSync(join(root, path), text.replace("ASD", "XYZ"));
    utimesSync(join(root, path), new Date(), new Date(Date.now() + 5000));
    const status = await catalogStatus(config);
    expect(status).toMatchObject({ state: "stale", changed: [path] });
    const report = await indexDataset(config);
    expect(report).toMatchObject({ upToDate: false, changed: [path], hashed: 1, generation: 2 });
    expect((await catalogStatus(config)).state).toBe("fresh");
  });

  it("rebuilds when trove.toml changes what the tables hold", async () => {
    const { root, config } = await demo();
    await indexDataset(config);
    const edited = readFileSync(join(root, "trove.toml"), "utf8").replace('"README.md",', "");
    writeFileSync(join(root, "trove.toml"), edited);
    const next = await loadConfig(root);
    expect(await catalogStatus(next)).toMatchObject({ state: "stale", settingsChanged: true });
    const report = await indexDataset(next);
    expect(report.rebuilt).toMatch(/trove\.toml/);
    const { files } = await tables(root);
    expect((files.find((f: any) => f.path === "README.md") as any).valid).toBe(false);
  });

  it("sees an edit whose mtime was put back (ctime moves)", async () => {
    const { root, config } = await demo();
    await indexDataset(config);
    const path = join(root, "participants.csv");
    const { mtime } = statSync(path);
    const text = readFileSync(path, "utf8");
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(path, text.replace("ASD", "XYZ"));
    utimesSync(path, mtime, mtime);
    expect(await catalogStatus(config)).toMatchObject({ state: "stale", changed: ["participants.csv"] });
    expect((await indexDataset(config)).hashed).toBe(1);
  });

  it("says the catalog is stale when trove.toml asks for other hashes", async () => {
    const { config } = await demo();
    await indexDataset(config, { hash: "md5" });
    expect(await catalogStatus(config)).toMatchObject({ state: "stale", hashChanged: { catalog: "md5", config: "sha256" } });
    await indexDataset(config);
    expect((await catalogStatus(config)).state).toBe("fresh");
  });

  it("updates a data file's metadata when only its sidecar changed", async () => {
    const root = join(tempDir(), "ds001");
    cpSync(sharedFixture("bids-examples", "ds001"), root, { recursive: true });
    writeFileSync(join(root, "trove.toml"), `[dataset]\nname = "ds001"\n[[layout]]\ntype = "bids"\n`);
    const config = await loadConfig(root);
    await indexDataset(config);
    const sidecar = join(root, "task-balloonanalogrisktask_bold.json");
    writeFileSync(sidecar, JSON.stringify({ ...JSON.parse(readFileSync(sidecar, "utf8")), RepetitionTime: 3 }));
    const report = await indexDataset(config);
    expect(report.changed).toEqual(["task-balloonanalogrisktask_bold.json"]);
    const incremental = await tables(root);
    await indexDataset(config, { full: true });
    expect(await tables(root)).toEqual(incremental);
    const bold = incremental.files.find((f: any) => f.path === "sub-01/func/sub-01_task-balloonanalogrisktask_run-01_bold.nii.gz") as any;
    expect(JSON.parse(bold.metadata).RepetitionTime).toBe(3);
  });
});
