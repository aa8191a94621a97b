// `trove status [DIR]`: is the catalog stale, and how? Writes nothing.

import type { Command } from "commander";
import { loadConfig } from "../../config/load.ts";
import { catalogStatus } from "../../catalog/status.ts";
import { progressBar } from "../progress.ts";
import { describeProblems, examples } from "../report.ts";

export function register(program: Command): void {
  program
    .command("status")
    .description("tell whether the catalog matches the files on disk (one stat walk; writes nothing)")
    .argument("[dir]", "dataset folder (holding trove.toml)", ".")
    .option("--json", "print the status as one JSON object")
    .addHelpText("after", "\nExit status: 0 when the catalog is fresh, 1 when it is stale or missing.")
    .action(async (dir: string, opts: { json?: boolean }) => {
      const config = await loadConfig(dir);
      const bar = progressBar();
      const s = catalogStatus(config, (stage, done, total) => bar.update(done, total, stage));
      bar.stop();
      if (opts.json) {
        const { added, changed, removed, ...rest } = s;
        process.stdout.write(JSON.stringify({ ...rest, added: added.length, changed: changed.length, removed: removed.length,
          examples: { added: added.slice(0, 5), changed: changed.slice(0, 5), removed: removed.slice(0, 5) } }) + "\n");
      } else {
        const lines: string[] = [];
        if (s.state === "missing") lines.push(`no catalog yet (${s.files} files on disk): run \`trove index\``);
        else if (s.state === "fresh") lines.push(`catalog is fresh: ${s.files} files, generation ${s.generation} (indexed ${s.indexedAt})`);
        else {
          lines.push(`catalog is stale (generation ${s.generation}, indexed ${s.indexedAt}): run \`trove index\``);
          if (s.settingsChanged) lines.push("  trove.toml's layouts, record, ignore or symlink settings (or trove itself) changed: the next index rebuilds the catalog");
          if (s.hashChanged) lines.push(`  the catalog has ${s.hashChanged.catalog} hashes, trove.toml asks for ${s.hashChanged.config}: the next index re-hashes`);
          for (const [label, paths] of [["added", s.added], ["changed", s.changed], ["removed", s.removed]] as const) {
            if (paths.length) lines.push(`  ${paths.length} ${label}:`, examples(paths));
          }
        }
        lines.push(...describeProblems(s.problems));
        process.stdout.write(lines.join("\n") + "\n");
      }
      if (s.state !== "fresh") process.exitCode = 1;
    });
}
