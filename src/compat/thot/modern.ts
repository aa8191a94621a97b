// Reads a Thot 0.10 (`.thot/`) or Syre (`.syre/`) project from disk (Rust `local/src/constants.rs`
// and the stored types of seeds §4.5).
//
//   const read = await readModernProject("/data/plane", ".syre");
//   read.project.name; read.objects.find((o) => o.path === "data/deg20")!.own_metadata  // { angle: 20, ... }
//
// Layout: `<root>/<app>/project.json` (+ `project_settings.json`, `scripts.json` in Thot 0.10 or
// `analyses.json` in Syre), then from `data_root` down, every folder with `<app>/container.json`
// (`{rid, properties, scripts}`) is a container, `<app>/assets.json` lists its assets
// (`{rid, properties, path}` with `path` relative to the container; `raw/x.csv` is in bucket
// `raw`), `<app>/container_settings.json` is read for its permissions only. `.syreignore` files
// (gitignore-like globs, applying to their folder and below) hide folders from the tree.
// Script paths are relative to `analysis_root` (or the project root when there is none).

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import picomatch from "picomatch";
import { type JsonObject, type ThotProblem, describeJson, isPlainObject, parseJsonObject } from "./errors.ts";
import type { ScriptAssociation, ThotGeneration } from "./model.ts";
import { type RawObject, blankObject, readProperties, resolveProjectPath } from "./properties.ts";

export const THOT_DIR = ".thot";
export const SYRE_DIR = ".syre";
export const PROJECT_FILE = "project.json";
export const PROJECT_SETTINGS_FILE = "project_settings.json";
export const CONTAINER_FILE = "container.json";
export const CONTAINER_SETTINGS_FILE = "container_settings.json";
export const ASSETS_FILE = "assets.json";
export const SCRIPTS_FILE = "scripts.json";
export const ANALYSES_FILE = "analyses.json";
export const SYRE_IGNORE = ".syreignore";

export interface ModernProjectInfo {
  rid: string | null;
  name: string;
  description: string | null;
  data_root: string;
  analysis_root: string | null;
  /** From project_settings.json, e.g. "0.10.2". */
  format_version: string | null;
}

export interface ModernRead {
  generation: ThotGeneration;
  project: ModernProjectInfo;
  objects: RawObject[];
  problems: ThotProblem[];
}

/** The app folder of a 0.10/Syre project at `root` (Syre's wins when both exist), or null. */
export function modernAppDir(root: string): typeof THOT_DIR | typeof SYRE_DIR | null {
  if (existsSync(join(root, SYRE_DIR, PROJECT_FILE))) return SYRE_DIR;
  if (existsSync(join(root, THOT_DIR, PROJECT_FILE))) return THOT_DIR;
  return null;
}

export async function readModernProject(root: string, app: typeof THOT_DIR | typeof SYRE_DIR): Promise<ModernRead> {
  const problems: ThotProblem[] = [];
  const generation: ThotGeneration = app === SYRE_DIR ? "syre" : "thot-0.10";
  const projectFile = `${app}/${PROJECT_FILE}`;
  const projectJson = (await readJson(root, projectFile, problems)) ?? {};
  const project = readProjectInfo(root, projectJson, projectFile, problems);
  const settings = await readJson(root, `${app}/${PROJECT_SETTINGS_FILE}`, problems, true);
  project.format_version = typeof settings?.local_format_version === "string" ? settings.local_format_version : null;
  const scripts = await readScripts(root, app, generation, project, problems);
  const objects: RawObject[] = [];
  const ignores: Ignore[] = [];
  await readIgnore(root, "", ignores, problems);
  if (!existsSync(join(root, project.data_root, app, CONTAINER_FILE))) {
    problems.push({ path: projectFile, message: `${projectFile}: data_root "${project.data_root || "."}" holds no ${app}/${CONTAINER_FILE}; the project has no containers` });
  } else {
    await visit(root, app, project.data_root, null, scripts, ignores, objects, problems);
  }
  return { generation, project, objects, problems };
}

function readProjectInfo(root: string, json: JsonObject, file: string, problems: ThotProblem[]): ModernProjectInfo {
  const folder = (key: string): string | null => {
    const v = json[key];
    if (v == null || v === "") return null;
    const resolved = typeof v === "string" ? resolveProjectPath(v, "") : { error: `expected a path, got ${describeJson(v)}` };
    if ("error" in resolved) {
      problems.push({ path: file, message: `${file}: key "${key}": ${resolved.error}` });
      return null;
    }
    return resolved.path;
  };
  return {
    rid: typeof json.rid === "string" ? json.rid : null,
    name: typeof json.name === "string" && json.name !== "" ? json.name : posix.basename(root),
    description: typeof json.description === "string" && json.description !== "" ? json.description : null,
    data_root: folder("data_root") ?? "",
    analysis_root: folder("analysis_root"),
    format_version: null,
  };
}

/** Script rid -> path relative to the project root, from scripts.json (0.10) or analyses.json (Syre). */
async function readScripts(root: string, app: string, generation: ThotGeneration, project: ModernProjectInfo, problems: ThotProblem[]): Promise<Map<string, string>> {
  const file = `${app}/${generation === "syre" ? ANALYSES_FILE : SCRIPTS_FILE}`;
  const out = new Map<string, string>();
  const json = await readJson(root, file, problems, true, true);
  if (json === null) return out;
  const entries = Array.isArray(json) ? json.map((v) => [null, v] as const) : Object.entries(json);
  for (const [key, entry] of entries) {
    // Syre tags analyses by kind: {"Script": {...}} (other kinds, e.g. Excel templates, have no path to run)
    const script = isPlainObject(entry) && isPlainObject(entry.Script) ? entry.Script : entry;
    if (!isPlainObject(script)) {
      problems.push({ path: file, message: `${file}: ${key ?? "entry"}: expected a script object, got ${describeJson(entry)}` });
      continue;
    }
    const rid = typeof script.rid === "string" ? script.rid : key;
    const written = pathOf(script.path);
    if (rid === null || written === null) {
      if (!isPlainObject(entry) || !("Script" in entry || "path" in script)) continue;
      problems.push({ path: file, message: `${file}: ${rid ?? "entry"}: a script needs a rid and a path` });
      continue;
    }
    const base = written.rooted ? "" : (project.analysis_root ?? "");
    const resolved = resolveProjectPath(written.path, base);
    if ("error" in resolved) problems.push({ path: file, message: `${file}: script ${rid}: ${resolved.error}` });
    else out.set(rid, resolved.path);
  }
  return out;
}

/** A path as Thot 0.10 stores it: a string or a ResourcePath `{Relative|Root|Absolute: ...}`. */
function pathOf(value: unknown): { path: string; rooted: boolean } | null {
  if (typeof value === "string" && value !== "") return { path: value, rooted: false };
  if (!isPlainObject(value)) return null;
  if (typeof value.Relative === "string") return { path: value.Relative, rooted: false };
  if (Array.isArray(value.Root) && typeof value.Root[0] === "string") return { path: value.Root[0], rooted: true };
  if (typeof value.Root === "string") return { path: value.Root, rooted: true };
  if (typeof value.Absolute === "string") return { path: value.Absolute, rooted: false };
  return null;
}

async function visit(
  root: string,
  app: string,
  folder: string,
  parent: string | null,
  scripts: Map<string, string>,
  ignores: Ignore[],
  out: RawObject[],
  problems: ThotProblem[],
): Promise<void> {
  const containerFile = joinRel(folder, `${app}/${CONTAINER_FILE}`);
  const json = await readJson(root, containerFile, problems);
  const container = blankObject("container", folder, parent);
  if (folder === "") container.name = posix.basename(root);
  if (json !== null) {
    container.rid = typeof json.rid === "string" ? json.rid : null;
    const properties = json.properties ?? {};
    if (!isPlainObject(properties)) problems.push({ path: containerFile, message: `${containerFile}: key "properties": expected an object, got ${describeJson(properties)}` });
    else applyProperties(container, properties, containerFile, problems);
    container.scripts = associations(json.scripts, scripts, containerFile, problems);
  }
  out.push(container);
  await readAssets(root, app, container, out, problems);
  await readJson(root, joinRel(folder, `${app}/${CONTAINER_SETTINGS_FILE}`), problems, true);

  const entries = readdirSync(join(root, folder), { withFileTypes: true });
  const childIgnores = [...ignores];
  if (folder !== "") await readIgnore(root, folder, childIgnores, problems);
  for (const name of entries.filter((e) => e.isDirectory() && e.name !== app).map((e) => e.name).sort()) {
    const child = joinRel(folder, name);
    if (childIgnores.some((ig) => ig.ignores(child))) continue;
    if (existsSync(join(root, child, app, CONTAINER_FILE))) await visit(root, app, child, folder, scripts, childIgnores, out, problems);
  }
}

function applyProperties(object: RawObject, properties: JsonObject, file: string, problems: ThotProblem[]): void {
  const complain = (message: string) => problems.push({ path: file, message: `${file}: ${object.rid ?? object.path}: ${message}` });
  Object.assign(object, readProperties(properties, object.name, complain));
  object.created = typeof properties.created === "string" ? properties.created : null;
  const creator = properties.creator;
  if (isPlainObject(creator) && "Script" in creator) {
    object.creator_type = "script";
    object.creator = typeof creator.Script === "string" ? creator.Script : null;
  } else if (isPlainObject(creator) && "User" in creator) {
    object.creator_type = "user";
    const user = creator.User;
    object.creator = isPlainObject(user) ? String(Object.values(user)[0] ?? "") || null : typeof user === "string" ? user : null;
  }
}

function associations(value: unknown, scripts: Map<string, string>, file: string, problems: ThotProblem[]): ScriptAssociation[] {
  if (value == null) return [];
  if (!isPlainObject(value)) {
    problems.push({ path: file, message: `${file}: key "scripts": expected a map of script rid to association, got ${describeJson(value)}` });
    return [];
  }
  const out: ScriptAssociation[] = [];
  for (const [rid, assoc] of Object.entries(value)) {
    const a = isPlainObject(assoc) ? assoc : {};
    const written = typeof a.script === "string" ? a.script : rid;
    const script = scripts.get(written);
    if (script === undefined) {
      problems.push({ path: file, message: `${file}: scripts: ${written} is not a script of the project` });
      continue;
    }
    out.push({
      script,
      written,
      priority: typeof a.priority === "number" && Number.isInteger(a.priority) ? a.priority : 0,
      autorun: typeof a.autorun === "boolean" ? a.autorun : true,
    });
  }
  return out.sort((x, y) => x.priority - y.priority || (x.script < y.script ? -1 : x.script > y.script ? 1 : 0));
}

/** The assets of one container, as the loader reads them (the runner re-reads them after a script adds some). */
export async function readContainerAssets(root: string, app: string, container: string, problems: ThotProblem[]): Promise<RawObject[]> {
  const out: RawObject[] = [];
  await readAssets(root, app, blankObject("container", container, null), out, problems);
  return out;
}

async function readAssets(root: string, app: string, container: RawObject, out: RawObject[], problems: ThotProblem[]): Promise<void> {
  const file = joinRel(container.path, `${app}/${ASSETS_FILE}`);
  const json = await readJson(root, file, problems, true, true);
  if (json === null) return;
  const entries = Array.isArray(json) ? json.map((v) => [null, v] as const) : Object.entries(json);
  const seen = new Set<string>();
  for (const [key, entry] of entries) {
    if (!isPlainObject(entry)) {
      problems.push({ path: file, message: `${file}: ${key ?? "entry"}: expected an asset object, got ${describeJson(entry)}` });
      continue;
    }
    const written = pathOf(entry.path);
    const resolved = written ? resolveProjectPath(written.path, container.path) : { error: `expected a path, got ${describeJson(entry.path)}` };
    const label = typeof entry.rid === "string" ? entry.rid : (key ?? "asset");
    if ("error" in resolved || !isInside(resolved.path, container.path)) {
      const why = "error" in resolved ? resolved.error : `"${written!.path}" is not inside its container`;
      problems.push({ path: file, message: `${file}: ${label}: key "path": ${why}; the asset is skipped` });
      continue;
    }
    if (seen.has(resolved.path)) {
      problems.push({ path: file, message: `${file}: ${label}: a second asset for "${resolved.path}"; skipped` });
      continue;
    }
    seen.add(resolved.path);
    const asset = blankObject("asset", resolved.path, container.path);
    asset.rid = typeof entry.rid === "string" ? entry.rid : key;
    asset.file = resolved.path;
    const properties = isPlainObject(entry.properties) ? entry.properties : {};
    applyProperties(asset, properties, file, problems);
    // an asset without a name is named after its file, as Syre shows it
    if (typeof properties.name !== "string" || properties.name === "") asset.name = posix.basename(resolved.path);
    out.push(asset);
  }
}

/** Reads a JSON object file; null (and a problem unless `optional` and absent) when it cannot. */
async function readJson(root: string, file: string, problems: ThotProblem[], optional = false, allowList = false): Promise<JsonObject | null> {
  let text: string;
  try {
    text = readFileSync(join(root, file), "utf8");
  } catch (e) {
    if (!optional) problems.push({ path: file, message: `${file}: cannot read: ${(e as Error).message}` });
    return null;
  }
  const read = parseJsonObject(text, file);
  if ("error" in read) {
    if (allowList && text.trimStart().startsWith("[")) {
      try {
        return JSON.parse(text) as JsonObject;
      } catch {
        // fall through to the positioned message
      }
    }
    problems.push({ path: file, message: read.error });
    return null;
  }
  return read.value;
}

interface Ignore {
  ignores(path: string): boolean;
}

/** A `.syreignore` in `folder`: globs as in .gitignore, relative to the folder; `#` comments. */
async function readIgnore(root: string, folder: string, out: Ignore[], problems: ThotProblem[]): Promise<void> {
  const file = joinRel(folder, SYRE_IGNORE);
  let text: string;
  try {
    text = readFileSync(join(root, file), "utf8");
  } catch {
    return;
  }
  const globs = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.replace(/\/$/, ""))
    .map((l) => (l.startsWith("/") ? l.slice(1) : l.includes("/") ? l : `**/${l}`));
  if (globs.some((g) => g.startsWith("!"))) problems.push({ path: file, message: `${file}: negated patterns (!) are not supported; they are ignored` });
  const match = picomatch(globs.filter((g) => !g.startsWith("!")), { dot: true });
  out.push({ ignores: (path) => isInside(path, folder) && path !== folder && match(folder === "" ? path : path.slice(folder.length + 1)) });
}

function isInside(path: string, folder: string): boolean {
  return folder === "" || path === folder || path.startsWith(folder + "/");
}

function joinRel(folder: string, name: string): string {
  return folder === "" ? name : `${folder}/${name}`;
}
