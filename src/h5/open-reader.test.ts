// openRangeReader picks the reader by what it is given: an http(s) URL, a file:// URL, a path.
//
//   npx vitest run src/h5/open-reader.test.ts

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { HttpRangeReader } from "./http-reader.ts";
import { localPath, openRangeReader } from "./open-reader.ts";
import { LocalFileReader } from "./reader.ts";
import { startRangeServer } from "./testing-http.ts";

const basic = join(repoRoot, "test", "fixtures", "h5", "basic.h5");

describe("openRangeReader", () => {
  it("opens an http URL with HttpRangeReader, a file:// URL or a path with LocalFileReader", async () => {
    const srv = await startRangeServer({ files: { "/basic.h5": basic } });
    const want = readFileSync(basic).subarray(0, 8);
    try {
      for (const [src, kind] of [[srv.url("/basic.h5"), HttpRangeReader], [pathToFileURL(basic).href, LocalFileReader], [basic, LocalFileReader]] as const) {
        const r = await openRangeReader(src);
        expect(r).toBeInstanceOf(kind);
        expect(Buffer.from(await r.read(0, 8))).toEqual(want);
        await r.close();
      }
    } finally {
      await srv.close();
    }
    await expect(openRangeReader(join(basic, "..", "missing.h5"))).rejects.toThrow(/ENOENT/);
  });

  it("turns file:// URLs into paths and leaves the rest alone", () => {
    expect(localPath("file:///data/x%20y.h5")).toBe("/data/x y.h5");
    expect(localPath("rel/x.h5")).toBe("rel/x.h5");
  });
});
