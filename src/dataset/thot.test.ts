// Tests of Thot/Syre projects through the catalog: the containers layout over a copy of each
// committed fixture generation, SQL over inherited metadata, and Dataset's Thot search.
//
//   npx vitest run src/dataset/thot

import { cp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { FIXTURES_DIR } from "../../test/fixtures/thot/make.ts";
import { loadConfig } from "../config/load.ts";
import { indexDataset } from "../catalog/indexer.ts";
import { Dataset } from "./dataset.ts";

const TOML = '[dataset]\nname = "inclined-plane"\n\n[[layout]]\ntype = "containers"\n';

/** A copy of a fixture with a trove.toml, indexed: indexing writes .trove/, never into the fixtures. */
async function indexed(generation: string): Promise<Awaited<ReturnType<typeof Dataset.open>>> {
  const dir = tempDir("trove-thot-ds-");
  await cp(join(FIXTURES_DIR, generation), dir, { recursive: true, preserveTimestamps: true });
  await writeFile(join(dir, "trove.toml"), TOML);
  await indexDataset(await loadConfig(dir));
  return Dataset.open(dir);
}

const GENERATIONS = [
  { g: "thot-0.x", top: "", deg20: "deg20", deg30: "deg30", test: "deg30/test", asset: "deg30/test/data", file: "deg30/test/data/data.csv" },
  { g: "thot-0.10", top: "data", deg20: "data/deg20", deg30: "data/deg30", test: "data/deg30/test", asset: "data/deg30/test/data/data.csv", file: "data/deg30/test/data/data.csv" },
  { g: "syre", top: "data", deg20: "data/deg20", deg30: "data/deg30", test: "data/deg30/test", asset: "data/deg30/test/data/data.csv", file: "data/deg30/test/data/data.csv" },
] as const;

describe.each(GENERATIONS)("$g through the catalog", (f) => {
  let ds: Awaited<ReturnType<typeof Dataset.open>>;
  beforeAll(async () => {
    ds = await indexed(f.g);
  });
  afterAll(() => ds?.close());

  it("has a containers row per container and asset, metadata inherited, own kept apart", async () => {
    const rows = await ds.query(
      `SELECT path, kind, type, metadata_json::VARCHAR AS m, own_metadata_json::VARCHAR AS own, parent FROM containers WHERE path IN ($1, $2, $3) ORDER BY path`,
      [f.deg30, f.test, f.asset],
    );
    expect(rows.map((r) => [r.path, r.kind, r.type, JSON.parse(String(r.m)), JSON.parse(String(r.own)), r.parent])).toEqual([
      [f.deg30, "container", "sample", { location: "Lausanne", angle: 30, material: "steel" }, { angle: 30, material: "steel" }, f.top],
      [f.test, "container", "run", { location: "Lausanne", angle: 30, material: "steel (polished)", trial: 1 }, { material: "steel (polished)", trial: 1 }, f.deg30],
      [f.asset, "asset", "times", { location: "Lausanne", angle: 31, material: "steel (polished)", trial: 1 }, { angle: 31 }, f.test],
    ]);
  });

  it("answers SQL on metadata as columns: numbers, text, own vs inherited", async () => {
    const paths = async (where: string) => (await ds.query(`SELECT path FROM containers WHERE ${where} ORDER BY path`)).map((r) => r.path);
    expect(await paths("type = 'sample' AND metadata.angle = 30")).toEqual([f.deg30]);
    expect(await paths("type = 'sample' AND metadata.angle > 20")).toEqual([f.deg30]);
    expect(await paths("kind = 'container' AND metadata.material = 'steel (polished)'")).toEqual([f.test]);
    expect(await paths("kind = 'asset' AND own_metadata.angle IS NOT NULL")).toEqual([f.asset]);
    expect(await paths("metadata_json->>'location' = 'Lausanne' AND type = 'run'")).toEqual([f.test]);
  });

  it("gives each file its container, asset and inherited metadata", async () => {
    const [row] = await ds.files({ path: f.file });
    expect(row).toMatchObject({ container: f.test, container_type: "run", asset: f.asset, asset_type: "times", role: "asset-file" });
    expect(JSON.parse(String(row.metadata))).toEqual({ location: "Lausanne", angle: 31, material: "steel (polished)", trial: 1 });
  });

  it("searches like Thot through the library", async () => {
    expect((await ds.findContainers({ type: "sample", "metadata.angle": 30 })).map((c) => c.path)).toEqual([f.deg30]);
    expect((await ds.findContainers({ tags: ["wood"] })).map((c) => c.path)).toEqual([f.deg20]);
    expect((await ds.findAssets({ "metadata.angle": { $in: [31] } })).map((a) => a.path)).toEqual([f.asset]);
    expect((await ds.findAssets({ type: "times" }, { within: f.deg30 })).map((a) => a.path)).toEqual([f.asset]);
    expect((await ds.findContainer({ name: /^deg3/ }))?.metadata).toEqual({ location: "Lausanne", angle: 30, material: "steel" });
    expect(await ds.findAsset({ type: "nothing" })).toBeUndefined();
    const top = await ds.findContainer({ type: "project" });
    expect(top?.scripts.map((s) => [s.script, s.priority, s.autorun])).toContainEqual([f.g === "thot-0.x" ? "scripts/plot.py" : "analysis/plot.py", 0, false]);
  });
});

describe("thot-0.x notes in the catalog", () => {
  it("keeps notes with the container that holds them", async () => {
    const ds = await indexed("thot-0.x");
    try {
      const [row] = await ds.query("SELECT notes::VARCHAR AS n FROM containers WHERE path = 'deg30'");
      expect(JSON.parse(String(row.n)).map((n: { title: string; content: string | null }) => [n.title, n.content])).toEqual([
        ["latin1", null],
        ["note_1", "Ball slipped on trial 3.\n"],
      ]);
    } finally {
      ds.close();
    }
  });
});

describe("a project folder without trove.toml", () => {
  it("reads as a containers dataset named after the project", async () => {
    const { isThotProjectDir, loadThotProjectConfig } = await import("../compat/thot/config.ts");
    const dir = tempDir("trove-thot-bare-");
    await cp(join(FIXTURES_DIR, "syre"), dir, { recursive: true });
    expect(isThotProjectDir(dir)).toBe(true);
    expect(isThotProjectDir(FIXTURES_DIR)).toBe(false);
    const config = await loadThotProjectConfig(dir);
    expect(config).toMatchObject({ root: dir, dataset: { name: "inclined plane" }, layout: [{ type: "containers" }] });
    await indexDataset(config);
    const ds = await Dataset.fromConfig(config);
    try {
      expect((await ds.findContainers({ "metadata.angle": 20 })).map((c) => c.path)).toEqual(["data/deg20"]);
    } finally {
      ds.close();
    }
  });
});

describe("metadata keys SQL finds awkward", () => {
  it("keeps the catalog readable with keys differing only in case, empty keys and mixed types", async () => {
    const dir = tempDir("trove-thot-keys-");
    const { writeTree } = await import("../../test/fixtures/make-thot-project.ts");
    await writeTree(dir, {
      "_container.json": JSON.stringify({ metadata: { Angle: 1, angle: 2, "": 3, "a b": "x" } }),
      "c/_container.json": JSON.stringify({ metadata: { angle: "steep", nested: { k: [1, 2] } } }),
      "trove.toml": TOML,
    });
    await indexDataset(await loadConfig(dir));
    const ds = await Dataset.open(dir);
    try {
      const rows = await ds.query(`SELECT path, metadata_json->>'angle' AS angle FROM containers ORDER BY path`);
      expect(rows).toEqual([
        { path: "", angle: "2" },
        { path: "c", angle: "steep" },
      ]);
      expect(await ds.findContainers({ "metadata.nested.k": [2] })).toHaveLength(1);
    } finally {
      ds.close();
    }
  });
});
