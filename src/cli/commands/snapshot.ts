// `trove snapshot [DIR] [--label L] [--message M]`: freeze the catalog, content manifest and runs into a version.

import type { Command } from "commander";
import { loadConfig } from "../../config/load.ts";
import { createSnapshot } from "../../versions/snapshot.ts";
import { progressBar } from "../progress.ts";

export function register(program: Command): void {
  program
    .command("snapshot")
    .description("freeze the catalog tables, every file's sha256 and the runs into an immutable version (.trove/versions/)")
    .argument("[dir]", "dataset folder", ".")
    .option("-l, --label <label>", "a unique name for the version (default: its id)")
    .option("-m, --message <text>", "what this version is")
    .addHelpText(
      "after",
      `
Files the catalog has not hashed with sha256 are hashed now. The version stays in the dataset
until \`trove push\`; list them with \`trove versions\`.

Examples:
  trove snapshot --label v1.0 -m "first release"
  trove push s3://bucket/lab/sonetaa --data`,
    )
    .action(async (dir: string, opts: { label?: string; message?: string }) => {
      const config = await loadConfig(dir);
      const bar = progressBar();
      try {
        const v = await createSnapshot(config, { ...opts, onProgress: (phase, done, total) => bar.update(done, total, phase) });
        bar.stop();
        const t = v.description.trove!;
        process.stdout.write(
          `version ${v.id}${v.label !== v.id ? ` (${v.label})` : ""}: ${t.content.files} files, ${t.content.bytes} bytes, ` +
            `${Object.entries(t.rows).map(([k, n]) => `${k} ${n}`).join(", ")}\n`,
        );
      } finally {
        bar.stop();
      }
    });
}
