// ONE's local `One.search` over the cache tables: which sessions match a set of search terms,
// newest first. Term names may be shortened to any unambiguous prefix, as in ONE.
//
//   searchSessions(sessions, datasets, { subj: "^ZM_", date: ["2019-04-01", "2019-04-10"] });
//   searchSessions(sessions, datasets, { datasets: ["spikes.times.npy"], dataset_qc: "WARNING" });
//
// A list means "any of these", except `datasets`, which means "all of these"; different terms
// must all hold. String terms (subject, laboratory, projects, task_protocol) are Python regular
// expressions searched anywhere in the field, or, with `wildcards: false`, plain substrings:
// that is what ONE's local search does with its `wildcards` flag (it never applies fnmatch here).

import { TroveError } from "../../errors.ts";
import { qcRank, qcValue, type QcLevel } from "../../layout/alf-names.ts";
import { compilePythonRegex } from "./match.ts";
import { compareCodePoints } from "./revisions.ts";
import type { OneDataset, OneSession } from "./tables.ts";

/** A search term that is unknown, ambiguous or has a value ONE would refuse. */
export class OneSearchError extends TroveError {
  override name = "OneSearchError";
}

/** ONE's local search terms, in ONE's order (the order prefixes are completed in). */
export const SEARCH_TERMS = [
  "datasets",
  "date_range",
  "laboratory",
  "number",
  "projects",
  "subject",
  "task_protocol",
  "dataset_qc_lte",
] as const;

export type SearchTermName = (typeof SEARCH_TERMS)[number];

export type DateLike = string | Date;
export type DateRangeTerm = DateLike | readonly (DateLike | null | undefined)[];
type StringTerm = string | readonly string[];
type NumberTerm = number | string | readonly (number | string)[];
type TermValue = StringTerm | NumberTerm | DateRangeTerm | QcLevel | null | undefined;

/** Full term names are typed; any unambiguous prefix (`subj`, `date`, `lab`) is accepted too. */
export interface SearchTerms {
  subject?: StringTerm;
  laboratory?: StringTerm;
  projects?: StringTerm;
  task_protocol?: StringTerm;
  number?: NumberTerm;
  /** One date (the whole day), `[start]`, `[start, end]` (inclusive), null for an open end. */
  date_range?: DateRangeTerm;
  /** Dataset names (Python regexes matched against the whole name, folders left out). */
  datasets?: StringTerm;
  /** A QC level or Alyx value: only datasets at or below it count. */
  dataset_qc_lte?: QcLevel | string | number;
  [prefix: string]: TermValue;
}

export interface SearchOptions {
  /** ONE's `wildcards` flag (default true): regex search; false: plain substring search. */
  wildcards?: boolean;
}

/**
 * ONE's `autocomplete`: the full search term for a prefix (case-insensitive). Throws
 * `OneSearchError` for a prefix of no term or of several.
 */
export function autocompleteTerm(term: string, terms: readonly string[] = SEARCH_TERMS): string {
  const folded = term.toLowerCase();
  if (terms.includes(folded)) return folded;
  const candidates = terms.filter((t) => t.toLowerCase().startsWith(folded));
  if (candidates.length === 0) {
    throw new OneSearchError(`Invalid search term "${folded}"; terms are ${terms.join(", ")}`);
  }
  if (candidates.length > 1) {
    throw new OneSearchError(`Ambiguous search term "${folded}" (${candidates.join(", ")})`);
  }
  return candidates[0];
}

/** ONE's `search`: the matching sessions, sorted by date, subject and number, all descending. */
export function searchSessions(
  sessions: readonly OneSession[],
  datasets: readonly OneDataset[],
  terms: SearchTerms,
  options: SearchOptions = {},
): OneSession[] {
  const queries = completeTerms(terms);
  let found: readonly OneSession[] = sessions;
  for (const [term, value] of inSearchOrder(queries)) {
    // ONE stops at the first empty result, so a later term's bad value is not reported.
    if (found.length === 0) return [];
    found = applyTerm(found, term, value, { datasets, queries, wildcards: options.wildcards ?? true });
  }
  return [...found].sort(newestFirst);
}

function completeTerms(terms: SearchTerms): Map<SearchTermName, TermValue> {
  const queries = new Map<SearchTermName, TermValue>();
  for (const [key, value] of Object.entries(terms)) {
    const term = autocompleteTerm(key) as SearchTermName;
    if (value === undefined || value === null) continue; // TS's way of not passing a term
    queries.set(term, value);
  }
  return queries;
}

const LAST_TERMS: readonly SearchTermName[] = ["date_range", "number", "datasets"];

/** ONE's order: other terms as given, then dates, numbers, and the costly datasets last. */
function inSearchOrder(queries: Map<SearchTermName, TermValue>): [SearchTermName, TermValue][] {
  const rank = (term: SearchTermName) => LAST_TERMS.indexOf(term);
  return [...queries].sort(([a], [b]) => rank(a) - rank(b));
}

interface TermContext {
  datasets: readonly OneDataset[];
  queries: Map<SearchTermName, TermValue>;
  wildcards: boolean;
}

const SESSION_FIELD = {
  subject: "subject",
  laboratory: "lab",
  projects: "projects",
  task_protocol: "task_protocol",
} as const;

function applyTerm(
  sessions: readonly OneSession[],
  term: SearchTermName,
  value: TermValue,
  context: TermContext,
): readonly OneSession[] {
  if (term in SESSION_FIELD) {
    const field = SESSION_FIELD[term as keyof typeof SESSION_FIELD];
    const matches = fieldMatcher(value as StringTerm, context.wildcards);
    return sessions.filter((s) => matches(s[field]));
  }
  if (term === "date_range") {
    const { start, end } = validateDateRange(value as DateRangeTerm)!;
    return sessions.filter((s) => {
      const day = sessionDay(s).getTime();
      return day >= start.getTime() && day <= end.getTime();
    });
  }
  if (term === "number") {
    const numbers = new Set(listOf(value as NumberTerm).map(pythonInt));
    return sessions.filter((s) => numbers.has(s.number));
  }
  if (term === "datasets") return withDatasets(sessions, context, value as StringTerm);
  // dataset_qc_lte alone; with `datasets` it only sets the level those are held to.
  if (context.queries.has("datasets")) return sessions;
  return withDatasets(sessions, context, null);
}

function listOf<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? value : [value as T];
}

/** ONE joins a list with `|`; in substring mode it is treated as the OR it documents. */
function fieldMatcher(value: StringTerm, regexMode: boolean): (field: string) => boolean {
  const queries = listOf(value);
  if (regexMode) {
    const re = compilePythonRegex(queries.join("|"));
    return (field) => re.test(field);
  }
  const needles = queries.length > 0 ? queries : [""];
  return (field) => needles.some((needle) => field.includes(needle));
}

/** Python's `int()` of a number or numeric string, as ONE applies to `number`. */
function pythonInt(value: number | string): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new OneSearchError(`Invalid session number ${value}`);
    return Math.trunc(value);
  }
  if (!/^\s*[+-]?[0-9]+(?:_[0-9]+)*\s*$/.test(value)) {
    throw new OneSearchError(`Invalid session number "${value}"`);
  }
  return Number(value.replace(/_/g, ""));
}

// ---------------------------------------------------------------------------------------------
// Datasets

/**
 * Sessions that have, for every name pattern, an existing dataset whose name (the rel_path's
 * last part) matches it in full and whose QC is at or below `dataset_qc_lte` (default FAIL).
 * `names` null: any existing dataset at or below the level.
 */
function withDatasets(
  sessions: readonly OneSession[],
  context: TermContext,
  names: StringTerm | null,
): OneSession[] {
  const level = qcRank(qcValue((context.queries.get("dataset_qc_lte") as string) ?? "FAIL"));
  const patterns = names === null ? null : listOf(names).map(fullNamePattern);
  const bySession = datasetsBySession(context.datasets, new Set(sessions.map((s) => s.id)));
  return sessions.filter((s) => {
    const rows = bySession.get(s.id);
    if (!rows) return false;
    const usable = rows.filter((d) => d.exists && qcRank(d.qc) <= level);
    if (patterns === null) return usable.length > 0;
    return patterns.every((p) => usable.some((d) => p.test(datasetName(d))));
  });
}

function fullNamePattern(name: string): RegExp {
  return compilePythonRegex(name, { fullMatch: true });
}

function datasetName(dataset: OneDataset): string {
  return dataset.rel_path.slice(dataset.rel_path.lastIndexOf("/") + 1);
}

function datasetsBySession(datasets: readonly OneDataset[], eids: Set<string>) {
  const bySession = new Map<string, OneDataset[]>();
  for (const d of datasets) {
    if (!eids.has(d.eid)) continue;
    const rows = bySession.get(d.eid);
    if (rows) rows.push(d);
    else bySession.set(d.eid, [d]);
  }
  return bySession;
}

// ---------------------------------------------------------------------------------------------
// Dates (ONE compares pandas Timestamps: naive date-times, held here as UTC Dates)

export interface DateRange {
  start: Date;
  end: Date;
}

/** pandas' Timestamp.min and .max to the millisecond: ONE's open ends. */
export const TIMESTAMP_MIN = new Date(-9_223_372_036_854);
export const TIMESTAMP_MAX = new Date(9_223_372_036_854);
const LAST_MS_OF_DAY = 86_400_000 - 1;

/**
 * ONE's `validate_date_range`: one date is that whole day (to 23:59:59.999); `[start]` and
 * `[start, null]` are open above, `[null, end]` below; null in, null out. Strings are ISO dates
 * or date-times without a zone; Dates are read in UTC.
 */
export function validateDateRange(range: DateRangeTerm | null | undefined): DateRange | null {
  if (range == null) return null;
  if (!Array.isArray(range)) {
    const start = toTimestamp(range as DateLike);
    return { start, end: new Date(start.getTime() + LAST_MS_OF_DAY) };
  }
  if (range.length === 1) return { start: boundOr(range[0], TIMESTAMP_MIN), end: TIMESTAMP_MAX };
  if (range.length !== 2) {
    throw new OneSearchError(`A date range is one date or a list of one or two, not ${range.length}`);
  }
  return { start: boundOr(range[0], TIMESTAMP_MIN), end: boundOr(range[1], TIMESTAMP_MAX) };
}

function boundOr(value: DateLike | null | undefined, open: Date): Date {
  return value == null || value === "" ? open : toTimestamp(value);
}

const ISO_DATE_TIME =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?)?$/;

function toTimestamp(value: DateLike): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new OneSearchError("Invalid Date in date range");
    return value;
  }
  const fields = ISO_DATE_TIME.exec(value.trim())?.slice(1);
  const date = fields && calendarDate(fields);
  if (!date) throw new OneSearchError(`Cannot read "${value}" as a date (YYYY-MM-DD[THH:MM[:SS]])`);
  return date;
}

/** The date of the parsed fields, or null when one is out of range (Date would roll it over). */
function calendarDate(fields: (string | undefined)[]): Date | null {
  const [y, mo, d, h, mi, s] = fields.slice(0, 6).map((f) => Number(f ?? 0));
  const ms = Number((fields[6] ?? "").padEnd(3, "0").slice(0, 3));
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  date.setUTCFullYear(y); // Date.UTC reads years 0-99 as 1900-1999
  const read = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(),
    date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  return read.every((v, i) => v === [y, mo, d, h, mi, s][i]) ? date : null;
}

function sessionDay(session: OneSession): Date {
  return toTimestamp(session.date);
}

/** ONE's `sort_values(['date', 'subject', 'number'], ascending=False)`; ties keep their order. */
function newestFirst(a: OneSession, b: OneSession): number {
  return (
    compareCodePoints(b.date, a.date) || compareCodePoints(b.subject, a.subject) || b.number - a.number
  );
}
