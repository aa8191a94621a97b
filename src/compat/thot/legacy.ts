// Reads a Thot 0.x project from disk: folders holding `_container.json` (containers) or
// `_asset.json` (assets), `_scripts.json` associations and `_notes/` (docs `concepts.rst`,
// `thot/db/local.py`).
//
//   const { objects, problems } = await readLegacyProject("/data/inclined-plane");
//   objects.find((o) => o.path === "deg20/data")  // { kind: "asset", file: "deg20/data/data.csv", ... }
//
// As Thot: one object file per folder, sub-folders without one are not objects (nor is anything
// below them), the name defaults to the folder's, `file` is relative to the asset folder or
// `root:`/`ROOT:` (the top-most container), `_scripts.json` entries default to priority 0 and
// autorun true, and a renamed object file (`_asset_removed`) is simply not an object file.
// Differently: a bad file is a problem naming the file and position, and loading goes on without it
// (Thot raised on the first one); inheritance is done by project.ts for every generation alike.

import { readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { type JsonObject, type ThotProblem, describeJson, isPlainObject, parseJsonObject, parseObjectFile } from "./errors.ts";
import type { Note, ScriptAssociation } from "./model.ts";
import { readNotes } from "./notes.ts";
import { type RawObject, readProperties, resolveProjectPath } from "./properties.ts";

export const CONTAINER_FILE = "_container.json";
export const ASSET_FILE = "_asset.json";
export const SCRIPTS_FILE = "_scripts.json";
export const NOTES_FOLDER = "_notes";

export function isLegacyProject(names: readonly string[]): boolean {
  return names.includes(CONTAINER_FILE);
}

/** Every container and asset under `root` (which must hold `_container.json`), parents first. */
export async function readLegacyProject(root: string): Promise<{ objects: RawObject[]; problems: ThotProblem[] }> {
  const objects: RawObject[] = [];
  const problems: ThotProblem[] = [];
  await visit(root, "", null, objects, problems);
  return { objects, problems };
}

async function visit(root: string, folder: string, parent: string | null, out: RawObject[], problems: ThotProblem[]): Promise<void> {
  const entries = readdirSync(join(root, folder), { withFileTypes: true });
  const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  const hasContainer = names.has(CONTAINER_FILE);
  const hasAsset = names.has(ASSET_FILE);
  if (hasContainer && hasAsset) {
    problems.push({
      path: folder === "" ? CONTAINER_FILE : folder,
      message: `folder "${folder || "."}" holds both ${CONTAINER_FILE} and ${ASSET_FILE}; Thot allows one object file per folder, so it is neither a container nor an asset`,
    });
    return;
  }
  if (!hasContainer && !hasAsset) return;
  const kind = hasContainer ? "container" : "asset";
  const objectFile = joinRel(folder, hasContainer ? CONTAINER_FILE : ASSET_FILE);
  const object = await readObject(root, folder, kind, objectFile, parent, problems);
  if (!object) return;
  if (names.has(NOTES_FOLDER) || entries.some((e) => e.isDirectory() && e.name === NOTES_FOLDER)) {
    object.notes = await readNotes(root, joinRel(folder, NOTES_FOLDER), problems);
  }
  out.push(object);
  // Thot never looks inside assets: their sub-folders are the asset's data
  if (kind === "asset") return;
  object.scripts = names.has(SCRIPTS_FILE) ? await readScripts(root, folder, problems) : [];
  const subfolders = entries.filter((e) => e.isDirectory() && e.name !== NOTES_FOLDER).map((e) => e.name).sort();
  for (const name of subfolders) await visit(root, joinRel(folder, name), folder, out, problems);
}

/** One asset folder, as the loader reads it (the runner re-reads the assets a script added). */
export function readLegacyAsset(root: string, folder: string, parent: string, problems: ThotProblem[]): Promise<RawObject | null> {
  return readObject(root, folder, "asset", joinRel(folder, ASSET_FILE), parent, problems);
}

async function readObject(
  root: string,
  folder: string,
  kind: "container" | "asset",
  objectFile: string,
  parent: string | null,
  problems: ThotProblem[],
): Promise<RawObject | null> {
  const read = parseJsonObject(readFileSync(join(root, objectFile), "utf8"), objectFile);
  const defaultName = folder === "" ? posix.basename(root) : posix.basename(folder);
  if ("error" in read) {
    problems.push({ path: objectFile, message: read.error });
    // an unreadable asset is skipped (never valid with defaults); a container keeps its folder's
    // name so the subtree below it is not lost
    if (kind === "asset") return null;
  }
  const json: JsonObject = "error" in read ? {} : read.value;
  const complain = (message: string) => problems.push({ path: objectFile, message: `${objectFile}: ${message}` });
  const props = readProperties(json, defaultName, complain);
  const object: RawObject = { kind, path: folder, parent, rid: null, ...props, creator: null, creator_type: null, notes: [] as Note[], scripts: [], file: null, created: null };
  readCreator(json, object, complain);
  if (kind === "asset") {
    const file = json.file;
    if (typeof file !== "string" || file === "") {
      complain(`key "file": ${file === undefined ? "missing" : `expected a path, got ${describeJson(file)}`}; the asset is skipped`);
      return null;
    }
    const resolved = resolveProjectPath(file, folder);
    if ("error" in resolved) {
      complain(`key "file": ${resolved.error}; the asset is skipped`);
      return null;
    }
    object.file = resolved.path;
  }
  return object;
}

function readCreator(json: JsonObject, object: RawObject, complain: (m: string) => void): void {
  if (typeof json.creator === "string" && json.creator !== "") object.creator = json.creator;
  else if (json.creator != null) complain(`key "creator": expected a string, got ${describeJson(json.creator)}`);
  const type = json.creator_type;
  if (typeof type === "string" && /^(user|script)$/i.test(type)) object.creator_type = type.toLowerCase() as "user" | "script";
  else if (type != null && type !== "") complain(`key "creator_type": expected "user" or "script", got ${describeJson(type)}`);
}

/** `_scripts.json`: a list of `{script, priority = 0, autorun = true}` (a bare path string is accepted). */
async function readScripts(root: string, folder: string, problems: ThotProblem[]): Promise<ScriptAssociation[]> {
  const file = joinRel(folder, SCRIPTS_FILE);
  return parseScripts(readFileSync(join(root, file), "utf8"), folder, problems);
}

/** The associations of `<folder>/_scripts.json` from its text; bad entries become problems. */
export function parseScripts(text: string, folder: string, problems: ThotProblem[]): ScriptAssociation[] {
  const file = joinRel(folder, SCRIPTS_FILE);
  const read = parseObjectFile(text, file);
  if ("error" in read) {
    problems.push({ path: file, message: read.error });
    return [];
  }
  if (!Array.isArray(read.value)) {
    problems.push({ path: file, message: `${file}: expected a list of script associations, got ${describeJson(read.value)}` });
    return [];
  }
  const out: ScriptAssociation[] = [];
  read.value.forEach((entry, i) => {
    const at = `${file}: [${i}]`;
    const item = typeof entry === "string" ? { script: entry } : entry;
    if (!isPlainObject(item) || typeof item.script !== "string" || item.script === "") {
      problems.push({ path: file, message: `${at}: expected {"script": PATH, "priority"?, "autorun"?}, got ${describeJson(entry)}` });
      return;
    }
    const resolved = resolveProjectPath(item.script, folder);
    if ("error" in resolved) {
      problems.push({ path: file, message: `${at} script: ${resolved.error}` });
      return;
    }
    const priority = item.priority ?? 0;
    const autorun = item.autorun ?? true;
    if (typeof priority !== "number" || !Number.isInteger(priority)) problems.push({ path: file, message: `${at} priority: expected an integer, got ${describeJson(priority)}; 0 used` });
    if (typeof autorun !== "boolean") problems.push({ path: file, message: `${at} autorun: expected true or false, got ${describeJson(autorun)}; true used` });
    out.push({
      script: resolved.path,
      written: item.script,
      priority: typeof priority === "number" && Number.isInteger(priority) ? priority : 0,
      autorun: typeof autorun === "boolean" ? autorun : true,
    });
  });
  return out;
}

function joinRel(folder: string, name: string): string {
  return folder === "" ? name : `${folder}/${name}`;
}
