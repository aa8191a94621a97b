// ONE's clean-up helpers: delete ALF files on disk that the cache tables do not list
// (`remove_missing_datasets`), and delete the table files themselves (`remove_table_files`).
//
//   removeMissingDatasets("/data/ibl", tables, { dry: true }) // ["mylab/Subjects/m1/2024-01-01/001/alf/x.y.npy", ...]
//   removeTableFiles("/data/ibl")                            // ["sessions.pqt", "datasets.pqt", "cache_info.json"]
//
// Only valid ALF files inside session folders are ever candidates; anything else is left alone.
// Differences from ONE 3.4 on purpose: datasets in collections are considered (ONE only looks at
// files directly in the session folder), and a file is kept when its rel_path is listed (ONE tests
// the pandas index, which in a UUID cache never holds a rel_path and so would delete everything).

import { existsSync, readdirSync, rmdirSync, rmSync, unlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { walk } from "../../catalog/walk.ts";
import { NotFoundError } from "../../errors.ts";
import { comparePaths } from "../../fsutil/paths.ts";
import { parseAlfPath } from "../../layout/alf.ts";
import type { OneTables } from "./tables.ts";

export interface RemoveOptions {
  /** List what would go, delete nothing (the default, as in ONE). */
  dry?: boolean;
  /** Also remove session folders that are not in the sessions table, once empty. */
  removeEmptySessions?: boolean;
}

/** Relative paths of the files (and session folders) not in the tables; deleted unless `dry`. */
export function removeMissingDatasets(root: string, tables: OneTables, options: RemoveOptions = {}): string[] {
  const { dry = true, removeEmptySessions = true } = options;
  const known = knownDatasets(tables);
  const toDelete = new Set<string>();
  const sessionFolders = new Set<string>();
  for (const file of walk(root).files) {
    const parsed = parseAlfPath(file.path);
    if (!parsed.valid) continue;
    const e = parsed.entities;
    const folder = [e.lab && `${e.lab}/Subjects`, e.subject, e.date, e.number].filter(Boolean).join("/");
    sessionFolders.add(folder);
    const session = sessionKey(e.lab ?? "", e.subject!, e.date!, Number(e.number));
    const relPath = file.path.slice(folder.length + 1);
    if (!known.get(session)?.has(relPath)) toDelete.add(file.path);
  }
  if (removeEmptySessions) {
    const listed = new Set(tables.sessions.map((s) => sessionKey(s.lab, s.subject, s.date, s.number)));
    for (const folder of sessionFolders) {
      const e = parseAlfPath(`${folder}/x.y.z`).entities;
      if (!listed.has(sessionKey(e.lab ?? "", e.subject!, e.date!, Number(e.number)))) toDelete.add(folder);
    }
  }
  const sorted = [...toDelete].sort(comparePaths);
  if (!dry) deleteAll(root, sorted);
  return sorted;
}

/** Deletes the cache's table files and cache_info.json; returns the names removed. */
export function removeTableFiles(dir: string, tables: readonly string[] = ["sessions", "datasets"]): string[] {
  if (!existsSync(dir)) throw new NotFoundError(`${dir}: no such folder`);
  const removed: string[] = [];
  for (const name of [...tables.map((t) => `${t}.pqt`), "cache_info.json"]) {
    if (existsSync(join(dir, name))) {
      rmSync(join(dir, name));
      removed.push(name);
    }
  }
  return removed;
}

function knownDatasets(tables: OneTables): Map<string, Set<string>> {
  const keyOf = new Map(tables.sessions.map((s) => [s.id, sessionKey(s.lab, s.subject, s.date, s.number)]));
  const known = new Map<string, Set<string>>();
  for (const d of tables.datasets) {
    const key = keyOf.get(d.eid);
    if (key === undefined) continue;
    if (!known.has(key)) known.set(key, new Set());
    known.get(key)!.add(d.rel_path);
  }
  return known;
}

/** Sessions compare by value, with the number as a number: "1" and "001" are one session (ONE pads). */
function sessionKey(lab: string, subject: string, date: string, number: number): string {
  return `${lab}\0${subject}\0${date}\0${number}`;
}

/** Files first, then folders that are empty by then, climbing while empty (never past the root). */
function deleteAll(root: string, paths: readonly string[]): void {
  const folders: string[] = [];
  for (const rel of paths) {
    const abs = join(root, rel);
    if (!existsSync(abs)) continue;
    try {
      unlinkSync(abs);
    } catch {
      folders.push(rel);
    }
  }
  for (const rel of folders) {
    let dir = rel;
    while (dir !== "." && dir !== "" && existsSync(join(root, dir)) && readdirSync(join(root, dir)).length === 0) {
      rmdirSync(join(root, dir));
      dir = dirname(dir);
    }
  }
}
