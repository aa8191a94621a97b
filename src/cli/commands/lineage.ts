// `trove lineage PATH`: what a file came from (up) and what came from it (down).

import { existsSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { NotFoundError } from "../../errors.ts";
import type { Command } from "commander";
import { loadConfig } from "../../config/load.ts";
import { readJournal } from "../../run/journal.ts";
import { type Direction, lineage, type LineageNode } from "../../run/lineage.ts";

export function register(program: Command): void {
  program
    .command("lineage")
    .description("show what a file was made from (up) and what was made from it (down), from the run journal")
    .argument("<path>", "a file of the dataset: relative to the dataset folder, or a path on disk")
    .option("-d, --dataset <dir>", "dataset folder (holding trove.toml)", ".")
    .option("--up", "only what it came from")
    .option("--down", "only what came from it")
    .option("--json", "print the lineage as JSON")
    .addHelpText(
      "after",
      `
Follows each task's last successful run: an output points to the inputs of the task that made it,
an input to the outputs of every task that read it. SQL gives the same links one level at a time:
  trove query "SELECT path, produced_by, derived_from FROM files WHERE produced_by IS NOT NULL"

Examples:
  trove lineage derived/REC-200319-A/REC-200319-A-RS-alpha.csv --up
  trove lineage EEG/REC-200319-A/REC-200319-A-RS.mff --down`,
    )
    .action(async (path: string, opts: { dataset: string; up?: boolean; down?: boolean; json?: boolean }) => {
      const config = await loadConfig(opts.dataset);
      const rel = datasetPath(config.root, path);
      const journal = readJournal(config.root);
      const known = [...journal.lastDone.values()].some((r) => r.inputs.some((i) => i.path === rel) || r.outputs.some((o) => o.path === rel));
      if (!known && !existsSync(join(config.root, rel))) throw new NotFoundError(`${rel}: no such file in ${config.root}, and no run read or made it`);
      const directions: Direction[] = opts.up && !opts.down ? ["up"] : opts.down && !opts.up ? ["down"] : ["up", "down"];
      const trees = Object.fromEntries(directions.map((d) => [d, lineage(journal, rel, d)]));
      if (opts.json) {
        process.stdout.write(JSON.stringify(trees, (k, v) => (k === "madeBy" || k === "task" ? v && { task: v.task, run: v.run, ended: v.ended } : v), 1) + "\n");
        return;
      }
      const lines: string[] = [];
      if (trees.up) lines.push(`${rel} came from:`, ...describeUp(trees.up, "  "));
      if (trees.down) lines.push(`${trees.up ? "\n" : ""}made from ${rel}:`, ...describeDown(trees.down, "  "));
      process.stdout.write(lines.join("\n") + "\n");
    });
}

/** A path as the catalog writes it: relative to the dataset folder. */
function datasetPath(root: string, path: string): string {
  const onDisk = isAbsolute(path) ? path : resolve(path);
  const rel = relative(root, onDisk);
  const inside = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  return (inside ? rel : path).split("\\").join("/").replace(/\/+$/, "");
}

function describeUp(node: LineageNode, indent: string): string[] {
  if (!node.madeBy) return [`${indent}(raw data: no step made it)`];
  const lines = [`${indent}made by ${node.madeBy.task} (run ${node.madeBy.run}, ${node.madeBy.ended})`];
  for (const input of node.from) {
    lines.push(`${indent}from ${input.path}`);
    if (input.madeBy) lines.push(...describeUp(input, indent + "  "));
  }
  return lines;
}

function describeDown(node: LineageNode, indent: string): string[] {
  if (node.to.length === 0) return indent === "  " ? [`${indent}(nothing: no step read it)`] : [];
  const lines: string[] = [];
  for (const { task, outputs } of node.to) {
    lines.push(`${indent}${task.task} made:`);
    for (const out of outputs) lines.push(`${indent}  ${out.path}`, ...describeDown(out, indent + "    "));
  }
  return lines;
}
