import { copyFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sharedFixture } from "../../../test/fixtures.ts";
import { tempDir } from "../../../test/helpers.ts";
import { loadConfig } from "../../config/load.ts";
import { indexDataset } from "../../catalog/indexer.ts";
import { importedOneDir } from "../../catalog/manifest.ts";
import { Dataset } from "../../dataset/dataset.ts";

describe("ONE cache tables in a dataset folder", () => {
  it("are in the catalog as soon as the dataset is opened, and follow changes to them", async () => {
    const root = tempDir();
    writeFileSync(join(root, "trove.toml"), `[dataset]\nname = "ibl"\n[[layout]]\ntype = "alf"\n`);
    for (const t of ["sessions.pqt", "datasets.pqt"]) copyFileSync(sharedFixture(`one/${t}`), join(root, t));
    await indexDataset(await loadConfig(root));

    const ds = await Dataset.open(root);
    try {
      // ONE's legacy fixture: int-pair ids come back as UUIDs, as `trove one import` gives them
      expect(await ds.query("SELECT count(*)::INT AS n FROM one_sessions")).toEqual([{ n: 26 }]);
      expect(await ds.query("SELECT count(*)::INT AS n FROM one_datasets")).toEqual([{ n: 693 }]);
      expect(String((await ds.query("SELECT id FROM one_sessions LIMIT 1"))[0].id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    } finally {
      ds.close();
    }
    const imported = statSync(join(importedOneDir(root), "sessions.pqt")).mtimeMs;
    (await Dataset.open(root)).close(); // unchanged tables: not imported again
    expect(statSync(join(importedOneDir(root), "sessions.pqt")).mtimeMs).toBe(imported);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, "datasets.pqt"), later, later);
    (await Dataset.open(root)).close();
    expect(statSync(join(importedOneDir(root), "sessions.pqt")).mtimeMs).toBeGreaterThan(imported);
  });
});
