// `trove one ...`: IBL ONE cache tables: build them from an ALF folder, clean up around them.

import type { Command } from "commander";
import { buildOneCache } from "../../compat/one/cache.ts";
import { removeMissingDatasets, removeTableFiles } from "../../compat/one/remove.ts";
import { readOneCache } from "../../compat/one/read.ts";
import { TroveError } from "../../errors.ts";
import { progressBar } from "../progress.ts";
import { describeProblems, examples } from "../report.ts";

export function register(program: Command): void {
  const one = program
    .command("one")
    .description("IBL ONE cache tables (sessions.pqt, datasets.pqt): build, import, search, list, clean up");

  one
    .command("build")
    .description("write ONE's cache tables for an ALF folder, from trove's catalog (incremental)")
    .argument("<root>", "the ALF data folder (lab/Subjects/subject/date/number/...); needs no trove.toml")
    .option("-o, --out <dir>", "where to write the tables (default: ROOT, as ONE does)")
    .option("--hash", "md5 of every dataset, as ONE's hash_files=True (only changed files are re-hashed)")
    .option("--hash-ids", "ids are UUIDs (the default): name-based, so the same tree always gives the same ids")
    .option("--path-ids", "ids are lab/subject/date/number and rel_path (ONE's hash_ids=False)")
    .option("--lab <lab>", "lab name for sessions whose path has no lab folder (ONE's lab=)")
    .addHelpText(
      "after",
      `
Writes sessions.pqt and datasets.pqt with ONE's columns, Parquet types and pandas metadata, and
cache_info.json. The tree is indexed into ROOT/.trove first; a rebuild after a few changes costs
one stat walk. Unlike ONE's make_parquet_db (which draws a random namespace each run), UUIDs are
version 5 under a fixed namespace: the same session or rel_path always gets the same id. As in
ONE, equal rel_paths in different sessions share a dataset id (unique as the pair eid, id).
With --hash the catalog holds md5 sums until its next plain \`trove index\` (which re-hashes
with trove.toml's index.hash).

Examples:
  trove one build /data/ibl                 UUID ids, no hashes (ONE's defaults, but stable ids)
  trove one build /data/ibl --hash --path-ids -o /data/ibl-cache`,
    )
    .action(async (root: string, opts: { out?: string; hash?: boolean; hashIds?: boolean; pathIds?: boolean; lab?: string }) => {
      if (opts.hashIds && opts.pathIds) throw new TroveError("--hash-ids and --path-ids exclude each other");
      const bar = progressBar();
      const started = performance.now();
      const result = await buildOneCache(root, {
        out: opts.out,
        hash: opts.hash,
        ids: opts.pathIds ? "path" : "uuid",
        lab: opts.lab,
        onProgress: (phase, done, total) => bar.update(done, total, phase),
      });
      bar.stop();
      const { sessions, datasets } = result.tables;
      const lines = [
        `wrote ${result.files.sessions} (${sessions.length} sessions) and ${result.files.datasets} (${datasets.length} datasets) in ${((performance.now() - started) / 1000).toFixed(2)} s`,
        ...describeProblems(result.index.problems),
      ];
      if (sessions.length === 0) lines.push("warning: no ALF sessions found (ONE: 'No sessions found')");
      process.stdout.write(lines.join("\n") + "\n");
    });

  one
    .command("remove-missing")
    .description("delete ALF files under ROOT that the cache tables do not list (dry run unless --delete)")
    .argument("<root>", "the ALF data folder")
    .option("-t, --tables <dir>", "where sessions.pqt and datasets.pqt are (default: ROOT)")
    .option("--delete", "really delete (default: only list what would go)")
    .option("--keep-empty-sessions", "do not remove session folders missing from the sessions table")
    .addHelpText("after", "\nNon-ALF files are never touched. Folders are removed only once empty.")
    .action(async (root: string, opts: { tables?: string; delete?: boolean; keepEmptySessions?: boolean }) => {
      const tables = await readOneCache(opts.tables ?? root);
      const paths = removeMissingDatasets(root, tables, { dry: !opts.delete, removeEmptySessions: !opts.keepEmptySessions });
      const verb = opts.delete ? "removed" : "would remove (add --delete to do it)";
      process.stdout.write(paths.length ? `${verb} ${paths.length}:\n${examples(paths, Number.POSITIVE_INFINITY)}\n` : "nothing to remove\n");
    });

  one
    .command("remove-tables")
    .description("delete the cache table files (sessions.pqt, datasets.pqt) and cache_info.json")
    .argument("<dir>", "the folder holding the tables")
    .action((dir: string) => {
      const removed = removeTableFiles(dir);
      process.stdout.write(removed.length ? `removed ${removed.join(", ")}\n` : "no cache tables found\n");
    });
}
