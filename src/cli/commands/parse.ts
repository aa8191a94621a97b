// `trove parse [--layout L] PATH...`: one JSON object per path with every entity (null where absent).

import type { Command } from "commander";
import { loadConfig } from "../../config/load.ts";
import { LAYOUT_TYPES, type LayoutConfig, type LayoutType } from "../../config/schema.ts";
import { TroveError } from "../../errors.ts";
import { recordIdFunction } from "../../catalog/record-id.ts";
import { pathReader } from "../../catalog/rows.ts";
import { catalogSettings } from "../../catalog/settings.ts";
import { defaultRecordEntities, makeLayout, makeLayouts } from "../../layout/index.ts";
import type { Layout } from "../../layout/layout.ts";
import { choice } from "../options.ts";

export function register(program: Command): void {
  program
    .command("parse")
    .description("show how the layouts read paths: one JSON object per path, every part, null where absent")
    .argument("<paths...>", "paths relative to the dataset root (they need not exist)")
    .option("--layout <layout>", `use this built-in layout instead of trove.toml's: ${LAYOUT_TYPES.join(", ")}`, choice(LAYOUT_TYPES))
    .option("-d, --dataset <dir>", "dataset folder whose trove.toml layouts to use", ".")
    .addHelpText(
      "after",
      `
The quickest way to debug a layout: "valid" says whether the grammar accepts the whole path,
"unparsed" keeps what it could not place.

Examples:
  trove parse --layout alf lab/Subjects/m1/2024-01-01/001/alf/_ibl_trials.intervals.npy
  trove parse --layout bids sub-01/ses-1/func/sub-01_ses-1_task-rest_bold.nii.gz
  trove parse "EEG/REC-200319-A/REC-200319-A-RS.mff/signal1.bin"   (layouts of ./trove.toml)`,
    )
    .action(async (paths: string[], opts: { layout?: LayoutType; dataset: string }) => {
      if (opts.layout === "template") {
        throw new TroveError("the template layout needs patterns: write them in trove.toml and run without --layout");
      }
      const config = opts.layout ? undefined : await loadConfig(opts.dataset);
      const layouts: Layout[] = config ? makeLayouts(config.layout) : [makeLayout({ type: opts.layout } as LayoutConfig)];
      const recordOf = recordIdFunction(config ? catalogSettings(config).record : { entities: defaultRecordEntities(layouts) });
      const read = pathReader(layouts);
      for (const raw of paths) {
        const path = raw.replaceAll("\\", "/").replace(/^\.\//, "");
        const { parsed, layout } = read(path);
        const record = recordOf(path, parsed.entities);
        process.stdout.write(JSON.stringify({ path, layout, valid: parsed.valid, record, ...parsed.entities, unparsed: parsed.unparsed }) + "\n");
      }
    });
}
