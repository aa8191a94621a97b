// The reader against h5py at test time: files whose layout, chunking, filters, dtypes, shapes and
// libver come from a seed (scripts/h5/random-file.py), so each run checks files no fixture chose.
// A failing seed is printed; rerun it with TROVE_H5_SEEDS=<seed>.
//
//   TROVE_H5_SEEDS=1,2,3 npx vitest run src/h5/h5py-live.test.ts

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { tempDir } from "../../test/helpers.ts";
import { compareWithExpected, type Expected } from "./expected.ts";
import { H5File } from "./file.ts";

const script = join(repoRoot, "scripts", "h5", "random-file.py");
const seeds = process.env.TROVE_H5_SEEDS
  ? process.env.TROVE_H5_SEEDS.split(",").map(Number)
  : Array.from({ length: 12 }, (_, i) => (Date.now() % 100_000) * 16 + i);

describe("files written by h5py at test time", () => {
  const dir = tempDir("h5py-live");
  for (const seed of seeds) {
    it(`seed ${seed}`, async () => {
      const h5 = join(dir, `${seed}.h5`);
      const json = join(dir, `${seed}.json`);
      execFileSync("/usr/bin/python3", [script, String(seed), h5, json], { stdio: ["ignore", "ignore", "inherit"] });
      const file = await H5File.openPath(h5);
      try {
        const expected = JSON.parse(readFileSync(json, "utf8")) as Expected;
        expect(await compareWithExpected(file, expected), `seed ${seed}`).toEqual([]);
      } finally {
        await file.close();
      }
    });
  }
});
