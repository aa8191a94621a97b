// ONE's choice of one revision per dataset (`one.util.filter_revision_last_before` and
// `index_last_before`), and the ALF errors ONE raises while filtering datasets.
//
//   indexLastBefore(["2021-01-01", "2020-08-01", "", "2020-09-30"], "2020-09-15")  // 1
//   const { datasets, warnings } = filterRevisionLastBefore(rows, { revision: "2020-09-06" });
//
// Revisions compare as strings (ONE: "ordered lexicographically"), by code point as Python does,
// so `""` (no revision folder) comes before every named revision.

import { TroveError } from "../../errors.ts";
import { relPathParts } from "../../layout/alf-names.ts";
import type { OneDataset } from "./tables.ts";

/** ONE's `ALFError`: a dataset query whose answer is ambiguous or impossible. */
export class AlfFilterError extends TroveError {
  override name = "AlfFilterError";
  /** ONE's general explanation of the error class, after the specific message. */
  static explanation = "";

  constructor(detail: string) {
    const { explanation } = new.target as typeof AlfFilterError;
    super(explanation ? `${detail}\n${explanation}` : detail);
  }
}

/** ONE's `ALFMultipleCollectionsFound`. */
export class AlfMultipleCollectionsError extends AlfFilterError {
  override name = "AlfMultipleCollectionsError";
  static override explanation =
    "The matching object/file(s) belong to more than one collection. ALF names have the " +
    "pattern collection/(_namespace_)object.attribute(_timescale).extension, e.g. for the " +
    'file "alf/probe01/spikes.times.npy" the collection is "alf/probe01"';
}

/** ONE's `ALFMultipleObjectsFound`. */
export class AlfMultipleObjectsError extends AlfFilterError {
  override name = "AlfMultipleObjectsError";
  static override explanation =
    "Dataset files belonging to more than one object found. ALF names have the pattern " +
    '(_namespace_)object.attribute(_timescale).extension, e.g. for the file ' +
    '"_ibl_trials.intervals.npy" the object is "trials"';
}

/** ONE's `ALFMultipleRevisionsFound`. */
export class AlfMultipleRevisionsError extends AlfFilterError {
  override name = "AlfMultipleRevisionsError";
  static override explanation =
    "The matching object/file(s) belong to more than one revision. Multiple datasets in " +
    "different revision folders were found with no default specified.";
}

/** ONE's way of listing names in these errors and warnings: `"a", "b"`. */
export function quotedList(items: Iterable<string>): string {
  return `"${Array.from(items).join('", "')}"`;
}

/** Python's `str` ordering (code points), which differs from `<` on UTF-16 past U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const diff = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (diff !== 0) return diff;
  }
}

/**
 * ONE's `index_last_before`: the index in `revisions` of the greatest revision `<= revision`
 * (first occurrence), of the greatest overall when `revision` is null, or null when none is.
 */
export function indexLastBefore(
  revisions: readonly string[],
  revision: string | null | undefined,
): number | null {
  if (revisions.length === 0) return null;
  let best: number | null = null;
  for (let i = 0; i < revisions.length; i++) {
    const eligible = revision == null || compareCodePoints(revisions[i], revision) <= 0;
    if (eligible && (best === null || compareCodePoints(revisions[i], revisions[best]) > 0)) {
      best = i;
    }
  }
  return best;
}

/** The revision folder's name without `#`s, `""` when there is none (ONE's `revision` column). */
export function revisionOf(relPath: string): string {
  return relPathParts(relPath).revision ?? "";
}

export interface RevisionChoiceOptions {
  /** The revision to match or precede; null/undefined: the default revision, else the latest. */
  revision?: string | null;
  /** Throw when a dataset has several default revisions (ONE's default: true). */
  assertUnique?: boolean;
  /** Throw, instead of warning, when the chosen revisions differ between datasets. */
  assertConsistent?: boolean;
}

export interface RevisionChoice {
  /** At most one row per dataset, ordered by the dataset's path without its revision. */
  datasets: OneDataset[];
  /** ONE's ALFWarnings, each message once. */
  warnings: string[];
}

/**
 * ONE's `filter_revision_last_before`: per dataset (rows grouped by rel_path without its
 * `#revision#/`), the row of the default revision when no revision is asked for and exactly one
 * row is marked default, else the last revision before `revision`.
 *
 * "Marked default" follows `default_revision`, which only Alyx caches carry: the column is taken
 * to exist when any row has the field, and a null there counts as false.
 */
export function filterRevisionLastBefore(
  datasets: readonly OneDataset[],
  options: RevisionChoiceOptions = {},
): RevisionChoice {
  const { revision = null, assertUnique = true, assertConsistent = false } = options;
  const hasDefaultColumn = datasets.some((d) => d.default_revision !== undefined);
  const warnings = new Set<string>();
  const chosen: OneDataset[] = [];
  for (const group of groupByPathWithoutRevision(datasets)) {
    const pick = pickRevision(group, revision, hasDefaultColumn, assertUnique, warnings);
    if (pick) chosen.push(pick);
  }
  const revisions = new Set(chosen.map((d) => revisionOf(d.rel_path)));
  if (revisions.size > 1) {
    const list = quotedList(revisions);
    if (assertConsistent) throw new AlfMultipleRevisionsError(list);
    warnings.add(`Multiple revisions: ${list}`);
  }
  return { datasets: chosen, warnings: [...warnings] };
}

function pickRevision(
  group: OneDataset[],
  revision: string | null,
  hasDefaultColumn: boolean,
  assertUnique: boolean,
  warnings: Set<string>,
): OneDataset | null {
  if (revision === null) {
    if (hasDefaultColumn) {
      const defaults = group.filter((d) => d.default_revision === true);
      if (assertUnique && defaults.length > 1) {
        throw new AlfMultipleRevisionsError(quotedList(defaults.map((d) => revisionOf(d.rel_path))));
      }
      if (defaults.length === 1) return defaults[0];
      // Reached from load_datasets in ONE: not the default, but the only revision there is.
      if (group.length === 1) return group[0];
    }
    warnings.add(`No default revision for dataset ${group[0].rel_path}; using most recent`);
  }
  const index = indexLastBefore(group.map((d) => revisionOf(d.rel_path)), revision);
  return index === null ? null : group[index];
}

const REVISION_FOLDER = /#.*#\//g;

/** pandas' `groupby` of ONE: groups in sorted key order, rows in table order within each. */
function groupByPathWithoutRevision(datasets: readonly OneDataset[]): OneDataset[][] {
  const groups = new Map<string, OneDataset[]>();
  for (const d of datasets) {
    const key = d.rel_path.replace(REVISION_FOLDER, "");
    const group = groups.get(key);
    if (group) group.push(d);
    else groups.set(key, [d]);
  }
  return [...groups.keys()].sort(compareCodePoints).map((key) => groups.get(key)!);
}
