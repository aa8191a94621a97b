// A layout is a grammar between a file's relative path and its entities.
//
//   const alf = alfLayout();
//   alf.parse("lab/Subjects/m1/2024-01-01/001/alf/trials.intervals.npy").entities.object // "trials"
//   alf.build({ subject: "m1", date: "2024-01-01", number: "001", object: "trials", ... })
//
// Every layout fills the same shape so the catalog can treat them alike: a path either parses
// (`valid`) or it does not, in which case whatever could be recognised is still returned and the
// rest is kept in `unparsed`, so "almost valid" names can be found and fixed.

import { TroveError } from "../errors.ts";

/** Entity values of one path; `null` means "this part is absent". */
export type Entities = Record<string, string | null>;

export interface Parsed {
  /** The grammar accepts the whole path. */
  valid: boolean;
  /** Every entity in `Layout.entities`, `null` where absent. */
  entities: Entities;
  /** The part of the path the grammar could not place; `null` when valid. */
  unparsed: string | null;
}

/** Paths of the dataset as the whole-tree pass sees them. */
export interface Tree {
  /** Absolute root folder. */
  root: string;
  /** Every catalogued file, relative to root, posix separators, sorted. */
  paths: readonly string[];
  /** Reads a file under root as UTF-8 text. */
  readText(rel: string): Promise<string>;
}

/** One folder descriptor (a Thot-style container or asset), a row of the `containers` table. */
export interface ContainerRow {
  /** Folder path relative to the root ("" for the root itself). */
  path: string;
  kind: "container" | "asset";
  name: string;
  type: string | null;
  description: string | null;
  tags: string[];
  /** As Thot's `metadata`: own metadata over everything inherited from ancestor containers (nearest wins). */
  metadata: Record<string, unknown>;
  /** The folder's own metadata only (Thot's `own_metadata_keys`, with their values). */
  own_metadata: Record<string, unknown>;
  /** Path of the nearest ancestor container, null at the top. */
  parent: string | null;
  /** Asset only: the data file, relative to the dataset root. */
  file: string | null;
  creator: string | null;
  creator_type: string | null;
  notes: { title: string; created: string; content: string | null }[];
  /** Thot 0.10/Syre resource id; null for Thot 0.x. */
  rid: string | null;
  /** Containers: script associations (path relative to the root, priority, autorun). */
  scripts: { script: string; priority: number; autorun: boolean }[];
}

/** A problem with one input that did not stop the work. */
export interface Problem {
  path: string;
  message: string;
}

/** What a layout learns from looking at the tree as a whole rather than one path at a time. */
export interface Annotations {
  /** Extra metadata per file path (BIDS sidecars, inherited container metadata). */
  metadata: Map<string, Record<string, unknown>>;
  /** Entity values that only the tree can tell (e.g. which container a file belongs to). */
  entities?: Map<string, Entities>;
  containers?: ContainerRow[];
  problems: Problem[];
}

export interface Layout {
  readonly name: string;
  /** The entities this layout fills, in catalog column order. */
  readonly entities: readonly string[];
  parse(relPath: string): Parsed;
  /** Entities back to a relative path; throws `LayoutError` when they cannot make one. */
  build(entities: Entities): string;
  /** Optional whole-tree pass, run after every path is parsed. */
  annotate?(tree: Tree): Promise<Annotations>;
}

/** A path or entity set the layout cannot handle, or a bad layout option. */
export class LayoutError extends TroveError {
  override name = "LayoutError";
}

/** All entities of a layout set to null: the starting point of every parse. */
export function emptyEntities(names: readonly string[]): Entities {
  const out: Entities = {};
  for (const n of names) out[n] = null;
  return out;
}
