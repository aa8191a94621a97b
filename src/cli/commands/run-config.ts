// `trove run`'s config, read from a cache of the last validation while trove.toml is unchanged.
//
//   const config = await loadRunConfig("/data/sonetaa");   // as loadConfig("/data/sonetaa")
//
// Why: validating trove.toml needs the schema library, whose code alone was ~80 ms of each start
// (measured: a no-op rerun at 10k tasks is ~0.5 s in all). So config/load.ts is imported only
// when the cache cannot answer. The cache holds the validated config, keyed by the text of
// trove.toml, its path and the trove build (this module's URL names the bundle chunk, whose name
// changes with the code it imports). Only a folder holding a trove.toml uses it: that file then
// wins over a Sinagot workspace or a Thot project (config/load.ts), so its text decides everything.

import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "../../config/load.ts";
import { writeFileAtomic } from "../../fsutil/atomic.ts";
import { hashText } from "../../run/fingerprint.ts";
import { runsDir } from "../../run/journal.ts";
import { TROVE_VERSION } from "../../version.ts";

/** config/load.ts's CONFIG_NAME (importing it from there would load the validator). */
const CONFIG_FILE = "trove.toml";
const BUILD = `${TROVE_VERSION} ${import.meta.url}`;

interface Cached {
  build: string;
  file: string;
  source: string;
  config: Config;
}

export async function loadRunConfig(target: string): Promise<Config> {
  const dir = resolve(target);
  const file = join(dir, CONFIG_FILE);
  const cachePath = join(runsDir(dir), "config.json");
  let source: string | undefined;
  try {
    source = readFileSync(file, "utf8");
    const cached = JSON.parse(readFileSync(cachePath, "utf8")) as Cached;
    // dataset.root must still be a folder, as loadConfig checks
    if (cached.build === BUILD && cached.file === file && cached.source === hashText(source) && statSync(cached.config.root).isDirectory()) return cached.config;
  } catch {
    // no trove.toml here (loadConfig says what is wrong), or no usable cache
  }
  const { loadConfig } = await import("../../config/load.ts");
  const config = await loadConfig(target);
  if (source !== undefined && config.file === file && config.root === dir) {
    try {
      writeFileAtomic(cachePath, JSON.stringify({ build: BUILD, file, source: hashText(source), config } satisfies Cached));
    } catch {
      // only a speed-up (a read-only dataset, or no .trove/runs yet)
    }
  }
  return config;
}
