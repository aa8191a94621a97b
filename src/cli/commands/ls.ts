// `trove ls records|files [--where SQL] [--limit N]`: list catalog rows.

import type { Command } from "commander";
import { Dataset } from "../../dataset/dataset.ts";
import { choice, positiveInt } from "../options.ts";
import { type Format, formatRows } from "../output.ts";

const WHAT = ["records", "files", "containers"] as const;
const SHOWN: Record<(typeof WHAT)[number], string> = {
  records: "*",
  files: "* EXCLUDE (inode, metadata)",
  containers: "path, kind, name, type, tags, parent",
};

export function register(program: Command): void {
  program
    .command("ls")
    .description("list records, files or containers of the catalog")
    .argument("<what>", WHAT.join(" | "), choice(WHAT))
    .option("-d, --dataset <dir>", "dataset folder", ".")
    .option("-w, --where <sql>", "SQL condition over the table's columns")
    .option("-n, --limit <n>", "show at most n rows", positiveInt, 50)
    .option("-f, --format <format>", "table, csv or json", choice(["table", "csv", "json"] as const), "table")
    .addHelpText(
      "after",
      `
Examples:
  trove ls records
  trove ls files --where "task = 'RS' AND modality = 'EEG'"
  trove ls files --where "not valid"          files no layout accepts, with what was not understood`,
    )
    .action(async (what: (typeof WHAT)[number], opts: { dataset: string; where?: string; limit: number; format: Format }) => {
      const ds = await Dataset.open(opts.dataset);
      try {
        // the newline ends a trailing "-- comment" in the condition before ORDER BY / LIMIT
        const where = opts.where ? `WHERE (${opts.where}\n)` : "";
        const order = what === "records" ? "record" : "path";
        const total = await ds.query(`SELECT count(*)::INT AS n FROM ${what} ${where}`);
        const result = await ds.table(`SELECT ${SHOWN[what]} FROM ${what} ${where} ORDER BY ${order} LIMIT ${opts.limit}`);
        process.stdout.write(formatRows(result, opts.format));
        const n = Number(total[0].n);
        if (n > opts.limit && opts.format === "table") process.stderr.write(`(showing ${opts.limit} of ${n}; use --limit)\n`);
      } finally {
        ds.close();
      }
    });
}
