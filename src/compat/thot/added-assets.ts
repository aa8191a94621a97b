// Moves the assets a script added (into its staging folder, through the Python shim) into the
// project once the script has exited 0, written the way its generation stores them.
//
//   const moved = await moveInAssets(state, run, staging, new Set(["stats"]));
//   moved.outputs   // ["deg20/stats"]: 0.x asset folders; for 0.10/Syre the data files
//   moved.assets    // the new ThotAssets, metadata inherited from the container
//
// Thot 0.x: each asset is a folder `<id>/` with `_asset.json` and its file: the staged folder is
// renamed into the container. Thot 0.10 / Syre: the files are renamed into the container and the
// assets are added to its `assets.json` (an asset made by the same script before keeps its rid).
// Everything is checked before anything moves, so a refused asset leaves the project as it was.

import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../../fsutil/atomic.ts";
import { ThotFormatError, type ThotProblem } from "./errors.ts";
import type { ThotAsset } from "./index.ts";
import { ASSET_FILE, readLegacyAsset } from "./legacy.ts";
import { ASSETS_FILE, modernAppDir, readContainerAssets } from "./modern.ts";
import { linkAsset } from "./project.ts";
import type { ScriptRun } from "./run-order.ts";
import type { RunState } from "./run-state.ts";

/** What the shim writes for 0.10/Syre add_asset calls, one JSON line each. */
export const MODERN_MANIFEST = ".trove-assets.jsonl";

/** A script's added assets could not be taken in; nothing was moved. */
export class AddedAssetError extends ThotFormatError {
  override name = "AddedAssetError";
}

export interface MovedIn {
  /** Paths relative to the project root, as recorded in the runs table. */
  outputs: string[];
  assets: ThotAsset[];
}

export async function moveInAssets(state: RunState, run: ScriptRun, staging: string, replaceable: ReadonlySet<string>): Promise<MovedIn> {
  if (!existsSync(staging)) return { outputs: [], assets: [] };
  return state.project.generation === "thot-0.x" ? moveLegacy(state, run, staging, replaceable) : moveModern(state, run, staging, replaceable);
}

async function moveLegacy(state: RunState, run: ScriptRun, staging: string, replaceable: ReadonlySet<string>): Promise<MovedIn> {
  const c = run.container;
  const folder = join(state.root, c.path);
  const names = readdirSync(staging).sort();
  for (const name of names) {
    if (!existsSync(join(staging, name, ASSET_FILE))) throw new AddedAssetError(`${run.id}: ${name} in the staging folder is no asset (no ${ASSET_FILE}); write files only to the paths add_asset returns`);
    refuseOverwrite(folder, name, replaceable, run);
  }
  const outputs: string[] = [];
  const added: ThotAsset[] = [];
  const problems: ThotProblem[] = [];
  for (const name of names) {
    replaceInto(join(staging, name), join(folder, name), staging);
    const path = c.path === "" ? name : `${c.path}/${name}`;
    const raw = await readLegacyAsset(state.root, path, c.path, problems);
    if (raw) added.push(linkAsset(state.root, "thot-0.x", raw, c));
    outputs.push(path);
  }
  if (problems.length > 0) throw new AddedAssetError(`${run.id}: ${problems.map((p) => p.message).join("; ")}`);
  const keep = state.assetsOf(c.path).filter((a) => !outputs.includes(a.key));
  state.setAssets(c.path, [...keep, ...added]);
  return { outputs, assets: added };
}

interface ManifestEntry {
  path: string;
  properties: Record<string, unknown>;
}

async function moveModern(state: RunState, run: ScriptRun, staging: string, replaceable: ReadonlySet<string>): Promise<MovedIn> {
  const c = run.container;
  const root = state.root;
  const folder = join(root, c.path);
  const manifest = join(staging, MODERN_MANIFEST);
  if (!existsSync(manifest)) throw new AddedAssetError(`${run.id}: files were written to the staging folder without add_asset`);
  const entries = new Map<string, ManifestEntry>();
  for (const line of readFileSync(manifest, "utf8").split("\n")) if (line) entries.set((JSON.parse(line) as ManifestEntry).path, JSON.parse(line) as ManifestEntry);
  for (const path of entries.keys()) {
    if (!statSync(join(staging, path), { throwIfNoEntry: false })) throw new AddedAssetError(`${run.id}: add_asset("${path}") was called but the script wrote no file there`);
    refuseOverwrite(folder, path, replaceable, run);
  }
  const app = modernAppDir(root)!;
  const assetsFile = join(folder, app, ASSETS_FILE);
  const stored = existsSync(assetsFile) ? (JSON.parse(readFileSync(assetsFile, "utf8")) as unknown) : {};
  const list: Record<string, unknown>[] = Array.isArray(stored) ? stored : Object.values(stored as object);
  const scriptRid = run.association.written;
  for (const entry of entries.values()) {
    const before = list.find((a) => a.path === entry.path);
    const asset = {
      rid: (before?.rid as string | undefined) ?? randomUUID(),
      properties: { created: new Date().toISOString(), creator: { Script: scriptRid }, ...entry.properties },
      path: entry.path,
    };
    if (before) list[list.indexOf(before)] = asset;
    else list.push(asset);
  }
  for (const path of entries.keys()) replaceInto(join(staging, path), join(folder, path), staging);
  writeFileAtomic(assetsFile, JSON.stringify(Array.isArray(stored) ? list : Object.fromEntries(list.map((a) => [a.rid, a])), null, 2) + "\n");
  const problems: ThotProblem[] = [];
  const raws = await readContainerAssets(root, app, c.path, problems);
  state.setAssets(c.path, raws.map((raw) => linkAsset(root, state.project.generation, raw, c)));
  const outputs = [...entries.keys()].map((p) => (c.path === "" ? p : `${c.path}/${p}`));
  return { outputs, assets: state.assetsOf(c.path).filter((a) => outputs.includes(a.key)) };
}

function refuseOverwrite(folder: string, name: string, replaceable: ReadonlySet<string>, run: ScriptRun): void {
  if (existsSync(join(folder, name)) && !replaceable.has(name)) {
    throw new AddedAssetError(`${run.id}: ${name} already exists in the container and was not made by this script; Thot scripts may only add assets, never replace existing ones`);
  }
}

/** Renames `from` to `to`, replacing what is there; the old copy goes through the staging folder. */
function replaceInto(from: string, to: string, staging: string): void {
  mkdirSync(dirname(to), { recursive: true });
  if (existsSync(to)) {
    const old = join(staging, `.trove-old-${randomUUID()}`);
    renameSync(to, old);
    renameSync(from, to);
    rmSync(old, { recursive: true, force: true });
  } else {
    renameSync(from, to);
  }
}
