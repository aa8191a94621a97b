// `trove demo [DIR]`: the main job on a realistic dataset, from nothing to answers.

import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../../config/load.ts";
import { indexDataset } from "../../catalog/indexer.ts";
import { Dataset } from "../../dataset/dataset.ts";
import { writeDemoDataset } from "../../demo/sonetaa.ts";
import { TroveError } from "../../errors.ts";
import { positiveInt } from "../options.ts";
import { formatRows } from "../output.ts";
import { describeIndex } from "../report.ts";
import { describeRun } from "../run-report.ts";
import { interruptible } from "../interrupt.ts";

const BY_TASK = `SELECT task, modality, count(DISTINCT record)::INT AS records, count(*)::INT AS files,
       round(sum(size) / 1024, 1) AS kib
FROM files WHERE valid AND task IS NOT NULL GROUP BY ALL ORDER BY ALL`;

const OUTPUTS = `SELECT path, produced_by, derived_from
FROM files WHERE produced_by IS NOT NULL ORDER BY path LIMIT 4`;

const INCOMPLETE = `SELECT record, tasks, files
FROM records WHERE len(tasks) < 3 ORDER BY record`;

export function register(program: Command): void {
  program
    .command("demo")
    .description("write a demo EEG dataset (SoNeTAA-like), index it, query it and run its steps")
    .argument("[dir]", "folder to create (must be empty or absent)", "sonetaa-demo")
    .option("--records <n>", "number of records", positiveInt, 36)
    .addHelpText("after", "\nAfterwards, try: trove query -d DIR \"SELECT * FROM records LIMIT 5\"")
    .action(async (dir: string, opts: { records: number }) => {
      const root = resolve(dir);
      if (existsSync(root) && readdirSync(root).length > 0) {
        throw new TroveError(`${root} is not empty; give the demo a new folder (trove demo DIR)`);
      }
      mkdirSync(root, { recursive: true });
      const written = writeDemoDataset(root, { records: opts.records });
      const out = process.stdout;
      out.write(`wrote a demo dataset: ${written.files} files for ${written.records.length} records in ${root}\n`);
      out.write(`  (tasks RS, MMN, HDC; modalities EEG, clinical, behavior; see ${root}/trove.toml)\n\n`);

      const started = performance.now();
      const report = await indexDataset(await loadConfig(root));
      out.write(describeIndex(report, (performance.now() - started) / 1000) + "\n");

      const ds = await Dataset.open(root);
      try {
        out.write(`-- what was recorded, per task and modality\n${BY_TASK};\n\n`);
        out.write(formatRows(await ds.table(BY_TASK), "table") + "\n");
        out.write(`-- records missing a task\n${INCOMPLETE};\n\n`);
        out.write(formatRows(await ds.table(INCOMPLETE), "table") + "\n");

        const rsEeg = ds.RS.EEG;
        const ids = await rsEeg.ids();
        const first = await rsEeg.first();
        out.write(`-- the library: const ds = await Dataset.open(${JSON.stringify(dir)})\n`);
        out.write(`${rsEeg}: ${ids.length} records, first ${first}\n`);
        const invalid = await ds.query("SELECT path FROM files WHERE NOT valid ORDER BY path");
        if (invalid.length) {
          out.write(`\n${invalid.length} files no pattern accepts (a misnamed recording?):\n`);
          for (const r of invalid.slice(0, 5)) out.write(`  ${r.path}\n`);
        }
        out.write(`\n-- run the steps of trove.toml (trove run -d ${dir}): rt per record x HDC, then a report per record\n`);
        const report = await interruptible((signal) => ds.run({ signal }));
        out.write(describeRun(report));
        out.write(`\n-- step outputs join the catalog with their provenance\n${OUTPUTS};\n\n`);
        out.write(formatRows(await ds.table(OUTPUTS), "table") + "\n");
        const flagged = await ds.query("SELECT path FROM files WHERE produced_by LIKE 'report:%' ORDER BY path");
        const lines = flagged.map((r) => readFileSync(join(root, String(r.path)), "utf8").trim()).filter((l) => l.includes("CHECK"));
        if (lines.length) out.write(`reports flagging low accuracy:\n${lines.map((l) => `  ${l}`).join("\n")}\n`);
        out.write(`\nnext: trove run -d ${dir} -n   |   trove status --steps ${dir}   |   trove lineage -d ${dir} ${flagged[0]?.path ?? "PATH"}\n`);
      } finally {
        ds.close();
      }
    });
}
