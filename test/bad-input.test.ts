// Bad input gets a clear message, never a crash and never a corrupted catalog.

import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.ts";
import { indexDataset } from "../src/catalog/indexer.ts";
import { catalogDir, readManifest } from "../src/catalog/manifest.ts";
import { CATALOG_FORMAT } from "../src/catalog/columns.ts";
import { Dataset } from "../src/dataset/dataset.ts";
import { CatalogError } from "../src/errors.ts";
import { runTrove, tempDir } from "./helpers.ts";

const CONFIG = `[dataset]\nname = "t"\n[[layout]]\ntype = "template"\npatterns = ["{subject}/{file}"]\n`;

function dataset(extra = ""): string {
  const root = tempDir();
  writeFileSync(join(root, "trove.toml"), CONFIG + extra);
  mkdirSync(join(root, "s1"));
  writeFileSync(join(root, "s1", "a.txt"), "a");
  return root;
}

const messages = (problems: { path: string; message: string }[]) => problems.map((p) => `${p.path}: ${p.message}`);

describe("bad input while indexing", () => {
  it("reports broken symlinks, symlink loops and unfollowed folder links, and catalogues the rest", async () => {
    const root = dataset();
    symlinkSync(join(root, "nowhere"), join(root, "s1", "broken.txt"));
    symlinkSync("loop.txt", join(root, "s1", "loop.txt"));
    symlinkSync(join(root, "s1"), join(root, "s2"));
    symlinkSync(join(root, "s1", "a.txt"), join(root, "s1", "link.txt"));
    const report = await indexDataset(await loadConfig(root));
    expect(report.files).toBe(2); // a.txt and the good link to it
    expect(messages(report.problems)).toEqual([
      "s1/broken.txt: broken symlink (its target does not exist)",
      "s1/loop.txt: symlink loop",
      "s2: symlink to a folder, not followed (set index.follow_symlinks = true)",
    ]);
  });

  it("follows symlinked folders when asked, without looping", async () => {
    const root = dataset("[index]\nfollow_symlinks = true\n");
    symlinkSync(join(root, "s1"), join(root, "s2"));
    symlinkSync(root, join(root, "s1", "up")); // a loop back to the root
    const report = await indexDataset(await loadConfig(root));
    const ds = await Dataset.open(root);
    const paths = (await ds.files()).map((f) => f.path);
    ds.close();
    expect(paths).toContain("s1/a.txt");
    expect(paths).toContain("s2/a.txt");
    expect(report.files).toBeLessThan(50);
  });

  it("reports names that are not valid UTF-8 instead of mangling them", async () => {
    const root = dataset();
    writeFileSync(Buffer.concat([Buffer.from(join(root, "s1") + "/bad-"), Buffer.from([0xff, 0xfe]), Buffer.from(".txt")]), "x");
    const report = await indexDataset(await loadConfig(root));
    expect(report.files).toBe(1);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0].message).toMatch(/not valid UTF-8/);
  });

  it("reports folders it may not read (run as an unprivileged user)", async () => {
    const root = dataset();
    mkdirSync(join(root, "locked"));
    writeFileSync(join(root, "locked", "secret.txt"), "s");
    chmodSync(join(root, "locked"), 0o000);
    chmodSync(root, 0o777);
    // root reads everything, so drop to nobody for this run
    const wrap = process.getuid?.() === 0 ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] : [];
    for (const d of [root, join(root, "s1")]) chmodSync(d, 0o777);
    const run = runTrove(["index", root], { wrap });
    chmodSync(join(root, "locked"), 0o755);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/1 × cannot read folder: permission denied\n\s+locked/);
    expect(run.stdout).toMatch(/indexed 1 files/);
  });

  it("refuses a catalog written by a newer trove, and names what to do", async () => {
    const root = dataset();
    await indexDataset(await loadConfig(root));
    const manifest = readManifest(root)!;
    writeFileSync(join(catalogDir(root), "catalog.json"), JSON.stringify({ ...manifest, format: 99, trove: "9.0.0" }));
    expect(() => readManifest(root)).toThrow(CatalogError);
    await expect(Dataset.open(root)).rejects.toThrow(/written by trove 9\.0\.0 \(catalog format 99\).*upgrade trove/);
    const run = runTrove(["index", root]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^trove: .*catalog format 99/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("rebuilds a catalog from an older format instead of misreading it", async () => {
    const root = dataset();
    await indexDataset(await loadConfig(root));
    const manifest = readManifest(root)!;
    writeFileSync(join(catalogDir(root), "catalog.json"), JSON.stringify({ ...manifest, format: 0, trove: "0.0.1" }));
    const report = await indexDataset(await loadConfig(root));
    expect(report.rebuilt).toMatch(/format 0 by trove 0\.0\.1/);
    expect(readManifest(root)!.format).toBe(CATALOG_FORMAT);
  });

  it("reports files it may not read for hashing, and hashes them once they are readable", async () => {
    const root = dataset('[index]\nhash = "sha256"\n');
    writeFileSync(join(root, "s1", "secret.txt"), "s");
    chmodSync(join(root, "s1", "secret.txt"), 0o000);
    for (const d of [root, join(root, "s1")]) chmodSync(d, 0o777);
    const wrap = process.getuid?.() === 0 ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] : [];
    const first = runTrove(["index", root], { wrap });
    expect(first.stdout).toMatch(/1 × cannot read to hash: permission denied\n\s+s1\/secret\.txt/);
    chmodSync(join(root, "s1", "secret.txt"), 0o644);
    const second = runTrove(["index", root], { wrap });
    expect(second.stdout).toMatch(/hashed 1\n/);
  });

  it("reads only its own catalog when the dataset path holds glob characters", async () => {
    const parent = tempDir();
    const root = join(parent, "study[2024]");
    const other = join(parent, "study2");
    for (const dir of [root, other]) {
      mkdirSync(join(dir, "s1"), { recursive: true });
      writeFileSync(join(dir, "trove.toml"), CONFIG);
      writeFileSync(join(dir, "s1", "a.txt"), "a");
    }
    writeFileSync(join(other, "s1", "b.txt"), "b");
    await indexDataset(await loadConfig(other));
    await indexDataset(await loadConfig(root));
    const ds = await Dataset.open(root);
    expect((await ds.files()).map((f) => f.path)).toEqual(["s1/a.txt"]);
    ds.close();
  });

  it("stores a sidecar string holding a lone surrogate as U+FFFD instead of failing", async () => {
    const root = tempDir();
    writeFileSync(join(root, "trove.toml"), `[dataset]\nname = "b"\n[[layout]]\ntype = "bids"\n`);
    writeFileSync(join(root, "dataset_description.json"), '{"Name": "x", "BIDSVersion": "1.9.0"}');
    mkdirSync(join(root, "sub-01", "anat"), { recursive: true });
    writeFileSync(join(root, "sub-01", "anat", "sub-01_T1w.nii.gz"), "");
    writeFileSync(join(root, "sub-01", "anat", "sub-01_T1w.json"), '{"Note": "a\\ud800b", "__proto__": 1}');
    await indexDataset(await loadConfig(root));
    const ds = await Dataset.open(root);
    const [row] = await ds.query("SELECT metadata->>'$.Note' AS note, metadata->>'$.__proto__' AS proto FROM files WHERE suffix = 'T1w' AND extension = '.nii.gz'");
    expect(row).toEqual({ note: "a\uFFFDb", proto: "1" });
    ds.close();
  });

  it("rebuilds over a damaged catalog.json instead of asking to do what fails", async () => {
    const root = dataset();
    await indexDataset(await loadConfig(root));
    writeFileSync(join(catalogDir(root), "catalog.json"), "garbage");
    expect(runTrove(["status", root])).toMatchObject({ code: 2, stderr: expect.stringMatching(/catalog\.json is damaged.*run `trove index`/) });
    const run = runTrove(["index", root]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/indexed 1 files into \d+ records .*\(generation 2\)/);
  });

  it("explains user mistakes about folders in one line, never a stack trace", () => {
    const root = dataset();
    const file = join(root, "s1", "a.txt");
    expect(runTrove(["init", file])).toMatchObject({ code: 2, stderr: expect.stringMatching(/is not a folder/) });
    const odd = tempDir();
    mkdirSync(join(odd, "trove.toml"));
    expect(runTrove(["index", odd])).toMatchObject({ code: 2, stderr: expect.stringMatching(/trove\.toml is not a file/) });
    expect(runTrove(["query", "-d", root, "SELECT 1", "--out", join(root, "nowhere", "x.csv")])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/its folder does not exist/),
    });
    const bad = tempDir();
    writeFileSync(join(bad, "trove.toml"), `[dataset]\nname = "t"\n[[layout]]\ntype = "template"\npatterns = ["{a}/{b"]\n`);
    expect(runTrove(["index", bad])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^trove: trove\.toml:3: layout\.0: /) });
    const unknown = tempDir();
    writeFileSync(join(unknown, "trove.toml"), CONFIG + `[record]\nentities = ["sbj"]\n`);
    expect(runTrove(["index", unknown])).toMatchObject({ code: 2, stderr: expect.stringMatching(/trove\.toml:7: record\.entities: no layout fills an entity "sbj"/) });
  });

  it("leaves out version-control folders and step staging folders at any depth", async () => {
    const root = dataset();
    for (const f of ["sub/.git/config", "a/b/.git/HEAD", "nested/.trove/catalog/catalog.json", "s1/.trove-staging-0123/out.csv"]) {
      mkdirSync(join(root, f, ".."), { recursive: true });
      writeFileSync(join(root, f), "x");
    }
    const report = await indexDataset(await loadConfig(root));
    expect(report.files).toBe(1);
  });
});
