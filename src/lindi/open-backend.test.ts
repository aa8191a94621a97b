// openBackend: h5py's modes on existing and missing files of each kind, extensions, locks between
// writers, sniffing by content, and remote locations.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { LocalFileReader } from "../h5/reader.ts";
import type { BackendKind, OpenMode } from "./backend.ts";
import { createWithAttr } from "./backend-scenario.ts";
import { LindiLockedError } from "./file-lock.ts";
import { LindiNotFoundError, openBackend, openBackendFromReader } from "./open-backend.ts";

const EXT: Record<BackendKind, string> = { json: "lindi.json", tar: "lindi.tar", dir: "lindi.d" };

describe("openBackend modes", () => {
  for (const kind of ["json", "tar", "dir"] as BackendKind[]) {
    describe(kind, () => {
      const setup = async () => {
        const dir = tempDir();
        const existing = join(dir, `e.${EXT[kind]}`);
        await createWithAttr(existing);
        return { existing, missing: join(dir, `m.${EXT[kind]}`) };
      };
      const hasAttr = async (path: string) => {
        const b = await openBackend(path, "r");
        await b.close();
        return ".zattrs" in b.rfs.refs;
      };

      it.each([
        ["r", true, "kept"],
        ["r+", true, "kept"],
        ["a", true, "kept"],
        ["w", true, "emptied"],
        ["w-", true, "error"],
        ["x", true, "error"],
        ["r", false, "error"],
        ["r+", false, "error"],
        ["a", false, "created"],
        ["w", false, "created"],
        ["w-", false, "created"],
        ["x", false, "created"],
      ] as [OpenMode, boolean, string][])("mode %s, file exists: %s → %s", async (mode, exists, outcome) => {
        const { existing, missing } = await setup();
        const path = exists ? existing : missing;
        if (outcome === "error") {
          await expect(openBackend(path, mode)).rejects.toThrow(exists ? /already exists/ : /no such LINDI file/);
          if (!exists) await expect(openBackend(path, mode)).rejects.toBeInstanceOf(LindiNotFoundError);
          expect(existsSync(path)).toBe(exists);
          if (exists) expect(await hasAttr(path)).toBe(true);
          return;
        }
        const b = await openBackend(path, mode);
        expect(b.kind).toBe(kind);
        expect(b.writable).toBe(mode !== "r");
        expect(b.location).toBe(path);
        expect(".zattrs" in b.rfs.refs).toBe(outcome === "kept");
        expect(b.rfs.refs[".zgroup"]).toEqual({ zarr_format: 2 });
        await b.close();
        expect(existsSync(`${path}.lock`)).toBe(false);
      });
    });
  }

  it("needs a LINDI extension for writing, not for reading", async () => {
    const dir = tempDir();
    for (const mode of ["r+", "w", "w-", "x", "a"] as OpenMode[]) {
      await expect(openBackend(join(dir, "x.json"), mode)).rejects.toThrow(/must end with \.lindi\.json, \.lindi\.tar or \.lindi\.d/);
    }
    expect(existsSync(join(dir, "x.json"))).toBe(false);
    // an existing file is recognised by content: a tar named .json, JSON named anything
    await createWithAttr(join(dir, "t.lindi.tar"));
    const { copyFileSync } = await import("node:fs");
    copyFileSync(join(dir, "t.lindi.tar"), join(dir, "t.bin"));
    writeFileSync(join(dir, "plain.txt"), '{"refs": {}}');
    const t = await openBackend(join(dir, "t.bin"), "r");
    expect(t.kind).toBe("tar");
    await t.close();
    const j = await openBackend(join(dir, "plain.txt"), "r");
    expect(j.kind).toBe("json");
    await j.close();
  });

  it("rejects binary that is not a tar, and unknown modes", async () => {
    const dir = tempDir();
    const path = join(dir, "b.lindi.json");
    writeFileSync(path, Buffer.concat([Buffer.from("{"), Buffer.alloc(600)]));
    await expect(openBackend(path, "r")).rejects.toThrow(/NUL byte .* not a ustar tar/);
    await expect(openBackend(path, "rw" as OpenMode)).rejects.toThrow(/unknown mode "rw"/);
  });
});

describe("openBackend locks", () => {
  for (const kind of ["json", "tar", "dir"] as BackendKind[]) {
    it(`one writer at a time on a .${EXT[kind]}; readers are not blocked`, async () => {
      const path = join(tempDir(), `l.${EXT[kind]}`);
      const w = await openBackend(path, "a");
      expect(readFileSync(`${path}.lock`, "utf8").trim()).toBe(String(process.pid));
      await expect(openBackend(path, "r+")).rejects.toThrow(new RegExp(`l\\.${EXT[kind].replace(".", "\\.")} is open for writing by pid ${process.pid}`));
      await expect(openBackend(path, "w")).rejects.toBeInstanceOf(LindiLockedError);
      const r = await openBackend(path, "r");
      await r.close();
      await w.close();
      await (await openBackend(path, "r+")).close();
    });
  }

  it("takes over a lock left by a dead process", async () => {
    const { spawnSync } = await import("node:child_process");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const path = join(tempDir(), "s.lindi.tar");
    writeFileSync(`${path}.lock`, `${dead.stdout}\n`);
    const b = await openBackend(path, "a");
    expect(readFileSync(`${path}.lock`, "utf8").trim()).toBe(String(process.pid));
    await b.close();
  });

  it("does not take over a lock held by a live process", async () => {
    const path = join(tempDir(), "p.lindi.json");
    writeFileSync(`${path}.lock`, `${process.ppid}\n`);
    await expect(openBackend(path, "a")).rejects.toThrow(`p.lindi.json is open for writing by pid ${process.ppid}`);
    expect(existsSync(path)).toBe(false);
  });
});

describe("openBackend remote and readers", () => {
  it("refuses to write to a URL", async () => {
    for (const mode of ["r+", "w", "a", "x"] as OpenMode[]) {
      await expect(openBackend("https://example.org/x.lindi.tar", mode)).rejects.toThrow(/remote LINDI files are read-only/);
    }
  });

  it("reads JSON through a RangeReader", async () => {
    const path = join(tempDir(), "r.lindi.json");
    writeFileSync(path, JSON.stringify({ refs: { ".zgroup": { zarr_format: 2 }, "a/0": ["./x", 0, 1] } }));
    const b = await openBackendFromReader(await LocalFileReader.open(path), "https://host/r.lindi.json");
    expect(b.kind).toBe("json");
    expect(b.location).toBe("https://host/r.lindi.json");
    await expect(b.readInternal("./x", 0, 1)).rejects.toThrow(/cannot be resolved for a remote \.lindi\.json/);
    await b.close();
  });
});

