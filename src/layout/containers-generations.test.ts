// Tests of the containers layout on every Thot generation (the committed fixtures of
// test/fixtures/thot/) and on the bad input the Thot issue lists: positions in malformed JSON,
// half-written assets, `_scripts.json`.
//
//   npx vitest run src/layout/containers-generations

import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { writeTree } from "../../test/fixtures/make-thot-project.ts";
import { FIXTURES_DIR } from "../../test/fixtures/thot/make.ts";
import { containersLayout } from "./containers.ts";
import type { Annotations, Tree } from "./layout.ts";

async function listFiles(root: string, rel = ""): Promise<string[]> {
  const entries = await readdir(join(root, rel), { withFileTypes: true });
  const nested = await Promise.all(entries.map((d) => (d.isDirectory() ? listFiles(root, rel ? `${rel}/${d.name}` : d.name) : [rel ? `${rel}/${d.name}` : d.name])));
  return nested.flat().sort();
}

async function annotateDir(root: string): Promise<Annotations> {
  const tree: Tree = { root, paths: await listFiles(root), readText: (rel) => readFile(join(root, rel), "utf8") };
  return containersLayout().annotate!(tree);
}

async function annotateFiles(files: Record<string, string>): Promise<Annotations> {
  const dir = tempDir("trove-containers-gen-");
  await writeTree(dir, files);
  return annotateDir(dir);
}

describe.each([".thot", ".syre"])("containers layout on a %s project", (app) => {
  const dir = join(FIXTURES_DIR, app === ".syre" ? "syre" : "thot-0.10");

  it("reads containers and assets through compat/thot, with rids and scripts", async () => {
    const a = await annotateDir(dir);
    expect(a.problems).toEqual([]);
    expect(a.containers!.filter((r) => r.kind === "container").map((r) => r.path)).toEqual(["data", "data/deg20", "data/deg30", "data/deg30/test"]);
    const deg20 = a.containers!.find((r) => r.path === "data/deg20")!;
    expect(deg20).toMatchObject({ rid: "00000000-0000-4000-8000-000000000020", type: "sample", scripts: [{ script: "analysis/times_data_prep.py", priority: 0, autorun: true }] });
  });

  it("gives files their roles: app folders are descriptors, listed files assets, the rest data", async () => {
    const a = await annotateDir(dir);
    expect(a.entities!.get(`data/deg20/${app}/assets.json`)).toMatchObject({ container: "data/deg20", role: "descriptor" });
    expect(a.entities!.get("data/deg20/stats.csv")).toEqual({
      container: "data/deg20",
      container_type: "sample",
      asset: "data/deg20/stats.csv",
      asset_type: "stats",
      role: "asset-file",
    });
    expect(a.entities!.get("data/deg30/unlisted.csv")).toMatchObject({ container: "data/deg30", asset: null, role: "data" });
    expect(a.metadata.get("data/deg30/unlisted.csv")).toEqual({ location: "Lausanne", angle: 30, material: "steel" });
    expect(a.entities!.get("analysis/plot.py")).toMatchObject({ container: null, role: "data" });
    if (app === ".syre") {
      expect(a.entities!.get(".syreignore")).toMatchObject({ role: "descriptor" });
      // data/scratch is ignored: its files are data of the container above
      expect(a.entities!.get("data/scratch/.syre/container.json")).toMatchObject({ container: "data", role: "descriptor" });
    }
  });
});

describe("containers layout on bad Thot 0.x input", () => {
  it("names the line and column of malformed JSON", async () => {
    const a = await annotateFiles({ "_container.json": '{\n  "type": "project",\n  "metadata": {"a": 1,}\n}\n' });
    expect(a.problems).toEqual([{ path: "_container.json", message: "not valid JSON at line 3, column 23 (Expected double-quoted property name)" }]);
  });

  it("never reads a half-written _asset.json as an asset", async () => {
    const a = await annotateFiles({
      "_container.json": "{}",
      "run1/_asset.json": '{"file": "data.cs',
      "run1/data.csv": "1\n",
    });
    expect(a.problems).toEqual([
      { path: "run1/_asset.json", message: expect.stringMatching(/^not valid JSON at line 1, column \d+ \(Unterminated string\); the file ends early \(half-written\?\)$/) },
      { path: "run1/_asset.json", message: "the asset is skipped until its descriptor is valid JSON" },
    ]);
    expect(a.containers!.map((r) => r.path)).toEqual([""]);
    expect(a.entities!.get("run1/data.csv")).toMatchObject({ container: "", asset: null, role: "data" });
  });

  it("reads _scripts.json with Thot's defaults and reports escaping paths", async () => {
    const a = await annotateFiles({
      "_container.json": "{}",
      "s/_container.json": "{}",
      "s/_scripts.json": JSON.stringify([{ script: "root:/a.py" }, { script: "b.py", priority: 2, autorun: false }, { script: "root:/../c.py" }]),
    });
    expect(a.containers!.find((r) => r.path === "s")!.scripts).toEqual([
      { script: "a.py", priority: 0, autorun: true },
      { script: "s/b.py", priority: 2, autorun: false },
    ]);
    expect(a.problems).toEqual([{ path: "s/_scripts.json", message: '[2] script: "root:/../c.py" points outside the project' }]);
  });
});

describe("trove init's detection", () => {
  it("takes every Thot generation for the containers layout", async () => {
    const { detectLayout } = await import("./detect.ts");
    expect(detectLayout(join(FIXTURES_DIR, "thot-0.x")).layout).toBe("containers");
    expect(detectLayout(join(FIXTURES_DIR, "thot-0.10"))).toEqual({ layout: "containers", reason: ".thot/project.json at the top (a Thot 0.10 project)" });
    expect(detectLayout(join(FIXTURES_DIR, "syre"))).toEqual({ layout: "containers", reason: ".syre/project.json at the top (a Syre project)" });
  });
});
