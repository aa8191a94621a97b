// Tests of broken Thot/Syre projects: each problem is reported with the file (and position), the
// rest of the project still loads, and strict loading refuses the project.
//
//   npx vitest run src/compat/thot/bad-input

import { describe, expect, it } from "vitest";
import { tempDir } from "../../../test/helpers.ts";
import { writeTree } from "../../../test/fixtures/make-thot-project.ts";
import { type FixtureGeneration, thotFixtureFiles } from "../../../test/fixtures/thot/make.ts";
import { ThotFormatError, ThotProject } from "./index.ts";

/** A fixture project with some files replaced (or, with null, removed). */
async function broken(g: FixtureGeneration, changes: Record<string, string | null>): Promise<string> {
  const files: Record<string, string | Uint8Array> = { ...thotFixtureFiles(g) };
  for (const [rel, content] of Object.entries(changes)) {
    if (content === null) delete files[rel];
    else files[rel] = content;
  }
  const dir = tempDir("trove-thot-bad-");
  await writeTree(dir, files);
  return dir;
}

const messages = (p: ThotProject) => p.problems.map((x) => x.message);

describe("bad Thot 0.x input", () => {
  it("malformed JSON names the file, line and column; the container keeps its subtree", async () => {
    const dir = await broken("thot-0.x", { "deg20/_container.json": '{\n  "type": "sample",\n  "metadata": {"angle": 20,}\n}\n' });
    const p = await ThotProject.open(dir);
    expect(messages(p)).toEqual([expect.stringMatching(/^deg20\/_container\.json:3:28: not valid JSON \(/)]);
    expect(p.container("deg20")).toMatchObject({ name: "deg20", type: null, metadata: { location: "Lausanne" } });
    expect(p.asset("deg20/data")).toBeDefined();
    await expect(ThotProject.open(dir, { strict: true })).rejects.toThrow(/deg20\/_container\.json:3:28: not valid JSON/);
    await expect(ThotProject.open(dir, { strict: true })).rejects.toThrow(ThotFormatError);
  });

  it("a half-written _asset.json is never read as valid: skipped and reported", async () => {
    const dir = await broken("thot-0.x", { "deg20/stats/_asset.json": '{"type": "stats", "file": "sta', "deg30/data/_asset.json": "" });
    const p = await ThotProject.open(dir);
    expect(messages(p)).toEqual([
      expect.stringMatching(/^deg20\/stats\/_asset\.json:1:\d+: not valid JSON .*half-written/),
      "deg30/data/_asset.json:1:1: empty file (half-written?)",
    ]);
    expect(p.asset("deg20/stats")).toBeUndefined();
    expect(p.asset("deg30/data")).toBeUndefined();
    expect(p.asset("deg20/data")).toBeDefined();
  });

  it("two object files in one folder is an error naming the folder", async () => {
    const dir = await broken("thot-0.x", { "deg30/data/_container.json": "{}" });
    const p = await ThotProject.open(dir);
    expect(messages(p)).toEqual([expect.stringContaining('folder "deg30/data" holds both _container.json and _asset.json')]);
    expect(p.asset("deg30/data")).toBeUndefined();
    expect(p.container("deg30/data")).toBeUndefined();
  });

  it("a root: or relative path that escapes the project is refused", async () => {
    const dir = await broken("thot-0.x", {
      "deg30/calibration/_asset.json": '{"file": "root:/../outside.csv"}',
      "deg20/data/_asset.json": '{"file": "../../../etc/passwd"}',
      "deg20/_scripts.json": '[{"script": "root:/../../evil.py"}, {"script": "ok.py", "priority": "high"}]',
    });
    const p = await ThotProject.open(dir);
    expect(messages(p)).toEqual([
      'deg20/_scripts.json: [0] script: "root:/../../evil.py" points outside the project',
      'deg20/_scripts.json: [1] priority: expected an integer, got string "high"; 0 used',
      'deg20/data/_asset.json: key "file": "../../../etc/passwd" points outside the project; the asset is skipped',
      'deg30/calibration/_asset.json: key "file": "root:/../outside.csv" points outside the project; the asset is skipped',
    ]);
    expect(p.container("deg20")!.scripts.map((s) => s.script)).toEqual(["deg20/ok.py"]);
  });

  it("an asset without a file is skipped and reported", async () => {
    const p = await ThotProject.open(await broken("thot-0.x", { "deg30/data/_asset.json": '{"type": "times"}' }));
    expect(messages(p)).toEqual(['deg30/data/_asset.json: key "file": missing; the asset is skipped']);
  });

  it("a folder that is no project is a clear error", async () => {
    await expect(ThotProject.open(tempDir())).rejects.toThrow(/is not a Thot or Syre project/);
  });
});

describe.each(["thot-0.10", "syre"] as const)("bad %s input", (g) => {
  const app = g === "syre" ? ".syre" : ".thot";

  it("malformed container.json and assets.json name file and position", async () => {
    const dir = await broken(g, {
      [`data/deg20/${app}/container.json`]: '{"rid": "x", "properties": {"name": "deg20" "kind": "sample"}}',
      [`data/deg30/${app}/assets.json`]: '{"a": {"rid": "a", "path": "data/da',
    });
    const p = await ThotProject.open(dir);
    expect(messages(p)).toEqual([
      expect.stringMatching(new RegExp(`^data/deg20/\\${app}/container\\.json:1:45: not valid JSON`)),
      expect.stringMatching(new RegExp(`^data/deg30/\\${app}/assets\\.json:1:\\d+: not valid JSON .*half-written`)),
    ]);
    expect(p.container("data/deg20")!.name).toBe("deg20");
    expect(p.container("data/deg30")!.assets).toEqual([]);
    expect(p.asset("data/deg20/data/data.csv")).toBeDefined();
  });

  it("an asset path that leaves its container, and an unknown script, are reported", async () => {
    const dir = await broken(g, {
      [`data/deg30/${app}/assets.json`]: JSON.stringify({ a: { rid: "a", properties: {}, path: "../deg20/stats.csv" } }),
      [`data/deg20/${app}/container.json`]: JSON.stringify({ rid: "c", properties: { name: "deg20" }, scripts: { nope: { script: "nope", priority: 0, autorun: true } } }),
    });
    const p = await ThotProject.open(dir);
    expect(messages(p)).toEqual([
      `data/deg20/${app}/container.json: scripts: nope is not a script of the project`,
      `data/deg30/${app}/assets.json: a: key "path": "../deg20/stats.csv" is not inside its container; the asset is skipped`,
    ]);
  });
});
