// `trove log STEP ID`: print the log of a task's last execution (or of a given run).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../../config/load.ts";
import { NotFoundError } from "../../errors.ts";
import { journalRows, readJournal, type RunRow } from "../../run/journal.ts";

export function register(program: Command): void {
  program
    .command("log")
    .description("print the output (stdout and stderr) of a task's last execution")
    .argument("<step>", "the step")
    .argument("<id>", "the record, with its unit when the step has several per record (REC-1:task=RS)")
    .option("-d, --dataset <dir>", "dataset folder (holding trove.toml)", ".")
    .option("--run <run>", "the execution of this run instead of the last one")
    .addHelpText("after", "\nExamples:\n  trove log alpha REC-200319-A:task=RS\n  trove log preprocess REC-200319-A      (lists the tasks when the record has several)\n  trove log scripts/prep.py deg20        (a Thot/Syre script at a container; . is the root)")
    .action(async (step: string, id: string, opts: { dataset: string; run?: string }) => {
      const config = await loadConfig(opts.dataset);
      const journal = readJournal(config.root);
      // a Thot/Syre project has no steps: its scripts are what ran
      const steps = Object.keys(config.steps).length > 0 ? Object.keys(config.steps) : [...new Set([...journal.latest.values()].map((r) => r.step))];
      if (!steps.includes(step)) throw new NotFoundError(`no step "${step}"; steps are: ${steps.join(", ") || "(none)"}`);
      const row = pick(journal.latest, `${step}:${id}`, opts.run, config.root);
      const file = join(config.root, row.log);
      if (!existsSync(file)) throw new NotFoundError(`the log of ${row.task} (run ${row.run}) is gone: ${file}`);
      process.stdout.write(readFileSync(file));
    });
}

function pick(latest: Map<string, RunRow>, task: string, run: string | undefined, root: string): RunRow {
  if (run !== undefined) {
    const row = journalRows(root).find((r) => r.run === run && r.task === task);
    if (!row) throw new NotFoundError(`task ${task} did not run in run ${run}`);
    return row;
  }
  const row = latest.get(task);
  if (row) return row;
  const units = [...latest.keys()].filter((k) => k.startsWith(`${task}:`));
  if (units.length === 1) return latest.get(units[0])!;
  if (units.length > 1) throw new NotFoundError(`${task} ran as several tasks; name one: ${units.slice(0, 10).map((u) => u.slice(u.indexOf(":") + 1)).join(", ")}`);
  throw new NotFoundError(`task ${task} has not run yet (\`trove run -n\` shows what would run)`);
}
