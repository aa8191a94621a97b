// The `containers` layout: Thot 0.x projects, where a folder holding `_container.json` is a
// container, one holding `_asset.json` an asset, and metadata flows down from containers.
//
//   const layout = containersLayout();
//   const { containers, entities, metadata } = await layout.annotate!(tree);
//   entities!.get("deg30/data/data.csv") // { container: "deg30", asset: "deg30/data", role: "asset-file", ... }
//   metadata.get("deg30/data/data.csv")  // { location: "Lausanne", angle: 30, material: "steel" }
//
// A path alone cannot say which folders hold descriptors, so `parse` fills only what the name
// shows (the role of a descriptor file) and `annotate` fills every entity of every path.
// Decisions where Thot is silent or trove's table needs more:
// - Inheritance follows Thot: climb while the parent folder is a container, nearer wins, own wins.
//   A file's container, though, is its nearest container folder even across plain folders, since
//   a catalog wants `raw/x.csv` inside container `c` to belong to `c`.
// - Tags are not inherited (Thot inherits metadata only).
// - `root:/` in an asset's file is the top-most container of its chain, or the dataset root
//   when the asset has no container above it.
// - The file an asset names is an "asset-file" of that asset wherever it lies (when two assets
//   name one file, the one whose folder holds it); when it is a folder, every file below it is.
// - Per-file entity and metadata objects are shared between files of one owner and frozen.
// - `_scripts.json` (script associations) is role "data": running scripts is not a layout's job.
// - Problems come sorted by path, since descriptors and notes are read concurrently.
// - An `_asset.json` that is not a JSON object (half-written by a killed script?) makes no asset.
// - `_scripts.json` fills the container row's `scripts` (root: and relative paths resolved).
// - Thot 0.10 (`.thot/`) and Syre (`.syre/`) projects are read by compat/thot (annotate.ts).

import { basename } from "node:path";
import {
  ASSET_FILE,
  CONTAINER_FILE,
  type Descriptor,
  NOTES_FOLDER,
  type Note,
  type ObjectKind,
  mapLimit,
  parseDescriptor,
  readNote,
  resolveAssetFile,
} from "./container-files.ts";
import {
  type Annotations,
  type ContainerRow,
  type Entities,
  type Layout,
  type Parsed,
  type Problem,
  type Tree,
  LayoutError,
  emptyEntities,
} from "./layout.ts";
import { comparePaths as compare } from "../fsutil/paths.ts";
import { readTexts } from "../fsutil/read-texts.ts";
import { annotateModernProject, isModernProjectTree } from "../compat/thot/annotate.ts";
import { SCRIPTS_FILE, parseScripts } from "../compat/thot/legacy.ts";

const COLUMNS = ["container", "container_type", "asset", "asset_type", "role"] as const;
const READ_CONCURRENCY = 16;

export type FileRole = "descriptor" | "note" | "asset-file" | "data";

export function containersLayout(): Layout {
  return { name: "containers", entities: COLUMNS, parse: parsePath, build: buildPath, annotate: annotateTree };
}

function parsePath(relPath: string): Parsed {
  const entities = emptyEntities(COLUMNS);
  if (isDescriptorName(baseName(relPath))) entities.role = "descriptor";
  return { valid: true, entities, unparsed: null };
}

function buildPath(entities: Entities): string {
  if (entities.role !== "descriptor") {
    throw new LayoutError(
      `containers layout builds only descriptor paths (role "descriptor"), not role ${JSON.stringify(entities.role ?? null)}: ` +
        "the names of data files and notes are not entities",
    );
  }
  if (entities.asset != null) return joinRel(entities.asset, ASSET_FILE);
  if (entities.container != null) return joinRel(entities.container, CONTAINER_FILE);
  throw new LayoutError("containers layout needs a container or an asset folder to build a descriptor path");
}

// ---- the whole-tree pass --------------------------------------------------------------------

interface ObjectFolder {
  folder: string;
  kind: ObjectKind;
  descriptorPath: string;
}

/** An object once its descriptor is read and it is linked to its ancestors. */
interface ObjectInfo extends ObjectFolder {
  descriptor: Descriptor;
  parent: string | null;
  inherited: Record<string, unknown>;
  /** What `root:/` means for this object and its assets. */
  rootFolder: string;
  file: string | null;
  /** Frozen copy handed out as the metadata of every file this object owns. */
  fileMetadata: Readonly<Record<string, unknown>>;
}

/** The container and asset a folder's files belong to, with their entity objects per role. */
interface Owner {
  container: string | null;
  asset: string | null;
  entitiesByRole: Map<FileRole, Entities>;
}

async function annotateTree(tree: Tree): Promise<Annotations> {
  if (isModernProjectTree(tree.paths)) return annotateModernProject(tree);
  const problems: Problem[] = [];
  const folders = findObjectFolders(tree.paths, problems);
  const objects = await readObjects(tree, folders, problems);
  const { entities, metadata, notePaths } = classifyFiles(tree.paths, objects, problems);
  const notes = await readNotes(tree.root, notePaths, problems);
  const scripts = await readScriptFiles(tree, objects, problems);
  const containers = [...objects.values()].map((o) => toRow(o, notes.get(o.folder) ?? [], scripts.get(o.folder) ?? []));
  // Reads finish in any order; a stable sort by path keeps each file's own problems in order.
  problems.sort((a, b) => compare(a.path, b.path));
  return { metadata, entities, containers, problems };
}

function findObjectFolders(paths: readonly string[], problems: Problem[]): Map<string, ObjectFolder> {
  const found = new Map<string, ObjectFolder>();
  for (const path of paths) {
    const name = baseName(path);
    if (!isDescriptorName(name)) continue;
    const folder = parentOf(path) ?? "";
    const kind: ObjectKind = name === CONTAINER_FILE ? "container" : "asset";
    const other = found.get(folder);
    if (other) {
      const asset = kind === "asset" ? path : other.descriptorPath;
      problems.push({
        path: asset,
        message: `folder "${folder}" holds both ${CONTAINER_FILE} and ${ASSET_FILE}; Thot allows one, trove treats it as a container`,
      });
      if (kind === "asset") continue;
    }
    found.set(folder, { folder, kind, descriptorPath: path });
  }
  return found;
}

/** Reads every descriptor, then links objects parent-first (sorted paths put a parent first). */
async function readObjects(tree: Tree, folders: Map<string, ObjectFolder>, problems: Problem[]): Promise<Map<string, ObjectInfo>> {
  const sorted = [...folders.values()].sort((a, b) => compare(a.folder, b.folder));
  const rootName = basename(tree.root);
  // read straight from the disk, on worker threads: a project's descriptors number in the tens of thousands
  const texts = await readTexts(tree.root, sorted.map((o) => o.descriptorPath));
  const descriptors = sorted.map((o, i) => readDescriptor(texts[i], o, rootName, problems));
  const objects = new Map<string, ObjectInfo>();
  sorted.forEach((o, i) => {
    if (descriptors[i] !== null) objects.set(o.folder, linkObject(o, descriptors[i]!, objects, problems));
  });
  return objects;
}

/** The descriptor, or null for an asset whose descriptor is no JSON object (never read as valid). */
function readDescriptor(text: string | Error, o: ObjectFolder, rootName: string, problems: Problem[]): Descriptor | null {
  const defaultName = o.folder === "" ? rootName : baseName(o.folder);
  if (text instanceof Error) {
    problems.push({ path: o.descriptorPath, message: `cannot read: ${text.message}` });
    return parseDescriptor("{}", o.descriptorPath, o.kind, defaultName).descriptor;
  }
  const parsed = parseDescriptor(text, o.descriptorPath, o.kind, defaultName);
  problems.push(...parsed.problems);
  return parsed.readable || o.kind === "container" ? parsed.descriptor : null;
}

/** Each container's `_scripts.json`, read when the tree has one. */
async function readScriptFiles(tree: Tree, objects: Map<string, ObjectInfo>, problems: Problem[]): Promise<Map<string, ContainerRow["scripts"]>> {
  const present = new Set(tree.paths);
  const out = new Map<string, ContainerRow["scripts"]>();
  const withScripts = [...objects.values()].filter((o) => o.kind === "container" && present.has(joinRel(o.folder, SCRIPTS_FILE)));
  const texts = await readTexts(tree.root, withScripts.map((o) => joinRel(o.folder, SCRIPTS_FILE)));
  for (const [i, o] of withScripts.entries()) {
    const file = joinRel(o.folder, SCRIPTS_FILE);
    const found: { path: string; message: string }[] = [];
    const text = texts[i];
    const read = text instanceof Error ? (found.push({ path: file, message: `cannot read: ${text.message}` }), []) : parseScripts(text, o.folder, found);
    // compat/thot messages start with the file; a layout problem names it in `path`
    problems.push(...found.map((p) => ({ path: p.path, message: p.message.replace(`${file}: `, "").replace(`${file}:`, "") })));
    out.set(o.folder, read.map(({ script, priority, autorun }) => ({ script, priority, autorun })));
  }
  return out;
}

function linkObject(o: ObjectFolder, descriptor: Descriptor, linked: Map<string, ObjectInfo>, problems: Problem[]): ObjectInfo {
  const above = parentOf(o.folder);
  const aboveObject = above === null ? undefined : linked.get(above);
  if (aboveObject?.kind === "asset") {
    problems.push({
      path: o.descriptorPath,
      message: `lies inside asset "${aboveObject.folder}"; Thot never looks inside assets, so it inherits nothing`,
    });
  }
  const parent = aboveObject?.kind === "container" ? aboveObject : null;
  const inherited = { ...(parent?.inherited ?? {}), ...descriptor.metadata };
  const rootFolder = parent ? parent.rootFolder : o.kind === "container" ? o.folder : "";
  const info: ObjectInfo = {
    ...o,
    descriptor,
    parent: parent?.folder ?? null,
    inherited,
    rootFolder,
    file: null,
    fileMetadata: Object.freeze({ ...inherited }),
  };
  if (o.kind === "asset" && descriptor.file !== null) {
    const resolved = resolveAssetFile(descriptor.file, o.folder, rootFolder);
    if ("error" in resolved) problems.push({ path: o.descriptorPath, message: `key "file": ${resolved.error}` });
    else info.file = resolved.path;
  }
  return info;
}

async function readNotes(root: string, notePaths: Map<string, string[]>, problems: Problem[]): Promise<Map<string, Note[]>> {
  const jobs = [...notePaths].flatMap(([owner, paths]) => paths.map((path) => ({ owner, path })));
  const read = await mapLimit(jobs, READ_CONCURRENCY, async ({ path }) => {
    try {
      return await readNote(root, path);
    } catch (e) {
      problems.push({ path, message: `cannot read note: ${(e as Error).message}` });
      return null;
    }
  });
  const byOwner = new Map<string, Note[]>();
  jobs.forEach(({ owner }, i) => {
    const note = read[i];
    if (!byOwner.has(owner)) byOwner.set(owner, []);
    if (note) byOwner.get(owner)!.push(note);
  });
  return byOwner;
}

// ---- per-file entities ----------------------------------------------------------------------

/** What every file of one folder shares; computed once per folder since datasets have far fewer. */
interface FolderFacts {
  owner: Owner;
  /** The object whose `_notes/` this folder is. */
  noteOwner: string | null;
  /** The asset naming this folder or one above it as its data. */
  namingAsset: string | null;
}

interface Classified {
  entities: Map<string, Entities>;
  metadata: Map<string, Record<string, unknown>>;
  /** Note files per owning object folder, in path order. */
  notePaths: Map<string, string[]>;
}

function classifyFiles(paths: readonly string[], objects: Map<string, ObjectInfo>, problems: Problem[]): Classified {
  const assetFiles = assetsByFile(objects);
  const found = new Set<string>();
  const owners = new Map<string, Owner>();
  const facts = new Map<string, FolderFacts>();
  const factsOf = (folder: string): FolderFacts => folderFacts(folder, objects, assetFiles, found, owners, facts);
  const out: Classified = { entities: new Map(), metadata: new Map(), notePaths: new Map() };

  for (const path of paths) {
    const folder = factsOf(parentOf(path) ?? "");
    const exactAsset = assetFiles.get(path);
    if (exactAsset !== undefined) found.add(path);
    const namingAsset = exactAsset ?? folder.namingAsset;
    const role = roleOf(path, folder, namingAsset);
    const owner = role === "asset-file" ? folderOwner(namingAsset!, objects, owners) : folder.owner;
    out.entities.set(path, entitiesFor(owner, role, objects));
    const meta = metadataOf(owner, objects);
    if (meta) out.metadata.set(path, meta as Record<string, unknown>);
    if (role === "note") pushTo(out.notePaths, folder.noteOwner!, path);
  }

  for (const o of objects.values()) {
    if (o.file !== null && !found.has(o.file)) {
      problems.push({ path: o.descriptorPath, message: `key "file": "${o.file}" is not among the dataset's files` });
    }
  }
  return out;
}

function folderFacts(
  folder: string,
  objects: Map<string, ObjectInfo>,
  assetFiles: Map<string, string>,
  found: Set<string>,
  owners: Map<string, Owner>,
  memo: Map<string, FolderFacts>,
): FolderFacts {
  const known = memo.get(folder);
  if (known) return known;
  const above = parentOf(folder);
  const notesOf = above ?? "";
  const ownNaming = folder === "" ? undefined : assetFiles.get(folder);
  if (ownNaming !== undefined) found.add(folder);
  const facts: FolderFacts = {
    owner: folderOwner(folder, objects, owners),
    noteOwner: above !== null && baseName(folder) === NOTES_FOLDER && objects.has(notesOf) ? notesOf : null,
    namingAsset: ownNaming ?? (above === null ? null : folderFacts(above, objects, assetFiles, found, owners, memo).namingAsset),
  };
  memo.set(folder, facts);
  return facts;
}

/** Each named file's asset; when two name one file, the asset whose folder holds it wins. */
function assetsByFile(objects: Map<string, ObjectInfo>): Map<string, string> {
  const byFile = new Map<string, string>();
  for (const o of objects.values()) {
    if (o.kind !== "asset" || o.file === null) continue;
    const holder = byFile.get(o.file);
    if (holder === undefined || (!isInside(o.file, holder) && isInside(o.file, o.folder))) byFile.set(o.file, o.folder);
  }
  return byFile;
}

function roleOf(path: string, folder: FolderFacts, namingAsset: string | null): FileRole {
  if (isDescriptorName(baseName(path))) return "descriptor";
  if (folder.noteOwner !== null) return "note";
  if (namingAsset !== null) return "asset-file";
  return "data";
}

function folderOwner(folder: string, objects: Map<string, ObjectInfo>, memo: Map<string, Owner>): Owner {
  const known = memo.get(folder);
  if (known) return known;
  const object = objects.get(folder);
  const above = parentOf(folder);
  let owner: Owner;
  if (object?.kind === "container") owner = { container: folder, asset: null, entitiesByRole: new Map() };
  else if (object?.kind === "asset") {
    const container = above === null ? null : folderOwner(above, objects, memo).container;
    owner = { container, asset: folder, entitiesByRole: new Map() };
  } else if (above === null) owner = { container: null, asset: null, entitiesByRole: new Map() };
  else owner = folderOwner(above, objects, memo);
  memo.set(folder, owner);
  return owner;
}

function entitiesFor(owner: Owner, role: FileRole, objects: Map<string, ObjectInfo>): Entities {
  const cached = owner.entitiesByRole.get(role);
  if (cached) return cached;
  const made: Entities = Object.freeze({
    container: owner.container,
    container_type: owner.container === null ? null : (objects.get(owner.container)?.descriptor.type ?? null),
    asset: owner.asset,
    asset_type: owner.asset === null ? null : (objects.get(owner.asset)?.descriptor.type ?? null),
    role,
  });
  owner.entitiesByRole.set(role, made);
  return made;
}

function metadataOf(owner: Owner, objects: Map<string, ObjectInfo>): Readonly<Record<string, unknown>> | null {
  const folder = owner.asset ?? owner.container;
  return folder === null ? null : (objects.get(folder)?.fileMetadata ?? null);
}

function toRow(o: ObjectInfo, notes: Note[], scripts: ContainerRow["scripts"]): ContainerRow {
  const d = o.descriptor;
  return {
    path: o.folder,
    kind: o.kind,
    name: d.name,
    type: d.type,
    description: d.description,
    tags: d.tags,
    metadata: o.inherited,
    own_metadata: d.metadata,
    parent: o.parent,
    file: o.file,
    creator: d.creator,
    creator_type: d.creator_type,
    notes,
    rid: null,
    scripts,
  };
}

// ---- paths ----------------------------------------------------------------------------------

function isDescriptorName(name: string): boolean {
  return name === CONTAINER_FILE || name === ASSET_FILE;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** The folder holding `path` ("" for the root), or null for the root itself. */
function parentOf(path: string): string | null {
  if (path === "") return null;
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

function pushTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function isInside(path: string, folder: string): boolean {
  return folder === "" || path.startsWith(folder + "/");
}

function joinRel(folder: string, name: string): string {
  return folder === "" ? name : `${folder}/${name}`;
}

