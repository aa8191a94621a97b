// Builds the layouts a trove.toml asks for, and knows each layout's default record id.
//
//   const layouts = makeLayouts(config.layout);
//   entityColumns(layouts) // ["lab", "subject", ..., "extension"]

import type { LayoutConfig } from "../config/schema.ts";
import { alfLayout } from "./alf.ts";
import { bidsLayout } from "./bids.ts";
import { containersLayout } from "./containers.ts";
import type { Layout } from "./layout.ts";
import { templateLayout } from "./template.ts";

export function makeLayout(config: LayoutConfig): Layout {
  switch (config.type) {
    case "alf":
      return alfLayout();
    case "bids":
      return bidsLayout({ derivatives: config.derivatives });
    case "template":
      return templateLayout({ patterns: config.patterns, entities: config.entities });
    case "containers":
      return containersLayout();
  }
}

export function makeLayouts(configs: readonly LayoutConfig[]): Layout[] {
  return configs.map(makeLayout);
}

/** Every entity of the layouts, each once, in the order the layouts name them. */
export function entityColumns(layouts: readonly Layout[]): string[] {
  const seen = new Set<string>();
  for (const layout of layouts) for (const e of layout.entities) seen.add(e);
  return [...seen];
}

/** What makes a record when trove.toml has no [record] section. */
export function defaultRecordEntities(layouts: readonly Layout[]): string[] | undefined {
  const first = layouts[0];
  if (!first) return undefined;
  if (first.name === "alf") return ["lab?", "subject", "date", "number"];
  if (first.name === "bids") return ["subject", "session?"];
  if (first.entities.includes("id")) return ["id"];
  if (first.entities.includes("subject")) return first.entities.includes("session") ? ["subject", "session?"] : ["subject"];
  return undefined;
}

export { LayoutError } from "./layout.ts";
export type { Entities, Layout, Parsed } from "./layout.ts";
