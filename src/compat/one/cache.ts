// `trove one build`: index an ALF folder (incrementally) and write ONE's cache tables for it.
//
//   const r = await buildOneCache("/data/ibl", { ids: "uuid", hash: true });
//   r.files.sessions // "/data/ibl/sessions.pqt"
//
// The folder needs no trove.toml: without one, it is read with the ALF layout alone. The catalog
// (in ROOT/.trove) makes a rebuild after a few changes cost a stat walk; with `hash`, md5 sums are
// computed only for files that changed (ONE hashes every file every time).

import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { CONFIG_NAME, type Config, loadConfig, parseConfig } from "../../config/load.ts";
import { indexDataset, type IndexOptions, type IndexReport } from "../../catalog/indexer.ts";
import { openDuckDB, sqlPath } from "../../catalog/duckdb.ts";
import { importedOneDir, readManifest, tablePath } from "../../catalog/manifest.ts";
import { NotFoundError } from "../../errors.ts";
import { checkLab, OneBuildError, type OneBuildOptions, oneMetadata, oneQueries } from "./build.ts";
import { readOneCache } from "./read.ts";
import type { OneTables } from "./tables.ts";
import { copyOneCache, writeOneCache } from "./write.ts";

export interface BuildCacheOptions extends Omit<OneBuildOptions, "origin"> {
  /** Where the tables go (default: the root, as ONE does). */
  out?: string;
  /** md5 of every dataset, as ONE's hash_files=True. */
  hash?: boolean;
  onProgress?: IndexOptions["onProgress"];
}

export interface BuildCacheResult {
  /** Rows written per table; null when the tables on disk were already up to date (nothing written). */
  written: { sessions: number; datasets: number } | null;
  files: { sessions: string; datasets: string };
  index: IndexReport;
}

export async function buildOneCache(root: string, options: BuildCacheOptions): Promise<BuildCacheResult> {
  const config = await alfConfig(root);
  const out = resolve(options.out ?? config.root);
  if (!existsSync(out) || !statSync(out).isDirectory()) throw new NotFoundError(`--out ${out}: no such folder`);
  const index = await indexDataset(config, { hash: options.hash ? "md5" : undefined, onProgress: options.onProgress });
  // what the tables were made from: when it has not changed, neither have they
  const source = { generation: index.generation, ids: options.ids, lab: options.lab ?? null, hash: Boolean(options.hash) };
  const previous = readTroveSource(out);
  if (index.upToDate && previous && JSON.stringify(previous) === JSON.stringify(source)) {
    return { written: null, files: { sessions: join(out, "sessions.pqt"), datasets: join(out, "datasets.pqt") }, index };
  }
  // straight from the catalog's files table to ONE's: the rows never pass through JavaScript
  const manifest = readManifest(config.root);
  if (!manifest) throw new OneBuildError(`${config.root} has no catalog after indexing it`);
  const queries = oneQueries(`read_parquet(${sqlPath(tablePath(config.root, manifest, "files"))})`, options);
  const db = await openDuckDB({ threads: 1 }); // two threads were slower on two shared cores (measured)
  try {
    await checkLab(db, queries, options.lab);
    const { files, rows } = await copyOneCache(db, out, queries, oneMetadata(config.root), { trove_source: source });
    return { written: rows, files, index };
  } finally {
    db.close();
  }
}

/** The `trove_source` trove left in cache_info.json, when the tables it names are still there. */
function readTroveSource(dir: string): unknown {
  try {
    if (!existsSync(join(dir, "sessions.pqt")) || !existsSync(join(dir, "datasets.pqt"))) return undefined;
    return JSON.parse(readFileSync(join(dir, "cache_info.json"), "utf8")).trove_source;
  } catch {
    return undefined;
  }
}

/** The folder's trove.toml when it has one (it must use the ALF layout), else ALF alone. */
async function alfConfig(root: string): Promise<Config> {
  const abs = resolve(root);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new NotFoundError(`${abs}: no such folder`);
  if (existsSync(join(abs, CONFIG_NAME))) {
    const config = await loadConfig(abs);
    if (!config.layout.some((l) => l.type === "alf")) {
      throw new OneBuildError(`${join(abs, CONFIG_NAME)} has no alf layout: ONE caches are made of ALF datasets`);
    }
    return config;
  }
  // the tables this command writes into the root are its output, not data to index
  const source = `[dataset]\nname = ${JSON.stringify(basename(abs))}\n[[layout]]\ntype = "alf"\n` +
    `[index]\nignore = ["sessions.pqt", "datasets.pqt", "cache_info.json"]\n`;
  return parseConfig(source, join(abs, CONFIG_NAME));
}

/**
 * Reads a ONE cache (any version) and stores it, in the current format, inside a dataset's state,
 * where every query sees it as the views `one_sessions` and `one_datasets`.
 */
export async function importOneCache(cacheDir: string, datasetRoot: string): Promise<OneTables & { format: string }> {
  const tables = await readOneCache(cacheDir);
  const target = importedOneDir(resolve(datasetRoot));
  mkdirSync(target, { recursive: true });
  await writeOneCache(target, tables);
  return tables;
}

/**
 * The ONE tables to search: the cache files in `dir` itself when it has them, else those imported
 * into the dataset at `dir`.
 */
export async function oneTablesAt(dir: string): Promise<OneTables> {
  if (existsSync(join(dir, "sessions.pqt"))) return readOneCache(dir);
  if (existsSync(join(importedOneDir(dir), "sessions.pqt"))) return readOneCache(importedOneDir(dir));
  throw new NotFoundError(`${resolve(dir)} has no ONE cache tables: run \`trove one build ${dir}\` or \`trove one import CACHE_DIR -d ${dir}\``);
}
