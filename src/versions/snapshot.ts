// `trove snapshot`: freezes the catalog tables, the content manifest (sha256 of every file) and
// the runs/provenance tables into an immutable version in the dataset's local version store.
//
//   const v = await createSnapshot(config, { label: "v1.0", message: "first release" });
//   v.id // "6650f1a2c3d4e5f60718293a"
//
// The dataset's write lock is held throughout, so an index or run cannot change the catalog
// half-way. The tables are staged under .trove/ and written to the store (description last), so
// a killed snapshot leaves no version, only a staging folder the next snapshot removes.

import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Config } from "../config/load.ts";
import { readManifest, stateDir } from "../catalog/manifest.ts";
import { acquireLock } from "../fsutil/lock.ts";
import { TROVE_VERSION } from "../version.ts";
import { type DatasetDescription, type VersionFile, LAYOUT_VERSION, dataModel, newVersionId, tableDescription } from "./description.ts";
import { NothingToSnapshotError, VersionError } from "./errors.ts";
import { freezeTables } from "./freeze.ts";
import { listVersions, type VersionEntry } from "./layout.ts";
import { localVersions } from "./local.ts";
import { promoteLatest, publishVersion } from "./publish.ts";

export interface SnapshotOptions {
  label?: string;
  message?: string;
  onProgress?: (phase: "hash" | "write", done: number, total: number) => void;
}

export async function createSnapshot(config: Config, options: SnapshotOptions = {}): Promise<VersionEntry> {
  const root = config.root;
  const catalog = readManifest(root);
  if (!catalog) throw new NothingToSnapshotError(`${root} has no catalog to snapshot; run \`trove index\` first`);
  const lock = acquireLock(join(stateDir(root), "lock"), "trove snapshot");
  const stage = join(stateDir(root), `.snapshot.${process.pid}.tmp`);
  try {
    for (const name of readdirSync(stateDir(root))) if (/^\.snapshot\..*\.tmp$/.test(name)) rmSync(join(stateDir(root), name), { recursive: true, force: true });
    const store = localVersions(root);
    const previous = await listVersions(store);
    if (options.label && previous.some((v) => v.label === options.label || v.id === options.label)) {
      throw new VersionError(`a version labelled "${options.label}" already exists; labels are unique`);
    }
    mkdirSync(stage, { recursive: true });
    const frozen = await freezeTables(root, catalog, stage, (done, total) => options.onProgress?.("hash", done, total));
    mkdirSync(join(stage, "schemas"));
    for (const [t, info] of Object.entries(frozen.tables)) {
      writeFileSync(join(stage, "schemas", `${t}.schema.json`), JSON.stringify(dataModel(t, info.columns), null, 4) + "\n");
    }
    mkdirSync(join(stage, "provenance"));
    writeFileSync(join(stage, "provenance", "trove.toml"), readFileSync(config.file));

    const id = newVersionId();
    const files = fileList(stage);
    const description: DatasetDescription = {
      // the dataset keeps one id across its versions, as in fw-dataset
      id: previous[0]?.description.id ?? randomBytes(12).toString("hex"),
      name: config.dataset.name,
      version: id,
      version_label: options.label ?? id,
      created: new Date().toISOString(),
      description: config.dataset.description,
      dataset_info: { type: "trove", trove: TROVE_VERSION },
      tables: Object.fromEntries(
        Object.entries(frozen.tables).map(([t, info]) => [t, { name: t, description: tableDescription(t), data_model: dataModel(t, info.columns), errors: [] }]),
      ),
      errors: [],
      layout_version: LAYOUT_VERSION,
      trove: {
        trove: TROVE_VERSION,
        message: options.message ?? null,
        catalog,
        rows: Object.fromEntries(Object.entries(frozen.tables).map(([t, info]) => [t, info.rows])),
        content: frozen.content,
        files,
        objects: null,
      },
    };
    const bodyOf = (rel: string) => ({ path: join(stage, rel), size: files[rel].size });
    let done = 0;
    const total = Object.keys(files).length;
    await publishVersion(store, description, bodyOf, { onFile: () => options.onProgress?.("write", ++done, total) });
    await promoteLatest(store, description, bodyOf);
    return (await listVersions(store)).find((v) => v.id === id)!;
  } finally {
    rmSync(stage, { recursive: true, force: true });
    lock.release();
  }
}

/** Every file under `dir` with its size and sha256, by "/"-separated relative path. */
function fileList(dir: string): Record<string, VersionFile> {
  const out: Record<string, VersionFile> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p).split("\\").join("/")] = { size: statSync(p).size, sha256: createHash("sha256").update(readFileSync(p)).digest("hex") };
    }
  };
  walk(dir);
  return out;
}
