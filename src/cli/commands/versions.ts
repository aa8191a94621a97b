// `trove versions`, `trove diff V1 V2`, `trove version delete ID`, `trove checkout V`: the versions
// of a dataset, in its own version store or (with --from) in a store it was pushed to.

import type { Command } from "commander";
import { loadConfig } from "../../config/load.ts";
import { checkoutVersion } from "../../versions/checkout.ts";
import { deleteVersion } from "../../versions/delete.ts";
import { diffVersions } from "../../versions/diff.ts";
import { listVersions } from "../../versions/layout.ts";
import { localVersions } from "../../versions/local.ts";
import { storeFor } from "../../versions/stores.ts";
import type { Store } from "../../store/store.ts";
import { formatRows } from "../output.ts";
import { progressBar } from "../progress.ts";
import { examples } from "../report.ts";

interface Where {
  dataset: string;
  from?: string;
}

async function storeOf(opts: Where): Promise<Store> {
  return opts.from ? storeFor(opts.from) : localVersions((await loadConfig(opts.dataset)).root);
}

const where = (c: Command) =>
  c.option("-d, --dataset <dir>", "the dataset folder", ".").option("--from <uri>", "a store the dataset was pushed to (instead of its own snapshots)");

export function register(program: Command): void {
  where(program.command("versions").description("list the versions: latest first, then newest first"))
    .option("--json", "one JSON object per version")
    .action(async (opts: Where & { json?: boolean }) => {
      const store = await storeOf(opts);
      const rows = (await listVersions(store)).map((v) => ({
        id: v.id, label: v.label, created: v.created, latest: v.latest ? "yes" : "",
        files: v.description.trove?.content.files ?? null, data: v.description.trove?.objects ? "yes" : "", message: v.description.trove?.message ?? "",
      }));
      process.stdout.write(rows.length || opts.json ? formatRows({ columns: Object.keys(rows[0] ?? { id: 0 }), rows }, opts.json ? "json" : "table") : "no versions yet (make one with `trove snapshot`)\n");
    });

  where(program.command("diff").description("what changed between two versions: files added, removed, changed; rows per table"))
    .argument("<from>", "version id or label")
    .argument("<to>", "version id or label (latest: the latest)")
    .option("--json", "the whole difference as JSON")
    .action(async (from: string, to: string, opts: Where & { json?: boolean }) => {
      const d = await diffVersions(await storeOf(opts), from, to);
      if (opts.json) return void process.stdout.write(JSON.stringify(d, null, 2) + "\n");
      const lines = [`${d.from} -> ${d.to}`];
      for (const [k, paths] of Object.entries(d.files)) if (paths.length) lines.push(`files ${k}: ${paths.length}`, examples(paths));
      if (!Object.values(d.files).some((p) => p.length)) lines.push("no data file changed");
      for (const [t, c] of Object.entries(d.tables)) {
        lines.push(c.only ? `table ${t}: only in ${c.only === "from" ? d.from : d.to}` : `table ${t}: +${c.added} -${c.removed} rows`);
      }
      process.stdout.write(lines.join("\n") + "\n");
    });

  where(program.command("version").description("manage versions").command("delete").description("delete a version (never the latest)"))
    .argument("<id>", "version id or label")
    .action(async (id: string, opts: Where) => {
      process.stdout.write(`deleted version ${await deleteVersion(await storeOf(opts), id)}\n`);
    });

  where(program.command("checkout").description("make a version's catalog the current one; with --data, bring its files back from the store"))
    .argument("<version>", "version id or label")
    .option("--data", "restore files whose content differs from the version's (needs --from, pushed with --data)")
    .addHelpText("after", "\nFiles the version does not have are left alone. `trove index` afterwards catalogues the tree as it is.")
    .action(async (version: string, opts: Where & { data?: boolean }) => {
      const config = await loadConfig(opts.dataset);
      const bar = progressBar();
      try {
        const r = await checkoutVersion(config, version, {
          from: opts.from ? await storeFor(opts.from) : undefined,
          data: opts.data,
          onProgress: (done, total) => bar.update(done, total, "files"),
        });
        bar.stop();
        process.stdout.write(`checked out ${r.version.id} (${r.version.label}): ${r.files.length} files` + (opts.data ? `, ${r.fetched} restored, ${r.present} already right` : "") + "\n");
      } finally {
        bar.stop();
      }
    });
}
