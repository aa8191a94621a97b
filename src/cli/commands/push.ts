// `trove push URI [--data]`: upload a snapshot (and its data files, content-addressed) to a store.

import type { Command } from "commander";
import { loadConfig } from "../../config/load.ts";
import { pushVersion } from "../../versions/push.ts";
import { storeFor } from "../../versions/stores.ts";
import { positiveInt } from "../options.ts";
import { progressBar } from "../progress.ts";

export function register(program: Command): void {
  // `--version V` after the command name is this command's, not trove's own -V/--version
  program.enablePositionalOptions();
  program
    .command("push")
    .description("upload a snapshot to a store (s3://, az://, gs://, file:// or a folder); --data uploads its files too")
    .argument("<uri>", "where the dataset goes")
    .option("-d, --dataset <dir>", "the dataset folder", ".")
    .option("--version <v>", "version id or label (default: the latest snapshot)")
    .option("--data", "upload the data files as objects/<sha256>, each content once")
    .option("--objects <uri>", "a store for the objects shared by several datasets (default: URI/objects/)")
    .option("-j, --jobs <n>", "uploads at once", positiveInt, 8)
    .addHelpText(
      "after",
      `
A push cut short leaves no visible version; run it again and only what is missing is uploaded.

Examples:
  trove snapshot --label v1.0 && trove push s3://bucket/lab/sonetaa --data
  trove push /mnt/share/sonetaa --version v0.9`,
    )
    .action(async (uri: string, opts: { dataset: string; version?: string; data?: boolean; objects?: string; jobs: number }) => {
      const config = await loadConfig(opts.dataset);
      const target = await storeFor(uri);
      const bar = progressBar();
      try {
        const r = await pushVersion(config.root, target, {
          version: opts.version,
          data: opts.data,
          objects: opts.objects ? await storeFor(opts.objects) : undefined,
          concurrency: opts.jobs,
          onProgress: (phase, done, total) => bar.update(done, total, phase),
        });
        bar.stop();
        const data = opts.data ? `; objects: ${r.objects.uploaded} uploaded (${r.objects.bytes} bytes), ${r.objects.skipped} already there` : "";
        process.stdout.write(`pushed ${r.version.id} (${r.version.label}) to ${target.uri}${r.latest ? " as latest" : ""}${data}\n`);
      } finally {
        bar.stop();
        await target.close();
      }
    });
}
