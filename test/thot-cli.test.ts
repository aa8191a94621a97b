// A Thot or Syre project is indexed and queried as it is: no trove.toml, nothing written into the
// project but trove's own .trove/ folder; inherited metadata is a column SQL can filter on.

import { cpSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./fixtures.ts";
import { runTrove, tempDir } from "./helpers.ts";

describe("trove on a Thot/Syre project without trove.toml", () => {
  for (const generation of ["thot-0.x", "thot-0.10", "syre"]) {
    it(`${generation}: index, then SQL over inherited metadata`, () => {
      const dir = join(tempDir("thot-cli-"), generation);
      cpSync(join(repoRoot, "test", "fixtures", "thot", generation), dir, { recursive: true });
      const indexed = runTrove(["index", dir]);
      expect(indexed.code, indexed.stderr).toBe(0);
      const q = runTrove(["query", "-d", dir, "--format", "json", "SELECT name, metadata.angle AS angle FROM containers WHERE type = 'sample' ORDER BY angle"]);
      expect(q.code, q.stderr).toBe(0);
      expect(q.stdout.trim().split("\n").map((l) => JSON.parse(l))).toEqual([
        { name: expect.stringMatching(/20/), angle: 20 },
        { name: expect.stringMatching(/30/), angle: 30 },
      ]);
    });
  }
});
