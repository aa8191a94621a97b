// JSON sidecar metadata for a BIDS tree, by the BIDS inheritance principle: a data file gets
// every `.json` with its suffix whose entities it has, found in its own folder or above, merged
// from the top folder down so the nearest sidecar wins key by key.
//
//   const notes = await bidsLayout().annotate!(tree);
//   notes.metadata.get("sub-01/func/sub-01_task-rest_bold.nii.gz")?.RepetitionTime  // 2
//
// Decisions:
// - Data files are the parsed files with a suffix and an extension other than `.json`, outside
//   opaque folders (sourcedata/, code/, ...: not part of the dataset's grammar, so get nothing). JSON files get no entry: their content is
//   their own data, and the principle says which metadata applies to data files, not to them.
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

const NAME_COLUMNS = BIDS_ENTITIES.map((e) => e.column);
const READ_CONCURRENCY = 32;

export async function annotateBidsSidecars(tree: Tree, grammar: BidsGrammar): Promise<Annotations> {
  const parsed = tree.paths.map((path) => ({ path, parsed: grammar.parse(path) }));
  const index = indexSidecars(parsed);
  const conflicts = new ConflictLog();
  const chains = new Map<string, Sidecar[]>();
  for (const { path, parsed: p } of parsed) {
    const root = isDataFile(p) ? grammar.datasetRoot(path) : null;
    if (root === null) continue;
    const chain = applicableSidecars(path, p, root, index, conflicts);
    if (chain.length > 0) chains.set(path, chain);
  }
  const problems: Problem[] = [];
  const contents = await readSidecars(tree, chains, problems);
  problems.push(...conflicts.problems());
  return { metadata: mergeChains(chains, contents), problems };
}

function isDataFile(p: Parsed): boolean {
  const { suffix, extension } = p.entities;
  return suffix !== null && extension !== null && extension !== ".json";
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

function indexSidecars(files: { path: string; parsed: Parsed }[]): SidecarIndex {
  const index: SidecarIndex = new Map();
  for (const { path, parsed } of files) {
    const { suffix, extension } = parsed.entities;
    if (!parsed.valid || extension !== ".json" || suffix === null) continue;
    const entities: [string, string][] = [];
    for (const column of NAME_COLUMNS) {
      const value = parsed.entities[column];
      if (value !== null) entities.push([column, value]);
    }
    const folder = folderOf(path);
    let bySuffix = index.get(folder);
    if (bySuffix === undefined) index.set(folder, (bySuffix = new Map()));
    const list = bySuffix.get(suffix);
    if (list === undefined) bySuffix.set(suffix, [{ path, entities }]);
    else list.push({ path, entities });
  }
  return index;
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
  return a.entities.length - b.entities.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
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
  chains: Map<string, Sidecar[]>,
  problems: Problem[],
): Promise<Map<string, Metadata>> {
  const wanted = new Set<string>();
  for (const chain of chains.values()) for (const s of chain) wanted.add(s.path);
  const queue = [...wanted].sort();
  const contents = new Map<string, Metadata>();
  async function worker(): Promise<void> {
    for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
      const read = await readSidecar(tree, path);
      if ("problem" in read) problems.push({ path, message: read.problem });
      else contents.set(path, read.metadata);
    }
  }
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
  problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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

function mergeChains(chains: Map<string, Sidecar[]>, contents: Map<string, Metadata>): Map<string, Metadata> {
  const merged = new Map<string, Metadata>();
  const byChain = new Map<string, Metadata | null>();
  for (const [path, chain] of chains) {
    const key = chain.map((s) => s.path).join("\n");
    let metadata = byChain.get(key);
    if (metadata === undefined) {
      const parts = chain.map((s) => contents.get(s.path)).filter((m) => m !== undefined);
      metadata = parts.length === 0 ? null : Object.freeze(Object.assign({}, ...parts) as Metadata);
      byChain.set(key, metadata);
    }
    if (metadata !== null) merged.set(path, metadata);
  }
  return merged;
}
