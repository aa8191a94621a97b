// The project as a run sees it while scripts add assets: the tree loaded once, then each
// container's assets replaced as the assets a script added are moved in, so the scripts of the
// containers above see them without reloading the project.
//
//   const state = new RunState(project);
//   state.subtree("deg30").assets            // every asset below deg30, added ones included
//   state.setAssets("deg30", [...state.assetsOf("deg30"), added]);

import type { ThotAsset, ThotContainer, ThotProject } from "./index.ts";

export class RunState {
  private readonly assets = new Map<string, ThotAsset[]>();

  constructor(readonly project: ThotProject) {
    for (const c of project.containers) this.assets.set(c.path, []);
    for (const a of project.assets) if (a.parent !== null) this.assets.get(a.parent)?.push(a);
  }

  get root(): string {
    return this.project.root;
  }

  container(path: string): ThotContainer {
    const c = this.project.container(path);
    if (!c) throw new Error(`no container "${path}"`);
    return c;
  }

  /** The container's own assets (not those of its children). */
  assetsOf(path: string): readonly ThotAsset[] {
    return this.assets.get(path) ?? [];
  }

  setAssets(path: string, assets: ThotAsset[]): void {
    this.assets.set(path, assets.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  }

  /** The container and every container below it (parents first), with all their assets. */
  subtree(path: string): { containers: ThotContainer[]; assets: ThotAsset[] } {
    const containers: ThotContainer[] = [];
    const assets: ThotAsset[] = [];
    const visit = (c: ThotContainer) => {
      containers.push(c);
      assets.push(...this.assetsOf(c.path));
      for (const child of c.children) visit(this.container(child));
    };
    visit(this.container(path));
    return { containers, assets };
  }
}
