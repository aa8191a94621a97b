import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { startWalk } from "./find-walk.ts";
import { walk } from "./walk.ts";

describe("startWalk (GNU find)", () => {
  it("gives exactly what the JavaScript walk gives: ignores, skips, symlinks, trove's own folders", async () => {
    const root = tempDir();
    const files = ["a/b.txt", "a-b/c.txt", "a/b/c.txt", "x.tmp", "raw/skip/me.bin", "keep/.git", ".git/config", "d/.trove/x", "é/ü.txt", "trove.toml"];
    for (const f of files) {
      mkdirSync(join(root, f, ".."), { recursive: true });
      writeFileSync(join(root, f), f);
    }
    mkdirSync(join(root, ".trove-staging-1"));
    writeFileSync(join(root, ".trove-staging-1/out.csv"), "x");
    symlinkSync("a/b.txt", join(root, "link.txt"));
    symlinkSync("missing", join(root, "broken"));
    symlinkSync("a", join(root, "dirlink"));
    const options = { ignore: ["**/*.tmp", "raw/skip"], skip: ["trove.toml"] };
    const found = await startWalk(root, options);
    expect(found).toEqual(walk(root, options));
    expect(found.files.map((f) => f.path)).toEqual(["a-b/c.txt", "a/b.txt", "a/b/c.txt", "keep/.git", "link.txt", "é/ü.txt"]);
    expect(found.problems.map((p) => p.path)).toEqual(["broken", "dirlink"]);
  });
});
