// Where a file came from and what came from it, following the run journal's last successful run
// of each task: up from an output to the inputs of the task that made it, recursively down to the
// raw files; down from a file to the outputs of every task that read it.
//
//   const up = lineage(readJournal(root), "derived/REC-1/REC-1-RS-alpha.csv", "up");
//   up.madeBy?.task               // "alpha:REC-1:task=RS"
//   up.from[0].path               // "derived/REC-1/REC-1-RS-clean.fif"
//   lineage(journal, "EEG/REC-1/REC-1-RS.mff/signal1.bin", "down").to[0].outputs[0].path
//
// An input that is a folder (an .mff recording) counts for the files inside it too.

import type { Journal, RunRow } from "./journal.ts";

export interface LineageNode {
  path: string;
  /** Up: the task whose outputs include this path (undefined for raw data). */
  madeBy?: RunRow;
  from: LineageNode[];
  /** Down: the tasks that read this path, each with what it made. */
  to: { task: RunRow; outputs: LineageNode[] }[];
}

export type Direction = "up" | "down";

export function lineage(journal: Journal, path: string, direction: Direction): LineageNode {
  const runs = [...journal.lastDone.values()];
  const madeBy = new Map<string, RunRow>();
  const readers = new Map<string, RunRow[]>();
  for (const row of runs) {
    for (const o of row.outputs) madeBy.set(o.path, row);
    for (const i of row.inputs) {
      const list = readers.get(i.path);
      if (list) list.push(row);
      else readers.set(i.path, [row]);
    }
  }
  const seen = new Set<string>(); // a path reached twice is shown once, with no children the second time

  const up = (p: string): LineageNode => {
    const row = madeBy.get(p) ?? madeBy.get(enclosing(p, madeBy) ?? "");
    const node: LineageNode = { path: p, madeBy: row, from: [], to: [] };
    if (row && !seen.has(p)) {
      seen.add(p);
      node.from = row.inputs.map((i) => up(i.path));
    }
    return node;
  };
  const down = (p: string): LineageNode => {
    const node: LineageNode = { path: p, from: [], to: [] };
    if (seen.has(p)) return node;
    seen.add(p);
    const rows = [...(readers.get(p) ?? []), ...(readers.get(enclosing(p, readers) ?? "") ?? [])];
    node.to = rows.map((task) => ({ task, outputs: task.outputs.map((o) => down(o.path)) }));
    return node;
  };
  return direction === "up" ? up(path) : down(path);
}

/** The nearest folder above `path` that the map knows. */
function enclosing(path: string, known: Map<string, unknown>): string | undefined {
  for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) {
    const folder = path.slice(0, i);
    if (known.has(folder)) return folder;
  }
  return undefined;
}
