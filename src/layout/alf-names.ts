// The ALF name helpers users of IBL's ONE know (`one.alf.spec`, `one.alf.path`), TypeScript-named.
//
//   toAlf("spikes", "times", "npy", { namespace: "ibl", timescale: "ephysClock" })
//   // "_ibl_spikes.times_ephysClock.npy"
//   filenameParts("_ibl_trials.goCue_times_bpod.csv")
//   // { namespace: "ibl", object: "trials", attribute: "goCue_times", timescale: "bpod",
//   //   extra: null, extension: "csv" }
//   readableAlf("someROIDataset") // "some ROI dataset"
//
// Parts that are absent are `null` (ONE's `None`). The `*Parts` functions throw `AlfInvalidError`
// by default, like ONE's `assert_valid=True`; pass `{ assertValid: false }` to get all-null parts.

import { LayoutError } from "./layout.ts";
import {
  ALF_PARTS,
  type AlfPart,
  FILENAME_RE,
  FOLDER_PARTS_RE,
  REL_PATH_RE,
  SESSION_AT_END_RE,
  SESSION_RE,
} from "./alf-spec.ts";

export {
  QC_LEVELS,
  QC_VALUES,
  QcValueError,
  type QcLevel,
  qcValue,
  qcRank,
  compareQc,
} from "./alf-qc.ts";

/** A path or file name that is not ALF where ALF was required (ONE's `ALFInvalid`). */
export class AlfInvalidError extends LayoutError {
  override name = "AlfInvalidError";
}

export type AlfPathParts = Record<AlfPart, string | null>;
export type AlfFileParts = Pick<
  AlfPathParts,
  "namespace" | "object" | "attribute" | "timescale" | "extra" | "extension"
>;
export type AlfFolderParts = Pick<
  AlfPathParts,
  "lab" | "subject" | "date" | "number" | "collection" | "revision"
>;
export type AlfSessionParts = Pick<AlfPathParts, "lab" | "subject" | "date" | "number">;
export type AlfRelPathParts = Pick<AlfPathParts, "collection" | "revision"> & AlfFileParts;

export interface AlfNameOptions {
  namespace?: string | null;
  /** One timescale, or several joined by `_` (`["ephys clock", "minutes"]`). */
  timescale?: string | readonly string[] | null;
  /** Extra parts: a `.`-joined string or a list. */
  extra?: string | readonly string[] | null;
}

export interface PartsOptions {
  /** Throw `AlfInvalidError` when the text does not parse (default, as in ONE). */
  assertValid?: boolean;
}

const FILE_KEYS = ["namespace", "object", "attribute", "timescale", "extra", "extension"] as const;
const FOLDER_KEYS = ["lab", "subject", "date", "number", "collection", "revision"] as const;
const SESSION_KEYS = ["lab", "subject", "date", "number"] as const;
const REL_PATH_KEYS = ["collection", "revision", ...FILE_KEYS] as const;

// ---------------------------------------------------------------------------------------------
// Building names

/**
 * ONE's `to_alf`: a valid file name from its parts, camel-casing object, attribute and timescale
 * the way ONE does (a `_times`, `_timestamps` or `_intervals` suffix is kept as written).
 * Throws `LayoutError` for ONE's errors: no extension, a period in a part, underscores around the
 * namespace, an object starting with `_`.
 */
export function toAlf(
  object: string,
  attribute: string,
  extension: string,
  options: AlfNameOptions = {},
): string {
  const ext = checkAlfParts(object, attribute, extension, options);
  const timescales = timescaleList(options.timescale).filter(Boolean).map(dromedary);
  return assembleAlfName(
    options.namespace,
    dromedary(object),
    dromedaryKeepingTimeSuffix(attribute),
    timescales.join("_"),
    options.extra,
    ext,
  );
}

/**
 * The file name from its parts exactly as given (no camel-casing), with `toAlf`'s checks: what a
 * layout needs to put a parsed name back, since ONE's casing would turn `ephysData_g0_t0` into
 * `ephysdataG0T0`.
 */
export function joinAlfName(
  object: string,
  attribute: string,
  extension: string,
  options: AlfNameOptions = {},
): string {
  const ext = checkAlfParts(object, attribute, extension, options);
  const timescale = timescaleList(options.timescale).filter(Boolean).join("_");
  return assembleAlfName(options.namespace, object, attribute, timescale, options.extra, ext);
}

/** Validates as `to_alf` does, before any casing; returns the extension without a leading `.`. */
function checkAlfParts(
  object: string,
  attribute: string,
  extension: string,
  { namespace, timescale }: AlfNameOptions,
): string {
  if (!extension) throw new LayoutError("An extension must be provided");
  const ext = extension.startsWith(".") ? extension.slice(1) : extension;
  // Python's `'.' in ('a', 'b')` tests membership, not content: every timescale is checked here.
  const named: [string, string | null | undefined][] = [
    ["object", object],
    ["attribute", attribute],
    ["namespace", namespace],
    ["extension", ext],
    ...timescaleList(timescale).map((t): [string, string] => ["timescale", t]),
  ];
  for (const [part, value] of named) {
    if (value?.includes(".")) {
      throw new LayoutError(`ALF parts must not contain a period (\`.\`): ${part} "${value}"`);
    }
  }
  if (namespace?.includes("_")) {
    throw new LayoutError(`Namespace must not contain extra underscores: "${namespace}"`);
  }
  // ONE fails on an empty object with an IndexError and makes `obj..ext` from an empty attribute.
  if (!object) throw new LayoutError("An object must be provided");
  if (!attribute) throw new LayoutError("An attribute must be provided");
  if (object.startsWith("_")) {
    throw new LayoutError(
      `Objects must not start with an underscore; use the namespace option instead: "${object}"`,
    );
  }
  return ext;
}

function timescaleList(timescale: AlfNameOptions["timescale"]): readonly string[] {
  if (!timescale) return [];
  return typeof timescale === "string" ? [timescale] : timescale;
}

function assembleAlfName(
  namespace: string | null | undefined,
  object: string,
  attribute: string,
  timescale: string,
  extra: AlfNameOptions["extra"],
  extension: string,
): string {
  const extras = !extra ? [] : typeof extra === "string" ? extra.split(".") : extra;
  const head = (namespace ? `_${namespace}_` : "") + object;
  const attr = timescale ? `${attribute}_${timescale}` : attribute;
  return [head, attr, ...extras, extension].join(".");
}

const TIME_SUFFIX = /_(?:times|timestamps|intervals)$/;

function dromedaryKeepingTimeSuffix(attribute: string): string {
  const suffix = TIME_SUFFIX.exec(attribute);
  const cut = suffix ? suffix.index : attribute.length;
  return dromedary(attribute.slice(0, cut)) + attribute.slice(cut);
}

// ---------------------------------------------------------------------------------------------
// Casing

// Python's `\s` (str.isspace), which is not JS's `\s` (no U+001C-001F or U+0085, but U+FEFF).
const WORD_BREAK =
  /[_\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const ACRONYM = /^[A-Z]+s?$/;
const WORD_START = /[A-Z](?=[a-rt-z0-9])|(?<=[a-z0-9])[A-Z]/g;

/**
 * ONE's `_dromedary`: camel case from spaces or snake case, keeping acronyms.
 * `"passive_RFM"` → `"passiveRFM"`, `"mpci ROIs"` → `"mpciROIs"`, `"FooBarBaz"` → `"fooBarBaz"`.
 */
export function dromedary(text: string): string {
  if (!text) return text;
  const [first, ...others] = text.split(WORD_BREAK);
  if (others.length === 0) return changeFirst(first, "lower");
  const head = ACRONYM.test(first) ? first : first.toLowerCase();
  return head + others.map((w) => (ACRONYM.test(w) ? w : capitalize(w))).join("");
}

/**
 * ONE's `readableALF`: camel case split into lower-case words, keeping acronyms.
 * `"someROIDataset"` → `"some ROI dataset"`; with `capitalize`, `"Some ROI dataset"`.
 */
export function readableAlf(name: string, capitalizeFirst = false): string {
  const words: string[] = [];
  let start = 0;
  for (const match of name.matchAll(WORD_START)) {
    words.push(name.slice(start, match.index));
    start = match.index;
  }
  words.push(name.slice(start));
  const text = words.map((w) => (ACRONYM.test(w) ? w : w.toLowerCase())).join(" ");
  return capitalizeFirst ? changeFirst(text, "upper") : text;
}

/** Python's `str.capitalize`: first character upper, the rest lower. */
function capitalize(word: string): string {
  return changeFirst(word.toLowerCase(), "upper");
}

// By code point, so a cased letter outside the BMP changes case like Python's `s[0]`.
function changeFirst(text: string, to: "lower" | "upper"): string {
  if (!text) return text;
  const width = text.codePointAt(0)! > 0xffff ? 2 : 1;
  const first = text.slice(0, width);
  return (to === "lower" ? first.toLowerCase() : first.toUpperCase()) + text.slice(width);
}

// ---------------------------------------------------------------------------------------------
// Validity tests

/** ONE's `is_valid`: the file name (not a path) is an ALF dataset name. */
export function isValidAlf(filename: string): boolean {
  return FILENAME_RE.test(filename);
}

/** ONE's `is_session_path`: the path ends in `(lab/Subjects/)subject/date/number`. Syntax only. */
export function isSessionPath(path: string): boolean {
  return SESSION_AT_END_RE.test(path.replace(/\\/g, "/").replace(/^\/+|\/+$/g, ""));
}

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[345][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** ONE's `is_uuid_string`: a lower-case, hyphenated version 3, 4 or 5 UUID. */
export function isUuidString(value: unknown): boolean {
  return typeof value === "string" && CANONICAL_UUID.test(value);
}

/**
 * ONE's `is_uuid`: something Python's `UUID()` accepts (hex string with any hyphens, braces or
 * `urn:uuid:`, 16 bytes, or a 128-bit integer) whose RFC 4122 version is one of `versions`.
 */
export function isUuid(value: unknown, versions: readonly number[] = [4, 3]): boolean {
  const hex = uuidHex(value);
  if (hex === null || !"89ab".includes(hex[16])) return false; // other variants have no version
  return versions.includes(parseInt(hex[12], 16));
}

function uuidHex(value: unknown): string | null {
  if (typeof value === "string") {
    const bare = value.replaceAll("urn:", "").replaceAll("uuid:", "");
    const hex = bare.replace(/^[{}]+|[{}]+$/g, "").replaceAll("-", "").toLowerCase();
    return /^[0-9a-f]{32}$/.test(hex) ? hex : null;
  }
  if (typeof value === "number") return Number.isSafeInteger(value) ? uuidHex(BigInt(value)) : null;
  if (typeof value === "bigint") {
    return value >= 0n && value < 1n << 128n ? value.toString(16).padStart(32, "0") : null;
  }
  if (value instanceof Uint8Array && value.length === 16) {
    return Array.from(value, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** ONE's `filename_parts`: the parts of an ALF file name. */
export function filenameParts(filename: string, options: PartsOptions = {}): AlfFileParts {
  return partsOf(FILENAME_RE, filename, FILE_KEYS, options);
}

/** ONE's `rel_path_parts`: `collection/#revision#/name` relative to a session. */
export function relPathParts(relPath: string, options: PartsOptions = {}): AlfRelPathParts {
  return partsOf(REL_PATH_RE, toPosix(relPath), REL_PATH_KEYS, options);
}

/** ONE's `session_path_parts`: the first session found anywhere in the path. */
export function sessionPathParts(path: string, options: PartsOptions = {}): AlfSessionParts {
  return partsOf(SESSION_RE, toPosix(path), SESSION_KEYS, options);
}

/** ONE's `folder_parts`: session, collection and revision of a folder path. */
export function folderParts(folderPath: string, options: PartsOptions = {}): AlfFolderParts {
  const posix = toPosix(folderPath);
  // The spec ends folders with `/`, so one is added, as ONE does.
  const withSlash = posix && !posix.endsWith("/") ? `${posix}/` : posix;
  return partsOf(FOLDER_PARTS_RE, withSlash, FOLDER_KEYS, options);
}

/**
 * ONE's `full_path_parts`: all 12 parts of a folder or file path (the session is searched for, so
 * an absolute path works). A last component with fewer than two periods is taken for a folder,
 * because collections may contain periods and ONE cannot tell otherwise.
 */
export function fullPathParts(path: string, options: PartsOptions = {}): AlfPathParts {
  const { absolute, segments } = pathlibSegments(path);
  const name = segments.at(-1) ?? "";
  if (countPeriods(name) < 2) return { ...folderOnlyParts(absolute, segments, options), ...NO_FILE };
  if (segments.length === 1 && !absolute) return { ...NO_FOLDERS, ...filenameParts(name, options) };
  const parent = joinSegments(absolute, segments.slice(0, -1));
  return { ...folderParts(parent, options), ...filenameParts(name, options) };
}

const NO_FILE: AlfFileParts = Object.freeze(nullParts(FILE_KEYS));
const NO_FOLDERS: AlfFolderParts = Object.freeze(nullParts(FOLDER_KEYS));

function folderOnlyParts(
  absolute: boolean,
  segments: string[],
  options: PartsOptions,
): AlfFolderParts {
  const folders = folderParts(joinSegments(absolute, segments), options);
  if (options.assertValid === false) return folders;
  // The search may stop short of the last folder (`…/001/alf/x y`): then it is not ALF.
  const name = segments.at(-1) ?? "";
  const named = Object.values(folders).includes(name) || `#${folders.revision}#` === name;
  if (!named) throw new AlfInvalidError(joinSegments(absolute, segments));
  return folders;
}

function partsOf<K extends AlfPart>(
  re: RegExp,
  text: string,
  keys: readonly K[],
  { assertValid = true }: PartsOptions,
): Record<K, string | null> {
  const groups = re.exec(text)?.groups;
  if (!groups && assertValid) throw new AlfInvalidError(text);
  const out = {} as Record<K, string | null>;
  for (const key of keys) out[key] = groups?.[key] ?? null;
  return out;
}

function nullParts<K extends AlfPart>(keys: readonly K[]): Record<K, null> {
  const out = {} as Record<K, null>;
  for (const key of keys) out[key] = null;
  return out;
}

function toPosix(path: string): string {
  return path.replace(/\\/g, "/");
}

/** Components as Python's `pathlib` sees them: empty and `.` components dropped. */
function pathlibSegments(path: string): { absolute: boolean; segments: string[] } {
  const posix = toPosix(path);
  return {
    absolute: posix.startsWith("/"),
    segments: posix.split("/").filter((s) => s !== "" && s !== "."),
  };
}

function joinSegments(absolute: boolean, segments: string[]): string {
  return (absolute ? "/" : "") + segments.join("/");
}

function countPeriods(name: string): number {
  let n = 0;
  for (const c of name) if (c === ".") n++;
  return n;
}

/** Every part name, for callers that iterate parts in ONE's order. */
export { ALF_PARTS };
