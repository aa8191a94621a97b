// `trove query "SQL"`: SQL over the catalog views (files, records, containers).

import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { Dataset } from "../../dataset/dataset.ts";
import { sqlString } from "../../catalog/duckdb.ts";
import { tempPathFor } from "../../fsutil/atomic.ts";
import { TroveError } from "../../errors.ts";
import { choice } from "../options.ts";
import { type Format, formatRows } from "../output.ts";

const FORMATS = ["table", "csv", "json", "parquet"] as const;

export function register(program: Command): void {
  program
    .command("query")
    .description("run SQL over the catalog: the tables files, records and containers are views")
    .argument("<sql>", "a DuckDB SQL query")
    .option("-d, --dataset <dir>", "dataset folder", ".")
    .option("-f, --format <format>", `output format: ${FORMATS.join(", ")}`, choice(FORMATS), "table")
    .option("-o, --out <file>", "write to this file (atomically) instead of standard output; needed for parquet")
    .addHelpText(
      "after",
      `
Examples:
  trove query "SELECT task, modality, count(*) AS files FROM files GROUP BY ALL ORDER BY ALL"
  trove query "SELECT record, files, bytes FROM records ORDER BY bytes DESC LIMIT 5"
  trove query "SELECT path, unparsed FROM files WHERE NOT valid" --format csv
  trove query "SELECT * FROM files WHERE task = 'RS'" --format parquet --out rs.parquet

Columns of files: path, size, mtime, inode, hash, record, layout, valid, unparsed, one column per
entity, metadata (JSON: use metadata->>'$.key'), qc. See them all with: trove query "DESCRIBE files"`,
    )
    .action(async (sql: string, opts: { dataset: string; format: (typeof FORMATS)[number]; out?: string }) => {
      if (opts.format === "parquet" && !opts.out) throw new TroveError("--format parquet needs --out FILE");
      if (opts.out && !existsSync(dirname(resolve(opts.out)))) throw new TroveError(`--out ${opts.out}: its folder does not exist`);
      // a trailing ";" is natural at a prompt, but not inside COPY (...)
      sql = sql.trim().replace(/;+$/, "");
      const ds = await Dataset.open(opts.dataset);
      try {
        if (opts.format === "parquet") {
          const target = resolve(opts.out!);
          const temp = tempPathFor(target);
          try {
            await ds.query(`COPY (${sql}) TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd)`);
            renameSync(temp, target);
          } finally {
            rmSync(temp, { force: true });
          }
          process.stderr.write(`wrote ${target}\n`);
          return;
        }
        const result = await ds.table(sql);
        const text = formatRows(result, opts.format as Format);
        if (opts.out) {
          const target = resolve(opts.out);
          const temp = tempPathFor(target);
          writeFileSync(temp, text);
          renameSync(temp, target);
        } else process.stdout.write(text);
      } finally {
        ds.close();
      }
    });
}
