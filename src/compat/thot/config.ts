// A Thot or Syre project folder without trove.toml, read as the trove config it amounts to: the
// `containers` layout over the whole folder, named after the project. Nothing is written into the
// project but trove's own `.trove/` catalog folder.
//
//   if (isThotProjectDir("/data/plane")) config = await loadThotProjectConfig("/data/plane");
//   await indexDataset(config);   // then Dataset.fromConfig(config)
//
// loadConfig (config/load.ts) can route such folders here, as it routes Sinagot workspaces.

import { existsSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { stringify } from "smol-toml";
import { type Config, CONFIG_NAME, parseConfig } from "../../config/load.ts";
import { detectThotGeneration, thotProjectName } from "./project.ts";

/** A folder holding a Thot/Syre project of any generation and no trove.toml. */
export function isThotProjectDir(path: string): boolean {
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) return false;
  return !existsSync(join(path, CONFIG_NAME)) && detectThotGeneration(path) !== null;
}

export async function loadThotProjectConfig(dir: string): Promise<Config> {
  const root = resolve(dir);
  const generation = detectThotGeneration(root);
  const name = thotProjectName(root) || basename(root);
  const config = {
    dataset: { name, description: `${generation} project, read by trove's containers layout` },
    layout: [{ type: "containers" }],
  };
  // the config is virtual: its "file" is where a trove.toml would be, so paths resolve from the project
  return parseConfig(stringify(config), join(root, CONFIG_NAME));
}
