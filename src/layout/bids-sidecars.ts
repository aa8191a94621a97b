// JSON sidecar metadata for a BIDS tree, by the BIDS inheritance principle: a data file gets
// every `.json` with its suffix whose entities it has, found in its own folder or above, merged
// from the top folder down so the nearest sidecar wins key by key.
//
//   const notes = await bidsLayout().annotate!(tree);
//   notes.metadata.get("sub-01/func/sub-01_task-rest_bold.nii.gz")?.RepetitionTime  // 2
//
// Decisions:
// - Data files are the parsed files with a suffix and an extension other than `.json`, outside
//   opaque folders (sourcedata/, code/, ...: outside the dataset's grammar, so they get nothing).
//   JSON files get no entry: their content is their own, and the principle says which metadata
//   applies to data files, not to sidecars.
// - A derived dataset (`derivatives/<pipeline>/`) is a BIDS dataset of its own: inheritance
//   climbs to its root and stops there; the raw dataset's sidecars do not flow into it (the
//   spec links derived files to raw ones through `Sources`, not through folders).
// - Two sidecars applying at one level break the spec's rule 4. Both are still applied, the one
//   with fewer entities first (then by path), so the more specific wins; one `Problem` is logged
//   per such set of sidecars, with how many files it touches.
// - Only valid sidecar names take part: an unknown key in a name would otherwise be ignored and
//   the sidecar applied too widely.
// - Each sidecar is read once; files with the same chain of sidecars share one frozen merged
//   object (a million files, a few thousand distinct chains), so callers must copy to change it.
// - `_events.tsv`, `scans.tsv` and other tabular metadata are not read.

import type { Annotations, Parsed, Problem, Tree } from "./layout.ts";
import { BIDS_ENTITIES } from "./bids-entities.ts";
import { comparePaths } from "../fsutil/paths.ts";

/** What the sidecar pass needs from the path grammar. */
export interface BidsGrammar {
  parse(relPath: string): Parsed;
  /** Folder of the (derived) dataset holding a path ("" for the raw one); null outside any. */
  datasetRoot(relPath: string): string | null;
}

type Metadata = Record<string, unknown>;

interface Sidecar {
  path: string;
  /** Its entities, as [column, value], absent ones left out. */
  entities: [string, string][];
}

/** folder -> suffix -> sidecars there. */
type SidecarIndex = Map<string, Map<string, Sidecar[]>>;

/** Data files sharing one chain of sidecars (top first), so each chain is merged once. */
interface ChainGroup {
  chain: Sidecar[];
  files: string[];
}

const NAME_COLUMNS = BIDS_ENTITIES.map((e) => e.column);
const READ_CONCURRENCY = 32;

export async function annotateBidsSidecars(tree: Tree, grammar: BidsGrammar): Promise<Annotations> {
  const { index, otherJsonFiles } = indexSidecars(tree.paths, grammar);
  const conflicts = new ConflictLog();
  const groups = new Map<string, ChainGroup>();
  const addFile = (path: string) => groupByChain(path, grammar, index, conflicts, groups);
  for (const path of tree.paths) if (!path.endsWith(".json")) addFile(path);
  for (const path of otherJsonFiles) addFile(path);
  const problems: Problem[] = [];
  const contents = await readSidecars(tree, groups, problems);
  problems.push(...conflicts.problems());
  return { metadata: mergeGroups(groups, contents), problems };
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/**
 * Indexes the valid `.json` sidecars by folder and suffix. Only paths ending in ".json" are parsed
 * here, and only the others are parsed later, so each path is parsed once and none is kept: a
 * million parsed rows held at once would cost hundreds of MB.
 */
function indexSidecars(paths: readonly string[], grammar: BidsGrammar) {
  const index: SidecarIndex = new Map();
  const otherJsonFiles: string[] = []; // ".json" files inside folder data objects: data, not sidecars
  for (const path of paths) {
    if (!path.endsWith(".json")) continue;
    const parsed = grammar.parse(path);
    const { suffix, extension } = parsed.entities;
    if (extension !== ".json") otherJsonFiles.push(path);
    if (!parsed.valid || extension !== ".json" || suffix === null) continue;
    const folder = folderOf(path);
    let bySuffix = index.get(folder);
    if (bySuffix === undefined) index.set(folder, (bySuffix = new Map()));
    const sidecar = { path, entities: presentEntities(parsed) };
    const list = bySuffix.get(suffix);
    if (list === undefined) bySuffix.set(suffix, [sidecar]);
    else list.push(sidecar);
  }
  return { index, otherJsonFiles };
}

function presentEntities(parsed: Parsed): [string, string][] {
  const entities: [string, string][] = [];
  for (const column of NAME_COLUMNS) {
    const value = parsed.entities[column];
    if (value !== null) entities.push([column, value]);
  }
  return entities;
}

/** Files in opaque folders have no dataset root, and `.json` files are never data files. */
function groupByChain(
  path: string,
  grammar: BidsGrammar,
  index: SidecarIndex,
  conflicts: ConflictLog,
  groups: Map<string, ChainGroup>,
): void {
  const parsed = grammar.parse(path);
  const { suffix, extension } = parsed.entities;
  if (suffix === null || extension === null || extension === ".json") return;
  const root = grammar.datasetRoot(path);
  if (root === null) return;
  const chain = applicableSidecars(path, parsed, root, index, conflicts);
  if (chain.length === 0) return;
  const key = chain.length === 1 ? chain[0].path : chain.map((s) => s.path).join("\n");
  const group = groups.get(key);
  if (group === undefined) groups.set(key, { chain, files: [path] });
  else group.files.push(path);
}

/** Folders from the dataset root down to the file's own folder, top first. */
function foldersDown(root: string, folder: string): string[] {
  const out = [root];
  let from = root.length === 0 ? 0 : root.length + 1;
  while (from < folder.length) {
    const slash = folder.indexOf("/", from);
    const end = slash < 0 ? folder.length : slash;
    out.push(folder.slice(0, end));
    from = end + 1;
  }
  return out;
}

function applicableSidecars(
  path: string,
  parsed: Parsed,
  root: string,
  index: SidecarIndex,
  conflicts: ConflictLog,
): Sidecar[] {
  const chain: Sidecar[] = [];
  for (const folder of foldersDown(root, folderOf(path))) {
    const candidates = index.get(folder)?.get(parsed.entities.suffix!);
    if (candidates === undefined) continue;
    const here = candidates.filter((s) => appliesTo(s, parsed));
    if (here.length > 1) {
      here.sort(bySpecificity);
      conflicts.note(here, path);
    }
    chain.push(...here);
  }
  return chain;
}

function appliesTo(sidecar: Sidecar, parsed: Parsed): boolean {
  for (const [column, value] of sidecar.entities) {
    if (parsed.entities[column] !== value) return false;
  }
  return true;
}

function bySpecificity(a: Sidecar, b: Sidecar): number {
  return a.entities.length - b.entities.length || comparePaths(a.path, b.path);
}

/** Sets of sidecars that apply together at one level, with how many files they touch. */
class ConflictLog {
  private sets = new Map<string, { sidecars: string[]; example: string; files: number }>();

  note(sidecars: Sidecar[], file: string): void {
    const paths = sidecars.map((s) => s.path);
    const key = paths.join("\n");
    const entry = this.sets.get(key);
    if (entry) entry.files++;
    else this.sets.set(key, { sidecars: paths, example: file, files: 1 });
  }

  problems(): Problem[] {
    return [...this.sets.values()].map(({ sidecars, example, files }) => ({
      path: example,
      message:
        `${sidecars.length} sidecars apply at one folder level (BIDS inheritance rule 4) to ` +
        `${files} file(s): ${sidecars.join(", ")}; merged in that order, later keys win`,
    }));
  }
}

/** Reads every sidecar some chain uses, once each, a few at a time; bad ones become problems. */
async function readSidecars(
  tree: Tree,
  groups: Map<string, ChainGroup>,
  problems: Problem[],
): Promise<Map<string, Metadata>> {
  const wanted = new Set<string>();
  for (const { chain } of groups.values()) for (const s of chain) wanted.add(s.path);
  const queue = [...wanted].sort().reverse();
  const contents = new Map<string, Metadata>();
  async function worker(): Promise<void> {
    for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
      const read = await readSidecar(tree, path);
      if ("problem" in read) problems.push({ path, message: read.problem });
      else contents.set(path, read.metadata);
    }
  }
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
  problems.sort((a, b) => comparePaths(a.path, b.path));
  return contents;
}

async function readSidecar(tree: Tree, path: string): Promise<{ metadata: Metadata } | { problem: string }> {
  let text: string;
  try {
    text = await tree.readText(path);
  } catch (err) {
    return { problem: `cannot read sidecar: ${(err as Error).message}` };
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return { problem: "sidecar is valid JSON but not an object; ignored" };
    }
    return { metadata: value as Metadata };
  } catch (err) {
    return { problem: `invalid JSON sidecar: ${(err as Error).message}` };
  }
}

function mergeGroups(groups: Map<string, ChainGroup>, contents: Map<string, Metadata>): Map<string, Metadata> {
  const merged = new Map<string, Metadata>();
  for (const { chain, files } of groups.values()) {
    const parts = chain.map((s) => contents.get(s.path)).filter((m) => m !== undefined);
    if (parts.length === 0) continue;
    // spread, not Object.assign: a sidecar key "__proto__" must stay a key, not set a prototype
    const metadata = Object.freeze(parts.reduce<Metadata>((all, part) => ({ ...all, ...part }), {}));
    for (const file of files) merged.set(file, metadata);
  }
  return merged;
}
