// The `template` layout: a dataset described by path patterns with named parts, the way Sinagot
// scripts name their inputs (`MFF/{id}-{task}.mff/**`). Patterns are tried in order, first wins.
//
//   const t = templateLayout({
//     patterns: ["raw/{id}-{task}.csv", { pattern: "MFF/{id}-{task}.mff/**", set: { modality: "EEG" } }],
//     entities: { id: "REC-\\d{6}-[A-Z]", task: "RS|MMN|HDC" },
//   });
//   t.parse("MFF/REC-200319-A-RS.mff/dummy").entities // { id: "REC-200319-A", task: "RS", modality: "EEG" }
//   t.build({ id: "REC-200319-A", task: "MMN" })         // "raw/REC-200319-A-MMN.csv"
//
// Syntax, per `/`-separated segment: `{name}` one value inside the segment (default regex
// `[^/]+?`, or `entities[name]`); a repeated `{name}` must repeat the same value; `*` any text
// inside the segment; `**` (a whole segment) zero or more whole segments; anything else literal.
// `{name:*}` and `{name:**}` are wildcards whose text becomes an entity, so `build` can put it
// back: `build` refuses patterns with unnamed wildcards because it cannot invent their text.
// An `entities` regex is used as written (anchors aside), so one that matches `/` may span segments.

import { type Entities, type Layout, type Parsed, LayoutError, emptyEntities } from "./layout.ts";

export type TemplatePattern = string | { pattern: string; set?: Record<string, string> };

export interface TemplateOptions {
  /** Tried in order; the first that matches the whole relative path wins. */
  patterns: TemplatePattern[];
  /** Regex per entity name (whole value), e.g. `{ id: "REC-\\d{6}-[A-Z]" }`. */
  entities?: Record<string, string>;
}

type Token =
  | { kind: "literal"; text: string }
  | { kind: "star" }
  | { kind: "globstar" }
  | { kind: "entity"; name: string; wildcard: "" | "*" | "**" };

type Segment = Token[];

interface CompiledPattern {
  source: string;
  segments: Segment[];
  regex: RegExp;
  /** The first segment when it is plain text: paths starting elsewhere skip the regex. */
  literalFirst: string | null;
  /** Entity names in the pattern, first-seen order, each once. */
  names: string[];
  /** Names written as `{name:**}`: absent segments parse as "" rather than failing. */
  globstarNames: Set<string>;
  set: Record<string, string>;
  setEntries: [string, string][];
  hasUnnamedWildcard: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_ENTITY_REGEX = "[^/]+?";
const SEGMENTS = "[^/]+(?:/[^/]+)*";
const CANDIDATE_CACHE_LIMIT = 4096;

export function templateLayout(options: TemplateOptions): Layout {
  const entityRegexes = checkEntityRegexes(options.entities ?? {});
  if (!Array.isArray(options.patterns) || options.patterns.length === 0) {
    throw new LayoutError("template layout: give at least one pattern");
  }
  const compiled = options.patterns.map((p) => compilePattern(p, entityRegexes));
  const columns = columnsOf(compiled);
  checkEveryRegexIsUsed(entityRegexes, compiled);
  const valueCheckers = makeValueCheckers(columns, entityRegexes);
  const candidatesFor = candidateLookup(compiled);

  function parse(relPath: string): Parsed {
    for (const p of candidatesFor(firstSegment(relPath))) {
      const m = p.regex.exec(relPath);
      if (m) return { valid: true, entities: entitiesOf(p, m, columns), unparsed: null };
    }
    return { valid: false, entities: emptyEntities(columns), unparsed: relPath };
  }

  // Exact first, so that build(parse(p)) gives p back; then letting `set` values stand in for
  // entities the caller left out, so build({ id, task }) finds a pattern that sets modality.
  function build(entities: Entities): string {
    const exact = tryBuild(entities, true);
    if (typeof exact === "string") return exact;
    const lenient = tryBuild(entities, false);
    if (typeof lenient === "string") return lenient;
    throw new LayoutError(`template layout cannot build a path from ${describe(entities)}: ${lenient.join("; ")}`);
  }

  function tryBuild(entities: Entities, exactSet: boolean): string | string[] {
    const refusals: string[] = [];
    for (const p of compiled) {
      const refusal = whyNotBuildable(p, entities, columns, valueCheckers, exactSet);
      if (refusal) {
        refusals.push(`"${p.source}" ${refusal}`);
        continue;
      }
      const path = fill(p, entities);
      if (path === "" || path.split("/").includes("")) {
        refusals.push(`"${p.source}" would make "${path}", which has an empty segment`);
        continue;
      }
      if (!sameEntities(parse(path).entities, expectedEntities(p, entities, columns), columns)) {
        refusals.push(`"${p.source}" would make "${path}", which parses back to other entities`);
        continue;
      }
      return path;
    }
    return refusals;
  }

  return { name: "template", entities: columns, parse, build };
}

// ---- compiling ------------------------------------------------------------------------------

function checkEntityRegexes(entities: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, raw] of Object.entries(entities)) {
    if (!NAME.test(name)) throw new LayoutError(`template layout: entity name "${name}" must be letters, digits and _`);
    if (typeof raw !== "string" || raw === "") throw new LayoutError(`template layout: entity "${name}" needs a regex string`);
    // People paste full-match regexes (`^REC-\d{6}$`); anchors would never match mid-path.
    const source = raw.replace(/^\^/, "").replace(/(?<!\\)\$$/, "");
    try {
      new RegExp(source);
    } catch (e) {
      throw new LayoutError(`template layout: entity "${name}" regex "${raw}" is invalid: ${(e as Error).message}`);
    }
    // A named group inside would collide with the pattern's own groups.
    if (/\(\?<(?![=!])/.test(source)) {
      throw new LayoutError(`template layout: entity "${name}" regex "${raw}" must not contain named groups`);
    }
    out.set(name, source);
  }
  return out;
}

function compilePattern(spec: TemplatePattern, entityRegexes: Map<string, string>): CompiledPattern {
  const source = typeof spec === "string" ? spec : spec?.pattern;
  const fail = (why: string): never => {
    throw new LayoutError(`template layout: pattern "${source}" ${why}`);
  };
  if (typeof source !== "string" || source === "") throw new LayoutError("template layout: a pattern is empty");
  const set = typeof spec === "string" ? {} : { ...(spec.set ?? {}) };
  const segments = tokenize(source, fail);
  const names: string[] = [];
  const globstarNames = new Set<string>();
  let hasUnnamedWildcard = false;
  for (const token of segments.flat()) {
    if (token.kind === "star" || token.kind === "globstar") hasUnnamedWildcard = true;
    if (token.kind !== "entity") continue;
    if (!names.includes(token.name)) names.push(token.name);
    if (token.wildcard === "**") globstarNames.add(token.name);
    if (token.wildcard !== "" && entityRegexes.has(token.name)) {
      fail(`uses {${token.name}:${token.wildcard}} but entities.${token.name} also gives it a regex`);
    }
  }
  for (const [key, value] of Object.entries(set)) {
    if (!NAME.test(key)) fail(`sets "${key}", which is not a name of letters, digits and _`);
    if (typeof value !== "string") fail(`sets ${key} to a non-string`);
    if (names.includes(key)) fail(`both captures {${key}} and sets it`);
  }
  const regexSource = "^" + segmentsToRegex(segments, entityRegexes) + "$";
  let regex: RegExp;
  try {
    regex = new RegExp(regexSource);
  } catch (e) {
    return fail(`does not compile: ${(e as Error).message}`);
  }
  const first = segments[0];
  const literalFirst = first.every((t) => t.kind === "literal") ? first.map((t) => (t as { text: string }).text).join("") : null;
  const setEntries = Object.entries(set);
  return { source, segments, regex, literalFirst, names, globstarNames, set, setEntries, hasUnnamedWildcard };
}

function tokenize(source: string, fail: (why: string) => never): Segment[] {
  if (source.startsWith("/")) fail("must be relative (no leading /)");
  const parts = source.split("/");
  const segments = parts.map((part) => {
    if (part === "") fail("has an empty segment (a trailing / or //)");
    if (part === "." || part === "..") fail(`has a "${part}" segment`);
    return tokenizeSegment(part, fail);
  });
  segments.forEach((seg, i) => {
    if (i > 0 && isGlobstar(seg) && isGlobstar(segments[i - 1])) fail("has two ** segments in a row");
  });
  return segments;
}

function tokenizeSegment(part: string, fail: (why: string) => never): Segment {
  const tokens: Token[] = [];
  let literal = "";
  const flush = () => {
    if (literal) tokens.push({ kind: "literal", text: literal });
    literal = "";
  };
  for (let i = 0; i < part.length; i++) {
    const c = part[i];
    if (c === "{") {
      const close = part.indexOf("}", i);
      if (close < 0) fail(`has an unclosed "{" in "${part}"`);
      const [name, wildcard = "", ...rest] = part.slice(i + 1, close).split(":");
      if (!NAME.test(name)) fail(`has "{${name}}": entity names are letters, digits and _`);
      if (rest.length > 0 || !["", "*", "**"].includes(wildcard)) {
        fail(`has "{${part.slice(i + 1, close)}}": after ":" only * or ** may follow (regexes go in entities)`);
      }
      if (wildcard === "**" && part !== `{${name}:**}`) fail(`has {${name}:**}, which must be a whole segment`);
      flush();
      tokens.push({ kind: "entity", name, wildcard: wildcard as "" | "*" | "**" });
      i = close;
    } else if (c === "}") {
      fail(`has a "}" without "{" in "${part}"`);
    } else if (c === "*") {
      if (part[i + 1] === "*") {
        if (part !== "**") fail(`has "**" inside "${part}": ** must be a whole segment`);
        return [{ kind: "globstar" }];
      }
      flush();
      tokens.push({ kind: "star" });
    } else {
      literal += c;
    }
  }
  flush();
  return tokens;
}

function isGlobstar(seg: Segment): boolean {
  return seg.length === 1 && (seg[0].kind === "globstar" || (seg[0].kind === "entity" && seg[0].wildcard === "**"));
}

/** Joins segments with `/`, letting each `**` swallow its own separator so it can match nothing. */
function segmentsToRegex(segments: Segment[], entityRegexes: Map<string, string>): string {
  const seen = new Set<string>();
  let out = "";
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (!isGlobstar(seg)) {
      out += (i > 0 && !isGlobstar(segments[i - 1]) ? "/" : "") + segmentToRegex(seg, entityRegexes, seen);
      return;
    }
    const token = seg[0];
    const name = token.kind === "entity" ? token.name : null;
    const body = name === null ? SEGMENTS : seen.has(name) ? `\\k<${name}>` : `(?<${name}>${SEGMENTS})`;
    if (name !== null) seen.add(name);
    if (segments.length === 1) out += body;
    else if (last) out += `(?:/${body})?`;
    else out += (i > 0 && !isGlobstar(segments[i - 1]) ? "/" : "") + `(?:${body}/)?`;
  });
  return out;
}

function segmentToRegex(seg: Segment, entityRegexes: Map<string, string>, seen: Set<string>): string {
  return seg
    .map((t) => {
      if (t.kind === "literal") return escapeRegex(t.text);
      if (t.kind === "star") return "[^/]*";
      if (t.kind === "globstar") throw new Error("unreachable: ** is a whole segment");
      if (seen.has(t.name)) return `\\k<${t.name}>`;
      seen.add(t.name);
      const body = t.wildcard === "*" ? "[^/]*" : (entityRegexes.get(t.name) ?? DEFAULT_ENTITY_REGEX);
      return `(?<${t.name}>(?:${body}))`;
    })
    .join("");
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function columnsOf(compiled: CompiledPattern[]): string[] {
  const columns: string[] = [];
  for (const p of compiled) {
    for (const name of [...p.names, ...Object.keys(p.set)]) if (!columns.includes(name)) columns.push(name);
  }
  return columns;
}

function checkEveryRegexIsUsed(entityRegexes: Map<string, string>, compiled: CompiledPattern[]): void {
  for (const name of entityRegexes.keys()) {
    if (!compiled.some((p) => p.names.includes(name))) {
      throw new LayoutError(`template layout: entities.${name} is given a regex but no pattern has {${name}}`);
    }
  }
}

// ---- parsing --------------------------------------------------------------------------------

function firstSegment(relPath: string): string {
  const slash = relPath.indexOf("/");
  return slash < 0 ? relPath : relPath.slice(0, slash);
}

/** Patterns worth trying for a first segment, in pattern order; cached since few first segments repeat. */
function candidateLookup(compiled: CompiledPattern[]): (first: string) => CompiledPattern[] {
  if (compiled.every((p) => p.literalFirst === null)) return () => compiled;
  const cache = new Map<string, CompiledPattern[]>();
  return (first) => {
    let hit = cache.get(first);
    if (!hit) {
      hit = compiled.filter((p) => p.literalFirst === null || p.literalFirst === first);
      if (cache.size >= CANDIDATE_CACHE_LIMIT) cache.clear();
      cache.set(first, hit);
    }
    return hit;
  };
}

function entitiesOf(p: CompiledPattern, m: RegExpExecArray, columns: readonly string[]): Entities {
  const out = emptyEntities(columns);
  const groups = m.groups ?? {};
  for (const name of p.names) out[name] = groups[name] ?? (p.globstarNames.has(name) ? "" : null);
  for (const [key, value] of p.setEntries) out[key] = value;
  return out;
}

// ---- building -------------------------------------------------------------------------------

type ValueChecker = (value: string, wildcard: "" | "*" | "**") => boolean;

function makeValueCheckers(columns: readonly string[], entityRegexes: Map<string, string>): Map<string, ValueChecker> {
  const single = /^[^/]*$/;
  const many = new RegExp(`^(?:${SEGMENTS})?$`);
  const out = new Map<string, ValueChecker>();
  for (const name of columns) {
    const own = new RegExp(`^(?:${entityRegexes.get(name) ?? "[^/]+"})$`);
    out.set(name, (value, wildcard) => {
      if (wildcard === "**") return many.test(value) && !value.split("/").some((s) => s === "." || s === "..");
      if (wildcard === "*") return single.test(value);
      return own.test(value);
    });
  }
  return out;
}

function whyNotBuildable(
  p: CompiledPattern,
  entities: Entities,
  columns: readonly string[],
  checkers: Map<string, ValueChecker>,
  exactSet: boolean,
): string | null {
  if (p.hasUnnamedWildcard) return "has an unnamed * or ** whose text is unknown (name it {part:*} or {part:**})";
  const missing = p.names.filter((n) => entities[n] == null);
  if (missing.length > 0) return `needs ${missing.join(", ")}`;
  const conflicts = Object.entries(p.set).filter(([k, v]) => (exactSet || entities[k] != null) && entities[k] !== v);
  if (conflicts.length > 0) return `sets ${conflicts.map(([k, v]) => `${k}=${v}`).join(", ")}`;
  const unplaced = columns.filter((c) => entities[c] != null && !p.names.includes(c) && !(c in p.set));
  if (unplaced.length > 0) return `has no place for ${unplaced.join(", ")}`;
  const wildcards = new Map(p.segments.flat().flatMap((t) => (t.kind === "entity" ? [[t.name, t.wildcard] as const] : [])));
  const misfits = p.names.filter((n) => !checkers.get(n)!(entities[n] as string, wildcards.get(n) ?? ""));
  if (misfits.length > 0) return `does not accept ${misfits.map((n) => `${n}="${entities[n]}"`).join(", ")}`;
  return null;
}

function fill(p: CompiledPattern, entities: Entities): string {
  const parts: string[] = [];
  for (const seg of p.segments) {
    const text = seg.map((t) => (t.kind === "literal" ? t.text : t.kind === "entity" ? (entities[t.name] as string) : "")).join("");
    // An empty `{name:**}` stands for zero segments, so its separator goes too.
    if (text === "" && isGlobstar(seg)) continue;
    parts.push(text);
  }
  return parts.join("/");
}

function expectedEntities(p: CompiledPattern, given: Entities, columns: readonly string[]): Entities {
  const out = emptyEntities(columns);
  for (const name of p.names) out[name] = given[name];
  for (const [key, value] of Object.entries(p.set)) out[key] = value;
  return out;
}

function sameEntities(a: Entities, b: Entities, columns: readonly string[]): boolean {
  return columns.every((c) => (a[c] ?? null) === (b[c] ?? null));
}

function describe(entities: Entities): string {
  const given = Object.entries(entities).filter(([, v]) => v != null);
  return given.length === 0 ? "no entities" : "{" + given.map(([k, v]) => `${k}: "${v}"`).join(", ") + "}";
}
