// `trove init [DIR] [--layout L]`: write a commented trove.toml, detecting the layout if not given.

import { existsSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { Command } from "commander";
import { CONFIG_NAME } from "../../config/load.ts";
import { LAYOUT_TYPES, type LayoutType } from "../../config/schema.ts";
import { configTemplate } from "../../config/template.ts";
import { detectLayout } from "../../layout/detect.ts";
import { NotFoundError, TroveError } from "../../errors.ts";
import { choice } from "../options.ts";

export function register(program: Command): void {
  program
    .command("init")
    .description("write a commented trove.toml for a dataset folder")
    .argument("[dir]", "dataset folder", ".")
    .option("--layout <layout>", `how paths are read: ${LAYOUT_TYPES.join(", ")} (default: detected from the tree)`, choice(LAYOUT_TYPES))
    .option("--name <name>", "dataset name (default: the folder name)")
    .option("--force", "overwrite an existing trove.toml")
    .addHelpText(
      "after",
      `
Without --layout, trove looks at the tree: ALF session folders (lab/Subjects/subject/date/number)
mean alf; dataset_description.json or sub-* folders mean bids; _container.json means containers.
It says what it chose and why. Edit the file afterwards, then run \`trove index\`.

Examples:
  trove init /data/ibl                 detect the layout
  trove init . --layout template       start from pattern examples to edit`,
    )
    .action((dir: string, opts: { layout?: LayoutType; name?: string; force?: boolean }) => {
      const root = resolve(dir);
      if (!existsSync(root)) throw new NotFoundError(`${root}: no such folder`);
      if (!statSync(root).isDirectory()) throw new TroveError(`${root} is not a folder: give the dataset's folder`);
      const target = join(root, CONFIG_NAME);
      if (existsSync(target) && !opts.force) throw new TroveError(`${target} already exists (use --force to overwrite it)`);
      let layout = opts.layout;
      let reason: string | undefined;
      if (!layout) {
        const detected = detectLayout(root);
        if (!detected.layout) {
          throw new TroveError(`could not tell the layout of ${root}: ${detected.reason}; pass --layout (${LAYOUT_TYPES.join(", ")})`);
        }
        layout = detected.layout;
        reason = detected.reason;
        process.stdout.write(`layout: ${layout} (found ${detected.reason})\n`);
      }
      writeFileSync(target, configTemplate({ name: opts.name ?? basename(root), layout, reason }));
      process.stdout.write(`wrote ${target}\nnext: review it, then run \`trove index ${dir}\`\n`);
    });
}
