// Path patterns and command templates of steps: how a step's declared inputs, outputs and command
// become concrete paths and an argv for one record.
//
//   const eeg = parsePathPattern("EEG/{id}/{id}-{task}.mff/signal1.bin", { step: "alpha", entities: ["id", "task"] });
//   fillPattern(eeg, { id: "REC-200319-A", task: "RS" })   // "EEG/REC-200319-A/REC-200319-A-RS.mff/signal1.bin"
//   fillPattern(eeg, { id: "REC-200319-A", task: null })   // null: this record has no such input
//   fillCommand('python "my scripts/alpha.py" {in.eeg} --band {params.band}',
//     { step: "alpha", in: { eeg: "/data/a b.bin" }, params: { band: "8-12" } })
//   // ["python", "my scripts/alpha.py", "/data/a b.bin", "--band", "8-12"]
//
// Placeholders are `{name}`; `{{` and `}}` are literal braces. A pattern is relative, `/`-separated,
// with no empty, `.` or `..` segment and no `*`: a step path names exactly one file per record, and
// the dependency graph (graph.ts) compares patterns segment by segment, so every filled value must
// stay one segment (a value containing `/` is refused rather than silently breaking that test).

import { TroveError } from "../errors.ts";
import type { Entities } from "../layout/layout.ts";

/** A step's declaration cannot work: bad pattern, unknown placeholder, missing param. */
export class StepConfigError extends TroveError {
  override name = "StepConfigError";
}

/** Literal text, or a `{ref}` to fill ("id", "in.eeg", "params.band"). */
export type Piece = { kind: "text"; text: string } | { kind: "ref"; ref: string };

export interface PathPattern {
  source: string;
  /** Names the step in error messages. */
  step: string;
  /** One entry per `/`-separated segment. */
  segments: Piece[][];
  /** Entity names used, first-seen order, each once. */
  names: string[];
}

export interface CommandTemplate {
  source: string;
  step: string;
  /** One entry per argv word, quotes already removed. */
  words: Piece[][];
}

/** What a command can be filled from; `entities` are the record's (or task unit's) entity values. */
export interface CommandValues {
  step?: string;
  in?: Record<string, string>;
  out?: Record<string, string>;
  params?: Record<string, unknown>;
  entities?: Entities;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COMMAND_REF = /^(?:(in|out|params)\.)?([A-Za-z_][A-Za-z0-9_]*)$/;
const BRACE_HINT = "write {{ or }} for a literal brace";

function fail(step: string, what: string, message: string): never {
  throw new StepConfigError(`step "${step}": ${what}: ${message}`);
}

/** Splits text into literal and `{ref}` pieces; callers judge what may stand inside the braces. */
export function scanPieces(text: string, fault: (message: string) => never): Piece[] {
  const pieces: Piece[] = [];
  let literal = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ((c === "{" || c === "}") && text[i + 1] === c) {
      literal += c;
      i++;
    } else if (c === "}") {
      fault(`unmatched "}" (${BRACE_HINT})`);
    } else if (c === "{") {
      const end = text.indexOf("}", i + 1);
      if (end < 0) fault(`unclosed "{" (${BRACE_HINT})`);
      if (literal) pieces.push({ kind: "text", text: literal });
      literal = "";
      pieces.push({ kind: "ref", ref: text.slice(i + 1, end) });
      i = end;
    } else {
      literal += c;
    }
  }
  if (literal) pieces.push({ kind: "text", text: literal });
  return pieces;
}

/** Syntax only (no entity list): what the graph needs to compare patterns. */
export function parsePatternSyntax(pattern: string, step: string): PathPattern {
  const what = `path "${pattern}"`;
  const fault = (message: string): never => fail(step, what, message);
  if (typeof pattern !== "string" || pattern === "") fault("a path pattern must be a non-empty string");
  if (pattern.startsWith("/")) fault("must be relative to the dataset folder");
  if (pattern.includes("*")) fault("globs are not supported: a step path names one file per record");
  const names: string[] = [];
  const segments = pattern.split("/").map((segment) => {
    if (segment === "" || segment === "." || segment === "..") fault(`empty, "." or ".." segment`);
    const pieces = scanPieces(segment, fault);
    for (const p of pieces) {
      if (p.kind !== "ref") continue;
      if (!NAME.test(p.ref)) fault(`{${p.ref}} is not a placeholder: use {name} with letters, digits and _`);
      if (!names.includes(p.ref)) names.push(p.ref);
    }
    return pieces;
  });
  return { source: pattern, step, segments, names };
}

/** Parses and checks that every placeholder is an entity the dataset knows. */
export function parsePathPattern(pattern: string, context: { step: string; entities: readonly string[] }): PathPattern {
  const parsed = parsePatternSyntax(pattern, context.step);
  const unknown = parsed.names.find((n) => !context.entities.includes(n));
  if (unknown !== undefined) {
    const known = context.entities.length ? context.entities.map((n) => `{${n}}`).join(", ") : "none";
    fail(context.step, `path "${pattern}"`, `unknown entity {${unknown}}; known entities: ${known}`);
  }
  return parsed;
}

/**
 * The path for one record, or `null` when one of its entities is absent (null, "" or missing):
 * "this record/task has no such file", which the runner reports as data not available rather
 * than an error, since e.g. a `{task}` input simply does not exist for a task-less record.
 * A value that would not stay one path segment is a StepConfigError.
 */
export function fillPattern(pattern: PathPattern, entities: Entities): string | null {
  const segments: string[] = [];
  for (const segment of pattern.segments) {
    let text = "";
    for (const p of segment) {
      if (p.kind === "text") {
        text += p.text;
        continue;
      }
      const value = entities[p.ref];
      if (value === null || value === undefined || value === "") return null;
      if (value.includes("/") || value === "." || value === "..") {
        fail(pattern.step, `path "${pattern.source}"`, `{${p.ref}} = ${JSON.stringify(value)} is not one path segment`);
      }
      text += value;
    }
    segments.push(text);
  }
  return segments.join("/");
}

/**
 * Shell-like word splitting, done once on the template so filled values are never re-split:
 * whitespace separates words, '...' is literal, "..." keeps spaces and lets \" and \\ through,
 * a backslash outside quotes escapes the next character.
 */
export function splitWords(template: string, fault: (message: string) => never): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === "'" || c === '"') {
      const end = closingQuote(template, i);
      if (end < 0) fault(`unclosed ${c} quote`);
      const inner = template.slice(i + 1, end);
      word = (word ?? "") + (c === '"' ? inner.replace(/\\(["\\])/g, "$1") : inner);
      i = end;
    } else if (c === "\\" && i + 1 < template.length) {
      word = (word ?? "") + template[++i];
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

function closingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === "\\") i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/** Names a command may refer to; omitted lists are not checked until fill time. */
export interface CommandNames {
  step: string;
  inputs?: readonly string[];
  outputs?: readonly string[];
  params?: readonly string[];
  entities?: readonly string[];
}

/** Parses a command template; with name lists, a reference to anything undeclared fails here. */
export function parseCommand(template: string, names: CommandNames): CommandTemplate {
  const what = `command "${template}"`;
  const fault = (message: string): never => fail(names.step, what, message);
  if (typeof template !== "string" || template.trim() === "") fault("the command is empty");
  const words = splitWords(template, fault).map((w) => scanPieces(w, fault));
  for (const word of words) {
    for (const p of word) if (p.kind === "ref") checkRef(p.ref, names, fault);
  }
  return { source: template, step: names.step, words };
}

function checkRef(ref: string, names: CommandNames, fault: (message: string) => never): void {
  const m = COMMAND_REF.exec(ref);
  if (!m) fault(`unknown placeholder {${ref}}: use {in.NAME}, {out.NAME}, {params.NAME} or an entity like {id}`);
  const [, scope, name] = m;
  const list = scope === "in" ? names.inputs : scope === "out" ? names.outputs : scope === "params" ? names.params : names.entities;
  if (list && !list.includes(name)) {
    const prefix = scope ? `${scope}.` : "";
    const known = list.length ? list.map((n) => `{${prefix}${n}}`).join(", ") : "none";
    fault(`unknown placeholder {${ref}}; known: ${known}`);
  }
}

/** The argv for one record: each template word gives exactly one argument, whatever the values hold. */
export function fillCommand(template: string | CommandTemplate, values: CommandValues): string[] {
  const step = typeof template === "string" ? (values.step ?? "?") : template.step;
  const parsed = typeof template === "string" ? parseCommand(template, { step }) : template;
  const fault = (message: string): never => fail(step, `command "${parsed.source}"`, message);
  return parsed.words.map((word) =>
    word.map((p) => (p.kind === "text" ? p.text : resolveRef(p.ref, values, fault))).join(""),
  );
}

function resolveRef(ref: string, values: CommandValues, fault: (message: string) => never): string {
  const [, scope, name] = COMMAND_REF.exec(ref) ?? fault(`unknown placeholder {${ref}}`);
  if (scope === "in" || scope === "out") {
    const map = (scope === "in" ? values.in : values.out) ?? {};
    const value = Object.hasOwn(map, name) ? map[name] : undefined;
    if (typeof value !== "string") fault(`{${ref}}: the step has no ${scope === "in" ? "input" : "output"} "${name}" (has: ${listKeys(map)})`);
    return value;
  }
  if (scope === "params") return paramText(ref, name, values.params ?? {}, fault);
  const entities = values.entities ?? {};
  if (!Object.hasOwn(entities, name)) fault(`unknown placeholder {${ref}}: not an entity of the record (has: ${listKeys(entities)})`);
  const value = entities[name];
  // A command cannot leave an argument out the way a path can be "not available", so absent is an error.
  if (value === null || value === undefined || value === "") fault(`{${ref}}: the record has no ${name}`);
  return value;
}

function paramText(ref: string, name: string, params: Record<string, unknown>, fault: (message: string) => never): string {
  const value = Object.hasOwn(params, name) ? params[name] : undefined;
  if (value === undefined || value === null) fault(`{${ref}}: no param "${name}" is set (params: ${listKeys(params)})`);
  const type = typeof value;
  if (type !== "string" && type !== "number" && type !== "boolean" && type !== "bigint") {
    fault(`{${ref}}: param "${name}" must be a string, number or boolean to go in one argument`);
  }
  return String(value);
}

function listKeys(map: object): string {
  const keys = Object.keys(map);
  return keys.length ? keys.join(", ") : "none";
}
