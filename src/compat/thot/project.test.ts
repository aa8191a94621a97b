// Tests of reading Thot 0.x, Thot 0.10 and Syre projects (the committed fixtures of
// test/fixtures/thot/), of inheritance, and of Thot's search semantics.
//
//   npx vitest run src/compat/thot

import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES_DIR, FIXTURE_GENERATIONS, thotFixtureFiles } from "../../../test/fixtures/thot/make.ts";
import { ThotFormatError, ThotProject, detectThotGeneration } from "./index.ts";

const fixture = (g: string) => join(FIXTURES_DIR, g);

describe("the committed fixtures", () => {
  it.each(FIXTURE_GENERATIONS)("%s is what make.ts writes", async (g) => {
    for (const [rel, content] of Object.entries(thotFixtureFiles(g))) {
      const onDisk = await readFile(join(fixture(g), rel));
      expect(Buffer.compare(onDisk, Buffer.from(content)), `${g}/${rel} differs; run npx tsx test/fixtures/thot/make.ts`).toBe(0);
    }
  });

  it("tells each generation apart", () => {
    expect(FIXTURE_GENERATIONS.map((g) => detectThotGeneration(fixture(g)))).toEqual(["thot-0.x", "thot-0.10", "syre"]);
    expect(detectThotGeneration(FIXTURES_DIR)).toBeNull();
  });
});

describe("Thot 0.x (measuring_gravity)", () => {
  let p: ThotProject;
  beforeAll(async () => {
    p = await ThotProject.open(fixture("thot-0.x"));
  });

  it("reads every container and asset, nothing else, without problems", () => {
    expect(p.problems).toEqual([]);
    expect(p.name).toBe("inclined plane");
    expect(p.containers.map((c) => c.path)).toEqual(["", "_references", "deg20", "deg30", "deg30/test"]);
    // deg30/old has only `_asset_removed`; loose/ has no object file
    expect(p.assets.map((a) => a.key)).toEqual(["_references/timer_accuracy", "deg20/data", "deg20/stats", "deg30/calibration", "deg30/data", "deg30/test/data"]);
    expect(p.container("")!.children).toEqual(["_references", "deg20", "deg30"]);
    expect(p.container("deg30")!.assets).toEqual(["deg30/calibration", "deg30/data"]);
  });

  it("ids are absolute folders; names default to the folder", () => {
    expect(p.container("deg30")!._id).toBe(join(fixture("thot-0.x"), "deg30"));
    expect(p.container("deg30")!.name).toBe("deg30");
    expect(p.asset("deg20/data")!.name).toBe("deg20 times");
  });

  it("accepts the minimal asset {file} and resolves root: paths", () => {
    expect(p.asset("deg30/data")).toMatchObject({ name: "data", type: null, file: "deg30/data/data.csv", creator: null, creator_type: null, tags: [] });
    expect(p.asset("deg30/calibration")!.file).toBe("_references/timer_accuracy/accuracy.csv");
    expect(p.asset("deg20/stats")).toMatchObject({ creator: "root:/scripts/times_data_prep.py", creator_type: "script" });
    expect(p.asset("deg20/data")).toMatchObject({ creator: "brian", creator_type: "user" });
  });

  it("inherits metadata, nearest ancestor winning, own keys kept apart", () => {
    expect(p.container("deg20")!.metadata).toEqual({ location: "Lausanne", angle: 20, material: "wood" });
    expect(p.container("deg30/test")).toMatchObject({
      own_metadata: { material: "steel (polished)", trial: 1 },
      metadata: { location: "Lausanne", angle: 30, material: "steel (polished)", trial: 1 },
    });
    expect(p.asset("deg30/test/data")).toMatchObject({ own_metadata: { angle: 31 }, metadata: { location: "Lausanne", angle: 31, material: "steel (polished)", trial: 1 } });
    expect(p.asset("deg20/data")!.tags).toEqual([]); // tags are not inherited
  });

  it("reads script associations with Thot's defaults and root:/relative paths", () => {
    expect(p.container("")!.scripts).toEqual([
      { script: "scripts/times_data_prep.py", written: "root:/scripts/times_data_prep.py", priority: 0, autorun: true },
      { script: "scripts/summary.py", written: "ROOT:scripts/summary.py", priority: 1, autorun: true },
      { script: "scripts/plot.py", written: "scripts/plot.py", priority: 0, autorun: false },
    ]);
    expect(p.container("deg30/test")!.scripts.map((s) => [s.script, s.priority])).toEqual([
      ["deg30/test/test.py", 0],
      ["deg30/test.py", 1],
    ]);
  });

  it("reads notes: stem, mtime, text or null when not UTF-8", async () => {
    const mtime = async (rel: string) => (await stat(join(fixture("thot-0.x"), rel))).mtime.toISOString();
    expect(p.container("deg30")!.notes).toEqual([
      { title: "latin1", created: await mtime("deg30/_notes/latin1.txt"), content: null },
      { title: "note_1", created: await mtime("deg30/_notes/note_1.txt"), content: "Ball slipped on trial 3.\n" },
    ]);
  });
});

describe.each(["thot-0.10", "syre"] as const)("%s", (g) => {
  let p: ThotProject;
  beforeAll(async () => {
    p = await ThotProject.open(fixture(g));
  });

  it("reads the project, containers from data_root down, assets by file", () => {
    expect(p.problems).toEqual([]);
    expect(p.generation).toBe(g);
    expect(p.info).toMatchObject({ name: "inclined plane", data_root: "data", analysis_root: "analysis", format_version: g === "syre" ? "0.10.2" : "0.10.0" });
    // Syre: data/scratch is in .syreignore
    expect(p.containers.map((c) => c.path)).toEqual(["data", "data/deg20", "data/deg30", "data/deg30/test"]);
    expect(p.assets.map((a) => a.key)).toEqual(["data/deg20/data/data.csv", "data/deg20/stats.csv", "data/deg30/data/data.csv", "data/deg30/test/data/data.csv"]);
    expect(p.container("data/deg30")!.assets).toEqual(["data/deg30/data/data.csv"]);
  });

  it("maps kind to type, creators, rids, and names unnamed assets after their file", () => {
    expect(p.container("data/deg20")).toMatchObject({ rid: "00000000-0000-4000-8000-000000000020", _id: "00000000-0000-4000-8000-000000000020", type: "sample", tags: ["wood", "slope"] });
    expect(p.asset("data/deg20/stats.csv")).toMatchObject({ name: "stats.csv", type: "stats", creator_type: "script", creator: "00000000-0000-4000-8000-000000000101" });
    expect(p.asset("data/deg20/data/data.csv")).toMatchObject({ name: "deg20 times", creator_type: "user", creator: "brian", created: "2021-03-04T05:06:07Z" });
  });

  it("inherits metadata as 0.x does", () => {
    expect(p.asset("data/deg30/test/data/data.csv")).toMatchObject({ own_metadata: { angle: 31 }, metadata: { location: "Lausanne", angle: 31, material: "steel (polished)", trial: 1 } });
  });

  it("resolves script associations through the project's scripts, relative to analysis_root", () => {
    expect(p.container("data")!.scripts.map((s) => [s.script, s.priority, s.autorun])).toEqual([
      ["analysis/plot.py", 0, false],
      ["analysis/times_data_prep.py", 0, true],
      ["analysis/summary.py", 1, true],
    ]);
  });
});

describe("Thot's search", () => {
  let p: ThotProject;
  beforeAll(async () => {
    p = await ThotProject.open(fixture("thot-0.x"));
  });
  const paths = (xs: { path: string }[]) => xs.map((x) => x.path);

  it("dot paths and equality", () => {
    expect(paths(p.findContainers({ type: "sample", "metadata.angle": 30 }))).toEqual(["deg30"]);
    expect(paths(p.findContainers({ "metadata.location": "Lausanne", type: "sample" }))).toEqual(["deg20", "deg30"]);
    expect(p.findContainers({ "metadata.nothing": 1 })).toEqual([]);
    expect(paths(p.findContainers({ metadata: { angle: 20 } }))).toEqual(["deg20"]);
  });

  it("regex, list containment, $in, predicates", () => {
    expect(paths(p.findContainers({ name: /^deg\d0$/ }))).toEqual(["deg20", "deg30"]);
    expect(paths(p.findContainers({ tags: ["wood", "slope"] }))).toEqual(["deg20"]);
    expect(paths(p.findContainers({ tags: ["wood", "steel"] }))).toEqual([]);
    expect(paths(p.findContainers({ tags: "steel" }))).toEqual(["deg30"]);
    expect(paths(p.findAssets({ "metadata.angle": { $in: [20, 31] } }))).toEqual(["deg20/data", "deg20/stats", "deg30/test/data"]);
    expect(paths(p.findAssets({ "metadata.angle": (a: unknown) => Number(a) > 25, type: "times" }))).toEqual(["deg30/test/data"]);
    expect(() => p.findAssets({ type: { $nin: ["x"] } })).toThrow(/unknown operator \$nin/);
  });

  it("single finds return the first or undefined; within limits to a subtree", () => {
    expect(p.findContainer({ type: "sample" })!.path).toBe("deg20");
    expect(p.findAsset({ type: "nothing" })).toBeUndefined();
    expect(paths(p.findAssets({}, { within: "deg30" }))).toEqual(["deg30/calibration", "deg30/data", "deg30/test/data"]);
    expect(paths(p.findContainers({}, { within: "deg30" }))).toEqual(["deg30", "deg30/test"]);
    expect(() => p.findAssets({}, { within: "nope" })).toThrow(ThotFormatError);
  });

  it("the same search gives the same containers in every generation", async () => {
    for (const g of ["thot-0.10", "syre"]) {
      const modern = await ThotProject.open(fixture(g));
      expect(paths(modern.findContainers({ type: "sample", "metadata.angle": 30 }))).toEqual(["data/deg30"]);
      expect(modern.findAssets({ type: "times" }).map((a) => a.metadata.angle)).toEqual([20, 31]);
    }
  });
});
