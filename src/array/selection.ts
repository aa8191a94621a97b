// numpy-style basic selections ("0:10,:", "5", "::2,3:-1", "...") resolved against a shape: one
// {start, stop, step, count, dropped} per dimension and the output shape (integer indices drop
// their dimension, as numpy does). Steps must be positive; out-of-range integers and too many
// indices are errors, slices clamp like Python's.
//
//   const s = parseSelection("2:8:3, -1", [10, 4]);
//   s.dims;   // [{ start: 2, stop: 8, step: 3, count: 2, dropped: false }, { start: 3, stop: 4, step: 1, count: 1, dropped: true }]
//   s.shape;  // [2]
//   selectFlat([0, 1, 2, 3, 4, 5], [2, 3], "1, ::2");   // [3, 5]

import { SelectionError } from "./errors.ts";

export interface DimSelection {
  start: number;
  /** Exclusive; start + count * step may pass it (Python's range semantics). */
  stop: number;
  step: number;
  count: number;
  /** An integer index: the dimension is not in the output shape. */
  dropped: boolean;
}

export interface Selection {
  dims: DimSelection[];
  /** Output shape: the counts of the dimensions that are not dropped. */
  shape: number[];
  /** Number of selected elements. */
  count: number;
}

/** One index in programmatic form: an integer, a slice, or "..." (Ellipsis). */
export type SelectionItem = number | { start?: number | null; stop?: number | null; step?: number | null } | "...";

/** A selection as text ("0:10,::2"), as items, or undefined/"" for everything. */
export type SelectionInput = string | SelectionItem[] | undefined;

export function parseSelection(input: SelectionInput, shape: number[]): Selection {
  const items = typeof input === "string" ? parseText(input) : (input ?? []);
  const ellipses = items.filter((x) => x === "...").length;
  if (ellipses > 1) throw new SelectionError(`selection ${show(input)}: an index can only have a single ellipsis ('...')`);
  const explicit = items.length - ellipses;
  if (explicit > shape.length) {
    throw new SelectionError(`selection ${show(input)}: too many indices for array: array is ${shape.length}-dimensional, but ${explicit} were indexed`);
  }
  const full: SelectionItem[] = [];
  for (const x of items) {
    if (x === "...") for (let i = 0; i < shape.length - explicit; i++) full.push({});
    else full.push(x);
  }
  while (full.length < shape.length) full.push({});
  const dims = full.map((x, d) => resolve(x, shape[d], d, input));
  const outShape = dims.filter((s) => !s.dropped).map((s) => s.count);
  return { dims, shape: outShape, count: dims.reduce((a, s) => a * s.count, 1) };
}

/** The selected elements of row-major values held in memory. */
export function selectFlat<T>(values: ArrayLike<T>, shape: number[], selection: Selection | SelectionInput): T[] {
  const sel = selection && typeof selection === "object" && !Array.isArray(selection) ? selection : parseSelection(selection, shape);
  const out: T[] = [];
  const walk = (d: number, base: number): void => {
    if (d === shape.length) {
      out.push(values[base]);
      return;
    }
    const s = sel.dims[d];
    for (let k = 0; k < s.count; k++) walk(d + 1, base * shape[d] + s.start + k * s.step);
  };
  if (sel.count) walk(0, 0);
  return out;
}

/** Everything, for a shape (what no selection means). */
export function selectAll(shape: number[]): Selection {
  return parseSelection(undefined, shape);
}

function resolve(x: SelectionItem, size: number, axis: number, input: SelectionInput): DimSelection {
  if (typeof x === "number") {
    if (!Number.isInteger(x)) throw new SelectionError(`selection ${show(input)}: index ${x} is not an integer`);
    const i = x < 0 ? x + size : x;
    if (i < 0 || i >= size) throw new SelectionError(`selection ${show(input)}: index ${x} is out of bounds for axis ${axis} with size ${size}`);
    return { start: i, stop: i + 1, step: 1, count: 1, dropped: true };
  }
  if (typeof x !== "object" || x === null) throw new SelectionError(`selection ${show(input)}: unsupported index ${String(x)}`);
  const step = x.step ?? 1;
  if (!Number.isInteger(step)) throw new SelectionError(`selection ${show(input)}: step ${step} is not an integer`);
  if (step === 0) throw new SelectionError(`selection ${show(input)}: slice step cannot be zero`);
  if (step < 0) throw new SelectionError(`selection ${show(input)}: negative steps are not supported (axis ${axis})`);
  for (const v of [x.start, x.stop]) {
    if (v != null && !Number.isInteger(v)) throw new SelectionError(`selection ${show(input)}: slice bound ${v} is not an integer`);
  }
  // Python's slice.indices for a positive step: clamp into [0, size]
  const clamp = (v: number | null | undefined, dflt: number) => (v == null ? dflt : v < 0 ? Math.max(0, v + size) : Math.min(v, size));
  const start = clamp(x.start, 0);
  const stop = Math.max(start, clamp(x.stop, size));
  return { start, stop, step, count: Math.ceil((stop - start) / step), dropped: false };
}

const INT = /^[+-]?\d+$/;

function parseText(text: string): SelectionItem[] {
  let t = text.trim();
  if (t.startsWith("[") && t.endsWith("]")) t = t.slice(1, -1).trim();
  if (t === "" || t === "()") return [];
  const parts = t.split(",");
  // a trailing comma ("5,") is numpy's tuple syntax, not an empty index
  if (parts.length > 1 && parts[parts.length - 1].trim() === "") parts.pop();
  return parts.map((part, i): SelectionItem => {
    const p = part.trim();
    if (p === "") throw new SelectionError(`selection "${text}": empty index at position ${i}`);
    if (p === "..." || p === "Ellipsis") return "...";
    if (!p.includes(":")) {
      if (!INT.test(p)) throw new SelectionError(`selection "${text}": "${p}" is not an integer or a slice`);
      return Number(p);
    }
    const bits = p.split(":").map((b) => b.trim());
    if (bits.length > 3) throw new SelectionError(`selection "${text}": "${p}" has too many colons`);
    const num = (b: string | undefined) => {
      if (b === undefined || b === "") return null;
      if (!INT.test(b)) throw new SelectionError(`selection "${text}": "${b}" in "${p}" is not an integer`);
      return Number(b);
    };
    return { start: num(bits[0]), stop: num(bits[1]), step: num(bits[2]) };
  });
}

function show(input: SelectionInput): string {
  return typeof input === "string" ? `"${input}"` : JSON.stringify(input ?? []);
}
