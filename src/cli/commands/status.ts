// `trove status [DIR]`: is the catalog stale, and how? Writes nothing.

import type { Command } from "commander";
import { loadConfig } from "../../config/load.ts";
import { catalogStatus } from "../../catalog/status.ts";
import { progressBar } from "../progress.ts";
import { describeProblems, examples } from "../report.ts";
import { describeStepStatus } from "../run-report.ts";
import type { Config } from "../../config/load.ts";
import { Dataset } from "../../dataset/dataset.ts";

export function register(program: Command): void {
  program
    .command("status")
    .description("tell whether the catalog matches the files on disk (one stat walk; writes nothing)")
    .argument("[dir]", "dataset folder (holding trove.toml)", ".")
    .option("--json", "print the status as one JSON object")
    .option("--steps", "instead: the status of every record x step (Sinagot's init, data-ready, done, error, data-not-available)")
    .option("--all", "with --steps: every row, not only the first 100")
    .addHelpText(
      "after",
      `
Exit status: 0 when the catalog is fresh, 1 when it is stale or missing.
With --steps: 0 when no task is in error, 1 otherwise. It also refreshes the \`status\` view
(trove query "SELECT * FROM status WHERE status = 'error'").`,
    )
    .action(async (dir: string, opts: { json?: boolean; steps?: boolean; all?: boolean }) => {
      const config = await loadConfig(dir);
      if (opts.steps) return stepsStatus(config, dir, opts);
      const bar = progressBar();
      const s = await catalogStatus(config, (stage, done, total) => bar.update(done, total, stage));
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

async function stepsStatus(config: Config, dir: string, opts: { json?: boolean; all?: boolean }): Promise<void> {
  const ds = await Dataset.fromConfig(config, dir);
  try {
    const { order, rows } = await ds.stepStatus();
    if (opts.json) process.stdout.write(JSON.stringify(rows) + "\n");
    else process.stdout.write(describeStepStatus(order, rows, opts.all ? Infinity : 100));
    if (rows.some((r) => r.status === "error")) process.exitCode = 1;
  } finally {
    ds.close();
  }
}
