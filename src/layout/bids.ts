// The BIDS layout: a BIDS dataset's relative paths to entity columns and back.
//
//   const bids = bidsLayout();
//   bids.parse("sub-01/ses-2/func/sub-01_ses-2_task-rest_run-1_bold.nii.gz").entities
//     // { subject: "01", session: "2", task: "rest", run: "1", datatype: "func", suffix: "bold",
//     //   extension: ".nii.gz", pipeline: null, ...every other column null }
//   bids.build({ ...thoseEntities })  // the same path back
//
// Decisions (the spec leaves them to tools):
// - `extension` is everything from the first "." of the name, leading dot included, as BIDS and
//   pybids write it (".nii.gz", ".dtseries.nii"); "" for core files without one (README). In an
//   invalid name a dot before the suffix stays in its value (`acq-1.5T_T1w.nii`: ".nii").
// - Folder data objects (CTF `.ds/`, `.ome.zarr/`, `.mefd/`, BTi folders without extension) are
//   one BIDS file: every file inside gets the enclosing name's entities and the schema's folder
//   extension, trailing slash included (".ds/", "/"), so the catalog can tell them apart;
//   `build` gives the object's folder path ("..._meg.ds/"), which parses back the same.
// - `pipeline` is the innermost `derivatives/<pipeline>/` folder; "" when subject folders sit
//   directly in `derivatives/` (the derivatives folder is itself the derived dataset).
// - Opaque folders (sourcedata, code, stimuli, docs, logs, rawbids: the spec leaves their
//   content free) are catalogued as `valid: false` with the whole path in `unparsed`; a name
//   there that carries BIDS key-values still gives them (and its suffix and extension), so
//   `sourcedata/eeg/sub-s10_task-faceFO_eeg.set` can be found by subject; no datatype is set.
//   `phenotype/<tool>.tsv|.json` is BIDS: datatype "phenotype", suffix = the tool's name.
// - `.bidsignore` and other dotfiles are tool configuration, not BIDS files: invalid.
// - Top-level core files (dataset_description.json, README, participants.tsv, ...) are valid with
//   suffix = their stem. Outside datatype folders only metadata files (.json, .tsv, .bval, .bvec)
//   may sit (inheritance principle); anything else there is invalid.
// - `unparsed` holds the pieces that could not be placed, as they appear in the path: folders
//   with their "/", then name pieces joined by "_" (an unknown `foo-bar`, an out-of-order or
//   badly formed key-value, a `sub-01/` folder its name contradicts), or the whole name when it
//   has no suffix or extension. Every readable key-value is returned even when invalid.
// - Enumerated values (hemi L|R, part mag|phase...) and suffix/datatype pairings are not checked:
//   that is the BIDS validator's job, not the catalog's.

import {
  BIDS_DATATYPES,
  BIDS_ENTITIES,
  BIDS_ENTITY_BY_KEY,
  isWellFormed,
} from "./bids-entities.ts";
import { annotateBidsSidecars } from "./bids-sidecars.ts";
import { LayoutError, type Entities, type Layout, type Parsed } from "./layout.ts";

export interface BidsLayoutOptions {
  /** Parse files under `derivatives/` as BIDS (default true); when false they are opaque. */
  derivatives?: boolean;
}

const NAME_COLUMNS = BIDS_ENTITIES.map((e) => e.column);

/** Catalog columns: subject, session, the other entities in BIDS order, then the path parts. */
export const BIDS_COLUMNS: readonly string[] = [
  "subject",
  "session",
  ...NAME_COLUMNS.filter((c) => c !== "subject" && c !== "session"),
  "datatype",
  "suffix",
  "extension",
  "pipeline",
];

// Every parse starts from a copy of this all-null object; spreading a prebuilt object is as fast
// as an object literal, while adding 45 keys one by one made up 80% of parse time (measured).
const BLANK_ENTITIES: Entities = Object.fromEntries(BIDS_COLUMNS.map((c) => [c, null]));
const blankEntities = (): Entities => ({ ...BLANK_ENTITIES });
const SUFFIX = /^[A-Za-z0-9]+$/;
const CORE_STEM = /^[A-Za-z0-9_]+$/; // dataset_description, phenotype tool names
const FOLDER_ENTITY = /^([a-z]+)-(.*)$/;
const OPAQUE_FOLDERS = new Set(["sourcedata", "code", "stimuli", "docs", "logs", "rawbids"]);
const METADATA_EXTENSIONS = new Set([".json", ".tsv", ".bval", ".bvec"]);
const PHENOTYPE_EXTENSIONS = new Set([".tsv", ".json"]);
const CORE_FILES = new Set([
  "dataset_description.json",
  "genetic_info.json",
  "participants.tsv",
  "participants.json",
  "samples.tsv",
  "samples.json",
  "CHANGES",
  "CITATION.cff",
  ...["README", "LICENSE"].flatMap((stem) => ["", ".md", ".rst", ".txt"].map((x) => stem + x)),
]);

export function bidsLayout(options: BidsLayoutOptions = {}): Layout {
  const derivatives = options.derivatives ?? true;
  const parse = (relPath: string): Parsed => parseBidsPath(relPath, derivatives);
  return {
    name: "bids",
    entities: BIDS_COLUMNS,
    parse,
    build: buildBidsPath,
    annotate: (tree) =>
      annotateBidsSidecars(tree, { parse, datasetRoot: (p) => bidsDatasetRoot(p, derivatives) }),
  };
}

/** What a parse could not place; see the header for how it is written out. */
class Misses {
  folders: string[] = [];
  pieces: string[] = [];
  wholeName = false;

  get any(): boolean {
    return this.folders.length > 0 || this.pieces.length > 0 || this.wholeName;
  }

  render(name: string): string {
    const folders = this.folders.map((f) => f + "/").join("");
    return folders + (this.wholeName ? name : this.pieces.join("_"));
  }
}

function finish(entities: Entities, misses: Misses, name: string): Parsed {
  if (!misses.any) return { valid: true, entities, unparsed: null };
  return { valid: false, entities, unparsed: misses.render(name) || name };
}

/** A file the grammar does not place; BIDS-looking names still give their key-values. */
function opaque(entities: Entities, rest: string[]): Parsed {
  const scratch = blankEntities();
  readName(rest[rest.length - 1], scratch, new Misses());
  if (NAME_COLUMNS.some((c) => scratch[c] !== null)) {
    for (const c of NAME_COLUMNS) entities[c] = scratch[c];
    entities.suffix = scratch.suffix;
    entities.extension = scratch.extension;
  }
  return { valid: false, entities, unparsed: rest.join("/") };
}

/** Whether a path lies where the grammar reads nothing (opaque folders, disabled derivatives). */
function isOpaque(rest: string[], pipeline: string | null, derivatives: boolean): boolean {
  if (pipeline !== null && !derivatives) return true;
  return rest.length > 1 && (OPAQUE_FOLDERS.has(rest[0]) || rest[0] === "derivatives");
}

export function parseBidsPath(relPath: string, derivatives = true): Parsed {
  const entities = blankEntities();
  const segments = relPath.split("/");
  const start = enterDerivatives(segments, entities);
  const rest = start === 0 ? segments : segments.slice(start);
  if (isOpaque(rest, entities.pipeline, derivatives)) return opaque(entities, rest);
  if (rest.length === 1) return parseRootFile(rest[0], entities);
  if (rest[0] === "phenotype") return parsePhenotype(rest, entities);
  return parseSubjectTree(rest, entities);
}

/**
 * The folder of the (derived) dataset a path belongs to ("", "derivatives/fmriprep", ...), or
 * null when the path lies in an opaque folder, outside any dataset's grammar.
 */
export function bidsDatasetRoot(relPath: string, derivatives = true): string | null {
  if (!relPath.startsWith("derivatives/")) {
    const slash = relPath.indexOf("/");
    return slash > 0 && OPAQUE_FOLDERS.has(relPath.slice(0, slash)) ? null : "";
  }
  const segments = relPath.split("/");
  const scratch = blankEntities();
  const start = enterDerivatives(segments, scratch);
  if (isOpaque(segments.slice(start), scratch.pipeline, derivatives)) return null;
  return segments.slice(0, start).join("/");
}

/** Skips `derivatives/<pipeline>/` prefixes (nested ones too); returns where the dataset starts. */
function enterDerivatives(segments: string[], entities: Entities): number {
  let i = 0;
  while (segments[i] === "derivatives" && segments.length - i > 2) {
    const next = segments[i + 1];
    if (next.startsWith("sub-") || next.startsWith("tpl-")) {
      entities.pipeline = "";
      return i + 1;
    }
    entities.pipeline = next;
    i += 2;
  }
  return i;
}

function parseRootFile(name: string, entities: Entities): Parsed {
  if (CORE_FILES.has(name)) {
    const dot = name.indexOf(".");
    entities.suffix = dot < 0 ? name : name.slice(0, dot);
    entities.extension = dot < 0 ? "" : name.slice(dot);
    return { valid: true, entities, unparsed: null };
  }
  const misses = new Misses();
  readName(name, entities, misses);
  checkFolderAgreement({}, entities, misses);
  requireMetadataExtension(entities, misses);
  return finish(entities, misses, name);
}

function parsePhenotype(rest: string[], entities: Entities): Parsed {
  const name = rest[1];
  const dot = name.indexOf(".");
  const extension = dot < 0 ? "" : name.slice(dot);
  const stem = name.slice(0, Math.max(dot, 0));
  if (rest.length !== 2 || !CORE_STEM.test(stem) || !PHENOTYPE_EXTENSIONS.has(extension)) {
    return opaque(entities, rest);
  }
  entities.datatype = "phenotype";
  entities.suffix = stem;
  entities.extension = extension;
  return { valid: true, entities, unparsed: null };
}

/** Entity values given by the folders a file sits in. */
interface FolderEntities {
  subject?: string;
  tpl?: string;
  session?: string;
  cohort?: string;
}

// Folder levels, in the order they may appear: sub-|tpl-, then ses-|cohort-, then a datatype.
const Level = { Top: 0, Group: 1, Datatype: 2, InDatatype: 3 } as const;
type Level = (typeof Level)[keyof typeof Level];

function parseSubjectTree(rest: string[], entities: Entities): Parsed {
  const misses = new Misses();
  const folders: FolderEntities = {};
  const last = rest.length - 1;
  let level: Level = Level.Top;
  let name = rest[last];
  let isObject = false;
  for (let j = 0; j < last; j++) {
    const segment = rest[j];
    const next = readFolder(segment, level, folders);
    if (next !== null) {
      level = next;
      if (next === Level.InDatatype) entities.datatype = segment;
    } else if (level === Level.InDatatype && isDataObjectName(segment)) {
      name = segment;
      isObject = true;
      break;
    } else {
      misses.folders.push(segment);
    }
  }
  const foldersAreBids = misses.folders.length === 0;
  readName(name, entities, misses);
  checkFolderAgreement(folders, entities, misses);
  if (isObject) entities.extension = (entities.extension ?? "") + "/";
  else if (level !== Level.InDatatype && foldersAreBids) requireMetadataExtension(entities, misses);
  else if (entities.extension === null) misses.wholeName = true;
  return finish(entities, misses, name);
}

/** The level reached by entering `segment`, or null when it is not the folder expected there. */
function readFolder(segment: string, level: Level, folders: FolderEntities): Level | null {
  if (level === Level.Group || level === Level.Datatype) {
    if (BIDS_DATATYPES.has(segment)) return Level.InDatatype;
  }
  if (level !== Level.Top && level !== Level.Group) return null;
  const match = FOLDER_ENTITY.exec(segment);
  if (!match) return null;
  const [, key, value] = match;
  const wanted =
    level === Level.Top ? key === "sub" || key === "tpl" : key === (folders.tpl !== undefined ? "cohort" : "ses");
  if (!wanted) return null;
  const entity = BIDS_ENTITY_BY_KEY.get(key)!;
  if (!isWellFormed(entity, value)) return null;
  folders[entity.column as keyof FolderEntities] = value;
  return level === Level.Top ? Level.Group : Level.Datatype;
}

/** A folder inside a datatype folder named like a BIDS file is a folder data object (CTF .ds). */
function isDataObjectName(segment: string): boolean {
  const misses = new Misses();
  const scratch = blankEntities();
  readName(segment, scratch, misses);
  return !misses.any && (scratch.subject !== null || scratch.tpl !== null);
}

/** Reads `<key>-<value>_..._<suffix><extension>` into entities, keeping what it cannot place. */
function readName(name: string, entities: Entities, misses: Misses): void {
  // Labels never hold a dot, so the extension starts at the first dot after the last "_": the
  // same as the first dot for a valid name, and `acq-1.5T_T1w.nii` still reads as acq "1.5T".
  const dot = name.indexOf(".", name.lastIndexOf("_") + 1);
  const stem = dot < 0 ? name : name.slice(0, dot);
  entities.extension = dot < 0 || dot === name.length - 1 ? null : name.slice(dot);
  const parts = stem.split("_");
  if (SUFFIX.test(parts[parts.length - 1])) entities.suffix = parts.pop()!;
  else misses.wholeName = true;
  let lastOrder = -1;
  for (const part of parts) {
    const dash = part.indexOf("-");
    const entity = dash > 0 ? BIDS_ENTITY_BY_KEY.get(part.slice(0, dash)) : undefined;
    if (entity === undefined || entities[entity.column] !== null) {
      misses.pieces.push(part);
      continue;
    }
    const value = part.slice(dash + 1);
    entities[entity.column] = value;
    if (!isWellFormed(entity, value) || entity.order < lastOrder) misses.pieces.push(part);
    lastOrder = Math.max(lastOrder, entity.order);
  }
}

/**
 * A name's sub/tpl must match its folder (and be absent outside one); ses/cohort must match their
 * folder, and may only appear without one at the root (metadata shared by every subject's session).
 * On disagreement the name's value is kept and the folder goes to `unparsed`.
 */
function checkFolderAgreement(folders: FolderEntities, entities: Entities, misses: Misses): void {
  const atRoot = folders.subject === undefined && folders.tpl === undefined;
  agree(entities, misses, "sub", "subject", folders.subject, false);
  agree(entities, misses, "tpl", "tpl", folders.tpl, false);
  agree(entities, misses, "ses", "session", folders.session, atRoot);
  agree(entities, misses, "cohort", "cohort", folders.cohort, atRoot);
}

function agree(
  entities: Entities,
  misses: Misses,
  key: string,
  column: string,
  folder: string | undefined,
  nameOnlyAllowed: boolean,
): void {
  const inName = entities[column];
  if (folder === undefined) {
    if (inName !== null && !nameOnlyAllowed) misses.pieces.push(`${key}-${inName}`);
  } else if (inName !== folder) {
    misses.folders.push(`${key}-${folder}`);
    if (inName === null) entities[column] = folder;
  }
}

/** Outside datatype folders only metadata may sit, at any level (the inheritance principle). */
function requireMetadataExtension(entities: Entities, misses: Misses): void {
  if (entities.extension === null || !METADATA_EXTENSIONS.has(entities.extension)) {
    misses.wholeName = true;
  }
}

const EXTENSION = /^(\.[^/]+)?\/?$/;

/** The canonical path of an entity set; throws `LayoutError` naming what is missing or malformed. */
export function buildBidsPath(entities: Entities): string {
  const { suffix, extension, datatype, pipeline } = entities;
  const missing = [suffix == null && "suffix", extension == null && "extension"].filter(Boolean);
  if (missing.length > 0) throw new LayoutError(`bids: cannot build a path without ${missing.join(" and ")}`);
  if (!EXTENSION.test(extension!)) throw new LayoutError(`bids: extension "${extension}" is not like ".nii.gz"`);
  if (pipeline != null && pipeline.includes("/")) throw new LayoutError(`bids: pipeline "${pipeline}" has a "/"`);

  const parts = nameParts(entities);
  const plainName = parts.length === 0 && (datatype == null || datatype === "phenotype");
  if (!(plainName ? CORE_STEM : SUFFIX).test(suffix!)) {
    throw new LayoutError(`bids: suffix "${suffix}" must be letters and digits`);
  }
  const root = pipeline == null ? "" : pipeline === "" ? "derivatives/" : `derivatives/${pipeline}/`;
  return root + folderPath(entities) + parts.map((p) => p + "_").join("") + suffix + extension;
}

/** `sub-<label>/[ses-<label>/][<datatype>/]`, or the `tpl-`/`cohort-` equivalent. */
function folderPath(entities: Entities): string {
  const { subject, tpl, session, cohort, datatype } = entities;
  let path = "";
  if (subject != null) path = `sub-${subject}/` + (session != null ? `ses-${session}/` : "");
  else if (tpl != null) path = `tpl-${tpl}/` + (cohort != null ? `cohort-${cohort}/` : "");
  if (datatype != null) path += datatypeFolder(datatype, path !== "");
  return path;
}

function nameParts(entities: Entities): string[] {
  const parts: string[] = [];
  for (const entity of BIDS_ENTITIES) {
    const value = entities[entity.column];
    if (value == null) continue;
    if (!isWellFormed(entity, value)) {
      throw new LayoutError(`bids: ${entity.column} "${value}" is not a BIDS ${entity.format}`);
    }
    parts.push(`${entity.key}-${value}`);
  }
  return parts;
}

function datatypeFolder(datatype: string, underSubject: boolean): string {
  if (datatype === "phenotype" && !underSubject) return "phenotype/";
  if (!BIDS_DATATYPES.has(datatype)) throw new LayoutError(`bids: "${datatype}" is not a BIDS datatype`);
  if (!underSubject) throw new LayoutError(`bids: datatype "${datatype}" needs a subject or tpl`);
  return datatype + "/";
}
