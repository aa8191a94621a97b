// One script at one container, made ready to run: its command, environment and task file (what the
// `thot` / `syre` Python shim reads), and its fingerprint.
//
//   const inputs = await scriptInputs(state, run, excluded, files);    // what it may read, hashed
//   const spec = scriptTaskSpec(state, run, { runId, staging, replaceable, timeoutMs });
//
// A script analyses the assets below its container, so its inputs are that subtree as the script
// sees it: every container's and asset's properties (inherited metadata included) and the content
// of every asset's file. The assets this script, or a script of the same or a later priority group
// at this container, added are left out: they are outputs, not inputs, and counting them would make
// every script out of date after its own run.

import { existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { TaskSpec } from "../../run/executor.ts";
import { type FileHashes, type FingerprintParts, codeHash, hashJson, hashText } from "../../run/fingerprint.ts";
import type { PathRecord } from "../../run/journal.ts";
import { taskLogPath } from "../../run/journal.ts";
import type { ThotAsset, ThotContainer } from "./index.ts";
import type { ScriptRun } from "./run-order.ts";
import type { RunState } from "./run-state.ts";
import { pythonShimDir } from "../python-shims.ts";

/** How a script file is run: Python (Thot's only language before 0.10) and R by extension, anything else directly. */
export function scriptCommand(scriptPath: string): string[] {
  if (/\.py$/i.test(scriptPath)) return [process.env.TROVE_PYTHON || "python3", scriptPath];
  if (/\.r$/i.test(scriptPath)) return ["Rscript", scriptPath];
  return [scriptPath];
}

export interface ScriptInputs {
  parts: FingerprintParts;
  /** The asset files read, with their hashes: the run's lineage. */
  inputs: PathRecord[];
}

/** The fingerprint parts and input files of a script run, given the asset keys to leave out; null if the script is missing. */
export async function scriptInputs(state: RunState, run: ScriptRun, excluded: ReadonlySet<string>, files: FileHashes): Promise<ScriptInputs | { missing: string }> {
  const code = codeHash(state.root, [run.association.script]);
  if (code.missing.length > 0) return { missing: run.association.script };
  const { containers, assets } = state.subtree(run.container.path);
  const read = assets.filter((a) => !excluded.has(a.key));
  const inputs: PathRecord[] = [];
  for (const a of read) {
    // looked at again: a script below may have replaced it since the run began
    const known = await files.get(a.file, true);
    // an asset whose file is gone is still part of the model; the script sees it missing
    inputs.push({ name: a.key, path: a.file, hash: known?.hash ?? "missing", key: known?.key ?? "missing" });
  }
  const model = [...containers.map(describe), ...read.map(describe)];
  const parts: FingerprintParts = {
    command: hashText([...scriptCommand(run.association.script), run.container.path].join("\0")),
    code: code.hash,
    params: hashJson({ generation: state.project.generation }),
    inputs: hashJson({ model, files: inputs.map((i) => [i.path, i.hash]) }),
  };
  return { parts, inputs };
}

/**
 * What a script can see of a resource, minus the absolute id (the disk the project is on) and a
 * container's asset list (its assets are described one by one, outputs left out).
 */
function describe(o: ThotContainer | ThotAsset) {
  if (o.kind === "asset") {
    const { _id: _ignored, ...rest } = o;
    return rest;
  }
  const { _id: _ignored, assets: _listed, ...rest } = o;
  return rest;
}

export interface TaskSpecOptions {
  runId: string;
  /** Where the shim writes the assets the script adds; moved into the container on success. */
  staging: string;
  /** Asset keys (relative to the container) the script may replace: those it made before. */
  replaceable: readonly string[];
  timeoutMs?: number;
}

export function scriptTaskSpec(state: RunState, run: ScriptRun, options: TaskSpecOptions): TaskSpec {
  const root = state.root;
  const { generation } = state.project;
  const container = run.container;
  const script = join(root, run.association.script);
  const logFile = taskLogPath(root, options.runId, run.association.script, run.id);
  const taskFile = logFile.replace(/\.log$/, ".task.json");
  const folder = join(root, container.path);
  const subtree = state.subtree(container.path);
  const idOf = (path: string | null) => (path === null ? null : state.container(path)._id);
  const scriptId = generation === "thot-0.x" ? script : run.association.written;
  const task = {
    trove_task: 1,
    kind: "thot",
    id: run.id,
    generation,
    root,
    container: container.path,
    container_id: container._id,
    script: { path: run.association.script, id: scriptId },
    staging: options.staging,
    replaceable: options.replaceable,
    // what a new asset must not overwrite: 0.x asset folders sit beside everything in the folder
    taken: generation === "thot-0.x" ? existingNames(folder) : state.assetsOf(container.path).map((a) => keyInContainer(container.path, a.key)),
    containers: subtree.containers.map((c) => ({ ...c, parent: idOf(c.parent), children: c.children.map(idOf), assets: state.assetsOf(c.path).map((a) => a._id) })),
    assets: subtree.assets.map((a) => ({ ...a, parent: idOf(a.parent), file: join(root, a.file) })),
  };
  const containerVar = generation === "syre" ? "SYRE_CONTAINER_ID" : "THOT_CONTAINER_ID";
  const env: Record<string, string> = {
    [containerVar]: container._id,
    THOT_SCRIPT_ID: scriptId,
    TROVE_TASK: taskFile,
    TROVE_ROOT: root,
    PYTHONPATH: [pythonShimDir("thot_shim"), process.env.PYTHONPATH].filter(Boolean).join(delimiter),
  };
  return {
    id: run.id,
    command: scriptCommand(script),
    cwd: folder,
    env,
    outputs: {},
    files: { [taskFile]: JSON.stringify(task) },
    logFile,
    timeoutMs: options.timeoutMs,
  };
}

/** An asset key relative to its container: what add_asset is given. */
export function keyInContainer(container: string, key: string): string {
  return container === "" ? key : key.slice(container.length + 1);
}

function existingNames(folder: string): string[] {
  return existsSync(folder) ? readdirSync(folder) : [];
}
