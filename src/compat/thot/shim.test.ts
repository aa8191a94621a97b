// The Python side (python/thot_shim: `thot`, `syre`, trove_thot), run with the real python3 over a
// task file written by hand: Thot's search semantics, subtree scoping, add_asset's rules.
//
//   npx vitest run src/compat/thot/shim.test.ts

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pythonShimDir } from "../python-shims.ts";

const dir = mkdtempSync(join(tmpdir(), "trove-thot-shim-"));
mkdirSync(join(dir, "p", "s"), { recursive: true }); // the container folder scripts work in
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const container = (id: string, parent: string | null, extra: object) => ({ _id: id, parent, children: [], assets: [], name: id.split("/").pop(), type: null, tags: [], metadata: {}, ...extra });
const asset = (id: string, parent: string, extra: object) => ({ _id: id, parent, name: id.split("/").pop(), type: null, tags: [], metadata: {}, file: `${id}/data.csv`, ...extra });

function task(generation: string) {
  const root = join(dir, "p");
  return {
    trove_task: 1,
    kind: "thot",
    generation,
    root,
    container: "s",
    container_id: `${root}/s`,
    script: { path: "scripts/a.py", id: `${root}/scripts/a.py` },
    staging: join(dir, generation, "staging"),
    replaceable: ["mine"],
    taken: ["data", "mine"],
    containers: [
      container(`${root}/s`, null, { type: "sample", tags: ["wood", "slope"], metadata: { angle: 20, material: "wood" } }),
      container(`${root}/s/t`, `${root}/s`, { type: "trial", metadata: { angle: 20, material: "wood", n: 1 } }),
    ],
    assets: [
      asset(`${root}/s/data`, `${root}/s`, { type: "times", metadata: { angle: 20, run: { speed: 3 } } }),
      asset(`${root}/s/t/raw`, `${root}/s/t`, { type: "raw", tags: ["a", "b"], metadata: { angle: 20 } }),
    ],
  };
}

function python(generation: string, code: string): { out: string; err: string; status: number | null } {
  const file = join(dir, `${generation}.task.json`);
  writeFileSync(file, JSON.stringify(task(generation)));
  const r = spawnSync("python3", ["-c", code], { encoding: "utf8", cwd: dir, env: { ...process.env, TROVE_TASK: file, PYTHONPATH: pythonShimDir("thot_shim") } });
  return { out: r.stdout.trim(), err: r.stderr, status: r.status };
}

describe("thot (0.x)", () => {
  it("searches the subtree with Thot's semantics: dot paths, regex, list containment, $in, predicates", () => {
    const r = python(
      "thot-0.x",
      `import re
from thot import ThotProject, filter
t = ThotProject()
names = lambda xs: ",".join(x.name for x in xs)
print(names(t.find_assets({"metadata.run.speed": 3})))
print(names(t.find_assets({"name": re.compile("^r")})))
print(names(t.find_assets({"tags": ["b", "a"]})), names(t.find_assets({"tags": ["a", "z"]})), names(t.find_assets({"tags": "b"})))
print(names(t.find_containers({"type": {"$in": ["trial", "x"]}})))
print(names(t.find_containers({"metadata.n": lambda n: n > 0})))
print(t.find_asset({"type": "nope"}), t.find_container({"type": "sample"}).metadata["material"])
print(names(filter({"type": "raw"}, t.find_assets())))
print(t.root == t.find_container({"type": "sample"})._id)`,
    );
    expect(r.err).toBe("");
    expect(r.out.split("\n")).toEqual(["data", "raw", "raw  raw", "t", "t", "None wood", "raw", "True"]);
  });

  it("add_asset stages the asset folder and its _asset.json, and refuses to replace what the script did not make", () => {
    const r = python(
      "thot-0.x",
      `from thot import ThotProject
t = ThotProject()
p = t.add_asset({"name": "stats", "type": "stats", "file": "stats.csv"})
open(p, "w").write("x")
print(p)
print(t.add_asset({"name": "mine"}).endswith("/mine/mine"))
try:
    t.add_asset({"name": "data"})
except Exception as e:
    print(type(e).__name__, e)
try:
    t.add_asset({"file": "../escape.csv"}, _id="x")
except Exception as e:
    print(type(e).__name__, e)`,
    );
    expect(r.err).toBe("");
    const lines = r.out.split("\n");
    const staging = join(dir, "thot-0.x", "staging");
    expect(lines[0]).toBe(join(staging, "stats", "stats.csv"));
    expect(JSON.parse(readFileSync(join(staging, "stats", "_asset.json"), "utf8"))).toEqual({ name: "stats", type: "stats", file: "stats.csv", creator: task("thot-0.x").script.id, creator_type: "script" });
    expect(lines[1]).toBe("True");
    expect(lines[2]).toBe("ShimError asset folder 'data' already exists in s and was not made by this script; Thot scripts may only add assets, never change or replace existing ones");
    expect(lines[3]).toBe("ShimError asset file '../escape.csv' must be a path inside the asset's folder");
  });

  it("outside a trove run it says what is missing instead of failing obscurely", () => {
    const r = spawnSync("python3", ["-c", "from thot import ThotProject\nThotProject()"], { encoding: "utf8", env: { ...process.env, TROVE_TASK: "", PYTHONPATH: pythonShimDir("thot_shim") } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/meant to be run by `trove run` \(or `trove thot run`\)/);
  });
});

describe("syre (0.10 / Syre)", () => {
  it("Database: keyword searches, root, add_asset(file, ...) into the manifest", () => {
    const r = python(
      "syre",
      `from syre import Database
db = Database()
print(db.root.name, [a.name for a in db.find_assets(type="times", metadata={"angle": 20})], db.find_container(tags=["wood"]).name)
p = db.add_asset("plots/fit.png", name="fit", type="plot", tags=["x"], metadata={"k": 1})
open(p, "w").write("png")
print(p)`,
    );
    expect(r.err).toBe("");
    const staging = join(dir, "syre", "staging");
    expect(r.out.split("\n")).toEqual(["s ['data'] s", join(staging, "plots/fit.png")]);
    expect(JSON.parse(readFileSync(join(staging, ".trove-assets.jsonl"), "utf8"))).toEqual({ path: "plots/fit.png", properties: { name: "fit", kind: "plot", description: null, tags: ["x"], metadata: { k: 1 } } });
  });
});
