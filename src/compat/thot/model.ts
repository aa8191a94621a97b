// The one shape every generation of Thot/Syre project is read into: containers and assets with
// Thot's properties, inherited metadata, notes and script associations.
//
//   const project = await openThotProject("/data/inclined-plane");
//   project.container("deg30")!.metadata        // { location: "Lausanne", angle: 30, material: "steel" }
//   project.container("deg30")!.own_metadata    // { angle: 30, material: "steel" }

/** Which on-disk format a project is written in. */
export type ThotGeneration = "thot-0.x" | "thot-0.10" | "syre";

export interface Note {
  /** The note file's stem. */
  title: string;
  /** The file's mtime, ISO 8601 (Thot writes it space-separated; trove keeps the `T`). */
  created: string;
  /** The text, or null when the file is not UTF-8. */
  content: string | null;
}

export interface ScriptAssociation {
  /** The script's path relative to the project root (0.x `root:` and relative paths resolved). */
  script: string;
  /** As written in the project file (a 0.x path or a 0.10/Syre script rid). */
  written: string;
  /** Lower runs first; default 0. */
  priority: number;
  /** false: the runner skips it unless it is named; default true. */
  autorun: boolean;
}

interface Resource {
  /** Thot's id: the absolute folder path. */
  _id: string;
  /** The folder relative to the project root ("" for the root). */
  path: string;
  /** 0.10/Syre resource id (a UUID); null in 0.x. */
  rid: string | null;
  name: string;
  /** 0.10/Syre call it `kind`. */
  type: string | null;
  description: string | null;
  tags: string[];
  /** Inherited and own metadata, own keys winning: what Thot's `metadata` property holds. */
  metadata: Record<string, unknown>;
  own_metadata: Record<string, unknown>;
  /** The nearest container above, as a path relative to the root; null at the top. */
  parent: string | null;
  creator: string | null;
  creator_type: "user" | "script" | null;
  created: string | null;
  notes: Note[];
}

export interface ThotContainer extends Resource {
  kind: "container";
  /** Child container paths, sorted. */
  children: string[];
  /** Asset keys (see ThotAsset.key), sorted. */
  assets: string[];
  scripts: ScriptAssociation[];
}

export interface ThotAsset extends Resource {
  kind: "asset";
  /**
   * A unique key: in 0.x the asset folder (= `path`); in 0.10/Syre, where assets are files of a
   * container and have no folder of their own, the data file's path.
   */
  key: string;
  /** The data file (or folder), relative to the project root. */
  file: string;
}

export type ThotObject = ThotContainer | ThotAsset;
