// Reads and validates `trove.toml`.
//
//   const config = await loadConfig("/data/sonetaa");          // a folder holding trove.toml
//   const config = await loadConfig("/data/sonetaa/trove.toml");
//   config.root // absolute folder the data lives in
//
// A folder with a Sinagot workspace.toml and no trove.toml is read through compat/sinagot, a Thot
// or Syre project without one through compat/thot.
//
// Every error names the file, the line where it can tell, the key, and what was expected.

import { readFile, stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";
import type { z } from "zod";
import { ConfigError, NotFoundError } from "../errors.ts";
import { entityColumns, makeLayout } from "../layout/index.ts";
import { LayoutError } from "../layout/layout.ts";
import { planOrder, StepGraphError } from "../run/graph.ts";
import { parseCommand, parsePathPattern, StepConfigError } from "../run/patterns.ts";
import { lineOfKey } from "./locate.ts";
import { configSchema, type ConfigFile } from "./schema.ts";

export const CONFIG_NAME = "trove.toml";

export interface Config extends ConfigFile {
  /** Absolute path of the trove.toml read. */
  file: string;
  /** Absolute folder holding the data. */
  root: string;
}

/** Path of the config for a folder or file argument. */
export async function findConfig(target: string): Promise<string> {
  const abs = resolve(target);
  const info = await stat(abs).catch(() => undefined);
  if (!info) throw new NotFoundError(`${abs}: no such file or folder`);
  if (info.isFile()) return abs;
  const file = resolve(abs, CONFIG_NAME);
  const config = await stat(file).catch(() => undefined);
  if (!config) throw new NotFoundError(`${abs} has no ${CONFIG_NAME}; create one with \`trove init ${target}\``);
  if (!config.isFile()) throw new ConfigError(`${file} is not a file`);
  return file;
}

export async function loadConfig(target: string): Promise<Config> {
  // an unchanged Sinagot workspace reads as the trove config it amounts to (imported lazily:
  // that module builds on this one)
  const sinagot = await import("../compat/sinagot/workspace.ts");
  if (sinagot.isSinagotWorkspace(target)) return sinagot.loadSinagotWorkspace(target);
  // so does a Thot or Syre project
  const thot = await import("../compat/thot/config.ts");
  if (thot.isThotProjectDir(target)) return thot.loadThotProjectConfig(target);
  const file = await findConfig(target);
  let source: string;
  try {
    source = await readFile(file, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseConfig(source, file);
}

/** Validates config text; `file` is used for messages and to resolve relative paths. */
export async function parseConfig(source: string, file: string): Promise<Config> {
  let raw: unknown;
  try {
    raw = parseToml(source);
  } catch (e) {
    if (e instanceof TomlError) {
      const firstLine = e.message.split("\n")[0].replace(/^Invalid TOML document:\s*/, "");
      throw new ConfigError(`${basename(file)}:${e.line}:${e.column}: invalid TOML: ${firstLine}`);
    }
    throw e;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error.issues, source, file));
  const config = parsed.data;
  const root = resolve(dirname(file), config.dataset.root ?? ".");
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    const where = lineOfKey(source, ["dataset", "root"]);
    throw new ConfigError(
      `${basename(file)}${where ? `:${where}` : ""}: dataset.root points at ${root}, which is not a folder`,
    );
  }
  checkConsistency(config, source, file);
  checkLayouts(config, source, file);
  return { ...config, file, root };
}

/** Builds the layouts once so a bad pattern or an unknown record entity is reported here, with its line. */
function checkLayouts(config: ConfigFile, source: string, file: string): void {
  const where = (path: (string | number)[]) => {
    const line = lineOfKey(source, path);
    return `${basename(file)}${line ? `:${line}` : ""}: ${path.join(".")}`;
  };
  const layouts = config.layout.map((layout, i) => {
    try {
      return makeLayout(layout);
    } catch (e) {
      if (e instanceof LayoutError) throw new ConfigError(`${where(["layout", i])}: ${e.message}`);
      throw e;
    }
  });
  const known = new Set([...entityColumns(layouts), "extension"]);
  for (const entity of config.record?.entities ?? []) {
    const name = entity.replace(/\?$/, "");
    if (!known.has(name)) {
      throw new ConfigError(`${where(["record", "entities"])}: no layout fills an entity "${name}"; entities are: ${[...known].join(", ")}`);
    }
  }
  checkSteps(config, [...known, "record"], where);
}

/** Step patterns name known entities, commands name declared inputs, outputs and params, and the steps form no cycle. */
function checkSteps(config: ConfigFile, entities: readonly string[], where: (path: (string | number)[]) => string): void {
  const rethrow = (path: (string | number)[], e: unknown): never => {
    if (e instanceof StepConfigError || e instanceof StepGraphError) throw new ConfigError(`${where(path)}: ${e.message}`);
    throw e;
  };
  for (const [step, s] of Object.entries(config.steps)) {
    try {
      for (const pattern of [...Object.values(s.inputs), ...Object.values(s.outputs)]) parsePathPattern(pattern, { step, entities });
      parseCommand(s.command, { step, inputs: Object.keys(s.inputs), outputs: Object.keys(s.outputs), params: Object.keys(s.params), entities });
    } catch (e) {
      rethrow(["steps", step], e);
    }
    for (const task of s.tasks ?? []) {
      if (!(task in config.tasks)) throw new ConfigError(`${where(["steps", step, "tasks"])}: no task "${task}" in [tasks]`);
    }
  }
  try {
    planOrder(Object.entries(config.steps).map(([name, s]) => ({ name, inputs: s.inputs, outputs: s.outputs, after: s.after })));
  } catch (e) {
    rethrow(["steps"], e);
  }
}

function describeIssues(issues: z.core.$ZodIssue[], source: string, file: string): string {
  const lines = issues.map((issue) => {
    const key = issue.path.map(String).join(".") || "(top level)";
    // an unknown key is best pointed at where it is written, not at its table
    const line = lineOfKey(source, issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path);
    return `${basename(file)}${line ? `:${line}` : ""}: ${key}: ${explain(issue)}`;
  });
  return lines.join("\n");
}

function explain(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`;
  if (issue.code === "invalid_union" && "discriminator" in issue && issue.discriminator) {
    return `expected ${issue.discriminator} to be one of alf, bids, template, containers`;
  }
  return issue.message.replace(/^Invalid input: /, "");
}

/** Rules zod cannot see on one key alone. */
function checkConsistency(config: ConfigFile, source: string, file: string): void {
  for (const [task, { modalities }] of Object.entries(config.tasks)) {
    const dup = modalities.find((m, i) => modalities.indexOf(m) !== i);
    if (dup) {
      const line = lineOfKey(source, ["tasks", task, "modalities"]);
      throw new ConfigError(`${basename(file)}${line ? `:${line}` : ""}: tasks.${task}.modalities lists ${dup} twice`);
    }
  }
  if (config.record?.id_pattern !== undefined) {
    try {
      new RegExp(config.record.id_pattern, "u");
    } catch (e) {
      const line = lineOfKey(source, ["record", "id_pattern"]);
      throw new ConfigError(`${basename(file)}${line ? `:${line}` : ""}: record.id_pattern is not a valid regex: ${(e as Error).message}`);
    }
  }
}
