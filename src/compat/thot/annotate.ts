// The `containers` layout's whole-tree pass for Thot 0.10 (`.thot/`) and Syre (`.syre/`) projects:
// the project is read by ThotProject and each catalogued file gets its container, asset and the
// inherited metadata, as the 0.x pass gives them.
//
//   if (isModernProjectTree(tree.paths)) return annotateModernProject(tree);
//   // entities of "data/deg20/data/data.csv": { container: "data/deg20", asset: "data/deg20/data/data.csv", role: "asset-file", ... }
//
// Roles: files inside `.thot/`/`.syre/` and `.syreignore` are "descriptor", an asset's file (or
// every file below an asset folder) "asset-file", anything else "data" of its nearest container.
// Files outside data_root (analysis scripts, the project folder's own files) belong to no container.

import type { Annotations, ContainerRow, Entities, Tree } from "../../layout/layout.ts";
import { comparePaths } from "../../fsutil/paths.ts";
import type { ThotAsset, ThotContainer } from "./model.ts";
import { PROJECT_FILE, SYRE_DIR, SYRE_IGNORE, THOT_DIR } from "./modern.ts";
import { ThotProject } from "./project.ts";

export function isModernProjectTree(paths: readonly string[]): boolean {
  return paths.includes(`${SYRE_DIR}/${PROJECT_FILE}`) || paths.includes(`${THOT_DIR}/${PROJECT_FILE}`);
}

export async function annotateModernProject(tree: Tree): Promise<Annotations> {
  const project = await ThotProject.open(tree.root);
  const problems = project.problems.map((p) => ({ path: p.path, message: p.message.startsWith(`${p.path}:`) ? p.message.slice(p.path.length + 1).trim() : p.message }));
  const assetsByFile = new Map(project.assets.map((a) => [a.file, a]));
  const entities = new Map<string, Entities>();
  const metadata = new Map<string, Record<string, unknown>>();
  const shared = new Map<string, Entities>();
  const found = new Set<ThotAsset>();
  const frozen = new Map<object, Record<string, unknown>>();
  const metaOf = (o: ThotContainer | ThotAsset) => {
    let m = frozen.get(o);
    if (!m) frozen.set(o, (m = Object.freeze({ ...o.metadata }) as Record<string, unknown>));
    return m;
  };

  for (const path of tree.paths) {
    const asset = assetOf(path, assetsByFile);
    if (asset) found.add(asset);
    const container = asset ? project.container(asset.parent!) : nearestContainer(path, project);
    const role = isAppFile(path) ? "descriptor" : asset ? "asset-file" : "data";
    const key = `${role}\0${container?.path ?? ""}\0${asset?.key ?? ""}`;
    let e = shared.get(key);
    if (!e) {
      e = Object.freeze({
        container: container?.path ?? null,
        container_type: container?.type ?? null,
        asset: role === "asset-file" ? asset!.key : null,
        asset_type: role === "asset-file" ? asset!.type : null,
        role,
      });
      shared.set(key, e);
    }
    entities.set(path, e);
    const owner = role === "asset-file" ? asset : container;
    if (owner) metadata.set(path, metaOf(owner));
  }
  for (const a of project.assets) {
    if (!found.has(a)) {
      problems.push({ path: a.file, message: `asset ${a.rid ?? a.key} of container "${a.parent}" names a file that is not among the dataset's files` });
    }
  }
  const containers: ContainerRow[] = [...project.containers, ...project.assets].map(toRow);
  problems.sort((a, b) => comparePaths(a.path, b.path));
  return { entities, metadata, containers, problems };
}

function toRow(o: ThotContainer | ThotAsset): ContainerRow {
  return {
    path: o.kind === "asset" ? o.key : o.path,
    kind: o.kind,
    name: o.name,
    type: o.type,
    description: o.description,
    tags: o.tags,
    metadata: o.metadata,
    own_metadata: o.own_metadata,
    parent: o.parent,
    file: o.kind === "asset" ? o.file : null,
    creator: o.creator,
    creator_type: o.creator_type,
    notes: o.notes,
    rid: o.rid,
    scripts: o.kind === "container" ? o.scripts.map(({ script, priority, autorun }) => ({ script, priority, autorun })) : [],
  };
}

function assetOf(path: string, byFile: Map<string, ThotAsset>): ThotAsset | undefined {
  for (let p = path; ; ) {
    const found = byFile.get(p);
    if (found) return found;
    const slash = p.lastIndexOf("/");
    if (slash < 0) return undefined;
    p = p.slice(0, slash);
  }
}

function nearestContainer(path: string, project: ThotProject): ThotContainer | undefined {
  for (let p = path; ; ) {
    const slash = p.lastIndexOf("/");
    p = slash < 0 ? "" : p.slice(0, slash);
    const found = project.container(p);
    if (found) return found;
    if (p === "") return undefined;
  }
}

function isAppFile(path: string): boolean {
  return /(^|\/)\.(thot|syre)\//.test(path) || path === SYRE_IGNORE || path.endsWith(`/${SYRE_IGNORE}`);
}
