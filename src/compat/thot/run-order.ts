// The order Thot runs a project's analysis in: children before parents (bottom-up), and at each
// container its script associations grouped by priority, lower first, one group after another;
// the scripts of one group, and sibling subtrees, may run at the same time.
//
//   const order = new BottomUpOrder(project, { root: "deg30" });
//   const schedule = order.schedule();
//   let ready = schedule.start();              // groups whose container has no pending children
//   ready = schedule.finished(ready[0]);       // a group ended: the groups that became ready
//   order.sequence()                           // every group in one valid order (for --dry-run)
//
// Which associations take part: those with `autorun` (unless named in `scripts`), of the containers
// in the subtree of `root`, or only of the containers in `only` (containers picked by a catalog
// query run alone, not their subtrees: Syre's open "analyze only selected containers").

import type { ScriptAssociation, ThotContainer, ThotProject } from "./index.ts";
import { ThotFormatError } from "./errors.ts";

/** One script at one container: a task of the run. */
export interface ScriptRun {
  /** `<script>:<container>`, "." for the root container: the task id in the runs table and logs. */
  id: string;
  container: ThotContainer;
  association: ScriptAssociation;
}

export interface ScriptGroup {
  container: ThotContainer;
  priority: number;
  runs: ScriptRun[];
}

export interface OrderOptions {
  /** Run this container's subtree only (a path relative to the project; default the whole project). */
  root?: string;
  /** Only these scripts (paths relative to the project root); named scripts run even with autorun false. */
  scripts?: readonly string[];
  /** Only the associations of these containers, not of their subtrees. */
  only?: ReadonlySet<string>;
}

export const scriptRunId = (script: string, container: string) => `${script}:${container === "" ? "." : container}`;

export class BottomUpOrder {
  /** Groups of each container in scope, in priority order. */
  readonly groups = new Map<string, ScriptGroup[]>();
  private readonly parentOf = new Map<string, string | null>();
  private readonly inScope: ThotContainer[] = [];

  constructor(project: ThotProject, options: OrderOptions = {}) {
    const top = options.root === undefined ? project.rootContainer : project.container(options.root);
    if (!top) throw new ThotFormatError(options.root === undefined ? `${project.root} has no root container` : `no container "${options.root}" in ${project.root}`);
    const named = options.scripts ? new Set(options.scripts) : undefined;
    const visit = (c: ThotContainer, parent: string | null) => {
      this.inScope.push(c);
      this.parentOf.set(c.path, parent);
      const chosen = options.only && !options.only.has(c.path) ? [] : c.scripts.filter((a) => (named ? named.has(a.script) : a.autorun));
      const byPriority = new Map<number, ScriptRun[]>();
      for (const a of chosen) {
        const run = { id: scriptRunId(a.script, c.path), container: c, association: a };
        const list = byPriority.get(a.priority);
        if (list) list.push(run);
        else byPriority.set(a.priority, [run]);
      }
      const groups = [...byPriority.entries()].sort(([a], [b]) => a - b).map(([priority, runs]) => ({ container: c, priority, runs }));
      this.groups.set(c.path, groups);
      for (const child of c.children) visit(project.container(child)!, c.path);
    };
    visit(top, null);
  }

  /** Every task of the run. */
  get runs(): ScriptRun[] {
    return [...this.groups.values()].flat().flatMap((g) => g.runs);
  }

  /** The containers in scope, parents before children. */
  get containers(): readonly ThotContainer[] {
    return this.inScope;
  }

  /** A fresh walk through the groups: what is ready now, and what becomes ready as groups end. */
  schedule(): Schedule {
    return new Schedule(this.groups, this.parentOf, this.inScope);
  }

  /** Every group in an order the run could take (children first, then priorities). */
  sequence(): ScriptGroup[] {
    const out: ScriptGroup[] = [];
    const schedule = this.schedule();
    for (const ready = schedule.start(); ready.length > 0; ) {
      const g = ready.shift()!;
      out.push(g);
      ready.push(...schedule.finished(g));
    }
    return out;
  }
}

export class Schedule {
  private readonly pendingChildren = new Map<string, number>();
  private readonly nextGroup = new Map<string, number>();

  constructor(
    private readonly groups: ReadonlyMap<string, ScriptGroup[]>,
    private readonly parentOf: ReadonlyMap<string, string | null>,
    private readonly containers: readonly ThotContainer[],
  ) {
    for (const c of containers) {
      this.pendingChildren.set(c.path, c.children.length);
      this.nextGroup.set(c.path, 0);
    }
  }

  /** The groups ready at the start: those of containers without children (and what follows from empty ones). */
  start(): ScriptGroup[] {
    const ready: ScriptGroup[] = [];
    for (const c of this.containers) if (c.children.length === 0) this.childrenDone(c.path, ready);
    return ready;
  }

  /** Call once per group when all its scripts have ended; returns the groups that became ready. */
  finished(group: ScriptGroup): ScriptGroup[] {
    const ready: ScriptGroup[] = [];
    const path = group.container.path;
    const next = this.nextGroup.get(path)! + 1;
    this.nextGroup.set(path, next);
    const groups = this.groups.get(path)!;
    if (next < groups.length) ready.push(groups[next]);
    else this.complete(path, ready);
    return ready;
  }

  private childrenDone(path: string, ready: ScriptGroup[]): void {
    const groups = this.groups.get(path)!;
    if (groups.length > 0) ready.push(groups[0]);
    else this.complete(path, ready);
  }

  private complete(path: string, ready: ScriptGroup[]): void {
    const parent = this.parentOf.get(path);
    if (parent === null || parent === undefined) return;
    const left = this.pendingChildren.get(parent)! - 1;
    this.pendingChildren.set(parent, left);
    if (left === 0) this.childrenDone(parent, ready);
  }
}
