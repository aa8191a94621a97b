// The ALF file-naming grammar (IBL's ONE, `one/alf/spec.py`) as JavaScript regexes, compiled once.
//
//   FULL_PATH_RE.exec("lab/Subjects/m1/2024-01-01/001/alf/_ibl_trials.goCue_times_bpod.csv")?.groups
//   // { lab: "lab", subject: "m1", ..., attribute: "goCue_times", timescale: "bpod", extension: "csv" }
//   alfRegex(COLLECTION_SPEC, { collection: "probe\\d{2}" }) // ONE's `regex(spec, **overrides)`
//
// Character classes, decided deliberately:
// * Python's `\w` on str patterns is Unicode (letters, digits and numerals of every script, and
//   `_`). It is written here as `[\p{L}\p{N}_]` under the `u` flag: checked against CPython 3.11
//   over every code point, every character Python's `\w` accepts is accepted here; the only extra
//   ones are characters Unicode assigned after Python's database (JS has the newer tables).
//   So a subject `Müller` or a collection `données` is valid here exactly as in ONE.
// * Python's `\d` is Unicode too (Arabic-Indic, full-width digits...). Here `date` and `number`
//   take ASCII `[0-9]` only: the catalog turns them into DATE and integer columns, and a session
//   folder `٢٠٢٤-٠١-٠١` is a typo to report, not a session to index.
// * Python's `$` also matches before a final "\n"; JS `$` (no `m` flag) does not, so a file name
//   ending in a newline is invalid here. No real file is worth mirroring that for.

import { LayoutError } from "./layout.ts";

/** The part names of a full ALF path, in ONE's order (`full_path_parts` keys). */
export const ALF_PARTS = [
  "lab",
  "subject",
  "date",
  "number",
  "collection",
  "revision",
  "namespace",
  "object",
  "attribute",
  "timescale",
  "extra",
  "extension",
] as const;

export type AlfPart = (typeof ALF_PARTS)[number];

const WORD = "\\p{L}\\p{N}_"; // Python's Unicode `\w`, for use inside a character class

/** ONE's `_DEFAULT` part patterns, translated as described above. */
export const ALF_PART_PATTERNS: Readonly<Record<AlfPart, string>> = Object.freeze({
  lab: `[${WORD}]+`,
  subject: `[${WORD}.-]+`,
  date: "[0-9]{4}-[0-9]{2}-[0-9]{2}",
  number: "[0-9]{1,3}",
  collection: `[${WORD}./-]+`,
  revision: `[${WORD}.-]+`,
  // A namespace exists only between two underscores: the lookbehind needs the opening one.
  namespace: "(?<=_)[a-zA-Z0-9]+",
  object: `[${WORD}]+`,
  // `(?:_[a-z]+_)?` is the deprecated attribute-level namespace (`channels._phy_ids.csv`);
  // `_times`/`_intervals` stay in the attribute only when a `_timescale` or `.` follows.
  attribute: "(?:_[a-z]+_)?[a-zA-Z0-9]+(?:_times(?=[_.])|_intervals(?=[_.]))?",
  timescale: `[${WORD}]+`,
  extra: `[.${WORD}-]+`,
  extension: `[${WORD}]+`,
});

export const SESSION_SPEC = "({lab}/Subjects/)?{subject}/{date}/{number}";
export const COLLECTION_SPEC = "({collection}/)?(#{revision}#/)?";
export const FILE_SPEC =
  "_?{namespace}?_?{object}\\.{attribute}(?:_{timescale})?(?:\\.{extra})*\\.{extension}$";
export const REL_PATH_SPEC = COLLECTION_SPEC + FILE_SPEC;
export const FULL_SPEC = `${SESSION_SPEC}/${REL_PATH_SPEC}`;

/**
 * ONE's `regex(spec, **overrides)(...).pattern`: the spec with each `{part}` replaced by a named
 * group of its pattern (or the override). Throws `LayoutError` for an unknown part, as ONE raises
 * KeyError.
 */
export function alfPattern(
  spec: string = FULL_SPEC,
  overrides: Partial<Record<string, string | null>> = {},
): string {
  for (const key of Object.keys(overrides)) {
    if (!Object.hasOwn(ALF_PART_PATTERNS, key)) throw new LayoutError(`Unknown ALF field "${key}"`);
  }
  return spec.replace(/\{(\w+)\}/g, (_, part: string) => {
    if (!Object.hasOwn(ALF_PART_PATTERNS, part)) {
      throw new LayoutError(`Unknown ALF field "${part}" in spec`);
    }
    return `(?<${part}>${overrides[part] ?? ALF_PART_PATTERNS[part as AlfPart]})`;
  });
}

/** ONE's `regex()` compiled: unanchored at the start, like a Python pattern before `.match`. */
export function alfRegex(
  spec: string = FULL_SPEC,
  overrides: Partial<Record<string, string | null>> = {},
): RegExp {
  return new RegExp(alfPattern(spec, overrides), "u");
}

/** ONE's `path_pattern()`: the spec as a readable template, for documentation. */
export function pathPattern(): string {
  return FULL_SPEC.replace(/[{}?*\\$]/g, "");
}

function anchored(spec: string): RegExp {
  return new RegExp(`^${alfPattern(spec)}`, "u");
}

/**
 * A regex with its named groups made plain, and where each name's group is: reading `m[3]` is
 * about twice as fast as building `m.groups` (V8 makes that object on every match), which counts
 * when a catalog parses a million paths.
 */
export interface IndexedRegex {
  readonly re: RegExp;
  /** Capture index of each named group. */
  readonly groupIndex: Readonly<Partial<Record<AlfPart, number>>>;
}

export function indexedRegex(named: RegExp): IndexedRegex {
  const src = named.source;
  const groupIndex: Partial<Record<AlfPart, number>> = {};
  let plain = "";
  let captures = 0;
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") {
      plain += c + src[++i];
      continue;
    }
    if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") {
      const name = /^\?<([A-Za-z_]\w*)>/.exec(src.slice(i + 1));
      if (name) {
        groupIndex[name[1] as AlfPart] = ++captures;
        plain += "(";
        i += name[0].length;
        continue;
      }
      if (src[i + 1] !== "?") captures++;
    }
    plain += c;
  }
  return { re: new RegExp(plain, named.flags), groupIndex };
}

/** A whole path relative to the dataset root (ONE's FULL_SPEC with `.match`). */
export const FULL_PATH_RE = anchored(FULL_SPEC);
/** A file name alone (`is_valid`, `filename_parts`). */
export const FILENAME_RE = anchored(FILE_SPEC);
/** `collection/#revision#/name` relative to a session (`rel_path_parts`). */
export const REL_PATH_RE = anchored(REL_PATH_SPEC);
/** The session folders at the start of a path, ending at a `/` or the end (partial parses). */
export const SESSION_PREFIX_RE = new RegExp(`^${alfPattern(SESSION_SPEC)}(?:/|$)`, "u");
/** Exactly the folders between a session and a file name, given with a trailing `/`. */
export const FOLDERS_RE = new RegExp(`^${alfPattern(COLLECTION_SPEC)}$`, "u");
/** A session anywhere in a path (`session_path_parts` searches rather than matches). */
export const SESSION_RE = alfRegex(SESSION_SPEC);
/** A session anywhere, ending the string (`is_session_path`). */
export const SESSION_AT_END_RE = new RegExp(`${alfPattern(SESSION_SPEC)}$`, "u");
/** Session, collection and revision anywhere in a folder path ending in `/` (`folder_parts`). */
export const FOLDER_PARTS_RE = alfRegex(`${SESSION_SPEC}/${COLLECTION_SPEC}`);
