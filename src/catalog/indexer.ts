// `trove index`: walk, parse, hash what changed, write a new catalog generation.
//
//   const config = await loadConfig("/data/ds");
//   const report = await indexDataset(config, { onProgress: console.log });
//   report.added.length, report.changed.length, report.removed.length
//
// Incremental: files whose size, mtime and inode match the catalog keep their hash; when nothing
// changed at all the catalog is left untouched; when a row depends on its own file only (no
// sidecars, containers or step provenance) the unchanged rows are copied from the previous
// generation by DuckDB and only new and changed files are parsed. The tree is walked by GNU find
// in a child process (find-walk.ts) while the previous catalog is read. A write lock keeps two indexers apart, and the
// new generation only becomes current by one atomic rename of catalog.json.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/load.ts";
import type { HashAlgorithm } from "../config/schema.ts";
import { fsyncDir } from "../fsutil/atomic.ts";
import { acquireLock } from "../fsutil/lock.ts";
import type { Layout, Problem } from "../layout/layout.ts";
import { TROVE_VERSION } from "../version.ts";
import { TroveError } from "../errors.ts";
import { CATALOG_FORMAT } from "./columns.ts";
import { type CatalogDiff, diffStates, isEmptyDiff } from "./diff.ts";
import { FileStates } from "./file-states.ts";
import { hashFiles } from "./hash.ts";
import {
  type CatalogManifest,
  catalogDir,
  generationDir,
  lastGeneration,
  readManifest,
  stateDir,
  tablePath,
  writeManifest,
} from "./manifest.ts";
import { recordEntities, recordIdFunction } from "./record-id.ts";
import { catalogSettings, walkOptions } from "./settings.ts";
import { buildRows } from "./rows.ts";
import { describeFsError } from "../fsutil/describe.ts";
import { startWalk } from "./find-walk.ts";
import type { FileStat, WalkStage } from "./walk.ts";
import { writeTables } from "./write.ts";
import { preloadDuckDB } from "./duckdb.ts";
import { outputProvenance } from "../run/journal.ts";

export type IndexPhase = WalkStage | "hash" | "parse" | "write";

export interface IndexOptions {
  /** Ignore the previous catalog: re-parse and re-hash everything. */
  full?: boolean;
  /** Overrides index.hash of trove.toml for this run. */
  hash?: HashAlgorithm;
  onProgress?: (phase: IndexPhase, done: number, total?: number) => void;
}

export interface IndexReport extends CatalogDiff {
  /** True when the catalog already matched the tree and nothing was written. */
  upToDate: boolean;
  /** Why the previous catalog could not be reused, when it could not. */
  rebuilt: string | null;
  files: number;
  records: number;
  invalid: number;
  hashed: number;
  generation: number;
  problems: Problem[];
}

const KEEP_PROBLEM_EXAMPLES = 50;

export async function indexDataset(config: Config, options: IndexOptions = {}): Promise<IndexReport> {
  const root = config.root;
  try {
    mkdirSync(catalogDir(root), { recursive: true });
  } catch (e) {
    throw new TroveError(`cannot write the catalog in ${stateDir(root)}: ${describeFsError(e, "cannot create it")}`);
  }
  const lock = acquireLock(join(stateDir(root), "lock"), "trove index");
  try {
    return await indexLocked(config, options);
  } finally {
    lock.release();
  }
}

async function indexLocked(config: Config, options: IndexOptions): Promise<IndexReport> {
  const root = config.root;
  const progress = options.onProgress ?? (() => {});
  const algorithm = options.hash ?? config.index.hash;
  const { layouts, entities, record: recordSpec, hash: settings } = catalogSettings(config);

  removeAbandonedGenerations(root);
  // find walks the tree in a child process while the previous catalog is read here
  const walking = startWalk(root, { ...walkOptions(config), onProgress: progress });
  let previous: CatalogManifest | null;
  try {
    previous = readManifest(root, { damaged: "ignore" });
  } catch (e) {
    await walking.catch(() => {});
    throw e;
  }
  const statesUsable = !options.full && previous !== null && previous.format === CATALOG_FORMAT;
  const before = statesUsable ? FileStates.read(generationDir(root, previous!)) : FileStates.empty();
  const sameSettings = statesUsable && previous!.settings === settings;
  const rebuilt = sameSettings || previous === null ? null : whyRebuild(previous, settings, options);
  if (!sameSettings) preloadDuckDB(); // a new catalog will be written: load the engine while find runs

  const walked = await walking;
  const { previousIndex, ...diff } = diffStates(before, walked.files);
  const sameHashing = previous?.hash === algorithm;
  const hashesMissing = algorithm !== "none" && before.hasMissingHashes();
  if (sameSettings && sameHashing && !hashesMissing && isEmptyDiff(diff)) {
    // nothing to write; the problems are this walk's and those recorded when the catalog was written
    const seen = new Set(walked.problems.map((p) => `${p.path}\0${p.message}`));
    const recorded = previous!.problems.examples.filter((p) => !seen.has(`${p.path}\0${p.message}`));
    return { ...diff, upToDate: true, rebuilt: null, files: walked.files.length, records: previous!.tables.records?.rows ?? 0,
      invalid: previous!.invalid, hashed: 0, generation: previous!.generation, problems: [...walked.problems, ...recorded] };
  }

  const hashes = new Map<string, string>();
  const toHash: string[] = [];
  if (algorithm !== "none") {
    walked.files.forEach((file, i) => {
      const j = previousIndex[i];
      const old = sameHashing && j >= 0 && before.unchanged(j, file) ? before.hash(j) : null;
      if (old) hashes.set(file.path, old);
      else toHash.push(file.path);
    });
  }
  const hashed = algorithm === "none" ? { hashes, problems: [] } : await hashFiles(root, toHash, algorithm, (n) => progress("hash", n, toHash.length));
  for (const [p, h] of hashed.hashes) hashes.set(p, h);

  const provenance = outputProvenance(root);
  const reuse = sameSettings && sameHashing && !hashesMissing && reusable(root, previous!, layouts, provenance, walked.files)
    ? { files: tablePath(root, previous!, "files"), drop: [...diff.changed, ...diff.removed] }
    : undefined;
  // with `reuse`, only new and changed files are parsed: the others keep their catalogued rows
  const toParse = reuse ? walked.files.filter((file, i) => previousIndex[i] < 0 || !before.unchanged(previousIndex[i], file)) : walked.files;
  progress("parse", 0, toParse.length);
  const built = await buildRows(root, toParse, { layouts, recordOf: recordIdFunction(recordSpec), hashes, provenance });
  progress("parse", toParse.length, toParse.length);
  const problems = [...walked.problems, ...hashed.problems, ...built.problems];

  progress("write", 0, walked.files.length);
  const generation = Math.max(previous?.generation ?? 0, lastGeneration(root)) + 1;
  const dir = `g${String(generation).padStart(6, "0")}`;
  const staging = join(catalogDir(root), `.${dir}.${process.pid}.tmp`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  const writing = writeTables(staging, {
    rows: built.rows,
    metadata: built.metadata,
    containers: built.containers,
    entities,
    recordEntities: recordEntities(recordSpec),
    reuse,
  });
  // written while DuckDB writes the tables on its own threads
  FileStates.write(staging, walked.files, (i) => hashes.get(walked.files[i].path) ?? null);
  const { tables, invalid } = await writing;
  const final = join(catalogDir(root), dir);
  rmSync(final, { recursive: true, force: true });
  fsyncDir(staging);
  renameSync(staging, final);
  fsyncDir(catalogDir(root)); // the generation exists on disk before catalog.json names it

  const manifest: CatalogManifest = {
    format: CATALOG_FORMAT,
    trove: TROVE_VERSION,
    generation,
    dir,
    created: new Date().toISOString(),
    settings,
    hash: algorithm,
    entities,
    tables,
    invalid,
    provenance: reuse ? 0 : built.rows.filter((r) => r.provenance).length,
    problems: { count: problems.length, examples: problems.slice(0, KEEP_PROBLEM_EXAMPLES) },
  };
  writeManifest(root, manifest);
  removeOldGenerations(root, generation);
  progress("write", walked.files.length, walked.files.length);

  return {
    ...diff,
    upToDate: false,
    rebuilt,
    files: walked.files.length,
    records: tables.records.rows,
    invalid: manifest.invalid,
    hashed: hashed.hashes.size,
    generation,
    problems,
  };
}

/**
 * Whether the previous catalog's rows of unchanged files can be kept as they are: a row must
 * depend on its own file only. Layouts with a whole-tree pass (BIDS sidecars, containers) and step
 * provenance (from the run journal) make rows depend on other files; and the kept rows are merged
 * in DuckDB's path order, trove's own only while no path holds characters past U+D7FF.
 */
function reusable(root: string, previous: CatalogManifest, layouts: readonly Layout[], provenance: Map<string, unknown>, files: readonly FileStat[]): boolean {
  if (layouts.some((l) => l.annotate) || provenance.size > 0 || previous.provenance !== 0) return false;
  if (!existsSync(tablePath(root, previous, "files"))) return false;
  return !files.some((f) => HIGH_CHARS.test(f.path));
}

const HIGH_CHARS = /[\ud800-\uffff]/;

function whyRebuild(previous: CatalogManifest, settings: string, options: IndexOptions): string {
  if (options.full) return "--full asked for a full rebuild";
  if (previous.format !== CATALOG_FORMAT) return `the catalog was written in format ${previous.format} by trove ${previous.trove}`;
  if (previous.settings !== settings) return "trove.toml (layouts, record, ignore) or trove's version changed since the last index";
  return "unknown";
}

/** Staging folders of an index that was killed; safe to remove because we hold the lock. */
function removeAbandonedGenerations(root: string): void {
  for (const name of readdirSync(catalogDir(root))) {
    if (/^\..*\.tmp$/.test(name)) rmSync(join(catalogDir(root), name), { recursive: true, force: true });
  }
}

/** Keeps the current and the previous generation (a reader may still be on it). */
function removeOldGenerations(root: string, current: number): void {
  for (const name of readdirSync(catalogDir(root))) {
    const m = /^g(\d+)$/.exec(name);
    if (m && Number(m[1]) < current - 1) rmSync(join(catalogDir(root), name), { recursive: true, force: true });
  }
}
