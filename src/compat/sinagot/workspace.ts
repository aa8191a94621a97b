// Lets trove run in an unchanged Sinagot 0.3 workspace: reads workspace.toml and the scripts'
// PATH_IN / PATH_OUT, and gives the trove config they amount to.
//
//   const config = await loadSinagotWorkspace("/data/sonetaa");   // <folder>/workspace.toml
//   const merged = await loadSinagotWorkspace(["/data/sonetaa", "/data/sonetaa/custom_conf.toml"]);
//   config.steps.alpha  // { inputs: { input: "PREPROCESSED/{id}-{task}-epo.fif.gz" }, tasks: ["RS"], after: ["preprocess"], … }
//   isSinagotWorkspace("/data/sonetaa")  // true: workspace.toml and no trove.toml
//
// Each script becomes a step whose command runs it through python/sinagot_shim/run_task.py, a
// stand-in `sinagot` package, so the scripts need neither Sinagot nor a change. Sinagot ran a
// (task, modality) unit's scripts in order — `scripts` then `task_scripts.<task>` — so each step
// comes `after` the one before it even when no file links them. The layout is one template
// whose patterns are the scripts' own paths, so what the scripts read and write is indexed with
// its id, task and modality.

import { execFile } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { parse as parseToml, stringify, TomlError } from "smol-toml";
import { CONFIG_NAME, type Config, parseConfig } from "../../config/load.ts";
import { ConfigError, NotFoundError } from "../../errors.ts";
import { pythonShimDir } from "../python-shims.ts";

export const WORKSPACE_NAME = "workspace.toml";
const PYTHON = "python3";
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Table = Record<string, unknown>;
type SinagotPath = string[] | Record<string, string[]>;
type Described = { PATH_IN: SinagotPath; PATH_OUT: SinagotPath } | { error: string; traceback?: string };

/** One script to become a step. */
interface Planned {
  script: string;
  modality: string | null;
  /** Tasks it runs for, in [tasks] order; null in unit mode. */
  tasks: Set<string> | null;
  /** Keys (modality/script) of the scripts run just before it. */
  after: Set<string>;
  /** Config key that lists it, for messages. */
  key: string;
}

/** A folder with workspace.toml and no trove.toml, or a .toml file with [records] and no [dataset]. */
export function isSinagotWorkspace(path: string): boolean {
  const info = statSync(path, { throwIfNoEntry: false });
  if (info?.isDirectory()) return existsSync(join(path, WORKSPACE_NAME)) && !existsSync(join(path, CONFIG_NAME));
  if (!info?.isFile() || !path.endsWith(".toml")) return false;
  try {
    const raw = parseToml(readFileSync(path, "utf8"));
    return "records" in raw && !("dataset" in raw);
  } catch {
    return false;
  }
}

/** Reads a workspace (a folder, a .toml file, or files merged in order, later winning) as a trove config. */
export async function loadSinagotWorkspace(target: string | string[]): Promise<Config> {
  const targets = Array.isArray(target) ? target : [target];
  if (targets.length === 0) throw new ConfigError("no Sinagot workspace file given");
  const files = await Promise.all(targets.map(findWorkspaceFile));
  let raw: Table = {};
  for (const file of files) raw = mergeDeep(raw, await readWorkspaceFile(file));
  // As Sinagot: the first file is "the" config file; relative paths start from its folder.
  const file = files[0];
  const where = files.join(" + ");
  const dir = dirname(file);

  const paths = table(raw, "path", where) ?? {};
  const dataset = resolve(dir, text(paths.dataset ?? paths.data ?? "./dataset", "path.dataset", where));
  const scripts = resolve(dir, text(paths.scripts ?? "./scripts", "path.scripts", where));
  if (!(await stat(dataset).catch(() => undefined))?.isDirectory()) {
    throw new ConfigError(`${where}: path.dataset points at ${dataset}, which is not a folder`);
  }
  const records = table(raw, "records", where);
  if (records?.id_pattern === undefined) throw new ConfigError(`${where}: records.id_pattern is missing (Sinagot finds record ids with it)`);
  const idPattern = text(records.id_pattern, "records.id_pattern", where);
  const info = table(raw, "info", where);
  const version = info?.version === undefined ? undefined : String(info.version);

  const tasks = readTasks(raw, where);
  const planned = planScripts(raw, tasks, where);
  const described = await describeScripts(scripts, planned, dir, where);
  const steps = toSteps(planned, described, scripts, version, tasks, where);
  const patterns = layoutPatterns(planned, described);
  const usesTask = patterns.some((p) => p.pattern.includes("{task}"));
  const usesId = patterns.some((p) => p.pattern.includes("{id}"));
  const entities = {
    ...(usesId ? { id: idPattern } : {}),
    ...(usesTask && Object.keys(tasks).length > 0 ? { task: Object.keys(tasks).join("|") } : {}),
  };
  const config = {
    dataset: { name: basename(dir), root: dataset },
    // A workspace with no step still needs a layout: "**" takes every file, without entities.
    layout: [{ type: "template", patterns: patterns.length ? patterns.map(patternEntry) : ["**"], ...(patterns.length > 0 && Object.keys(entities).length > 0 ? { entities } : {}) }],
    record: { id_pattern: idPattern },
    tasks: Object.fromEntries(Object.entries(tasks).map(([t, modalities]) => [t, { modalities }])),
    steps,
    index: { ignore: ["LOG/**"] }, // Sinagot's own log folder
  };
  try {
    return await parseConfig(stringify(config), file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // Line numbers would point into the generated text, not into the workspace file.
    const prefix = new RegExp(`^${escapeRegex(basename(file))}(?::\\d+)*: `, "gm");
    throw new ConfigError(`${where}: as a trove config: ${e.message.replace(prefix, "")}`);
  }
}

async function findWorkspaceFile(target: string): Promise<string> {
  const abs = resolve(target);
  const info = await stat(abs).catch(() => undefined);
  if (!info) throw new NotFoundError(`${abs}: no such file or folder`);
  if (info.isFile()) return abs;
  const file = join(abs, WORKSPACE_NAME);
  if (!(await stat(file).catch(() => undefined))?.isFile()) throw new NotFoundError(`${abs} has no ${WORKSPACE_NAME}`);
  return file;
}

async function readWorkspaceFile(file: string): Promise<Table> {
  let source: string;
  try {
    source = await readFile(file, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return parseToml(source);
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    throw new ConfigError(`${file}:${e.line}:${e.column}: invalid TOML: ${e.message.split("\n")[0].replace(/^Invalid TOML document:\s*/, "")}`);
  }
}

/** Sinagot's merge: tables merge key by key, anything else is replaced. */
function mergeDeep(base: Table, update: Table): Table {
  const out: Table = { ...base };
  for (const [key, value] of Object.entries(update)) {
    out[key] = isTable(value) && isTable(out[key]) ? mergeDeep(out[key] as Table, value) : value;
  }
  return out;
}

// ---- reading workspace keys -----------------------------------------------------------------

function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function table(parent: Table, key: string, where: string, path = key): Table | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (!isTable(value)) throw new ConfigError(`${where}: ${path} must be a table`);
  return value;
}

function text(value: unknown, key: string, where: string): string {
  if (typeof value !== "string" || value === "") throw new ConfigError(`${where}: ${key} must be a non-empty string`);
  return value;
}

function names(value: unknown, key: string, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw new ConfigError(`${where}: ${key} must be a list of names`);
  const dup = value.find((v, i) => value.indexOf(v) !== i);
  if (dup !== undefined) throw new ConfigError(`${where}: ${key} lists "${dup}" twice`);
  for (const v of value) {
    if (!NAME.test(v)) throw new ConfigError(`${where}: ${key}: "${v}" is not a name trove accepts (letters, digits and _, not starting with a digit)`);
  }
  return value;
}

/** Task -> its modalities, in file order. */
function readTasks(raw: Table, where: string): Record<string, string[]> {
  const tasks: Record<string, string[]> = {};
  for (const [task, value] of Object.entries(table(raw, "tasks", where) ?? {})) {
    names([task], "tasks", where);
    if (!isTable(value)) throw new ConfigError(`${where}: tasks.${task} must be a table`);
    tasks[task] = names(value.modalities, `tasks.${task}.modalities`, where);
  }
  return tasks;
}

// ---- which scripts run, in which order ------------------------------------------------------

function planScripts(raw: Table, tasks: Record<string, string[]>, where: string): Planned[] {
  const planned = new Map<string, Planned>();
  const taskOrder = Object.keys(tasks);
  const add = (list: string[], modality: string | null, runTasks: string[] | null, key: string, previous?: string) => {
    for (const script of list) {
      const id = modality === null ? script : `${modality}/${script}`;
      let p = planned.get(id);
      if (!p) planned.set(id, (p = { script, modality, tasks: runTasks && new Set(), after: new Set(), key }));
      else if (p.key.endsWith(".scripts")) throw new ConfigError(`${where}: ${key} lists "${script}", which ${p.key} already runs for every task`);
      for (const t of runTasks ?? []) p.tasks!.add(t);
      if (previous !== undefined) p.after.add(previous);
      previous = id;
    }
  };

  // Unit mode: Sinagot's rule, no [tasks] and no [modalities].
  if (!("tasks" in raw) && !("modalities" in raw)) {
    add(names(table(raw, "steps", where)?.scripts, "steps.scripts", where), null, null, "steps.scripts");
    return [...planned.values()];
  }
  for (const [modality, value] of Object.entries(table(raw, "modalities", where) ?? {})) {
    names([modality], "modalities", where);
    if (!isTable(value)) throw new ConfigError(`${where}: modalities.${modality} must be a table`);
    const scripts = names(value.scripts, `modalities.${modality}.scripts`, where);
    // Sinagot only ever ran a modality inside a task that lists it; other scripts never run.
    const runTasks = taskOrder.filter((t) => tasks[t].includes(modality));
    if (runTasks.length) add(scripts, modality, runTasks, `modalities.${modality}.scripts`);
    const taskKey = "task_scripts" in value ? "task_scripts" : "tasks_scripts"; // 0.1 spelling
    const perTask = table(value, taskKey, where, `modalities.${modality}.${taskKey}`) ?? {};
    for (const [task, list] of Object.entries(perTask)) {
      const key = `modalities.${modality}.${taskKey}.${task}`;
      const own = names(list, key, where);
      if (!runTasks.includes(task)) continue;
      add(own, modality, [task], key, scripts.length ? `${modality}/${scripts[scripts.length - 1]}` : undefined);
    }
  }
  return [...planned.values()].filter((p) => p.tasks === null || p.tasks.size > 0);
}

/** Step names: the script's, or `<modality>_<script>` when two modalities have a script of that name. */
function stepNames(planned: Planned[], where: string): Map<Planned, string> {
  const count = new Map<string, number>();
  for (const p of planned) count.set(p.script, (count.get(p.script) ?? 0) + 1);
  const out = new Map<Planned, string>();
  const taken = new Set<string>();
  for (const p of planned) {
    const name = count.get(p.script)! > 1 ? `${p.modality}_${p.script}` : p.script;
    if (taken.has(name)) throw new ConfigError(`${where}: two scripts would both be step "${name}"; rename one`);
    taken.add(name);
    out.set(p, name);
  }
  return out;
}

function relPath(p: Planned): string {
  return p.modality === null ? `${p.script}.py` : `${p.modality}/${p.script}.py`;
}

function keyOf(p: Planned): string {
  return p.modality === null ? p.script : `${p.modality}/${p.script}`;
}

// ---- asking Python ----------------------------------------------------------------------------

/** PATH_IN / PATH_OUT of every script, read by importing them all in one python3. */
async function describeScripts(scripts: string, planned: Planned[], cwd: string, where: string): Promise<Map<Planned, Described>> {
  if (planned.length === 0) return new Map();
  if (!(await stat(scripts).catch(() => undefined))?.isDirectory()) {
    throw new ConfigError(`${where}: path.scripts points at ${scripts}, which is not a folder`);
  }
  for (const p of planned) {
    const file = join(scripts, relPath(p));
    if (!existsSync(file)) throw new ConfigError(`${where}: ${p.key} lists "${p.script}", but ${file} does not exist`);
  }
  const rels = planned.map(relPath);
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(PYTHON, [join(pythonShimDir("sinagot_shim"), "describe.py"), scripts, ...rels], { cwd, maxBuffer: 64 << 20 }));
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === "ENOENT") throw new ConfigError(`${where}: ${PYTHON} is not on PATH; trove needs it to read the scripts' PATH_IN and PATH_OUT`);
    throw new ConfigError(`${where}: reading the scripts' PATH_IN and PATH_OUT failed: ${lastLine(err.stderr ?? err.message)}`);
  }
  let result: Record<string, Described>;
  try {
    result = JSON.parse(stdout);
  } catch {
    // a script printing from an atexit hook, say, after describe.py's own JSON
    throw new ConfigError(`${where}: reading the scripts' PATH_IN and PATH_OUT gave no JSON but: ${stdout.slice(0, 200)}`);
  }
  const out = new Map<Planned, Described>();
  for (const p of planned) {
    const d = result[relPath(p)];
    if (d === undefined) throw new ConfigError(`${where}: describe.py said nothing about ${relPath(p)}`);
    if ("error" in d) throw new ConfigError(`${join(scripts, relPath(p))} (${p.key}): cannot import it: ${d.error}`);
    out.set(p, d);
  }
  return out;
}

function lastLine(text: string): string {
  return text.trim().split("\n").pop() ?? "";
}

// ---- building the trove config ----------------------------------------------------------------

/** Sinagot's segment tuple as a trove path pattern; only {id} and {task} are ever filled. */
function toPattern(segments: string[], what: string): string {
  if (segments.some((s) => s.startsWith("/"))) throw new ConfigError(`${what}: an absolute path; Sinagot paths are relative to the dataset`);
  const parts = segments.join("/").split("/").filter((s) => s !== "" && s !== ".");
  if (parts.length === 0 || parts.includes("..")) throw new ConfigError(`${what}: must name a path inside the dataset, not "${segments.join("/")}"`);
  for (const [, name] of parts.join("/").replace(/\{\{|\}\}/g, "").matchAll(/\{([^{}]*)\}/g)) {
    if (name !== "id" && name !== "task") throw new ConfigError(`${what}: {${name}} is not a placeholder Sinagot fills ({id} or {task})`);
  }
  return parts.join("/");
}

/** A tuple is one path named `single`; a dict keeps its keys as names. */
function namedPatterns(value: SinagotPath, single: string, what: string): Record<string, string> {
  if (Array.isArray(value)) return { [single]: toPattern(value, what) };
  const out: Record<string, string> = {};
  for (const [name, segments] of Object.entries(value)) {
    if (!NAME.test(name)) throw new ConfigError(`${what}: key "${name}" is not a name trove accepts (letters, digits and _)`);
    out[name] = toPattern(segments, `${what}["${name}"]`);
  }
  return out;
}

function toSteps(
  planned: Planned[],
  described: Map<Planned, Described>,
  scripts: string,
  version: string | undefined,
  tasks: Record<string, string[]>,
  where: string,
): Table {
  const named = stepNames(planned, where);
  const byKey = new Map(planned.map((p) => [keyOf(p), named.get(p)!]));
  const runTask = join(pythonShimDir("sinagot_shim"), "run_task.py");
  const steps: Table = {};
  for (const p of planned) {
    const d = described.get(p) as { PATH_IN: SinagotPath; PATH_OUT: SinagotPath };
    const file = join(scripts, relPath(p));
    const words = [PYTHON, runTask, file];
    if (p.modality !== null) words.push("--module", `${p.modality}.${p.script}`);
    if (version !== undefined) words.push("--workspace-version", version);
    steps[named.get(p)!] = {
      command: words.map(commandWord).join(" "),
      inputs: namedPatterns(d.PATH_IN, "input", `${file}: PATH_IN`),
      outputs: namedPatterns(d.PATH_OUT, "output", `${file}: PATH_OUT`),
      ...(p.tasks ? { tasks: Object.keys(tasks).filter((t) => p.tasks!.has(t)) } : {}),
      ...(p.modality !== null ? { modalities: [p.modality] } : {}),
      code: [file],
      params: {},
      env: {},
      after: [...p.after].map((k) => byKey.get(k)!),
    };
  }
  return steps;
}

/** One argv word in trove's command syntax: braces doubled, quoted when it holds anything unusual. */
function commandWord(word: string): string {
  const braced = word.replace(/[{}]/g, (c) => c + c);
  return /^[\w@%+=:,./-]+$/.test(braced) ? braced : `"${braced.replace(/["\\]/g, "\\$&")}"`;
}

interface LayoutPattern {
  pattern: string;
  set?: Record<string, string>;
}

/**
 * Every script path, as written and with `/**` after it: a path such as `MFF/{id}-{task}.mff`
 * may be a folder, whose files belong to the record too.
 */
function layoutPatterns(planned: Planned[], described: Map<Planned, Described>): LayoutPattern[] {
  const out: LayoutPattern[] = [];
  const seen = new Set<string>();
  for (const p of planned) {
    const d = described.get(p) as { PATH_IN: SinagotPath; PATH_OUT: SinagotPath };
    for (const value of [d.PATH_IN, d.PATH_OUT]) {
      for (const segments of Array.isArray(value) ? [value] : Object.values(value)) {
        const pattern = toPattern(segments, relPath(p));
        for (const form of [pattern, `${pattern}/**`]) {
          const key = `${form}\0${p.modality ?? ""}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(p.modality === null ? { pattern: form } : { pattern: form, set: { modality: p.modality } });
        }
      }
    }
  }
  return out;
}

/** Unit mode patterns are plain strings, as one would write them in trove.toml. */
function patternEntry(p: LayoutPattern): LayoutPattern | string {
  return p.set ? p : p.pattern;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
