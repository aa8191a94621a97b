// A dataset folder that holds ONE cache tables (sessions.pqt and datasets.pqt, written by ONE or
// by `trove one build`) has them in its catalog as soon as it is opened: they are imported as
// `trove one import` would (legacy formats normalised), and again whenever they change.
//
//   await importOneCacheInRoot("/data/ibl");   // true when it (re)imported
//   // then: SELECT * FROM one_sessions

import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { importedOneDir } from "../../catalog/manifest.ts";
import { readOneCache } from "./read.ts";
import { writeOneCache } from "./write.ts";

const TABLES = ["sessions.pqt", "datasets.pqt"];

export async function importOneCacheInRoot(root: string): Promise<boolean> {
  const sources = TABLES.map((t) => statSync(join(root, t), { throwIfNoEntry: false }));
  if (sources.some((s) => !s?.isFile())) return false;
  const target = importedOneDir(root);
  const copies = TABLES.map((t) => statSync(join(target, t), { throwIfNoEntry: false }));
  const newest = Math.max(...sources.map((s) => s!.mtimeMs));
  if (copies.every((c) => c && c.mtimeMs >= newest)) return false;
  try {
    const tables = await readOneCache(root);
    mkdirSync(target, { recursive: true });
    await writeOneCache(target, tables);
    return true;
  } catch {
    // a read-only dataset, or tables ONE itself could not read: opened without them, as before;
    // `trove one import` says what is wrong
    return false;
  }
}
