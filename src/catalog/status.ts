// `trove status`: is the catalog stale, and how? One stat walk compared with the catalogued
// file states; nothing is written and no SQL engine is loaded.
//
//   const s = await catalogStatus(config);
//   s.state // "fresh" | "stale" | "missing"
//   s.added.length, s.changed.length, s.removed.length

import type { Config } from "../config/load.ts";
import type { Problem } from "../layout/layout.ts";
import { type CatalogDiff, diffStates, isEmptyDiff } from "./diff.ts";
import { FileStates } from "./file-states.ts";
import { generationDir, readManifest } from "./manifest.ts";
import { catalogSettings, walkOptions } from "./settings.ts";
import { startWalk } from "./find-walk.ts";
import type { WalkOptions } from "./walk.ts";

export interface CatalogStatus extends CatalogDiff {
  state: "fresh" | "stale" | "missing";
  /** trove.toml (or trove) changed in a way that needs a full re-index. */
  settingsChanged: boolean;
  /** The catalog's hashes were made with another algorithm than trove.toml's index.hash asks. */
  hashChanged: { catalog: string; config: string } | null;
  generation: number | null;
  indexedAt: string | null;
  files: number;
  problems: Problem[];
}

export async function catalogStatus(config: Config, onProgress?: WalkOptions["onProgress"]): Promise<CatalogStatus> {
  // find walks the tree in a child process while the catalogued states are read here
  const walking = startWalk(config.root, { ...walkOptions(config), onProgress });
  let manifest;
  try {
    manifest = readManifest(config.root);
  } catch (e) {
    await walking.catch(() => {});
    throw e;
  }
  const before = manifest ? FileStates.read(generationDir(config.root, manifest)) : FileStates.empty();
  const walked = await walking;
  const { previousIndex: _, ...diff } = diffStates(before, walked.files);
  const settingsChanged = manifest !== null && manifest.settings !== catalogSettings(config).hash;
  const hashChanged = manifest !== null && manifest.hash !== config.index.hash ? { catalog: manifest.hash, config: config.index.hash } : null;
  const state = manifest === null ? "missing" : isEmptyDiff(diff) && !settingsChanged && !hashChanged ? "fresh" : "stale";
  return {
    ...diff,
    state,
    settingsChanged,
    hashChanged,
    generation: manifest?.generation ?? null,
    indexedAt: manifest?.created ?? null,
    files: walked.files.length,
    problems: walked.problems,
  };
}
