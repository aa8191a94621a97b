// `trove pull URI DIR [--version V] [--where SQL]`: a pushed version into a local folder, with the files a query selects.

import type { Command } from "commander";
import { pullVersion } from "../../versions/pull.ts";
import { storeFor } from "../../versions/stores.ts";
import { positiveInt } from "../options.ts";
import { progressBar } from "../progress.ts";

export function register(program: Command): void {
  // `--version V` after the command name is this command's, not trove's own -V/--version
  program.enablePositionalOptions();
  program
    .command("pull")
    .description("fetch a version's catalog and (some of) its data files from a store into a folder")
    .argument("<uri>", "where the dataset was pushed")
    .argument("[dir]", "the local folder", ".")
    .option("--version <v>", "version id or label (default: latest)")
    .option("--where <sql>", "only the files whose files-table row matches (e.g. \"task = 'RS'\")")
    .option("--catalog-only", "no data files")
    .option("-j, --jobs <n>", "downloads at once", positiveInt, 8)
    .addHelpText(
      "after",
      `
Every file is checked against its sha256 and kept in the cache ($TROVE_CACHE, ~/.cache/trove).
The folder becomes a dataset: \`trove query -d DIR\` works at once.

Examples:
  trove pull s3://bucket/lab/sonetaa /tmp/sonetaa --where "task = 'RS' AND modality = 'EEG'"
  trove pull /mnt/share/sonetaa . --version v1.0 --catalog-only`,
    )
    .action(async (uri: string, dir: string, opts: { version?: string; where?: string; catalogOnly?: boolean; jobs: number }) => {
      const source = await storeFor(uri);
      const bar = progressBar();
      try {
        const r = await pullVersion(source, dir, { ...opts, concurrency: opts.jobs, onProgress: (done, total) => bar.update(done, total, "files") });
        bar.stop();
        process.stdout.write(`pulled ${r.version.id} (${r.version.label}) into ${dir}: ${r.files.length} files, ${r.fetched} fetched, ${r.present} already there\n`);
      } finally {
        bar.stop();
        await source.close();
      }
    });
}
