// Tests of the containers layout on Thot's measuring_gravity project and on broken projects.
//
//   npx vitest run src/layout/containers

import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOTE_TIME, makeThotProject, writeTree } from "../../test/fixtures/make-thot-project.ts";
import { containersLayout } from "./containers.ts";
import { type Annotations, type ContainerRow, LayoutError, type Tree } from "./layout.ts";

const made: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "trove-containers-"));
  made.push(dir);
  return dir;
}

afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

async function listFiles(root: string, rel = ""): Promise<string[]> {
  const entries = await readdir(join(root, rel), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((d) => {
      const child = rel ? `${rel}/${d.name}` : d.name;
      return d.isDirectory() ? listFiles(root, child) : Promise.resolve([child]);
    }),
  );
  return nested.flat().sort();
}

async function treeOf(root: string): Promise<Tree> {
  return { root, paths: await listFiles(root), readText: (rel) => readFile(join(root, rel), "utf8") };
}

async function annotate(files: Record<string, string | Uint8Array>): Promise<{ root: string; a: Annotations }> {
  const root = await tempDir();
  await writeTree(root, files);
  return { root, a: await containersLayout().annotate!(await treeOf(root)) };
}

function row(a: Annotations, path: string): ContainerRow {
  const found = a.containers?.find((r) => r.path === path);
  if (!found) throw new Error(`no container row ${JSON.stringify(path)}`);
  return found;
}

describe("containers layout on the measuring_gravity project", () => {
  let a: Annotations;
  let tree: Tree;
  beforeAll(async () => {
    const root = await tempDir();
    await makeThotProject(root);
    tree = await treeOf(root);
    a = await containersLayout().annotate!(tree);
  });

  it("finds every container and asset, sorted by path, without problems", () => {
    expect(a.problems).toEqual([]);
    expect(a.containers!.map((r) => [r.path, r.kind])).toEqual([
      ["", "container"],
      ["_references", "container"],
      ["_references/timer_accuracy", "asset"],
      ["deg20", "container"],
      ["deg20/data", "asset"],
      ["deg20/stats", "asset"],
      ["deg30", "container"],
      ["deg30/calibration", "asset"],
      ["deg30/data", "asset"],
      ["deg30/run1", "container"],
      ["deg30/run1/data", "asset"],
    ]);
  });

  it("reads the root container's descriptor", () => {
    expect(row(a, "")).toEqual({
      path: "",
      kind: "container",
      name: "inclined plane",
      type: "project",
      description: null,
      tags: [],
      metadata: { location: "Lausanne" },
      own_metadata: { location: "Lausanne" },
      parent: null,
      file: null,
      creator: null,
      creator_type: null,
      notes: [],
      rid: null,
      scripts: [{ script: "scripts/times_data_prep.py", priority: 0, autorun: true }],
    });
  });

  it("names a container after its folder when the descriptor does not", () => {
    expect(row(a, "deg30").name).toBe("deg30");
    expect(row(a, "deg30/data").name).toBe("data");
    expect(row(a, "deg20/data").name).toBe("deg20 times");
  });

  it("inherits metadata from ancestor containers, nearest first, own last", () => {
    expect(row(a, "deg20").metadata).toEqual({ location: "Lausanne", angle: 20, material: "wood" });
    expect(row(a, "deg30/run1")).toMatchObject({
      parent: "deg30",
      own_metadata: { material: "steel (polished)", run: 1 },
      metadata: { location: "Lausanne", angle: 30, material: "steel (polished)", run: 1 },
    });
    expect(row(a, "deg30/run1/data")).toMatchObject({
      parent: "deg30/run1",
      own_metadata: { angle: 31 },
      metadata: { location: "Lausanne", angle: 31, material: "steel (polished)", run: 1 },
    });
  });

  it("keeps tags to the folder that declares them", () => {
    expect(row(a, "deg20").tags).toEqual(["wood"]);
    expect(row(a, "deg20/data").tags).toEqual([]);
  });

  it("reads asset fields and resolves files against the asset folder or root:/", () => {
    expect(row(a, "deg20/data")).toMatchObject({ type: "times", file: "deg20/data/data.csv", creator: "brian", creator_type: "user" });
    expect(row(a, "deg20/stats")).toMatchObject({
      file: "deg20/stats/stats.csv",
      creator: "root:/scripts/times_data_prep.py",
      creator_type: "script",
    });
    expect(row(a, "deg30/calibration").file).toBe("_references/timer_accuracy/accuracy.csv");
  });

  it("reads notes with their stem, mtime and UTF-8 text, or null content", () => {
    expect(row(a, "deg30").notes).toEqual([
      { title: "latin1", created: NOTE_TIME.toISOString(), content: null },
      { title: "note_1", created: NOTE_TIME.toISOString(), content: "Ball slipped on trial 3.\n" },
    ]);
    expect(row(a, "deg20").notes).toEqual([]);
  });

  it("gives every file its container, asset, types and role", () => {
    const e = (p: string) => a.entities!.get(p);
    expect(e("deg30/data/data.csv")).toEqual({
      container: "deg30",
      container_type: "sample",
      asset: "deg30/data",
      asset_type: "times",
      role: "asset-file",
    });
    expect(e("deg30/run1/_container.json")).toMatchObject({ container: "deg30/run1", container_type: "run", asset: null, role: "descriptor" });
    expect(e("deg20/stats/_asset.json")).toMatchObject({ container: "deg20", asset: "deg20/stats", asset_type: "stats", role: "descriptor" });
    expect(e("deg30/_notes/note_1.txt")).toMatchObject({ container: "deg30", asset: null, role: "note" });
    expect(e("scripts/times_data_prep.py")).toEqual({
      container: "",
      container_type: "project",
      asset: null,
      asset_type: null,
      role: "data",
    });
    expect(e("_references/timer_accuracy/accuracy.csv")).toMatchObject({ asset: "_references/timer_accuracy", role: "asset-file" });
    expect([...a.entities!.keys()]).toEqual(tree.paths);
  });

  it("gives every file the inherited metadata of its nearest container or asset", () => {
    expect(a.metadata.get("deg30/data/data.csv")).toEqual({ location: "Lausanne", angle: 30, material: "steel" });
    expect(a.metadata.get("deg20/stats/stats.csv")).toEqual({ location: "Lausanne", angle: 20, material: "wood", method: "mean" });
    expect(a.metadata.get("deg30/_notes/note_1.txt")).toEqual({ location: "Lausanne", angle: 30, material: "steel" });
    expect(a.metadata.get("_scripts.json")).toEqual({ location: "Lausanne" });
  });

  it("builds back the path of every descriptor from its entities", () => {
    const layout = containersLayout();
    const descriptors = tree.paths.filter((p) => p.endsWith("_container.json") || p.endsWith("_asset.json"));
    expect(descriptors).toHaveLength(11);
    for (const p of descriptors) expect(layout.build(a.entities!.get(p)!)).toBe(p);
  });
});

describe("containers layout parse and build", () => {
  const layout = containersLayout();

  it("accepts every path and names only what the path shows", () => {
    expect(layout.name).toBe("containers");
    expect(layout.entities).toEqual(["container", "container_type", "asset", "asset_type", "role"]);
    expect(layout.parse("deg30/_container.json")).toEqual({
      valid: true,
      entities: { container: null, container_type: null, asset: null, asset_type: null, role: "descriptor" },
      unparsed: null,
    });
    expect(layout.parse("deg30/data/data.csv").entities.role).toBeNull();
  });

  it("builds descriptor paths and refuses anything else", () => {
    expect(layout.build({ container: "", role: "descriptor" })).toBe("_container.json");
    expect(layout.build({ container: "deg30", asset: "deg30/data", role: "descriptor" })).toBe("deg30/data/_asset.json");
    expect(() => layout.build({ container: "deg30", role: "data" })).toThrow(LayoutError);
    expect(() => layout.build({ container: "deg30", role: "note" })).toThrow(/not role "note"/);
    expect(() => layout.build({ role: "descriptor" })).toThrow(/needs a container or an asset folder/);
  });
});

describe("containers layout on broken projects", () => {
  it("reports bad descriptors by file and key, and keeps going", async () => {
    const { root, a } = await annotate({
      "_container.json": "{ not json",
      "a/_container.json": JSON.stringify({ name: 5, tags: ["ok", 3], metadata: [1], description: "" }),
      "a/b/_asset.json": JSON.stringify({ creator_type: "robot", creator: ["x"] }),
      "a/c/_asset.json": "[1, 2]",
      "a/d/_asset.json": JSON.stringify({ file: "root:/../../outside.csv" }),
      "a/e/_asset.json": JSON.stringify({ file: "gone.csv" }),
      "a/x.csv": "1\n",
    });
    const messages = a.problems.map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^_container\.json: not valid JSON/),
        'a/_container.json: key "name": expected a string, got number 5',
        'a/_container.json: key "tags[1]": expected a string, got number 3; non-strings dropped',
        'a/_container.json: key "metadata": expected an object, got a list',
        'a/b/_asset.json: key "file": missing, so the asset names no data file',
        'a/b/_asset.json: key "creator": expected a string, got a list',
        'a/b/_asset.json: key "creator_type": expected "user" or "script", got "robot"',
        "a/c/_asset.json: expected a JSON object, got a list",
        'a/d/_asset.json: key "file": file "root:/../../outside.csv" points outside the dataset',
        'a/e/_asset.json: key "file": "a/e/gone.csv" is not among the dataset\'s files',
      ]),
    );
    expect(row(a, "")).toMatchObject({ name: basename(root), metadata: {}, type: null });
    expect(row(a, "a")).toMatchObject({ name: "a", tags: ["ok"], metadata: {}, description: null, parent: "" });
    expect(row(a, "a/b")).toMatchObject({ kind: "asset", file: null, creator: null, creator_type: null });
    expect(row(a, "a/e").file).toBe("a/e/gone.csv");
    expect(a.entities!.get("a/x.csv")).toMatchObject({ container: "a", role: "data" });
  });

  it("treats a folder holding both descriptors as a container and says so", async () => {
    const { a } = await annotate({
      "both/_container.json": JSON.stringify({ type: "sample", metadata: { k: 1 } }),
      "both/_asset.json": JSON.stringify({ file: "x.csv" }),
      "both/x.csv": "1\n",
    });
    expect(a.problems).toEqual([
      {
        path: "both/_asset.json",
        message: 'folder "both" holds both _container.json and _asset.json; Thot allows one, trove treats it as a container',
      },
    ]);
    expect(a.containers!.map((r) => [r.path, r.kind])).toEqual([["both", "container"]]);
    expect(a.entities!.get("both/x.csv")).toMatchObject({ container: "both", asset: null, role: "data" });
    expect(a.entities!.get("both/_asset.json")).toMatchObject({ container: "both", role: "descriptor" });
  });

  it("stops inheriting at a plain folder, as Thot does, yet files still find their nearest container", async () => {
    const { a } = await annotate({
      "_container.json": JSON.stringify({ metadata: { site: "EPFL" } }),
      "plain/notes.txt": "loose file\n",
      "plain/sub/_container.json": JSON.stringify({ metadata: { run: 2 } }),
      "plain/sub/y.csv": "1\n",
    });
    expect(row(a, "plain/sub")).toMatchObject({ parent: null, metadata: { run: 2 } });
    expect(a.entities!.get("plain/notes.txt")).toMatchObject({ container: "", role: "data" });
    expect(a.metadata.get("plain/notes.txt")).toEqual({ site: "EPFL" });
    expect(a.metadata.get("plain/sub/y.csv")).toEqual({ run: 2 });
  });

  it("resolves root:/ against the dataset root for an asset with no container, and folder files", async () => {
    const { a } = await annotate({
      "orphan/_asset.json": JSON.stringify({ file: "root:/orphan/rec.mff", type: "eeg" }),
      "orphan/rec.mff/signal1.bin": "x",
      "orphan/rec.mff/info.xml": "<x/>",
      "elsewhere.txt": "x",
    });
    expect(a.problems).toEqual([]);
    expect(row(a, "orphan")).toMatchObject({ parent: null, file: "orphan/rec.mff" });
    expect(a.entities!.get("orphan/rec.mff/signal1.bin")).toEqual({
      container: null,
      container_type: null,
      asset: "orphan",
      asset_type: "eeg",
      role: "asset-file",
    });
    expect(a.entities!.get("elsewhere.txt")).toMatchObject({ container: null, asset: null, role: "data" });
    expect(a.metadata.has("elsewhere.txt")).toBe(false);
  });

  it("reports objects inside an asset, which Thot never sees", async () => {
    const { a } = await annotate({
      "_container.json": JSON.stringify({ metadata: { k: 1 } }),
      "f/_asset.json": JSON.stringify({ file: "f.csv" }),
      "f/f.csv": "1\n",
      "f/g/_container.json": JSON.stringify({ metadata: { j: 2 } }),
    });
    expect(a.problems).toEqual([
      { path: "f/g/_container.json", message: 'lies inside asset "f"; Thot never looks inside assets, so it inherits nothing' },
    ]);
    expect(row(a, "f/g")).toMatchObject({ parent: null, metadata: { j: 2 } });
  });
});
