// The order steps run in: a step depends on every step whose output it reads, and on the steps it
// names in `after`; the plan lists them so that every step comes after all of its upstream.
//
//   const plan = planOrder([
//     { name: "alpha", inputs: { clean: "derived/{id}/{id}-{task}-clean.fif" }, outputs: { alpha: "derived/{id}/{id}-{task}-alpha.csv" } },
//     { name: "preprocess", inputs: { eeg: "EEG/{id}/{id}-{task}.mff/signal1.bin" }, outputs: { clean: "derived/{id}/{id}-{task}-clean.fif" } },
//   ]);
//   plan.order                          // ["preprocess", "alpha"]
//   plan.upstream.alpha                 // ["preprocess"]
//   downstreamOf(plan, "preprocess")    // ["alpha"]: what reruns when preprocess does
//
// "Reads an output" means the input pattern and the output pattern can name the same path (see
// `patternsOverlap`). The test over-approximates, so it may add an ordering that is not needed but
// never misses one: ignored are entity value rules (task = RS|MMN|HDC) and that a repeated {id}
// must repeat its value. A step never depends on itself, even if it reads a path it also writes.

import { TroveError } from "../errors.ts";
import { type PathPattern, type Piece, parsePatternSyntax } from "./patterns.ts";

/** The steps cannot be ordered: a cycle, an output claimed twice, an unknown `after`. */
export class StepGraphError extends TroveError {
  override name = "StepGraphError";
}

export interface StepDecl {
  name: string;
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  after?: string[];
}

/** Why `to` waits for `from`. */
export type StepEdge =
  | { kind: "data"; from: string; to: string; output: string; input: string }
  | { kind: "after"; from: string; to: string };

export interface StepPlan {
  /** Every step, upstream first; among steps free to go, declaration order. */
  order: string[];
  /** Waves: each step's upstream are all in earlier waves; declaration order within a wave. */
  levels: string[][];
  /** Direct upstream of each step, in plan order. */
  upstream: Record<string, string[]>;
  edges: StepEdge[];
}

// A placeholder is "one character, then any run of characters" so it stays non-empty.
type Element = { kind: "char"; char: string } | { kind: "any" } | { kind: "star" };

function elements(segment: Piece[]): Element[] {
  return segment.flatMap((p): Element[] =>
    p.kind === "text" ? [...p.text].map((char) => ({ kind: "char", char })) : [{ kind: "any" }, { kind: "star" }],
  );
}

/** Whether some text of one segment matches both: a walk over pairs of positions, exact for this model. */
function segmentsOverlap(a: Element[], b: Element[]): boolean {
  const seen = new Set<number>();
  const pending: [number, number][] = [[0, 0]];
  while (pending.length) {
    const [i, j] = pending.pop()!;
    const key = i * (b.length + 1) + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    const x = a[i];
    const y = b[j];
    if (x?.kind === "star") pending.push([i + 1, j]);
    if (y?.kind === "star") pending.push([i, j + 1]);
    if (!x || !y) continue;
    if (x.kind === "char" && y.kind === "char" && x.char !== y.char) continue;
    // Both take one character: a star stays put to take more, the others move on.
    pending.push([x.kind === "star" ? i : i + 1, y.kind === "star" ? j : j + 1]);
  }
  return false;
}

/** Whether two patterns can name the same path, placeholders matching any non-empty segment text. */
export function patternsOverlap(a: PathPattern | string, b: PathPattern | string): boolean {
  const pa = typeof a === "string" ? parsePatternSyntax(a, "?") : a;
  const pb = typeof b === "string" ? parsePatternSyntax(b, "?") : b;
  if (pa.segments.length !== pb.segments.length) return false;
  return pa.segments.every((s, k) => segmentsOverlap(elements(s), elements(pb.segments[k])));
}

interface Port {
  step: string;
  name: string;
  pattern: PathPattern;
}

function ports(steps: StepDecl[], side: "inputs" | "outputs"): Port[] {
  return steps.flatMap((s) =>
    Object.entries(s[side] ?? {}).map(([name, source]) => ({ step: s.name, name, pattern: parsePatternSyntax(source, s.name) })),
  );
}

function checkNames(steps: StepDecl[]): void {
  const seen = new Set<string>();
  for (const s of steps) {
    if (typeof s.name !== "string" || s.name === "") throw new StepGraphError("every step needs a non-empty name");
    if (seen.has(s.name)) throw new StepGraphError(`two steps are named "${s.name}"`);
    seen.add(s.name);
  }
  for (const s of steps) {
    for (const a of s.after ?? []) {
      if (!seen.has(a)) {
        throw new StepGraphError(`step "${s.name}": after = "${a}" names no step; steps: ${[...seen].join(", ")}`);
      }
    }
  }
}

function checkOutputs(outputs: Port[]): void {
  const clashes: string[] = [];
  outputs.forEach((a, k) => {
    for (const b of outputs.slice(k + 1)) {
      if (patternsOverlap(a.pattern, b.pattern)) clashes.push(`${describe(a)} and ${describe(b)}`);
    }
  });
  if (clashes.length) {
    throw new StepGraphError(`two outputs can name the same file: ${clashes.join("; ")}`);
  }
}

function describe(p: Port): string {
  return `step "${p.step}" output ${p.name} = "${p.pattern.source}"`;
}

function findEdges(steps: StepDecl[], inputs: Port[], outputs: Port[]): StepEdge[] {
  const edges: StepEdge[] = [];
  for (const s of steps) {
    for (const a of s.after ?? []) edges.push({ kind: "after", from: a, to: s.name });
  }
  for (const i of inputs) {
    for (const o of outputs) {
      if (o.step !== i.step && patternsOverlap(i.pattern, o.pattern)) {
        edges.push({ kind: "data", from: o.step, to: i.step, output: o.name, input: i.name });
      }
    }
  }
  return edges;
}

/** Orders the steps; throws StepGraphError for duplicate names, unknown `after`, clashing outputs or a cycle. */
export function planOrder(steps: StepDecl[]): StepPlan {
  checkNames(steps);
  const outputs = ports(steps, "outputs");
  checkOutputs(outputs);
  const edges = findEdges(steps, ports(steps, "inputs"), outputs);
  const names = steps.map((s) => s.name);
  const ups = new Map(names.map((n) => [n, new Set<string>()]));
  for (const e of edges) ups.get(e.to)!.add(e.from);

  const order: string[] = [];
  const placed = new Set<string>();
  // Smallest declaration index among the ready steps each time: stable, and n is small.
  for (;;) {
    const next = names.find((n) => !placed.has(n) && [...ups.get(n)!].every((u) => placed.has(u)));
    if (next === undefined) break;
    order.push(next);
    placed.add(next);
  }
  if (order.length < names.length) throw cycleError(names.filter((n) => !placed.has(n)), ups, edges);

  const rank = new Map(order.map((n, k) => [n, k]));
  const byPlan = (xs: Iterable<string>) => [...xs].sort((p, q) => rank.get(p)! - rank.get(q)!);
  const upstream = Object.fromEntries(names.map((n) => [n, byPlan(ups.get(n)!)]));
  return { order, levels: levelsOf(order, upstream), upstream, edges };
}

function levelsOf(order: string[], upstream: Record<string, string[]>): string[][] {
  const level = new Map<string, number>();
  const levels: string[][] = [];
  for (const n of order) {
    const k = Math.max(-1, ...upstream[n].map((u) => level.get(u)!)) + 1;
    level.set(n, k);
    (levels[k] ??= []).push(n);
  }
  return levels;
}

// Every unplaced step has an unplaced upstream, so walking upstream from one must come back round.
function cycleError(unplaced: string[], ups: Map<string, Set<string>>, edges: StepEdge[]): StepGraphError {
  const walk: string[] = [];
  let at = unplaced[0];
  while (!walk.includes(at)) {
    walk.push(at);
    at = unplaced.find((n) => ups.get(at)!.has(n))!;
  }
  const loop = walk.slice(walk.indexOf(at)).reverse();
  const first = unplaced.find((n) => loop.includes(n))!;
  const start = loop.indexOf(first);
  const cycle = [...loop.slice(start), ...loop.slice(0, start), first];
  const why = cycle.slice(1).map((to, k) => reason(edges, cycle[k], to));
  return new StepGraphError(`steps form a cycle: ${cycle.join(" -> ")} (${why.join("; ")})`);
}

function reason(edges: StepEdge[], from: string, to: string): string {
  const e = edges.find((x) => x.from === from && x.to === to)!;
  return e.kind === "after" ? `"${to}" runs after "${from}"` : `"${to}" input ${e.input} reads "${from}" output ${e.output}`;
}

/** Every step that (transitively) waits for `step`, in plan order: what reruns when it does. */
export function downstreamOf(plan: StepPlan, step: string): string[] {
  return reachable(plan, step, (e) => [e.from, e.to]);
}

/** Every step `step` (transitively) waits for, in plan order. */
export function upstreamOf(plan: StepPlan, step: string): string[] {
  return reachable(plan, step, (e) => [e.to, e.from]);
}

function reachable(plan: StepPlan, step: string, dir: (e: StepEdge) => [string, string]): string[] {
  if (!plan.order.includes(step)) throw new StepGraphError(`no step is named "${step}"; steps: ${plan.order.join(", ")}`);
  const found = new Set<string>();
  const pending = [step];
  while (pending.length) {
    const at = pending.pop()!;
    for (const e of plan.edges) {
      const [from, to] = dir(e);
      if (from === at && !found.has(to)) {
        found.add(to);
        pending.push(to);
      }
    }
  }
  found.delete(step);
  return plan.order.filter((n) => found.has(n));
}
