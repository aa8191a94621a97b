// A Thot or Syre project of any generation, read into one model, with Thot's search.
//
//   const project = await ThotProject.open("/data/inclined-plane");   // 0.x, 0.10 (.thot) or Syre (.syre)
//   project.generation                                                 // "thot-0.x"
//   project.findContainers({ type: "sample", "metadata.angle": 30 })   // [deg30]
//   project.findAssets({ type: "times" }, { within: "deg30" })          // the subtree of deg30 only
//   project.problems                                                   // bad files, each naming file and position
//
// Inheritance is Thot's: a resource's `metadata` is its ancestors' metadata, nearer ancestors
// winning, with its own keys over all of them; `own_metadata` keeps its own apart. Tags are not
// inherited (Thot inherits metadata only).

import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ThotFormatError, type ThotProblem, parseJsonObject } from "./errors.ts";
import { CONTAINER_FILE, readLegacyProject } from "./legacy.ts";
import type { ThotAsset, ThotContainer, ThotGeneration, ThotObject } from "./model.ts";
import { type ModernProjectInfo, PROJECT_FILE as MODERN_PROJECT_FILE, modernAppDir, readModernProject } from "./modern.ts";
import type { RawObject } from "./properties.ts";
import { type Search, filterResources } from "./search.ts";

export interface OpenOptions {
  /** Throw a ThotFormatError listing every problem instead of loading what can be read. */
  strict?: boolean;
}

export interface FindOptions {
  /** Search only this container's subtree (it included), as a Thot script sees the project. */
  within?: string;
}

/** Which generation a folder holds, or null when it is no Thot/Syre project. */
export function detectThotGeneration(root: string): ThotGeneration | null {
  const app = modernAppDir(root);
  if (app) return app === ".syre" ? "syre" : "thot-0.10";
  return existsSync(join(root, CONTAINER_FILE)) ? "thot-0.x" : null;
}

/** The project's name from its top object file alone (no tree walk), or "" when it has none. */
export function thotProjectName(root: string): string {
  const app = modernAppDir(root);
  const file = app ? join(root, app, MODERN_PROJECT_FILE) : join(root, CONTAINER_FILE);
  try {
    const read = parseJsonObject(readFileSync(file, "utf8"), file);
    const name = "value" in read ? read.value.name : undefined;
    return typeof name === "string" ? name : "";
  } catch {
    return "";
  }
}

export class ThotProject {
  private readonly byPath = new Map<string, ThotContainer>();
  private readonly byKey = new Map<string, ThotAsset>();

  private constructor(
    /** Absolute project folder. */
    readonly root: string,
    readonly generation: ThotGeneration,
    /** 0.10/Syre project.json, null for 0.x. */
    readonly info: ModernProjectInfo | null,
    readonly containers: readonly ThotContainer[],
    readonly assets: readonly ThotAsset[],
    readonly problems: readonly ThotProblem[],
  ) {
    for (const c of containers) this.byPath.set(c.path, c);
    for (const a of assets) this.byKey.set(a.key, a);
  }

  static async open(dir: string, options: OpenOptions = {}): Promise<ThotProject> {
    const root = resolve(dir);
    const generation = detectThotGeneration(root);
    if (generation === null) {
      throw new ThotFormatError(`${root} is not a Thot or Syre project: no ${CONTAINER_FILE}, .thot/project.json or .syre/project.json`);
    }
    const read =
      generation === "thot-0.x"
        ? { ...(await readLegacyProject(root)), project: null }
        : await readModernProject(root, generation === "syre" ? ".syre" : ".thot");
    const problems = [...read.problems].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (options.strict && problems.length > 0) {
      throw new ThotFormatError(`${root}: ${problems.length} problem(s):\n${problems.map((p) => `  ${p.message}`).join("\n")}`);
    }
    const { containers, assets } = link(root, generation, read.objects);
    return new ThotProject(root, generation, read.project, containers, assets, problems);
  }

  get name(): string {
    return this.info?.name ?? this.rootContainer?.name ?? "";
  }

  /** The top container (the project in 0.x, `data_root` in 0.10/Syre). */
  get rootContainer(): ThotContainer | undefined {
    return this.containers[0];
  }

  container(path: string): ThotContainer | undefined {
    return this.byPath.get(path);
  }

  asset(key: string): ThotAsset | undefined {
    return this.byKey.get(key);
  }

  findContainers(search: Search = {}, options: FindOptions = {}): ThotContainer[] {
    return filterResources(this.within(this.containers, options), search);
  }

  findContainer(search: Search = {}, options: FindOptions = {}): ThotContainer | undefined {
    return this.findContainers(search, options)[0];
  }

  findAssets(search: Search = {}, options: FindOptions = {}): ThotAsset[] {
    return filterResources(this.within(this.assets, options), search);
  }

  findAsset(search: Search = {}, options: FindOptions = {}): ThotAsset | undefined {
    return this.findAssets(search, options)[0];
  }

  private within<T extends ThotObject>(objects: readonly T[], options: FindOptions): readonly T[] {
    const top = options.within;
    if (top === undefined || top === "") return objects;
    if (!this.byPath.has(top)) throw new ThotFormatError(`no container "${top}" in ${this.root}`);
    // an asset belongs to its container's subtree; a container to its own
    return objects.filter((o) => {
      const home = o.kind === "asset" ? o.parent : o.path;
      return home !== null && isInside(home, top);
    });
  }
}

/** Inherits metadata down the tree and links children and assets; objects come parents first. */
function link(root: string, generation: ThotGeneration, raw: readonly RawObject[]): { containers: ThotContainer[]; assets: ThotAsset[] } {
  const containers: ThotContainer[] = [];
  const assets: ThotAsset[] = [];
  const byPath = new Map<string, ThotContainer>();
  const sorted = [...raw].sort((a, b) => (a.kind !== b.kind ? (a.kind === "container" ? -1 : 1) : 0));
  for (const o of sorted) {
    const parent = o.parent === null ? undefined : byPath.get(o.parent);
    if (o.kind === "container") {
      const c: ThotContainer = { ...linked(root, generation, o, parent), kind: "container", children: [], assets: [], scripts: o.scripts };
      byPath.set(o.path, c);
      parent?.children.push(o.path);
      containers.push(c);
    } else {
      const a = linkAsset(root, generation, o, parent);
      parent?.assets.push(a.key);
      assets.push(a);
    }
  }
  const byName = (x: { path: string }, y: { path: string }) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0);
  containers.sort(byName);
  assets.sort(byName);
  for (const c of containers) {
    c.children.sort();
    c.assets.sort();
  }
  return { containers, assets };
}

/** An asset read from disk, completed with what its container passes down (metadata, parent). */
export function linkAsset(root: string, generation: ThotGeneration, raw: RawObject, parent: ThotContainer | undefined): ThotAsset {
  return { ...linked(root, generation, raw, parent), kind: "asset", key: raw.path, file: raw.file ?? raw.path };
}

function linked(root: string, generation: ThotGeneration, o: RawObject, parent: ThotContainer | undefined) {
  return {
    _id: generation === "thot-0.x" || o.rid === null ? join(root, o.path) : o.rid,
    path: o.path,
    rid: o.rid,
    name: o.name,
    type: o.type,
    description: o.description,
    tags: o.tags,
    metadata: { ...(parent?.metadata ?? {}), ...o.own_metadata },
    own_metadata: o.own_metadata,
    parent: parent ? parent.path : null,
    creator: o.creator,
    creator_type: o.creator_type,
    created: o.created,
    notes: o.notes,
  };
}

function isInside(path: string, folder: string): boolean {
  return folder === "" || path === folder || path.startsWith(folder + "/");
}
