// What a trove.toml means for the catalog: its layouts, entity columns, record rule, and a short
// hash of all of it, so a catalog written under other settings is recognised and rebuilt.
//
//   const s = catalogSettings(config);
//   s.entities // ["lab", "subject", ...];  s.hash // "3f2a9c0d1e4b5a6f"

import { createHash } from "node:crypto";
import { relative, sep } from "node:path";
import type { Config } from "../config/load.ts";
import { defaultRecordEntities, entityColumns, makeLayouts } from "../layout/index.ts";
import type { Layout } from "../layout/layout.ts";
import { TROVE_VERSION } from "../version.ts";
import { CATALOG_FORMAT, fileColumns } from "./columns.ts";
import type { RecordSpec } from "./record-id.ts";
import type { WalkOptions } from "./walk.ts";

export interface CatalogSettings {
  layouts: Layout[];
  entities: string[];
  record: RecordSpec;
  hash: string;
}

/** How the dataset's tree is walked: the same for `index` and `status`. */
export function walkOptions(config: Config): Pick<WalkOptions, "ignore" | "followSymlinks" | "skip"> {
  const configFile = relative(config.root, config.file).split(sep).join("/");
  return {
    ignore: config.index.ignore,
    followSymlinks: config.index.follow_symlinks,
    skip: configFile.startsWith("..") ? [] : [configFile],
  };
}

export function catalogSettings(config: Config): CatalogSettings {
  const layouts = makeLayouts(config.layout);
  const entities = entityColumns(layouts);
  // Every catalog can filter by extension, whatever its layouts know (see rows.ts).
  if (!entities.includes("extension")) entities.push("extension");
  fileColumns(entities); // refuses entity names that collide with catalog columns
  const record: RecordSpec = config.record ?? { entities: defaultRecordEntities(layouts) };
  const shape = {
    format: CATALOG_FORMAT,
    trove: TROVE_VERSION,
    layout: config.layout,
    record,
    entities,
    ignore: config.index.ignore,
    follow: config.index.follow_symlinks,
  };
  const hash = createHash("sha256").update(JSON.stringify(shape)).digest("hex").slice(0, 16);
  return { layouts, entities, record, hash };
}
