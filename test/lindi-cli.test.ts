// `trove lindi import|ls|cat|info` as a user runs them: HDF5 fixtures written by h5py, LINDI files
// in the three formats, a local HTTP server for remote files, and the bad inputs.

import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRangeServer, type RangeServer } from "../src/h5/testing-http.ts";
import { repoRoot } from "./fixtures.ts";
import { runTrove, tempDir, troveBin } from "./helpers.ts";

const h5 = join(repoRoot, "test", "fixtures", "h5");
const basic = join(h5, "basic.h5");

function ok(args: string[]): string {
  const r = runTrove(args);
  expect(r.stderr + r.stdout, args.join(" ")).not.toMatch(/unexpected error/);
  expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

describe("trove lindi on an HDF5 file", () => {
  it("ls lists a group with shapes, dtypes, chunks and filters, as h5py sees them", () => {
    const out = ok(["lindi", "ls", basic]);
    expect(out).toContain("chunked_gzip  (100, 16) <i2  chunks (10, 16)  shuffle+deflate");
    expect(out).toContain("ext -> other.h5:/some/path (external link)");
    expect(out).toContain("a/");
    expect(ok(["lindi", "ls", basic, "/a/b"])).toBe("c/\n");
  });

  it("cat prints a selection, reading exact values", () => {
    expect(ok(["lindi", "cat", basic, "/chunked_gzip", "-s", "1:3,14:"])).toBe("30\t31\n46\t47\n");
    expect(JSON.parse(ok(["lindi", "cat", basic, "/big_ints", "--format", "json"]))).toEqual(["-4611686018427387904", "0", "4611686018427387905"]);
    expect(JSON.parse(ok(["lindi", "cat", basic, "/refs", "--format", "json"]))).toEqual(["/contig", "/a/b", "/"]);
    const expected = JSON.parse(readFileSync(join(h5, "basic.expected.json"), "utf8")).objects["/contig"].values;
    expect(JSON.parse(ok(["lindi", "cat", basic, "contig", "--format", "json"])).flat().map(String)).toEqual(expected.flat().map(String));
  });

  it("info counts what the file holds", () => {
    const info = JSON.parse(ok(["lindi", "info", basic, "--json"]));
    expect(info).toMatchObject({ format: "hdf5", superblock: 0, datasets: 22, chunkedDatasets: 4 });
  });
});

describe("trove lindi import", () => {
  const dir = tempDir("lindi-cli-");
  for (const ext of ["lindi.json", "lindi.tar", "lindi.d"]) {
    it(`writes a .${ext} that reads back the same values`, () => {
      const out = join(dir, `basic.${ext}`);
      const report = ok(["lindi", "import", basic, out]);
      expect(report).toMatch(/wrote .*: \d+ refs, 10 chunk references into/);
      expect(report).toContain("warning: left out /ext: External links not supported");
      expect(ok(["lindi", "cat", out, "chunked_gzip", "-s", "1:3,14:"])).toBe("30\t31\n46\t47\n");
      expect(ok(["lindi", "cat", out, "/refs", "--format", "json"])).toBe(ok(["lindi", "cat", basic, "/refs", "--format", "json"]));
      expect(JSON.parse(ok(["lindi", "info", out, "--json"]))).toMatchObject({ format: "lindi", externalChunkRefs: 10 });
    });
  }

  it("refuses to overwrite without --force, and --strict fails on what LINDI cannot express", () => {
    const out = join(dir, "twice.lindi.json");
    ok(["lindi", "import", basic, out]);
    const again = runTrove(["lindi", "import", basic, out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("exists (add --force to replace it)");
    ok(["lindi", "import", "--force", basic, out]);
    const strict = runTrove(["lindi", "import", "--strict", basic, join(dir, "strict.lindi.json")]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/^trove: .*not supported/m);
  });

  it("--url sets the URL of the chunk references, --max-chunks none references every chunk", () => {
    const out = join(dir, "url.lindi.json");
    ok(["lindi", "import", basic, out, "--url", "https://example.org/basic.h5", "--max-chunks", "none"]);
    const rfs = JSON.parse(readFileSync(out, "utf8"));
    // LINDI's templates: a URL used 5 times or more is written once, as {{u1}}
    expect(rfs.templates).toEqual({ u1: "https://example.org/basic.h5" });
    expect(rfs.refs["chunked_gzip/0.0"]).toEqual(["{{u1}}", expect.any(Number), expect.any(Number)]);
  });
});

describe("trove lindi over HTTP", () => {
  let srv: RangeServer;
  const dir = tempDir("lindi-http-");
  beforeAll(async () => {
    writeFileSync(join(dir, "x.lindi.json"), "{}");
    srv = await startRangeServer({ files: { "/basic.h5": basic } });
  });
  afterAll(() => srv.close());

  it("cat reads a remote HDF5 file and a LINDI file pointing at it", async () => {
    const run = (args: string[]) => promisify(execFile)(process.execPath, [troveBin, ...args], { encoding: "utf8" });
    const url = srv.url("/basic.h5");
    expect((await run(["lindi", "cat", url, "/chunked_gzip", "-s", "1:3,14:"])).stdout).toBe("30\t31\n46\t47\n");
    const out = join(dir, "remote.lindi.json");
    await run(["lindi", "import", url, out]);
    expect(JSON.parse(readFileSync(out, "utf8")).templates.u1).toBe(url);
    expect((await run(["lindi", "cat", out, "chunked_gzip", "-s", "1:3,14:"])).stdout).toBe("30\t31\n46\t47\n");
  });
});

describe("trove lindi: bad input", () => {
  const dir = tempDir("lindi-bad-");
  const fails = (args: string[], message: RegExp) => {
    const r = runTrove(args);
    expect(r.stderr).not.toMatch(/unexpected error/);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  };
  it("names the problem", () => {
    fails(["lindi", "ls", join(dir, "missing.h5")], /missing\.h5: no such file/);
    fails(["lindi", "cat", basic, "/nope"], /no nope in \//);
    fails(["lindi", "cat", basic, "/a"], /\/a is a group, not a dataset/);
    fails(["lindi", "cat", basic, "/contig", "-s", "0:2,9"], /out of range|index 9/);
    fails(["lindi", "import", basic, join(dir, "x.json")], /must end with \.lindi\.json, \.lindi\.tar or \.lindi\.d/);
    const truncated = join(dir, "truncated.h5");
    writeFileSync(truncated, readFileSync(basic).subarray(0, 3000));
    fails(["lindi", "ls", "-r", truncated], /truncated\.h5: .*pass the end of the file \(3000 bytes\)/);
    const notJson = join(dir, "bad.lindi.json");
    writeFileSync(notJson, "{ not json");
    fails(["lindi", "ls", notJson], /bad\.lindi\.json|JSON/);
  });
});
