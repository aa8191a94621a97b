// The two pattern languages ONE's queries take, turned into JavaScript regex source: shell
// wildcards as Python's `fnmatch.translate` reads them, and Python `re` syntax (ONE hands regex-mode
// patterns straight to `re`). Used by filter.ts (dataset paths) and search.ts (session fields).
//
//   wildcardSource("*.meta", { leadingStarStaysInFolder: true })  // "[^/]*\\.meta"
//   compilePythonRegex("^FD_04$").test("FD_04")                     // true
//   pythonRegexSource("(?P<rev>\\d{4})")                            // "(?<rev>\\p{Nd}{4})"
//
// All source is written for the `u` flag, because it is spliced into the ALF spec patterns
// (alf-spec.ts), which need `\p{…}` for Python's Unicode `\w`.

import { TroveError } from "../../errors.ts";

/** A pattern that is not valid, or uses Python regex syntax JavaScript cannot express. */
export class OnePatternError extends TroveError {
  override name = "OnePatternError";
}

const JS_SYNTAX = new Set("^$\\.*+?()[]{}|/");
const ANY_CHAR = "[\\s\\S]"; // Python's `.` inside fnmatch's `(?s:…)`
const PY_WORD_CLASS = "\\p{L}\\p{N}_"; // Python's Unicode `\w`, as alf-spec.ts writes it

// ---------------------------------------------------------------------------------------------
// Wildcards (Python's fnmatch)

export interface WildcardOptions {
  /**
   * ONE's `filter_datasets` rewrites a translated file name that *starts* with `.*` to `[^/]*`,
   * so `*.meta` cannot reach into sub-collections. Since Python 3.9, fnmatch spells a leading
   * star followed by another star as an atomic group instead, which that rewrite does not see:
   * only a pattern whose sole star run leads it (`*`, `*.meta`) is kept in the folder.
   */
  leadingStarStaysInFolder?: boolean;
}

type Piece = string | typeof STAR;
const STAR = Symbol("star");

/** `fnmatch.translate` without its `\Z`: match semantics identical, written for JavaScript. */
export function wildcardSource(pattern: string, options: WildcardOptions = {}): string {
  const pieces = wildcardPieces(Array.from(pattern));
  const starRuns = pieces.filter((p) => p === STAR).length;
  const keepInFolder =
    options.leadingStarStaysInFolder === true && pieces[0] === STAR && starRuns === 1;
  // Python makes interior stars atomic and lazy; for glob matching the earliest fit is always a
  // fit, so plain greedy stars accept exactly the same strings.
  return pieces
    .map((p, i) => (p !== STAR ? p : i === 0 && keepInFolder ? "[^/]*" : `${ANY_CHAR}*`))
    .join("");
}

function wildcardPieces(chars: string[]): Piece[] {
  const pieces: Piece[] = [];
  for (let i = 0; i < chars.length; ) {
    const c = chars[i++];
    if (c === "*") {
      if (pieces.at(-1) !== STAR) pieces.push(STAR);
    } else if (c === "?") {
      pieces.push(ANY_CHAR);
    } else if (c === "[") {
      const set = bracketSet(chars, i);
      if (set === null) pieces.push("\\[");
      else {
        pieces.push(set.source);
        i = set.next;
      }
    } else {
      pieces.push(escapeLiteral(c));
    }
  }
  return pieces;
}

/** A `[...]` set read as fnmatch reads it; null when it never closes (then `[` is literal). */
function bracketSet(chars: string[], start: number): { source: string; next: number } | null {
  let end = start;
  if (chars[end] === "!") end++;
  if (chars[end] === "]") end++;
  while (end < chars.length && chars[end] !== "]") end++;
  if (end >= chars.length) return null;
  const chunks = rangeChunks(chars, start, end);
  const stuff = chunks.join("-");
  const next = end + 1;
  if (stuff === "") return { source: "(?!)", next }; // only empty ranges: matches nothing
  if (stuff === "!") return { source: ANY_CHAR, next };
  const negated = stuff.startsWith("!");
  if (negated) chunks[0] = chunks[0].slice(1);
  const body = chunks.map((chunk) => Array.from(chunk, escapeInSet).join("")).join("-");
  return { source: `[${negated ? "^" : ""}${body}]`, next };
}

/**
 * fnmatch's split of a set at its range hyphens: chunks joined by `-` are ranges; reversed
 * ranges (`z-a`) are dropped, as Python does.
 */
function rangeChunks(chars: string[], start: number, end: number): string[] {
  const text = (from: number, to: number) => chars.slice(from, to).join("");
  if (!chars.slice(start, end).includes("-")) return [text(start, end)];
  const chunks: string[] = [];
  let from = start;
  let k = chars[start] === "!" ? start + 2 : start + 1;
  for (;;) {
    k = chars.indexOf("-", k);
    if (k < 0 || k >= end) break;
    chunks.push(text(from, k));
    from = k + 1;
    k += 3;
  }
  const last = text(from, end);
  if (last) chunks.push(last);
  else chunks[chunks.length - 1] += "-";
  for (let k2 = chunks.length - 1; k2 > 0; k2--) {
    const before = Array.from(chunks[k2 - 1]);
    const after = Array.from(chunks[k2]);
    if (before.at(-1)! > after[0]) {
      chunks[k2 - 1] = before.slice(0, -1).join("") + after.slice(1).join("");
      chunks.splice(k2, 1);
    }
  }
  return chunks;
}

function escapeLiteral(c: string): string {
  return JS_SYNTAX.has(c) ? `\\${c}` : c;
}

function escapeInSet(c: string): string {
  return JS_SYNTAX.has(c) || c === "-" ? `\\${c}` : c;
}

// ---------------------------------------------------------------------------------------------
// Python regular expressions

const PY_FLAGS = /^\(\?([aiLmsux]+)\)/;

export interface PythonRegexOptions {
  /** Match the whole string (Python's `fullmatch`) rather than search within it. */
  fullMatch?: boolean;
}

/**
 * A standalone Python pattern as ONE compiles it: leading global flags (`(?i)`, `(?s)`, `(?m)`)
 * become JavaScript flags. Throws `OnePatternError` when it does not compile.
 */
export function compilePythonRegex(pattern: string, options: PythonRegexOptions = {}): RegExp {
  const lead = PY_FLAGS.exec(pattern);
  const letters = lead?.[1] ?? "";
  const unsupported = letters.replace(/[imsu]/g, "");
  if (unsupported) throw new OnePatternError(`Unsupported regex flags (?${unsupported}): ${pattern}`);
  const flags = "u" + letters.replace(/u/g, "");
  const body = pythonRegexSource(pattern.slice(lead?.[0].length ?? 0), flags.includes("s"));
  // Not `^…$`: under `(?m)` those would stop at line ends.
  const source = options.fullMatch ? `(?<![\\s\\S])(?:${body})(?![\\s\\S])` : body;
  return compileSource(source, flags, pattern);
}

/** `new RegExp` with our error: the message names the pattern as the user wrote it. */
export function compileSource(source: string, flags: string, shown: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new OnePatternError(`Invalid pattern ${JSON.stringify(shown)}: ${(err as Error).message}`);
  }
}

/**
 * Python `re` syntax as JavaScript `u`-mode source with the same meaning: `(?P<n>…)`, `(?P=n)`,
 * `\A`, `\Z`, Unicode `\w`/`\d`, `.` that stops only at `\n`, identity escapes of punctuation,
 * and the braces and brackets Python takes literally. For a pattern spliced into a larger one,
 * so inline global flags are refused (Python refuses them past the start too).
 */
export function pythonRegexSource(pattern: string, dotAll = false): string {
  const chars = Array.from(pattern);
  let out = "";
  let inSet = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === "\\") {
      const escaped = translateEscape(chars, i, inSet, pattern);
      out += escaped.source;
      i = escaped.last;
    } else if (inSet) {
      if (c === "]") inSet = false;
      out += c;
    } else if (c === "[") {
      inSet = true;
      const negate = chars[i + 1] === "^";
      if (negate) i++;
      const leadingBracket = chars[i + 1] === "]"; // Python: a `]` first in a set is literal
      if (leadingBracket) i++;
      out += `[${negate ? "^" : ""}${leadingBracket ? "\\]" : ""}`;
    } else if (c === "(" && chars[i + 1] === "?") {
      const group = translateGroupOpening(chars, i, pattern);
      out += group.source;
      i = group.last;
    } else if (c === "{") {
      const quantifier = braceQuantifier(chars, i);
      out += quantifier ? quantifier.source : "\\{";
      if (quantifier) i = quantifier.last;
    } else if (c === "}" || c === "]") {
      out += `\\${c}`;
    } else if (c === ".") {
      out += dotAll ? ANY_CHAR : "[^\\n]";
    } else {
      out += c;
    }
  }
  return out;
}

const KEPT_LETTER_ESCAPES = new Set("bBsSntrfvx0123456789");

function translateEscape(
  chars: string[],
  at: number,
  inSet: boolean,
  pattern: string,
): { source: string; last: number } {
  const c = chars[at + 1];
  if (c === undefined) throw new OnePatternError(`Pattern ends in a backslash: ${pattern}`);
  const last = at + 1;
  if (c === "w") return { source: inSet ? PY_WORD_CLASS : `[${PY_WORD_CLASS}]`, last };
  if (c === "W" && !inSet) return { source: `[^${PY_WORD_CLASS}]`, last };
  if (c === "d") return { source: "\\p{Nd}", last };
  if (c === "D") return { source: "\\P{Nd}", last };
  if (c === "A" && !inSet) return { source: "(?<![\\s\\S])", last };
  if (c === "Z" && !inSet) return { source: "(?![\\s\\S])", last };
  if (c === "a") return { source: "\\x07", last };
  if (c === "u") return { source: `\\u${chars.slice(at + 2, at + 6).join("")}`, last: at + 5 };
  if (c === "U") {
    const hex = chars.slice(at + 2, at + 10).join("");
    return { source: `\\u{${hex.replace(/^0+(?=.)/, "")}}`, last: at + 9 };
  }
  if (KEPT_LETTER_ESCAPES.has(c) || (c === "W" && inSet)) return { source: `\\${c}`, last };
  if (/[A-Za-z]/.test(c)) throw new OnePatternError(`Bad escape \\${c} in pattern: ${pattern}`);
  // Any other escaped character stands for itself; JavaScript's `u` mode only allows escaping
  // its own syntax characters (and `-` in a set).
  return { source: JS_SYNTAX.has(c) || (inSet && c === "-") ? `\\${c}` : c, last };
}

function translateGroupOpening(
  chars: string[],
  at: number,
  pattern: string,
): { source: string; last: number } {
  const rest = chars.slice(at, at + 64).join("");
  const named = /^\(\?P<(\w+)>/u.exec(rest);
  if (named) return { source: `(?<${named[1]}>`, last: at + Array.from(named[0]).length - 1 };
  const backref = /^\(\?P=(\w+)\)/u.exec(rest);
  if (backref) return { source: `\\k<${backref[1]}>`, last: at + Array.from(backref[0]).length - 1 };
  if (PY_FLAGS.test(rest)) {
    throw new OnePatternError(`Global regex flags must start the whole pattern: ${pattern}`);
  }
  return { source: "(?", last: at + 1 };
}

/** `{n}`, `{n,}`, `{,m}`, `{n,m}` and `{,}` are quantifiers to Python; other braces are text. */
function braceQuantifier(chars: string[], at: number): { source: string; last: number } | null {
  const rest = chars.slice(at, at + 32).join("");
  const m = /^\{([0-9]*)(,([0-9]*))?\}/.exec(rest);
  if (!m || (m[1] === "" && m[2] === undefined)) return null;
  const min = m[1] === "" ? "0" : m[1];
  const max = m[2] === undefined ? "" : `,${m[3]}`;
  return { source: `{${min}${max}}`, last: at + m[0].length - 1 };
}
