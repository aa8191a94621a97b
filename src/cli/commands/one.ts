// `trove one ...`: IBL ONE cache tables: build them from an ALF folder, clean up around them.

import type { Command } from "commander";
import { buildOneCache, importOneCache, oneTablesAt } from "../../compat/one/cache.ts";
import { listDatasets } from "../../compat/one/list.ts";
import { searchSessions, type SearchTerms } from "../../compat/one/search.ts";
import { removeMissingDatasets, removeTableFiles } from "../../compat/one/remove.ts";
import { readOneCache } from "../../compat/one/read.ts";
import { TroveError } from "../../errors.ts";
import { choice } from "../options.ts";
import { formatRows } from "../output.ts";
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
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      const lines: string[] = [];
      if (result.written === null) lines.push(`${result.files.sessions} and ${result.files.datasets} are up to date (checked in ${seconds} s)`);
      else {
        const { sessions, datasets } = result.written;
        lines.push(`wrote ${result.files.sessions} (${sessions} sessions) and ${result.files.datasets} (${datasets} datasets) in ${seconds} s`);
        if (sessions === 0) lines.push("warning: no ALF sessions found (ONE: 'No sessions found')");
      }
      lines.push(...describeProblems(result.index.problems));
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

  one
    .command("import")
    .description("read a ONE cache (current or legacy format) into a dataset's catalog: views one_sessions, one_datasets")
    .argument("<cache-dir>", "the folder holding sessions.pqt and datasets.pqt")
    .option("-d, --dataset <dir>", "the dataset to import into", ".")
    .addHelpText(
      "after",
      `
Legacy caches are converted as ONE's patch_tables does: ids stored as int64 pairs become UUIDs,
project becomes projects, float file_size becomes an integer, session_path is dropped, a missing
qc is NOT_SET. Then: trove query -d DIR "SELECT * FROM one_sessions".`,
    )
    .action(async (cacheDir: string, opts: { dataset: string }) => {
      const tables = await importOneCache(cacheDir, opts.dataset);
      process.stdout.write(
        `imported ${tables.sessions.length} sessions and ${tables.datasets.length} datasets (${tables.format} format) into ${opts.dataset}\n`,
      );
    });

  one
    .command("search")
    .description("ONE's search: sessions matching every term (regex match within a field, OR within a list)")
    .option("-d, --dataset <dir>", "a folder with ONE cache tables, or a dataset they were imported into", ".")
    .option("--subject <s...>", "subject(s)")
    .option("--lab, --laboratory <s...>", "lab(s)")
    .option("--number <n...>", "session number(s)")
    .option("--projects <s...>", "project(s)")
    .option("--task-protocol <s...>", "task protocol(s)")
    .option("--date-range <d...>", "one date (the whole day), or START END; use - for an open end")
    .option("--datasets <name...>", "sessions holding all these datasets (regex on the file name)")
    .option("--dataset-qc-lte <level>", "only datasets at or below this QC level count")
    .option("--no-wildcards", "plain substring matching instead of regular expressions")
    .option("-f, --format <format>", "table, csv or json", choice(["table", "csv", "json"] as const), "table")
    .addHelpText("after", "\nExamples:\n  trove one search -d /data/ibl --subject KS005 --date-range 2019-04-01 2019-04-30\n  trove one search --datasets _ibl_trials.intervals.npy --dataset-qc-lte WARNING")
    .action(async (opts: Record<string, unknown> & { dataset: string; wildcards: boolean; format: "table" | "csv" | "json" }) => {
      const tables = await oneTablesAt(opts.dataset);
      const terms: SearchTerms = {
        subject: opts.subject as string[] | undefined,
        laboratory: opts.laboratory as string[] | undefined,
        number: (opts.number as string[] | undefined)?.map(Number),
        projects: opts.projects as string[] | undefined,
        task_protocol: opts.taskProtocol as string[] | undefined,
        date_range: (opts.dateRange as string[] | undefined)?.map((d) => (d === "-" ? null : d)),
        datasets: opts.datasets as string[] | undefined,
        dataset_qc_lte: opts.datasetQcLte as string | undefined,
      };
      const found = searchSessions(tables.sessions, tables.datasets, terms, { wildcards: opts.wildcards });
      const columns = ["id", "lab", "subject", "date", "number", "task_protocol", "projects"];
      process.stdout.write(formatRows({ columns, rows: found as unknown as Record<string, unknown>[] }, opts.format));
    });

  one
    .command("list")
    .description("ONE's list_datasets: a session's datasets by name, collection, revision and QC")
    .argument("[eid...]", "session id(s); none: every session")
    .option("-d, --dataset <dir>", "a folder with ONE cache tables, or a dataset they were imported into", ".")
    .option("--filename <pattern...>", "file name pattern(s) (any may match)")
    .option("--collection <pattern...>", 'collection(s); "" means datasets outside any collection')
    .option("--revision <pattern...>", "revision(s)")
    .option("--revision-last-before", "keep one revision per dataset: the last at or before --revision (or the default)")
    .option("--qc <level>", "datasets at or below this QC level (default FAIL)")
    .option("--ignore-qc-not-set", "leave out datasets whose QC is NOT_SET")
    .option("--default-revisions-only", "only the default revision of each dataset")
    .option("-f, --format <format>", "table, csv or json", choice(["table", "csv", "json"] as const), "table")
    .addHelpText("after", "\nWarnings ONE gives (multiple revisions, no default revision) go to standard error.")
    .action(async (eids: string[], opts: { dataset: string; filename?: string[]; collection?: string[]; revision?: string[];
      revisionLastBefore?: boolean; qc?: string; ignoreQcNotSet?: boolean; defaultRevisionsOnly?: boolean; format: "table" | "csv" | "json" }) => {
      const tables = await oneTablesAt(opts.dataset);
      const one = (xs: string[] | undefined) => (xs === undefined ? undefined : xs.length === 1 ? xs[0] : xs);
      const result = listDatasets(tables.datasets, {
        eid: eids,
        filename: one(opts.filename),
        collection: one(opts.collection),
        revision: one(opts.revision),
        revisionLastBefore: opts.revisionLastBefore,
        qc: opts.qc,
        ignoreQcNotSet: opts.ignoreQcNotSet,
        defaultRevisionsOnly: opts.defaultRevisionsOnly,
      });
      for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
      const columns = ["eid", "id", "rel_path", "file_size", "hash", "exists", "qc"];
      process.stdout.write(formatRows({ columns, rows: result.datasets as unknown as Record<string, unknown>[] }, opts.format));
    });
}
