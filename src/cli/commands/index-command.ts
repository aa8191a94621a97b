// `trove index [DIR]`: build or update the catalog.

import type { Command } from "commander";
import { loadConfig } from "../../config/load.ts";
import { HASH_ALGORITHMS, type HashAlgorithm } from "../../config/schema.ts";
import { indexDataset } from "../../catalog/indexer.ts";
import { progressBar } from "../progress.ts";
import { describeIndex } from "../report.ts";
import { choice } from "../options.ts";

export function register(program: Command): void {
  program
    .command("index")
    .description("walk the dataset and write its Parquet catalog (.trove/catalog/), updating only what changed")
    .argument("[dir]", "dataset folder (holding trove.toml) or the trove.toml itself", ".")
    .option("--hash <algorithm>", `content hashes for this run: ${HASH_ALGORITHMS.join(", ")} (default: index.hash of trove.toml)`, choice(HASH_ALGORITHMS))
    .option("--full", "ignore the previous catalog: re-parse and re-hash every file")
    .addHelpText(
      "after",
      `
The next run compares each file's size, mtime and inode with the catalog and only re-hashes what
changed; when nothing changed, nothing is written. The catalog is replaced atomically: a killed
index leaves the previous one intact. Tables: files, records, containers (query them with
\`trove query\`).

Examples:
  trove index                      index the dataset in this folder
  trove index /data/ibl --hash md5 with MD5 content hashes (what ONE caches use)
  trove index --full               rebuild from scratch`,
    )
    .action(async (dir: string, opts: { hash?: HashAlgorithm; full?: boolean }) => {
      const config = await loadConfig(dir);
      const bar = progressBar();
      const started = performance.now();
      try {
        const report = await indexDataset(config, {
          full: opts.full,
          hash: opts.hash,
          onProgress: (phase, done, total) => bar.update(done, total, phase),
        });
        bar.stop(); // before the summary, so it is not drawn over
        process.stdout.write(describeIndex(report, (performance.now() - started) / 1000));
      } finally {
        bar.stop();
      }
    });
}
