// Which executor `trove run` uses: --executor when given; else what a Sinagot workspace's
// `[run] mode` asks for (compat/sinagot/run-mode.ts), said on stderr; else local.
//
//   const { name, options } = await executorChoice(opts, config);
//   const executor = await executorFor(name, { ...options, jobs: opts.jobs, config });

import { basename } from "node:path";
import type { Config } from "../../config/load.ts";

interface ExecutorFlags {
  executor?: string;
  redis?: string;
  partition?: string;
}

export async function executorChoice<T extends ExecutorFlags>(opts: T, config: Config, say = (line: string) => process.stderr.write(`trove: ${line}\n`)): Promise<{ name: string; options: T }> {
  if (opts.executor) return { name: opts.executor, options: opts };
  // only a config read from something else than trove.toml can be a Sinagot workspace
  if (config.file && basename(config.file) !== "trove.toml") {
    const { sinagotExecutorOf } = await import("../../compat/sinagot/run-mode.ts");
    const asked = await sinagotExecutorOf(config.file);
    if (asked) {
      if (asked.message) say(asked.message);
      return { name: asked.executor, options: { ...opts, redis: opts.redis ?? asked.redis, partition: opts.partition ?? asked.partition } };
    }
  }
  return { name: "local", options: opts };
}
